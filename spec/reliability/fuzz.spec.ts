/**
 * Fuzzed input (fast-check): for every one of the eleven operations, at least 1,000 runs of
 * request parameters — valid (built from the rules), almost valid (one field set to a value
 * its rule rejects, or an unknown key added), and hostile (wrong types, huge strings, NaN,
 * ±Infinity, -0, BigInt, negative and exponent-notation numbers, nested objects, sparse
 * arrays, arrays where objects go, own `__proto__` / `constructor` / `prototype` keys as
 * JSON.parse makes them, and in-process traps: inherited toJSON, getters, Proxies).
 *
 * The property, against one simulator (ack mode: every request its validator accepts is
 * answered 200000) and one client: each call ends in a ValidationError with NOTHING on the
 * wire, or in a frame the simulator's own validator accepts. Never a 400100/100001, a
 * synchronous throw, or a hang. Valid parameters are never refused, almost-valid ones always
 * are (naming the field), and the caller's object is never mutated.
 * Replay with FUZZ_SEED=<seed>; FUZZ_RUNS sets the runs per operation (default 1000).
 */
import fc from 'fast-check';
import { OPERATIONS, ValidationError, type MethodName, type WSAPIResponse, type WsApiCall } from '../../src';
import { futuresBuy, limitBuy, useHarness } from '../client/harness';
import { BAD, FIELDS, fingerprint, hostileValue, ownObject, valid } from '../support/request-arbitraries';
import { settle } from '../support/reliability';

const SEED = Number(process.env.FUZZ_SEED ?? '20261125');
const RUNS = Number(process.env.FUZZ_RUNS ?? '1000');

const h = useHarness();

type Params = Record<string, unknown>;
const isObject = (u: unknown): u is Params => typeof u === 'object' && u !== null && !Array.isArray(u);

/** One generated input, and what the rules say must happen to it. */
interface Input {
  readonly params: unknown;
  /** 'accept': valid by every rule; 'reject': breaks a rule (of `field`, when known); 'any': either. */
  readonly expect: 'accept' | 'reject' | 'any';
  readonly field?: string;
  /** Plain data: its deep copy must equal it after the call. False for getters and Proxies. */
  readonly comparable: boolean;
  readonly kind: string;
}

/** Sets (or adds) one field of an object or of one order of a batch to `value`. */
function withField(params: unknown, path: readonly (string | number)[], value: unknown): unknown {
  const [head, ...rest] = path;
  if (Array.isArray(params)) {
    const copy = [...params];
    copy[head as number] = rest.length === 0 ? value : withField(copy[head as number], rest, value);
    return copy;
  }
  const copy = { ...(params as Params) };
  copy[head as string] = rest.length === 0 ? value : withField(copy[head as string], rest, value);
  return copy;
}

