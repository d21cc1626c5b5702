import { fold } from 'fp-ts/lib/Either.js';
import { pipe } from 'fp-ts/lib/function.js';
import * as t from 'io-ts';
import {
  FuturesMultiCancelRequest,
  FuturesMultiOrderRequest,
  formatIssues,
  listOf,
  strictObject,
  toIssues,
  SubmitHFOrderRequest,
} from '../../src/codecs';

const explain =
  (codec: t.Decoder<unknown, unknown>) =>
  (value: unknown): string =>
    pipe(
      codec.decode(value),
      fold(
        (errors) => formatIssues(toIssues(errors)),
        () => 'ok',
      ),
    );
const rules = explain(SubmitHFOrderRequest);

describe('SubmitHFOrderRequest', () => {
  it('accepts kucoin-api’s example', () => {
    expect(rules({ side: 'buy', symbol: 'BTC-USDT', type: 'limit', price: '20000', size: '0.0001' })).toBe(
      'ok',
    );
  });

  it('names the field and the rule of each broken cross-field rule', () => {
    expect(rules({ side: 'buy', symbol: 'BTC-USDT', type: 'limit', size: '1' })).toBe(
      'price: is required for limit orders',
    );
    expect(rules({ side: 'buy', symbol: 'BTC-USDT', type: 'market', size: '1', funds: '2' })).toBe(
      'funds: market orders take size or funds, not both',
    );
  });

  it('rejects unknown fields, prototype keys and exponent numbers', () => {
    expect(
      rules(JSON.parse('{"side":"buy","symbol":"BTC-USDT","type":"market","funds":"1","__proto__":{}}')),
    ).toBe('__proto__: is not a field of this request');
    expect(rules({ side: 'buy', symbol: 'BTC-USDT', type: 'limit', price: '1e5', size: '1' })).toMatch(
      /^price: /,
    );
  });
});

describe('strictObject and listOf say what they are made of', () => {
  it('carries its tag, its required and optional fields, and all of them as props', () => {
    const Pair = strictObject('Pair', { a: t.string }, { b: t.number });
    expect(Pair._tag).toBe('StrictObjectType');
    expect(Object.keys(Pair.required)).toEqual(['a']);
    expect(Object.keys(Pair.optional)).toEqual(['b']);
    expect(Object.keys(Pair.props).sort()).toEqual(['a', 'b']);
    expect(Pair.props.b).toBe(t.number);
    expect(Pair).toBeInstanceOf(t.Type);
    expect(SubmitHFOrderRequest._tag).toBe('StrictObjectType');
    expect(Object.keys(SubmitHFOrderRequest.required).sort()).toEqual(['side', 'symbol', 'type']);
  });

  it('a list carries its tag, item codec and bounds', () => {
    const Names = listOf(t.string, 1, 3);
    expect([Names._tag, Names.type, Names.min, Names.max]).toEqual(['ListType', t.string, 1, 3]);
    expect(FuturesMultiOrderRequest._tag).toBe('ListType');
  });

  it('the reporter names fields and indices, never union or intersection members', () => {
    const Inner = strictObject('Inner', { n: t.number }, {});
    const Shape = t.intersection([
      t.type({ list: listOf(Inner, 1, 5) }),
      t.partial({ pick: t.union([t.string, Inner]) }),
    ]);
    expect(explain(Shape)({ list: [{ n: 1 }, { n: 'x' }], pick: { n: 1, z: 2 } })).toBe(
      'list.1.n: must be number; pick: must be string; pick.z: is not a field of this request',
    );
    expect(explain(FuturesMultiOrderRequest)([{ side: 'buy' }])).toMatch(/^0\.symbol: is required/);
    expect(explain(FuturesMultiCancelRequest)({ orderIdsList: [''] })).toMatch(/^orderIdsList\.0: /);
  });
});
