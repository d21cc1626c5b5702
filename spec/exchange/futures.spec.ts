import { Exchange, type OpResult } from '../../src/simulator/exchange';
import { lookAlikes } from '../support/look-alike-ids';

const acct = (apiKey: string, balances: Record<string, string>) => ({
  apiKey,
  apiSecret: 's',
  apiPassphrase: 'p',
  balances,
});

const T0 = 1_700_000_000_000;

const exchange = (seedLiquidity = false) =>
  new Exchange({
    seed: 5,
    seedLiquidity,
    accounts: [
      acct('alice', { USDT: '100000' }),
      acct('bob', { USDT: '100000' }),
      acct('poor', { USDT: '100' }),
    ],
  });

let oid = 0;
const order = (
  side: 'buy' | 'sell',
  price: string | undefined,
  size: number,
  more: Record<string, unknown> = {},
) => ({
  clientOid: `f${++oid}`,
  symbol: 'XBTUSDTM',
  side,
  ...(price === undefined ? { type: 'market' } : { type: 'limit', price }),
  size,
  leverage: 5,
  ...more,
});

const data = (r: OpResult): any => {
  if (r.code !== '200000') throw new Error(`expected success, got ${r.code} ${r.msg}`);
  return r.data;
};

const fut = (ex: Exchange, key: string, args: object): OpResult => ex.handle(key, 'futures.order', args, T0);
const ok = (ex: Exchange, key: string, args: object): any => data(fut(ex, key, args));
const usdt = (ex: Exchange, key: string) => ex.futuresBalances(key).USDT;

describe('futures positions', () => {
  it('opens, increases, reduces and closes a net position with margin and realised PnL', () => {
    const ex = exchange();
    // bob makes the market: his resting sell holds margin 30000 × 10 lots × 0.001 / 10 = 30.
    ok(ex, 'bob', order('sell', '30000', 10, { leverage: 10 }));
    expect(usdt(ex, 'bob')).toEqual({ available: '99970', hold: '30' });

    ok(ex, 'alice', order('buy', '30000', 10));
    expect(ex.position('alice', 'XBTUSDTM')).toEqual({
      symbol: 'XBTUSDTM',
      qty: '10',
      entryPrice: '30000',
      margin: '60', // 30000 × 10 × 0.001 / 5
      realisedPnl: '0',
      leverage: '5',
    });
    expect(usdt(ex, 'alice')).toEqual({ available: '99940', hold: '0' });
    expect(ex.position('bob', 'XBTUSDTM')).toMatchObject({ qty: '-10', entryPrice: '30000', margin: '30' });
    // The fill moved bob's hold into his position's margin.
    expect(usdt(ex, 'bob')).toEqual({ available: '99970', hold: '0' });

    ok(ex, 'bob', order('sell', '31000', 10, { leverage: 10 }));
    ok(ex, 'alice', order('buy', '31000', 10));
    expect(ex.position('alice', 'XBTUSDTM')).toMatchObject({ qty: '20', entryPrice: '30500', margin: '122' });

    ok(ex, 'bob', order('buy', '32000', 5, { leverage: 10 }));
    ok(ex, 'alice', order('sell', '32000', 5));
    // (32000 − 30500) × 5 × 0.001 = 7.5 realised; a quarter of the margin (30.5) freed.
    expect(ex.position('alice', 'XBTUSDTM')).toMatchObject({
      qty: '15',
      entryPrice: '30500',
      margin: '91.5',
      realisedPnl: '7.5',
    });
    expect(usdt(ex, 'alice')).toEqual({ available: '99916', hold: '0' });

    ok(ex, 'bob', order('buy', '29000', 20, { leverage: 10 }));
    const close = ok(ex, 'alice', {
      clientOid: 'close',
      symbol: 'XBTUSDTM',
      type: 'market',
      closeOrder: true,
    });
    expect(close.clientOid).toBe('close');
    expect(ex.ledger('close')).toMatchObject({ side: 'sell', dealSize: '15', status: 'done' });
    // (29000 − 30500) × 15 × 0.001 = −22.5; total realised 7.5 − 22.5 = −15.
    expect(ex.position('alice', 'XBTUSDTM')).toMatchObject({
      qty: '0',
      entryPrice: '0',
      margin: '0',
      realisedPnl: '-15',
    });
    expect(usdt(ex, 'alice')).toEqual({ available: '99985', hold: '0' });
  });

  it('flips a position through zero: the excess opens the other side at the fill price', () => {
    const ex = exchange();
    ok(ex, 'bob', order('sell', '30000', 10, { leverage: 10 }));
    ok(ex, 'alice', order('buy', '30000', 10));
    ok(ex, 'bob', order('buy', '30100', 25, { leverage: 10 }));
    ok(ex, 'alice', order('sell', '30100', 25));
    expect(ex.position('alice', 'XBTUSDTM')).toMatchObject({
      qty: '-15',
      entryPrice: '30100',
      margin: '90.3', // 30100 × 15 × 0.001 / 5
      realisedPnl: '1',
    });
  });

  it('trades against the seeded house liquidity', () => {
    const ex = exchange(true);
    const best = ex.orderBook('XBTUSDTM').asks[0];
    ok(ex, 'alice', order('buy', undefined, 10, { clientOid: 'mkt' }));
    expect(ex.ledger('mkt')).toMatchObject({ status: 'done', dealSize: '10' });
    expect(ex.ledger('mkt')!.fills[0].price).toBe(best[0]);
    expect(ex.position('alice', 'XBTUSDTM')).toMatchObject({ qty: '10', entryPrice: best[0] });
  });
});