function almostValid(method: MethodName): fc.Arbitrary<Input> {
  const fields = Object.keys(FIELDS[method]);
  const batch = method === 'submitMultipleFuturesOrders';
  const badField = fc
    .tuple(valid[method], fc.constantFrom(...fields), fc.nat(), fc.nat())
    .map(([params, field, pick, at]): Input => {
      const bad = BAD[FIELDS[method][field]];
      const value = bad[pick % bad.length];
      if (batch) {
        const i = at % (params as unknown[]).length;
        return {
          params: withField(params, [i, field], value),
          expect: 'reject',
          field: `${i}.${field}`,
          comparable: true,
          kind: 'almost: bad field',
        };
      }
      return {
        params: withField(params, [field], value),
        expect: 'reject',
        field,
        comparable: true,
        kind: 'almost: bad field',
      };
    });
  const unknownKey = fc
    .tuple(
      valid[method],
      fc.constantFrom(
        '__proto__',
        'constructor',
        'prototype',
        'toJSON',
        'timeinforce',
        'clientoid',
        'args',
        '',
      ),
      fc.nat(),
    )
    .map(([params, key, at]): Input => {
      // Defined as an own key, as JSON.parse would: `__proto__` must not become the prototype.
      const add = (o: Params) => ownObject([...Object.entries(o), [key, { polluted: 'yes' }]]);
      if (batch) {
        const list = [...(params as Params[])];
        const i = at % list.length;
        list[i] = add(list[i]);
        return {
          params: list,
          expect: 'reject',
          field: `${i}.${key}`,
          comparable: true,
          kind: 'almost: unknown key',
        };
      }
      return {
        params: add(params as Params),
        expect: 'reject',
        field: key,
        comparable: true,
        kind: 'almost: unknown key',
      };
    });
  const missingField = fc.tuple(valid[method], fc.nat()).map(([params, at]): Input => {
    // Dropping a field may or may not break a rule: only the general property applies.
    const target = batch ? (params as Params[])[0] : (params as Params);
    const keys = Object.keys(target);
    const copy = { ...target };
    delete copy[keys[at % keys.length]];
    return {
      params: batch ? [copy, ...(params as Params[]).slice(1)] : copy,
      expect: 'any',
      comparable: true,
      kind: 'almost: missing field',
    };
  });
  return fc.oneof(badField, badField, unknownKey, missingField);
}

/** JSON text of a valid sample with a prototype-pollution payload spliced in, then parsed. */
function pollutedJson(method: MethodName): fc.Arbitrary<Input> {
  return fc
    .tuple(
      valid[method],
      fc.constantFrom(
        '"__proto__":{"polluted":"yes","isAdmin":true}',
        '"constructor":{"prototype":{"polluted":"yes"}}',
        '"prototype":{"polluted":"yes"}',
        '"__proto__":null',
        '"__proto__":[1,2]',
      ),
    )
    .map(([params, payload]): Input => {
      const json = JSON.stringify(params);
      const text =
        json.startsWith('[') && json.length > 2
          ? `[{${payload},${json.slice(2)}`
          : json.startsWith('{') && json.length > 2
            ? `{${payload},${json.slice(1)}`
            : json;
      return { params: JSON.parse(text), expect: 'reject', comparable: true, kind: 'hostile: polluted JSON' };
    });
}

function hostile(method: MethodName): fc.Arbitrary<Input> {
  const fields = Object.keys(FIELDS[method]);
  const anything = hostileValue.map((params): Input => ({
    params,
    expect: 'any',
    comparable: true,
    kind: 'hostile: anything',
  }));
  // The operation's own field names with hostile values: the shape is right, the values are not.
  const fieldsOfOp = fc
    .array(fc.tuple(fc.constantFrom(...fields), hostileValue), { minLength: 1, maxLength: 6 })
    .map((entries): Input => ({
      params: ownObject(entries),
      expect: 'any',
      comparable: true,
      kind: 'hostile: op fields',
    }));
  // A valid sample with one to three fields replaced by hostile values.
  const spoiled = fc
    .tuple(
      valid[method],
      fc.array(fc.tuple(fc.constantFrom(...fields), hostileValue), { minLength: 1, maxLength: 3 }),
      fc.nat(),
    )
    .map(([params, entries, at]): Input => {
      let p: unknown = params;
      for (const [field, value] of entries) {
        p = Array.isArray(p) ? withField(p, [at % p.length, field], value) : withField(p, [field], value);
      }
      return { params: p, expect: 'any', comparable: true, kind: 'hostile: spoiled' };
    });
  // Arrays where objects go, objects where arrays go, sparse arrays of valid items.
  const wrongContainer = fc.tuple(valid[method], fc.nat({ max: 3 })).map(([params, how]): Input => {
    let p: unknown;
    if (how === 0) p = [params];
    else if (how === 1) p = Array.isArray(params) ? { ...params } : { 0: params };
    else if (how === 2) {
      const sparse: unknown[] = [];
      sparse[3] = Array.isArray(params) ? params[0] : params; // holes before a valid item
      p = sparse;
    } else {
      p = Array.isArray(params) ? new Array(params.length) : params; // only holes
    }
    return {
      params: p,
      expect: how === 3 && !Array.isArray(params) ? 'accept' : 'any',
      comparable: true,
      kind: 'hostile: container',
    };
  });
  return fc.oneof(
    anything,
    fieldsOfOp,
    spoiled,
    spoiled,
    wrongContainer,
    pollutedJson(method),
    inProcess(method),
  );
}

