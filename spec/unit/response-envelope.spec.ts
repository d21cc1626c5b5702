import { isLeft } from 'fp-ts/lib/Either.js';
import fc from 'fast-check';
import { Answer, ResponseEnvelope } from '../../src/codecs/envelope';
import { FastAnswer, isAnswer, isResponseEnvelope } from '../../src/rpc/response-envelope';

const field = fc.oneof(
  fc.string(),
  fc.integer(),
  fc.double(),
  fc.boolean(),
  fc.constant(null),
  fc.constant(undefined),
);
const rateLimit = fc.oneof(
  fc.record({ limit: fc.integer(), reset: fc.integer(), remaining: fc.integer() }),
  fc.record({ limit: field, reset: field, remaining: field }, { requiredKeys: [] }),
  fc.array(fc.integer()),
  field,
);
const envelopeLike = fc.record(
  {
    id: field,
    op: field,
    code: fc.oneof(fc.constantFrom('200000', '429000'), field),
    msg: field,
    data: fc.jsonValue(),
    inTime: field,
    outTime: field,
    rateLimit,
  },
  { requiredKeys: [] },
);

describe('isResponseEnvelope (the hot-path envelope check)', () => {
  it('agrees with ResponseEnvelope.is on envelope-like values', () => {
    fc.assert(
      fc.property(envelopeLike, (v) => isResponseEnvelope(v) === ResponseEnvelope.is(v)),
      { numRuns: 5_000 },
    );
  });

  it('agrees with ResponseEnvelope.is on any JSON', () => {
    fc.assert(
      fc.property(fc.jsonValue(), (v) => isResponseEnvelope(v) === ResponseEnvelope.is(v)),
      { numRuns: 2_000 },
    );
  });

  it('accepts the docs/protocol.md example and rejects the simulator’s wrong-shape frame', () => {
    const example = JSON.parse(
      '{"id":"request-001","op":"spot.order","code":"200000","data":{"orderId":"670fd33bf9406e0007ab3945","clientOid":"5c52e11203aa677f33e493fb"},"inTime":1695190491421,"outTime":1695190491422,"rateLimit":{"limit":1600,"reset":15244,"remaining":1528}}',
    );
    expect(FastAnswer.is(example)).toBe(true);
    const wrong = JSON.parse('{"id":3,"op":42,"code":200000,"data":"?","inTime":"1"}');
    expect(FastAnswer.is(wrong)).toBe(false);
    expect(isLeft(FastAnswer.decode(wrong))).toBe(true);
  });
});

describe('isAnswer (the hot-path answer check)', () => {
  it('agrees with Answer.is on envelope-like values', () => {
    fc.assert(
      fc.property(envelopeLike, (v) => isAnswer(v) === Answer.is(v)),
      { numRuns: 5_000 },
    );
  });

  it('agrees with Answer.is on any JSON', () => {
    fc.assert(
      fc.property(fc.jsonValue(), (v) => isAnswer(v) === Answer.is(v)),
      { numRuns: 2_000 },
    );
  });

  it('requires finite inTime and outTime; op is optional', () => {
    const base = { id: '1', code: '200000', inTime: 1, outTime: 2 };
    expect(isAnswer(base)).toBe(true);
    expect(isAnswer({ ...base, inTime: undefined })).toBe(false);
    expect(isAnswer({ ...base, outTime: Number.POSITIVE_INFINITY })).toBe(false);
    expect(Answer.is({ ...base, outTime: Number.NaN })).toBe(false);
  });
});