describe('futures order rules', () => {
  it.each([
    [{ leverage: undefined }, /leverage must be from 1 to 125/],
    [{ leverage: 126 }, /leverage must be from 1 to 125/],
    [{ leverage: '0.5' }, /leverage/],
    [{ symbol: 'ETHUSDTM', price: '2000', leverage: 101 }, /leverage must be from 1 to 100/],
    [{ price: '30000.05' }, /priceIncrement 0\.1/],
    [{ symbol: 'ETHUSDTM', price: '2000.001' }, /priceIncrement 0\.01/],
    [{ clientOid: undefined }, /clientOid is required/],
    [{ symbol: 'BTC-USDT' }, /symbol BTC-USDT does not exist/],
    [{ positionSide: 'LONG' }, /hedge mode/],
    [{ stop: 'up', stopPriceType: 'TP', stopPrice: '31000' }, /stop orders/],
    [{ size: undefined, qty: '0.0005' }, /at least 1 lot/],
    [{ size: 1.5 }, /whole number of lots/],
  ])('rejects %j with 100001', (change, msg) => {
    const r = fut(exchange(), 'alice', { ...order('buy', '30000', 1), ...change });
    expect(r.code).toBe('100001');
    expect(r.msg).toMatch(msg);
  });

  it('converts qty (base) and valueQty (quote) to whole lots, rounding down', () => {
    const ex = exchange();
    ok(ex, 'alice', { ...order('buy', '30000', 0, { clientOid: 'q' }), size: undefined, qty: '0.0155' });
    ok(ex, 'alice', { ...order('buy', '30000', 0, { clientOid: 'v' }), size: undefined, valueQty: '1000' });
    expect(ex.orderBook('XBTUSDTM').bids).toEqual([['30000', '48']]); // 15 + 33
    ok(ex, 'alice', {
      ...order('buy', '2000', 0, { clientOid: 'e' }),
      symbol: 'ETHUSDTM',
      size: undefined,
      qty: '1.239',
    });
    expect(ex.orderBook('ETHUSDTM').bids).toEqual([['2000', '123']]); // multiplier 0.01
  });

  it('holds initial margin on placement, releases it on cancel, and answers 300003 when short', () => {
    const ex = exchange();
    const { orderId } = ok(ex, 'alice', order('buy', '30000', 100, { leverage: 20 }));
    expect(usdt(ex, 'alice')).toEqual({ available: '99850', hold: '150' });
    expect(ex.handle('alice', 'futures.cancel', { orderId }, T0)).toEqual({
      code: '200000',
      data: { cancelledOrderIds: [orderId] },
    });
    expect(usdt(ex, 'alice')).toEqual({ available: '100000', hold: '0' });
    const r = fut(ex, 'poor', order('buy', '30000', 100, { leverage: 1 }));
    expect(r).toEqual({ code: '300003', msg: 'Balance not enough' });
    expect(ok(ex, 'poor', order('buy', '30000', 100, { leverage: 30 })).orderId).toMatch(/^[0-9a-f]{24}$/);
  });

  it('needs no margin for lots that close an opposite position', () => {
    const ex = exchange();
    ok(ex, 'bob', order('sell', '30000', 10, { leverage: 10 }));
    ok(ex, 'alice', order('buy', '30000', 10));
    ok(ex, 'alice', order('sell', '40000', 15));
    // Only the 5 lots beyond the long need margin: 40000 × 5 × 0.001 / 5 = 40.
    expect(usdt(ex, 'alice')).toEqual({ available: '99900', hold: '40' });
  });

  it('reduceOnly: refused with no position or on the same side, trimmed to the position, no margin', () => {
    const ex = exchange();
    expect(fut(ex, 'alice', order('sell', '30000', 1, { reduceOnly: true })).msg).toMatch(/reduceOnly/);
    ok(ex, 'bob', order('sell', '30000', 10, { leverage: 10 }));
    ok(ex, 'alice', order('buy', '30000', 10));
    expect(fut(ex, 'alice', order('buy', '30000', 1, { reduceOnly: true })).code).toBe('100001');
    ok(ex, 'alice', {
      ...order('sell', '35000', 25, { reduceOnly: true, clientOid: 'ro' }),
      leverage: undefined,
    });
    expect(ex.orderBook('XBTUSDTM').asks).toEqual([['35000', '10']]);
    expect(usdt(ex, 'alice')).toEqual({ available: '99940', hold: '0' });
    ok(ex, 'bob', order('buy', '35000', 10, { leverage: 10 }));
    expect(ex.position('alice', 'XBTUSDTM')).toMatchObject({ qty: '0', realisedPnl: '50' });
  });

  it('closeOrder: refused without a position; a limit close rests for the whole position', () => {
    const ex = exchange();
    const none = fut(ex, 'alice', { clientOid: 'c0', symbol: 'XBTUSDTM', closeOrder: true, type: 'market' });
    expect(none).toEqual({ code: '100001', msg: 'closeOrder: there is no position to close' });
    ok(ex, 'bob', order('buy', '30000', 7, { leverage: 10 }));
    ok(ex, 'alice', order('sell', '30000', 7));
    ok(ex, 'alice', { clientOid: 'c1', symbol: 'XBTUSDTM', closeOrder: true, price: '29000' });
    expect(ex.ledger('c1')).toMatchObject({ side: 'buy', type: 'limit', status: 'open' });
    expect(ex.orderBook('XBTUSDTM').bids).toEqual([['29000', '7']]);
    data(ex.handle('alice', 'futures.cancel', { clientOid: 'c1', symbol: 'XBTUSDTM' }, T0));
    ok(ex, 'bob', order('sell', '30500', 7, { leverage: 10 }));
    // No price and no type: a market close.
    ok(ex, 'alice', { clientOid: 'c2', symbol: 'XBTUSDTM', closeOrder: true });
    expect(ex.ledger('c2')).toMatchObject({ side: 'buy', type: 'market', status: 'done', dealSize: '7' });
    expect(ex.position('alice', 'XBTUSDTM')).toMatchObject({ qty: '0', realisedPnl: '-3.5' });
  });

  it('rejects a postOnly order that would take and a clientOid a live order uses', () => {
    const ex = exchange();
    ok(ex, 'bob', order('sell', '30000', 10, { leverage: 10 }));
    const taking = fut(ex, 'alice', order('buy', '30000', 1, { postOnly: true }));
    expect(taking).toEqual({ code: '100001', msg: 'postOnly order would take liquidity' });
    ok(ex, 'alice', order('buy', '29000', 1, { clientOid: 'live' }));
    expect(fut(ex, 'alice', order('buy', '29000', 1, { clientOid: 'live' })).msg).toMatch(
      /clientOid duplicated/,
    );
  });

  it.each([
    ['CO', { taker: 'open', own: 'done', bids: [['30000', '3']], asks: [] }],
    ['CN', { taker: 'done', own: 'open', bids: [], asks: [['30000', '5']] }],
    ['CB', { taker: 'done', own: 'done', bids: [], asks: [] }],
  ])('STP %s against an own resting order', (stp, expected) => {
    const ex = exchange();
    ok(ex, 'alice', order('sell', '30000', 5, { clientOid: 'own' }));
    ok(ex, 'alice', order('buy', '30000', 3, { clientOid: 'taker', stp }));
    expect(ex.ledger('taker')).toMatchObject({ status: expected.taker, dealSize: '0' });
    expect(ex.ledger('own')).toMatchObject({ status: expected.own, dealSize: '0' });
    expect(ex.orderBook('XBTUSDTM')).toEqual({ bids: expected.bids, asks: expected.asks });
    expect(ex.position('alice', 'XBTUSDTM').qty).toBe('0');
  });
});

