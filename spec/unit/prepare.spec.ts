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

  it('keeps a given clientOid (on its own copy of the parameters)', () => {
    const params = { ...order, clientOid: 'mine' };
    const p = prepareRequest(OPERATIONS.submitNewSpotOrder, params, oid);
    expect(p.ok && p.args).toEqual(params);
    expect(p.ok && p.args).not.toBe(params);
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

  it('fills each order of a batch that lacks a clientOid', () => {
    const a = { side: 'buy', symbol: 'XBTUSDTM', price: '1', size: 1, clientOid: 'a' } as const;
    const b = { side: 'sell', symbol: 'XBTUSDTM', price: '2', size: 1 } as const;
    const batch = [a, b];
    const p = prepareRequest(OPERATIONS.submitMultipleFuturesOrders, batch, oid);
    expect(p.ok).toBe(true);
    const args = (p.ok ? p.args : []) as Array<Record<string, unknown>>;
    expect(args[0]).toEqual(a);
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

  it('validates and sends one plain copy: what JSON.stringify sends is what was checked', () => {
    // An inherited toJSON would replace the checked fields with anything at all.
    class Order {
      toJSON(): unknown {
        return { side: 'buy', symbol: 'btc usdt', price: '-1' };
      }
    }
    const instance = Object.assign(new Order(), order, { clientOid: 'c1' });
    const p = prepareRequest(OPERATIONS.submitNewSpotOrder, instance, oid);
    expect(p.ok).toBe(true);
    expect(JSON.parse(requestFrame('1', 'spot.order', p.ok && p.args)).args).toEqual({
      ...order,
      clientOid: 'c1',
    });
    // A getter is read once: the value checked is the value sent.
    let reads = 0;
    const flipping = { ...order, clientOid: 'c2' };
    Object.defineProperty(flipping, 'price', {
      enumerable: true,
      get: () => (reads++ === 0 ? '1' : 'not a price'),
    });
    const q = prepareRequest(OPERATIONS.submitNewSpotOrder, flipping, oid);
    expect(q.ok && JSON.parse(requestFrame('2', 'spot.order', q.args)).args.price).toBe('1');
    // Holes in lists are undefined, which no list accepts (JSON would have sent null).
    const sparse: string[] = [];
    sparse[1] = 'a';
    const holes = prepareRequest(OPERATIONS.cancelMultipleFuturesOrders, { orderIdsList: sparse }, oid);
    expect(holes.ok ? [] : holes.issues).toEqual([expect.objectContaining({ field: 'orderIdsList.0' })]);
    const empty = prepareRequest(OPERATIONS.submitMultipleFuturesOrders, new Array(3), oid);
    expect(empty.ok).toBe(false);
    // An array's own toJSON is not carried over.
    const ids = Object.assign(['a', 'b'], { toJSON: () => ['has space'] });
    const r = prepareRequest(OPERATIONS.cancelMultipleFuturesOrders, { orderIdsList: ids }, oid);
    expect(r.ok && JSON.parse(requestFrame('3', 'futures.multi_cancel', r.args)).args).toEqual({
      orderIdsList: ['a', 'b'],
    });
    // An own __proto__ key (as JSON.parse makes it) stays a key, and is refused as unknown.
    const polluted = JSON.parse(`{"__proto__":{"x":1},"symbol":"BTC-USDT","orderId":"o"}`) as unknown;
    const s = prepareRequest(OPERATIONS.cancelSpotOrder, polluted, oid);
    expect(s.ok ? [] : s.issues.map((i) => i.field)).toEqual(['__proto__']);
  });

  it('rejects non-objects without throwing', () => {
    for (const bad of [null, undefined, 42, 'x', [order]]) {
      const p = prepareRequest(OPERATIONS.submitNewSpotOrder, bad, oid);
      expect(p.ok).toBe(false);
    }
  });
});

describe('requestFrame', () => {
  it('builds the docs/protocol.md §4 request frame', () => {
    const text = requestFrame('12', 'spot.cancel', { symbol: 'BTC-USDT', orderId: 'o"1' });
    expect(JSON.parse(text)).toEqual({
      id: '12',
      op: 'spot.cancel',
      args: { symbol: 'BTC-USDT', orderId: 'o"1' },
    });
  });
});