/** Lists inside the parameters get holes: `orderIdsList: [ , 'a']`. */
function withHoles(params: unknown): unknown {
  if (!isObject(params)) return params;
  const out: Params = { ...params };
  for (const [k, v] of Object.entries(params)) {
    if (Array.isArray(v) && v.length > 0) {
      const holed: unknown[] = [];
      holed[v.length] = v[0];
      out[k] = holed;
    }
  }
  return out;
}

/** Traps only in-process callers can set: what is validated must be what is sent. */
function inProcess(method: MethodName): fc.Arbitrary<Input> {
  return fc.tuple(valid[method], fc.nat({ max: 6 })).map(([params, how]): Input => {
    const target = Array.isArray(params) ? (params[0] as Params) : (params as Params);
    const fields = Object.keys(target);
    const field = fields[0];
    switch (how) {
      case 0: {
        // A class instance whose toJSON (inherited) would send something else entirely.
        class Order {
          toJSON(): unknown {
            return { side: 'buy', symbol: 'btc usdt', price: '-1', size: '1e9' };
          }
        }
        const o = Object.assign(new Order(), target);
        return {
          params: Array.isArray(params) ? [o, ...params.slice(1)] : o,
          expect: 'any',
          comparable: false,
          kind: 'in-process: inherited toJSON',
        };
      }
      case 1: {
        // A getter that is valid when read first and invalid afterwards.
        let reads = 0;
        const value = target[field];
        const o = { ...target };
        Object.defineProperty(o, field, {
          enumerable: true,
          get: () => (reads++ < 1 ? value : { not: 'valid' }),
        });
        return {
          params: Array.isArray(params) ? [o, ...params.slice(1)] : o,
          expect: 'any',
          comparable: false,
          kind: 'in-process: changing getter',
        };
      }
      case 2: {
        const o = { ...target };
        Object.defineProperty(o, field, {
          enumerable: true,
          get: () => {
            throw new Error('getter trap');
          },
        });
        return {
          params: Array.isArray(params) ? [o, ...params.slice(1)] : o,
          expect: 'any',
          comparable: false,
          kind: 'in-process: throwing getter',
        };
      }
      case 3: {
        // A Proxy that answers differently on each read of the same field.
        let reads = 0;
        const o = new Proxy(
          { ...target },
          {
            get: (t, k, r) => (k === field && reads++ > 0 ? 'not valid at all' : Reflect.get(t, k, r)),
          },
        );
        return {
          params: Array.isArray(params) ? [o, ...params.slice(1)] : o,
          expect: 'any',
          comparable: false,
          kind: 'in-process: proxy',
        };
      }
      case 4: {
        // An array with its own toJSON, where a list goes.
        const list = Array.isArray(params) ? [...params] : undefined;
        if (list !== undefined) {
          Object.defineProperty(list, 'toJSON', { value: () => [{ symbol: 'bad symbol' }] });
          return { params: list, expect: 'any', comparable: false, kind: 'in-process: array toJSON' };
        }
        return {
          params: withHoles(params),
          expect: 'any',
          comparable: true,
          kind: 'hostile: holes in lists',
        };
      }
      case 5:
        // Frozen valid parameters: accepted, and nothing tries to write into them.
        return {
          params: Object.freeze(
            Array.isArray(params) ? params.map((p) => Object.freeze({ ...(p as Params) })) : { ...target },
          ),
          expect: 'accept',
          comparable: true,
          kind: 'in-process: frozen',
        };
      default:
        // Valid fields on a null-prototype object: plain data, accepted.
        return {
          params: Array.isArray(params) ? params : Object.assign(Object.create(null) as Params, target),
          expect: 'accept',
          comparable: true,
          kind: 'in-process: null prototype',
        };
    }
  });
}