describe('futures.cancel', () => {
  it('cancels by clientOid and symbol, answering {clientOid}', () => {
    const ex = exchange();
    ok(ex, 'alice', order('buy', '29000', 1, { clientOid: 'byoid' }));
    expect(ex.handle('alice', 'futures.cancel', { clientOid: 'byoid', symbol: 'XBTUSDTM' }, T0)).toEqual({
      code: '200000',
      data: { clientOid: 'byoid' },
    });
    expect(ex.ledger('byoid')!.status).toBe('done');
  });

  it('answers 100004 for unknown, done, other symbols’ and other accounts’ orders', () => {
    const ex = exchange();
    const { orderId } = ok(ex, 'alice', order('buy', '29000', 1, { clientOid: 'k' }));
    const cancel = (key: string, args: object) => ex.handle(key, 'futures.cancel', args, T0);
    expect(cancel('alice', { orderId: 'nope' })).toEqual({
      code: '100004',
      msg: 'order does not exist or is not cancelable',
    });
    expect(cancel('alice', { clientOid: 'k', symbol: 'ETHUSDTM' }).code).toBe('100004');
    expect(cancel('bob', { orderId }).code).toBe('100004');
    expect(cancel('alice', { orderId }).code).toBe('200000');
    expect(cancel('alice', { orderId }).code).toBe('100004');
  });
  it('matches order ids exactly: a look-alike of a live order id cancels nothing (100004)', () => {
    const ex = exchange();
    const ids: string[] = Array.from(
      { length: 12 },
      (_, i) => ok(ex, 'alice', order('buy', String(29000 - i), 1, { clientOid: `f${i}` })).orderId,
    );
    const target = ids[11];
    const fakes = lookAlikes(target);
    expect(fakes).toHaveLength(5);
    for (const fake of fakes) {
      expect(ex.handle('alice', 'futures.cancel', { orderId: fake }, T0)).toEqual({
        code: '100004',
        msg: 'order does not exist or is not cancelable',
      });
    }
    expect(data(ex.handle('alice', 'futures.multi_cancel', { orderIdsList: fakes }, T0))).toEqual(
      fakes.map((orderId) => ({
        orderId,
        clientOid: null,
        code: '100004',
        msg: 'order does not exist or is not cancelable',
      })),
    );
    expect(ex.ledger('f11')).toMatchObject({ status: 'open', orderId: target });
    expect(ex.handle('alice', 'futures.cancel', { orderId: target }, T0).code).toBe('200000');
  });
});

