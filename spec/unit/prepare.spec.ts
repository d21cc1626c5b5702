import { OPERATIONS } from '../../src/operations';
import { prepareRequest, requestFrame } from '../../src/rpc/prepare';

let n = 0;
const oid = () => `gen-${++n}`;
beforeEach(() => (n = 0));

const order = { side: 'buy', symbol: 'BTC-USDT', type: 'limit', price: '20000', size: '0.0001' } as const;

describe('prepareRequest', () => {
  it("fills a missing clientOid on a copy and leaves the caller's object alone", () => {
    const params = { ...order };
    const p = prepareRequest(OPERATIONS.submitNewSpotOrder, params, oid);
    expect(p.ok).toBe(true);
    expect(p.clientOid).toBe('gen-1');
    expect(p.ok && p.args).toEqual({ ...order, clientOid: 'gen-1' });
    expect(params).toEqual(order);
    expect('clientOid' in params).toBe(false);
  });

  it('keeps a given clientOid and does not copy', () => {
    const params = { ...order, clientOid: 'mine' };
    const p = prepareRequest(OPERATIONS.submitNewSpotOrder, params, oid);
    expect(p.ok && p.args).toBe(params);
    expect(p.clientOid).toBe('mine');
    expect(n).toBe(0);
  });

  it('uses crypto.randomUUID by default (a UUID is a valid clientOid)', () => {
    const p = prepareRequest(OPERATIONS.submitMarginOrder, {
      side: 'buy',
      symbol: 'BTC-USDT',
      price: '1',
      size: '1',
    });
    expect(p.ok).toBe(true);
    expect(p.clientOid).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/);
  });

  it('fills each order of a batch, copying only the ones that need it', () => {
    const a = { side: 'buy', symbol: 'XBTUSDTM', price: '1', size: 1, clientOid: 'a' } as const;
    const b = { side: 'sell', symbol: 'XBTUSDTM', price: '2', size: 1 } as const;
    const batch = [a, b];
    const p = prepareRequest(OPERATIONS.submitMultipleFuturesOrders, batch, oid);
    expect(p.ok).toBe(true);
    const args = (p.ok ? p.args : []) as Array<Record<string, unknown>>;
    expect(args[0]).toBe(a);
    expect(args[1]).toEqual({ ...b, clientOid: 'gen-1' });
    expect(p.clientOids).toEqual(['a', 'gen-1']);
    expect(batch[1]).toBe(b);
    expect('clientOid' in b).toBe(false);
  });

  it('never invents a clientOid for lookups (cancel/modify)', () => {
    const p = prepareRequest(OPERATIONS.cancelSpotOrder, { symbol: 'BTC-USDT' }, oid);
    expect(p.ok).toBe(false);
    expect(n).toBe(0);
    expect(p.ok ? [] : p.issues).toEqual([{ field: 'orderId', rule: 'orderId or clientOid is required' }]);
    const q = prepareRequest(OPERATIONS.cancelSpotOrder, { symbol: 'BTC-USDT', clientOid: 'x' }, oid);
    expect(q.clientOid).toBe('x');
  });

  it('validates after filling: a bad given clientOid is reported with its rule', () => {
    const p = prepareRequest(OPERATIONS.submitNewSpotOrder, { ...order, clientOid: 'has space' }, oid);
    expect(p.ok).toBe(false);
    expect(p.ok ? [] : p.issues.map((i) => i.field)).toEqual(['clientOid']);
  });

  it('rejects non-objects without throwing', () => {
    for (const bad of [null, undefined, 42, 'x', [order]]) {
      const p = prepareRequest(OPERATIONS.submitNewSpotOrder, bad, oid);
      expect(p.ok).toBe(false);
    }
  });
});

describe('requestFrame', () => {
  it('builds the PROTOCOL.md §4 request frame', () => {
    const text = requestFrame('12', 'spot.cancel', { symbol: 'BTC-USDT', orderId: 'o"1' });
    expect(JSON.parse(text)).toEqual({
      id: '12',
      op: 'spot.cancel',
      args: { symbol: 'BTC-USDT', orderId: 'o"1' },
    });
  });
});