function inputs(method: MethodName): fc.Arbitrary<Input> {
  const validInput = valid[method].map((params): Input => ({
    params,
    expect: 'accept',
    comparable: true,
    kind: 'valid',
  }));
  return fc.oneof(validInput, validInput, almostValid(method), almostValid(method), hostile(method));
}

/** Request ids and how often the simulator received each (the client writes `{"id":"…",` first). */
function framesById(frames: ReadonlyArray<{ text: string }>): Map<string, number> {
  const counts = new Map<string, number>();
  for (const { text } of frames) {
    const id = /^\{"id":"([^"]+)"/.exec(text)?.[1];
    if (id !== undefined) counts.set(id, (counts.get(id) ?? 0) + 1);
  }
  return counts;
}

describe(`fuzzed input (fast-check, ${RUNS} runs per operation, seed ${SEED})`, () => {
  it('each call ends in a ValidationError with nothing sent, or in a frame the simulator accepts', async () => {
    const sim = await h.sim({ mode: 'ack', rateLimit: { limit: 100_000_000, windowMs: 60_000 } });
    const client = h.client(sim, { requestTimeoutMs: 10_000 });
    await client.connect();
    await client.connect('wsApiFuturesV1');
    const protoKeys = Object.getOwnPropertyNames(Object.prototype).length;
    const summary: Record<string, Record<string, number>> = {};

    for (const method of Object.keys(OPERATIONS) as MethodName[]) {
      const rejected: string[] = [];
      const answered: string[] = [];
      const kinds: Record<string, number> = {};
      await fc.assert(
        fc.asyncProperty(inputs(method), async (input) => {
          kinds[input.kind] = (kinds[input.kind] ?? 0) + 1;
          const before = input.comparable ? fingerprint(input.params) : undefined;
          let call: WsApiCall<unknown>;
          try {
            call = client.request(method, input.params as never) as WsApiCall<unknown>;
          } catch (e) {
            throw new Error(`${method} threw synchronously instead of returning a call: ${String(e)}`);
          }
          const outcome = await settle(call);
          if (input.comparable) expect(fingerprint(input.params)).toBe(before);
          if (outcome instanceof ValidationError) {
            expect(call.sent).toBe(false);
            expect(outcome.issues.length).toBeGreaterThan(0);
            expectShortAndPrintable(outcome);
            expect(input.expect).not.toBe('accept');
            if (input.field !== undefined)
              expect(outcome.issues.map((i) => i.field)).toEqual(
                expect.arrayContaining([expect.stringMatching(new RegExp(`^${escape(input.field)}(\\.|$)`))]),
              );
            rejected.push(call.id);
            return;
          }
          // Anything else must be the simulator's acceptance (ack mode answers 200000).
          expect((outcome as WSAPIResponse).code).toBe('200000');
          expect(input.expect).not.toBe('reject');
          answered.push(call.id);
        }),
        { numRuns: RUNS, seed: SEED, endOnFailure: false },
      );
      // A probe per connection: answers come in order, so anything written before is in.
      await Promise.all([client.submitNewSpotOrder(limitBuy()), client.submitFuturesOrder(futuresBuy())]);
      const counts = framesById(sim.framesReceived());
      for (const id of rejected) expect(counts.get(id) ?? 0).toBe(0);
      for (const id of answered) expect(counts.get(id)).toBe(1);
      summary[method] = {
        runs: rejected.length + answered.length,
        rejected: rejected.length,
        sent: answered.length,
      };
      expect(rejected.length + answered.length).toBeGreaterThanOrEqual(RUNS);
    }
    // Nothing reached Object.prototype.
    expect(Object.getOwnPropertyNames(Object.prototype)).toHaveLength(protoKeys);
    expect(({} as Params).polluted).toBeUndefined();
    console.log(`fuzz (seed ${SEED}): ${JSON.stringify(summary)}`);
  }, 120_000);
});