describe('futures.multi_order', () => {
  it('answers every item with its own code; a bad item fails alone', () => {
    const ex = exchange();
    const r = data(
      ex.handle(
        'alice',
        'futures.multi_order',
        [
          order('buy', '29000', 1, { clientOid: 'g1' }),
          { ...order('buy', '2000', 1, { clientOid: 'bad' }), symbol: 'ETHUSDTM', leverage: 101 },
          order('buy', '29000', 1, { clientOid: 'g2' }),
          order('buy', '29000', 1, { clientOid: 'g1' }),
        ],
        T0,
      ),
    );
    expect(r).toEqual([
      {
        orderId: expect.stringMatching(/^[0-9a-f]{24}$/),
        clientOid: 'g1',
        symbol: 'XBTUSDTM',
        code: '200000',
        msg: '',
      },
      {
        orderId: null,
        clientOid: 'bad',
        symbol: 'ETHUSDTM',
        code: '100001',
        msg: 'leverage must be from 1 to 100',
      },
      {
        orderId: expect.stringMatching(/^[0-9a-f]{24}$/),
        clientOid: 'g2',
        symbol: 'XBTUSDTM',
        code: '200000',
        msg: '',
      },
      {
        orderId: null,
        clientOid: 'g1',
        symbol: 'XBTUSDTM',
        code: '100001',
        msg: 'clientOid duplicated: an open order of this account already uses it',
      },
    ]);
    expect(ex.ledger('g1')).toMatchObject({ op: 'futures.multi_order', orderId: r[0].orderId });
    expect(ex.orderBook('XBTUSDTM').bids).toEqual([['29000', '2']]);
  });

  it('takes 20 orders and refuses 21', () => {
    const ex = exchange();
    const batch = (n: number) => Array.from({ length: n }, (_, i) => order('buy', String(20000 + i), 1));
    const twenty = data(ex.handle('alice', 'futures.multi_order', batch(20), T0));
    expect(twenty).toHaveLength(20);
    expect(twenty.every((item: any) => item.code === '200000')).toBe(true);
    const r = ex.handle('alice', 'futures.multi_order', batch(21), T0);
    expect(r).toEqual({ code: '100001', msg: 'futures.multi_order takes 1 to 20 orders' });
    expect(ex.allOrders()).toHaveLength(20);
  });
});

