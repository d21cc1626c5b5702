import { formatIssues, toIssues, SubmitHFOrderRequest } from '../../src/codecs';

function rules(value: unknown): string {
  const r = SubmitHFOrderRequest.decode(value);
  return r._tag === 'Right' ? 'ok' : formatIssues(toIssues(r.left));
}

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