describe('almost valid, exhaustively: every field of every operation with every value its rule rejects', () => {
  it('is refused with a ValidationError naming the field, and nothing is sent', async () => {
    const sim = await h.sim({ mode: 'ack', rateLimit: { limit: 100_000_000, windowMs: 60_000 } });
    const client = h.client(sim, { requestTimeoutMs: 10_000 });
    const wrongly: string[] = [];
    let checked = 0;
    for (const method of Object.keys(OPERATIONS) as MethodName[]) {
      const [base] = fc.sample(valid[method], { numRuns: 1, seed: SEED });
      for (const [field, kind] of Object.entries(FIELDS[method])) {
        for (const value of BAD[kind]) {
          const batch = method === 'submitMultipleFuturesOrders';
          const params = withField(base, batch ? [0, field] : [field], value);
          const call = client.request(method, params as never) as WsApiCall<unknown>;
          const outcome = await settle(call);
          checked++;
          const path = batch ? `0.${field}` : field;
          const named =
            outcome instanceof ValidationError &&
            outcome.issues.some((i) => i.field === path || i.field.startsWith(`${path}.`));
          if (!named || call.sent) wrongly.push(`${method} ${field}=${fingerprint(value).slice(0, 40)}`);
        }
      }
    }
    expect(wrongly).toEqual([]);
    const expected = Object.values(FIELDS)
      .flatMap((fields) => Object.values(fields))
      .reduce((n, kind) => n + BAD[kind].length, 0);
    expect(checked).toBe(expected);
    console.log(`almost valid, exhaustively: ${checked} field/value pairs refused`);
    expect(sim.countFrames(() => true)).toBe(0);
  });
});

/**
 * Errors end up in logs: whatever keys the input had, the message stays short and on one
 * line (a key may be megabytes long, or carry a newline and a forged log line).
 */
function expectShortAndPrintable(error: ValidationError): void {
  expect(error.message.length).toBeLessThanOrEqual(4_096);
  // eslint-disable-next-line no-control-regex -- finding control characters is the point
  expect(error.message).not.toMatch(/[\u0000-\u001f\u007f-\u009f\u2028\u2029]/);
  expect(error.issues.length).toBeLessThanOrEqual(25);
}

describe('validation errors of hostile input stay short and printable', () => {
  it('a 100,000-character key, a key with a forged log line, and 5,000 unknown keys', async () => {
    const sim = await h.sim({ mode: 'ack' });
    const client = h.client(sim);
    const entries: Array<[string, unknown]> = [
      ['symbol', 'BTC-USDT'],
      ['orderId', 'o-1'],
      ['k'.repeat(100_000), 1],
      ['x\n[kucoin-wsapi-rx] wsApiSpotV1: authenticated', 1],
    ];
    for (let i = 0; i < 5_000; i++) entries.push([`unknown${i}`, i]);
    const error = await settle(client.cancelSpotOrder(ownObject(entries) as never));
    expect(error).toBeInstanceOf(ValidationError);
    expectShortAndPrintable(error as ValidationError);
    expect(JSON.stringify(error).length).toBeLessThanOrEqual(8_192);
    // Still useful: the first unknown keys are named, and the rest counted.
    const fields = (error as ValidationError).issues.map((i) => i.field);
    expect(fields[0]).toMatch(/^k{64}…$/);
    expect(fields[1]).toBe('x\\u000a[kucoin-wsapi-rx] wsApiSpotV1: authenticated');
    expect((error as ValidationError).message).toMatch(/4983 more issues/);
    expect(sim.countFrames(() => true)).toBe(0);
  });
});

/** A field path as a literal RegExp. */
function escape(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