describe('futures.multi_cancel', () => {
  it('cancels by ids and by clientOids, one item each with its own code', () => {
    const ex = exchange();
    const a = ok(ex, 'alice', order('buy', '29000', 1, { clientOid: 'a' }));
    ok(ex, 'alice', order('buy', '29001', 1, { clientOid: 'b' }));
    const r = data(
      ex.handle(
        'alice',
        'futures.multi_cancel',
        {
          orderIdsList: [a.orderId, 'missing'],
          clientOidsList: [
            { symbol: 'XBTUSDTM', clientOid: 'b' },
            { symbol: 'XBTUSDTM', clientOid: 'zzz' },
          ],
        },
        T0,
      ),
    );
    expect(r).toEqual([
      { orderId: a.orderId, clientOid: 'a', code: '200000', msg: '' },
      {
        orderId: 'missing',
        clientOid: null,
        code: '100004',
        msg: 'order does not exist or is not cancelable',
      },
      { orderId: ex.ledger('b')!.orderId, clientOid: 'b', code: '200000', msg: '' },
      { orderId: null, clientOid: 'zzz', code: '100004', msg: 'order does not exist or is not cancelable' },
    ]);
    expect(ex.orderBook('XBTUSDTM').bids).toEqual([]);
    expect(usdt(ex, 'alice')).toEqual({ available: '100000', hold: '0' });
  });
});
