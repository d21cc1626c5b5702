import { Exchange, type ExchangeOptions, type OpResult } from '../../src/simulator/exchange';
import { lookAlikes } from '../support/look-alike-ids';

const acct = (apiKey: string, balances: Record<string, string>) => ({
  apiKey,
  apiSecret: 's',
  apiPassphrase: 'p',
  balances,
});

const FUNDS = { USDT: '100000', BTC: '10' };

function exchange(extra: Partial<ExchangeOptions> = {}): Exchange {
  return new Exchange({
    seed: 7,
    seedLiquidity: false,
    accounts: [acct('alice', FUNDS), acct('bob', FUNDS), acct('carol', FUNDS)],
    ...extra,
  });
}

const T0 = 1_700_000_000_000;

const limit = (side: 'buy' | 'sell', price: string, size: string, more: Record<string, unknown> = {}) => ({
  type: 'limit',
  symbol: 'BTC-USDT',
  side,
  price,
  size,
  ...more,
});

const data = (r: OpResult): any => {
  if (r.code !== '200000') throw new Error(`expected success, got ${r.code} ${r.msg}`);
  return r.data;
};

const sync = (ex: Exchange, key: string, args: object, now = T0): any =>
  data(ex.handle(key, 'spot.sync_order', args, now));

const place = (ex: Exchange, key: string, args: object, now = T0): any =>
  data(ex.handle(key, 'spot.order', args, now));

const asks = (ex: Exchange) => ex.orderBook('BTC-USDT').asks;
const bids = (ex: Exchange) => ex.orderBook('BTC-USDT').bids;

describe('spot: price-time priority and fills', () => {
  it('fills the better price first, then same-price orders in arrival order', () => {
    const ex = exchange();
    place(ex, 'alice', limit('sell', '30000', '1', { clientOid: 'first' }));
    place(ex, 'bob', limit('sell', '30000', '1', { clientOid: 'second' }));
    place(ex, 'alice', limit('sell', '29999.9', '1', { clientOid: 'better' }));
    const taker = sync(ex, 'carol', limit('buy', '30000', '2.5', { clientOid: 'taker' }));
    expect(taker).toMatchObject({ dealSize: '2.5', remainSize: '0', canceledSize: '0', status: 'done' });
    expect(ex.ledger('taker')!.fills.map((f) => [f.price, f.size, f.liquidity])).toEqual([
      ['29999.9', '1', 'taker'],
      ['30000', '1', 'taker'],
      ['30000', '0.5', 'taker'],
    ]);
    expect(ex.ledger('better')).toMatchObject({ status: 'done', dealSize: '1' });
    expect(ex.ledger('first')).toMatchObject({ status: 'done', dealSize: '1' });
    expect(ex.ledger('second')).toMatchObject({ status: 'open', dealSize: '0.5' });
    expect(ex.ledger('second')!.fills).toEqual([
      { price: '30000', size: '0.5', time: T0, liquidity: 'maker' },
    ]);
    expect(asks(ex)).toEqual([['30000', '0.5']]);
  });

  it('rests the unfilled part of a crossing GTC order at its limit', () => {
    const ex = exchange();
    place(ex, 'alice', limit('sell', '30000', '0.4'));
    const taker = sync(ex, 'bob', limit('buy', '30010', '1', { clientOid: 'b' }));
    expect(taker).toMatchObject({ originSize: '1', dealSize: '0.4', remainSize: '0.6', status: 'open' });
    expect(bids(ex)).toEqual([['30010', '0.6']]);
    expect(asks(ex)).toEqual([]);
  });

  it('answers spot.order with the order id and clientOid only', () => {
    const ex = exchange();
    const r = ex.handle('alice', 'spot.order', limit('buy', '20000', '0.1', { clientOid: 'x' }), T0);
    expect(r.code).toBe('200000');
    expect(r.data).toEqual({ orderId: expect.stringMatching(/^[0-9a-f]{24}$/), clientOid: 'x' });
    expect(ex.ledger('x')!.orderId).toBe((r.data as any).orderId);
  });

  it('answers spot.sync_order with every field of the fill state', () => {
    const ex = exchange();
    place(ex, 'alice', limit('sell', '30000', '0.25'));
    const r = sync(ex, 'bob', limit('buy', '30000', '1', { clientOid: 's1' }), T0 + 5);
    expect(r).toEqual({
      orderId: ex.ledger('s1')!.orderId,
      clientOid: 's1',
      orderTime: T0 + 5,
      originSize: '1',
      dealSize: '0.25',
      remainSize: '0.75',
      canceledSize: '0',
      status: 'open',
      matchTime: T0 + 5,
    });
  });
});

describe('spot: time in force', () => {
  it('GTC rests until cancelled', () => {
    const ex = exchange();
    const r = sync(ex, 'alice', limit('buy', '29000', '1', { timeInForce: 'GTC' }));
    expect(r.status).toBe('open');
    expect(bids(ex)).toEqual([['29000', '1']]);
  });

  it('GTT expires cancelAfter seconds later, lazily on the next request, releasing its hold', () => {
    const ex = exchange();
    place(ex, 'alice', limit('buy', '29000', '1', { timeInForce: 'GTT', cancelAfter: 10, clientOid: 'gtt' }));
    expect(ex.balances('alice').USDT).toEqual({ available: '71000', hold: '29000' });
    // Any request runs the expiry check; one just before the deadline leaves it alone.
    place(ex, 'bob', limit('buy', '1000', '0.001'), T0 + 9_999);
    expect(ex.ledger('gtt')!.status).toBe('open');
    place(ex, 'bob', limit('buy', '1000', '0.001'), T0 + 10_000);
    expect(ex.ledger('gtt')!.status).toBe('done');
    expect(ex.balances('alice').USDT).toEqual({ available: '100000', hold: '0' });
    expect(bids(ex)).toEqual([['1000', '0.002']]);
    const cancel = ex.handle('alice', 'spot.cancel', { symbol: 'BTC-USDT', clientOid: 'gtt' }, T0 + 10_001);
    expect(cancel.code).toBe('400100');
  });

  it('GTT without cancelAfter rests until cancelled (KuCoin’s default: no automatic cancel); a bad cancelAfter is refused', () => {
    const ex = exchange();
    place(ex, 'alice', limit('buy', '29000', '1', { timeInForce: 'GTT', clientOid: 'gtt-forever' }));
    // A day later, and a request to make the book look at its expiries: still open.
    ex.handle('bob', 'spot.order', limit('sell', '31000', '0.1'), T0 + 86_400_000);
    expect(ex.ledger('gtt-forever')!.status).toBe('open');
    const bad = ex.handle(
      'alice',
      'spot.order',
      limit('buy', '29000', '1', { timeInForce: 'GTT', cancelAfter: -1 }),
      T0,
    );
    expect(bad).toEqual({ code: '400100', msg: expect.stringMatching(/cancelAfter/) });
  });

  it('IOC fills what it can and cancels the rest', () => {
    const ex = exchange();
    place(ex, 'alice', limit('sell', '30000', '0.3'));
    const r = sync(ex, 'bob', limit('buy', '30000', '1', { timeInForce: 'IOC' }));
    expect(r).toMatchObject({ dealSize: '0.3', remainSize: '0', canceledSize: '0.7', status: 'done' });
    expect(bids(ex)).toEqual([]);
    expect(ex.balances('bob').USDT).toEqual({ available: '91000', hold: '0' });
  });

  it('FOK cancels everything when it cannot fill completely, leaving the book untouched', () => {
    const ex = exchange();
    place(ex, 'alice', limit('sell', '30000', '0.3'));
    place(ex, 'alice', limit('sell', '30001', '0.3'));
    const r = sync(ex, 'bob', limit('buy', '30000', '0.5', { timeInForce: 'FOK' }));
    expect(r).toMatchObject({ dealSize: '0', remainSize: '0', canceledSize: '0.5', status: 'done' });
    expect(asks(ex)).toEqual([
      ['30000', '0.3'],
      ['30001', '0.3'],
    ]);
    expect(ex.balances('bob').USDT).toEqual({ available: '100000', hold: '0' });
  });

  it('FOK fills completely when the liquidity is there', () => {
    const ex = exchange();
    place(ex, 'alice', limit('sell', '30000', '0.3'));
    place(ex, 'alice', limit('sell', '30001', '0.3'));
    const r = sync(ex, 'bob', limit('buy', '30001', '0.5', { timeInForce: 'FOK' }));
    expect(r).toMatchObject({ dealSize: '0.5', remainSize: '0', canceledSize: '0', status: 'done' });
    expect(asks(ex)).toEqual([['30001', '0.1']]);
  });
});

describe('spot: postOnly, hidden, iceberg', () => {
  it('rejects a postOnly order that would take, and rests one that would not', () => {
    const ex = exchange();
    place(ex, 'alice', limit('sell', '30000', '1'));
    const taking = ex.handle(
      'bob',
      'spot.order',
      limit('buy', '30000', '1', { postOnly: true, clientOid: 'po' }),
      T0,
    );
    expect(taking).toEqual({ code: '400100', msg: 'postOnly order would take liquidity' });
    expect(ex.acceptedCount('po')).toBe(0);
    expect(ex.balances('bob').USDT).toEqual({ available: '100000', hold: '0' });
    const resting = sync(ex, 'bob', limit('buy', '29999.9', '1', { postOnly: true }));
    expect(resting).toMatchObject({ status: 'open', dealSize: '0' });
    expect(bids(ex)).toEqual([['29999.9', '1']]);
  });

  it('keeps hidden orders out of the visible book but matches them after shown ones', () => {
    const ex = exchange();
    place(ex, 'alice', limit('sell', '30000', '1', { hidden: true, clientOid: 'hidden' }));
    place(ex, 'bob', limit('sell', '30000', '0.5', { clientOid: 'shown' }));
    expect(asks(ex)).toEqual([['30000', '0.5']]);
    expect(ex.restingCount('BTC-USDT')).toBe(2);
    sync(ex, 'carol', limit('buy', '30000', '1'));
    expect(ex.ledger('shown')).toMatchObject({ status: 'done', dealSize: '0.5' });
    expect(ex.ledger('hidden')).toMatchObject({ status: 'open', dealSize: '0.5' });
    expect(ex.ledger('hidden')!.fills[0].liquidity).toBe('maker');
  });

  it('shows only visibleSize of an iceberg and requeues each new slice behind later orders', () => {
    const ex = exchange();
    place(
      ex,
      'alice',
      limit('sell', '30000', '1', {
        iceberg: true,
        visibleSize: '0.2',
        clientOid: 'ice',
        clientTimestamp: T0,
      }),
    );
    place(ex, 'bob', limit('sell', '30000', '0.1', { clientOid: 'later' }));
    expect(asks(ex)).toEqual([['30000', '0.3']]);
    sync(ex, 'carol', limit('buy', '30000', '0.25', { clientOid: 't' }));
    // 0.2 from the first slice, then the later order's 0.05: the refreshed slice went to the back.
    expect(ex.ledger('ice')).toMatchObject({ dealSize: '0.2', status: 'open' });
    expect(ex.ledger('later')).toMatchObject({ dealSize: '0.05', status: 'open' });
    expect(asks(ex)).toEqual([['30000', '0.25']]);
    sync(ex, 'carol', limit('buy', '30000', '0.9'));
    expect(ex.ledger('ice')).toMatchObject({ dealSize: '1', status: 'done' });
    expect(ex.ledger('later')).toMatchObject({ dealSize: '0.1', status: 'done' });
  });

  it('rejects a visibleSize above the size', () => {
    const ex = exchange();
    const r = ex.handle(
      'alice',
      'spot.order',
      limit('sell', '30000', '1', { iceberg: true, visibleSize: '2', clientTimestamp: T0 }),
      T0,
    );
    expect(r.code).toBe('400100');
  });
});

describe('spot: self-trade prevention', () => {
  /** alice rests 2 and bob 5 at 30000; alice then buys `size` with `stp`. */
  function scenario(stp: string, size = '3') {
    const ex = exchange();
    place(ex, 'alice', limit('sell', '30000', '2', { clientOid: 'own' }));
    place(ex, 'bob', limit('sell', '30000', '5', { clientOid: 'other' }));
    const taker = sync(ex, 'alice', limit('buy', '30000', size, { stp, clientOid: 'taker' }));
    return { ex, taker };
  }

  it('DC: cancels the smaller resting order and decreases the taker by its size', () => {
    const { ex, taker } = scenario('DC');
    expect(taker).toMatchObject({ dealSize: '1', canceledSize: '2', remainSize: '0', status: 'done' });
    expect(ex.ledger('own')).toMatchObject({ status: 'done', dealSize: '0' });
    expect(ex.ledger('other')).toMatchObject({ dealSize: '1' });
    expect(asks(ex)).toEqual([['30000', '4']]);
  });

  it('DC: a smaller taker is cancelled and the resting order decreased by its size', () => {
    const ex = exchange();
    place(ex, 'alice', limit('sell', '30000', '5', { clientOid: 'own' }));
    const taker = sync(ex, 'alice', limit('buy', '30000', '2', { stp: 'DC' }));
    expect(taker).toMatchObject({ dealSize: '0', canceledSize: '2', status: 'done' });
    expect(ex.ledger('own')).toMatchObject({ status: 'open', dealSize: '0' });
    expect(asks(ex)).toEqual([['30000', '3']]);
    // The decrease released the matching part of alice's BTC hold.
    expect(ex.balances('alice').BTC).toEqual({ available: '7', hold: '3' });
  });

  it('CO: cancels the resting order and keeps matching', () => {
    const { ex, taker } = scenario('CO');
    expect(taker).toMatchObject({ dealSize: '3', canceledSize: '0', status: 'done' });
    expect(ex.ledger('own')).toMatchObject({ status: 'done', dealSize: '0' });
    expect(asks(ex)).toEqual([['30000', '2']]);
    expect(ex.balances('alice').BTC).toEqual({ available: '13', hold: '0' });
  });

  it('CN: cancels the taker and leaves the resting order', () => {
    const { ex, taker } = scenario('CN');
    expect(taker).toMatchObject({ dealSize: '0', canceledSize: '3', status: 'done' });
    expect(ex.ledger('own')).toMatchObject({ status: 'open' });
    expect(asks(ex)).toEqual([['30000', '7']]);
    expect(ex.balances('alice').USDT).toEqual({ available: '100000', hold: '0' });
  });

  it('CB: cancels both', () => {
    const { ex, taker } = scenario('CB');
    expect(taker).toMatchObject({ dealSize: '0', canceledSize: '3', status: 'done' });
    expect(ex.ledger('own')).toMatchObject({ status: 'done' });
    expect(ex.ledger('other')).toMatchObject({ status: 'open', dealSize: '0' });
    expect(asks(ex)).toEqual([['30000', '5']]);
    expect(ex.balances('alice').BTC).toEqual({ available: '10', hold: '0' });
  });

  it('without stp, an account trades with itself', () => {
    const { ex, taker } = scenario(undefined as unknown as string);
    expect(taker).toMatchObject({ dealSize: '3' });
    expect(ex.ledger('own')).toMatchObject({ status: 'done', dealSize: '2' });
  });
});

describe('spot: market orders against seeded liquidity', () => {
  const seeded = () => new Exchange({ seed: 1, accounts: [acct('alice', { USDT: '1000000', BTC: '100' })] });

  it('buys by size across levels, paying exactly the sum of the fills', () => {
    const ex = seeded();
    const r = sync(ex, 'alice', {
      type: 'market',
      symbol: 'BTC-USDT',
      side: 'buy',
      size: '3',
      clientOid: 'm',
    });
    expect(r).toMatchObject({
      originSize: '3',
      dealSize: '3',
      remainSize: '0',
      canceledSize: '0',
      status: 'done',
    });
    const fills = ex.ledger('m')!.fills;
    expect(fills.length).toBeGreaterThan(1);
    const prices = fills.map((f) => Number(f.price));
    expect([...prices].sort((a, b) => a - b)).toEqual(prices);
    expect(prices[0]).toBeGreaterThan(30000);
    const cost = fills.reduce(
      (sum, f) => sum + BigInt(Math.round(Number(f.price) * 10)) * BigInt(Math.round(Number(f.size) * 1e8)),
      0n,
    );
    const spent =
      1_000_000n * 10n ** 9n - BigInt(Math.round(Number(ex.balances('alice').USDT.available) * 1e9));
    expect(spent).toBe(cost); // cost is in units of 0.1 × 1e-8 = 1e-9
    expect(ex.balances('alice').BTC).toEqual({ available: '103', hold: '0' });
    expect(ex.balances('alice').USDT.hold).toBe('0');
  });

  it('buys by funds, spending at most the funds and keeping the unspendable dust', () => {
    const ex = seeded();
    const r = sync(ex, 'alice', {
      type: 'market',
      symbol: 'BTC-USDT',
      side: 'buy',
      funds: '50000',
      clientOid: 'f',
    });
    expect(r.status).toBe('done');
    expect(r.originSize).toBe('0');
    const bought = Number(r.dealSize);
    expect(bought).toBeGreaterThan(1.6);
    expect(bought).toBeLessThan(50000 / 30000);
    const usdt = Number(ex.balances('alice').USDT.available);
    expect(1_000_000 - usdt).toBeLessThanOrEqual(50000);
    expect(1_000_000 - usdt).toBeGreaterThan(50000 - 0.001); // at most a size step's worth left over
    expect(ex.balances('alice').BTC.available).toBe(String(100 + bought));
  });

  it('sells by size and by funds', () => {
    const ex = seeded();
    const bySize = sync(ex, 'alice', { type: 'market', symbol: 'BTC-USDT', side: 'sell', size: '2' });
    expect(bySize).toMatchObject({ dealSize: '2', status: 'done' });
    const byFunds = sync(ex, 'alice', {
      type: 'market',
      symbol: 'BTC-USDT',
      side: 'sell',
      funds: '10000',
      clientOid: 'sf',
    });
    const received = ex.ledger('sf')!.fills.reduce((s, f) => s + Number(f.price) * Number(f.size), 0);
    expect(received).toBeLessThanOrEqual(10000);
    expect(received).toBeGreaterThan(9999.99);
    expect(Number(byFunds.dealSize)).toBeGreaterThan(0.3);
    expect(ex.balances('alice').BTC.hold).toBe('0');
  });

  it('refuses a market buy the balance cannot pay for (200004)', () => {
    const ex = new Exchange({ seed: 1, accounts: [acct('poor', { USDT: '100' })] });
    const r = ex.handle(
      'poor',
      'spot.order',
      { type: 'market', symbol: 'BTC-USDT', side: 'buy', size: '1' },
      T0,
    );
    expect(r).toEqual({ code: '200004', msg: 'Balance insufficient!' });
  });

  it('cancels what an empty book cannot fill', () => {
    const ex = exchange();
    const r = sync(ex, 'alice', { type: 'market', symbol: 'BTC-USDT', side: 'sell', size: '1' });
    expect(r).toMatchObject({ dealSize: '0', canceledSize: '1', status: 'done' });
    expect(ex.balances('alice').BTC).toEqual({ available: '10', hold: '0' });
  });
});

describe('spot: increments and minimums', () => {
  const reject = (args: object) => exchange().handle('alice', 'spot.order', args, T0);

  it.each([
    [limit('buy', '30000.05', '1'), /priceIncrement 0\.1/],
    [limit('buy', '30000', '0.000000001'), /baseIncrement 0\.00000001/],
    [limit('buy', '30000', '0.000009'), /baseMinSize 0\.00001/],
    [limit('buy', '0.1', '0.00001'), /minFunds 0\.1/],
    [
      { type: 'market', symbol: 'BTC-USDT', side: 'buy', funds: '0.09' },
      /funds must be at least minFunds 0\.1/,
    ],
    [{ ...limit('buy', '2000.001', '1'), symbol: 'ETH-USDT' }, /priceIncrement 0\.01/],
    [{ ...limit('buy', '2000', '0.00009'), symbol: 'ETH-USDT' }, /baseMinSize 0\.0001/],
    [{ ...limit('buy', '2000', '1'), symbol: 'DOGE-USDT' }, /symbol DOGE-USDT does not exist/],
    [{ ...limit('buy', '2000', '1'), symbol: 'XBTUSDTM' }, /does not exist/],
  ])('rejects %j with 400100', (args, msg) => {
    const r = reject(args);
    expect(r.code).toBe('400100');
    expect(r.msg).toMatch(msg);
  });

  it('accepts the exact minimums', () => {
    const ex = exchange();
    expect(ex.handle('alice', 'spot.order', limit('buy', '10000', '0.00001'), T0).code).toBe('200000');
    expect(
      ex.handle('alice', 'spot.order', { ...limit('buy', '1000', '0.0001'), symbol: 'ETH-USDT' }, T0).code,
    ).toBe('200000');
  });
});

describe('spot: balances and holds', () => {
  it('holds price × size of quote for a buy and releases it on cancel', () => {
    const ex = exchange();
    const { orderId } = place(ex, 'alice', limit('buy', '20000', '1.5'));
    expect(ex.balances('alice').USDT).toEqual({ available: '70000', hold: '30000' });
    const r = ex.handle('alice', 'spot.cancel', { symbol: 'BTC-USDT', orderId }, T0);
    expect(r).toEqual({ code: '200000', data: { orderId, clientOid: '' } });
    expect(ex.balances('alice').USDT).toEqual({ available: '100000', hold: '0' });
  });

  it('holds the size of base for a sell', () => {
    const ex = exchange();
    place(ex, 'alice', limit('sell', '40000', '2.5'));
    expect(ex.balances('alice').BTC).toEqual({ available: '7.5', hold: '2.5' });
  });

  it('moves funds between maker and taker on a fill, releasing a better-priced buy’s excess', () => {
    const ex = exchange();
    place(ex, 'alice', limit('sell', '30000', '1'));
    sync(ex, 'bob', limit('buy', '31000', '0.5'));
    expect(ex.balances('alice')).toEqual({
      BTC: { available: '9', hold: '0.5' },
      USDT: { available: '115000', hold: '0' },
    });
    expect(ex.balances('bob')).toEqual({
      BTC: { available: '10.5', hold: '0' },
      USDT: { available: '85000', hold: '0' },
    });
  });

  it('answers 200004 when the balance is short, and holds nothing', () => {
    const ex = exchange();
    const r = ex.handle('alice', 'spot.order', limit('buy', '30000', '4', { clientOid: 'big' }), T0);
    expect(r).toEqual({ code: '200004', msg: 'Balance insufficient!' });
    expect(ex.acceptedCount('big')).toBe(0);
    expect(ex.handle('alice', 'spot.order', limit('sell', '30000', '10.00000001'), T0).code).toBe('200004');
    expect(ex.balances('alice')).toEqual({
      BTC: { available: '10', hold: '0' },
      USDT: { available: '100000', hold: '0' },
    });
  });

  it('reports {} for an unknown account', () => {
    expect(exchange().balances('nobody')).toEqual({});
  });
});

describe('spot: clientOid de-duplication and the ledger', () => {
  it('rejects a clientOid an open order uses, and accepts it again once that order is done', () => {
    const ex = exchange();
    const first = place(ex, 'alice', limit('buy', '20000', '1', { clientOid: 'dup' }));
    const again = ex.handle('alice', 'spot.order', limit('buy', '20001', '1', { clientOid: 'dup' }), T0);
    expect(again).toEqual({ code: '400100', msg: expect.stringMatching(/clientOid duplicated/) });
    expect(ex.acceptedCount('dup')).toBe(1);
    data(ex.handle('alice', 'spot.cancel', { symbol: 'BTC-USDT', clientOid: 'dup' }, T0));
    const second = place(ex, 'alice', limit('buy', '20002', '1', { clientOid: 'dup' }));
    expect(second.orderId).not.toBe(first.orderId);
    expect(ex.acceptedCount('dup')).toBe(2);
    expect(ex.ledger('dup')!.orderId).toBe(second.orderId);
    expect(ex.allOrders().map((e) => [e.clientOid, e.status])).toEqual([
      ['dup', 'done'],
      ['dup', 'open'],
    ]);
  });

  it('scopes clientOids per account', () => {
    const ex = exchange();
    place(ex, 'alice', limit('buy', '20000', '1', { clientOid: 'same' }));
    place(ex, 'bob', limit('buy', '20000', '1', { clientOid: 'same' }));
    expect(ex.acceptedCount('same')).toBe(2);
    expect(ex.handle('bob', 'spot.cancel', { symbol: 'BTC-USDT', clientOid: 'same' }, T0).code).toBe(
      '200000',
    );
    expect(ex.allOrders().map((e) => [e.apiKey, e.status])).toEqual([
      ['alice', 'open'],
      ['bob', 'done'],
    ]);
  });

  it('records op, side, type and symbol', () => {
    const ex = exchange();
    place(ex, 'alice', limit('buy', '20000', '1', { clientOid: 'e' }));
    expect(ex.ledger('e')).toEqual({
      clientOid: 'e',
      orderId: expect.any(String),
      apiKey: 'alice',
      op: 'spot.order',
      symbol: 'BTC-USDT',
      side: 'buy',
      type: 'limit',
      status: 'open',
      dealSize: '0',
      fills: [],
    });
  });
});

describe('spot: cancel and sync_cancel', () => {
  it('sync_cancel answers the final sizes', () => {
    const ex = exchange();
    place(ex, 'alice', limit('sell', '30000', '1', { clientOid: 'c' }));
    sync(ex, 'bob', limit('buy', '30000', '0.4'));
    const r = data(ex.handle('alice', 'spot.sync_cancel', { symbol: 'BTC-USDT', clientOid: 'c' }, T0));
    expect(r).toEqual({
      orderId: ex.ledger('c')!.orderId,
      clientOid: 'c',
      originSize: '1',
      dealSize: '0.4',
      remainSize: '0',
      canceledSize: '0.6',
      status: 'done',
    });
    expect(ex.balances('alice').BTC).toEqual({ available: '9.6', hold: '0' });
  });

  it('refuses unknown, done, other accounts’ and other symbols’ orders with 400100', () => {
    const ex = exchange();
    const { orderId } = place(ex, 'alice', limit('buy', '20000', '1', { clientOid: 'mine' }));
    const cancel = (key: string, args: object) => ex.handle(key, 'spot.cancel', args, T0);
    expect(cancel('alice', { symbol: 'BTC-USDT', orderId: 'ffffffffffffffffffffffff' })).toEqual({
      code: '400100',
      msg: 'order not exists (unknown, or already done)',
    });
    expect(cancel('bob', { symbol: 'BTC-USDT', orderId }).code).toBe('400100');
    expect(cancel('alice', { symbol: 'ETH-USDT', orderId }).code).toBe('400100');
    expect(cancel('alice', { symbol: 'BTC-USDT', orderId }).code).toBe('200000');
    expect(cancel('alice', { symbol: 'BTC-USDT', orderId }).code).toBe('400100');
    expect(cancel('alice', { symbol: 'BTC-USDT', clientOid: 'mine' }).code).toBe('400100');
  });

  it('matches order ids exactly: a look-alike of a live order id cancels nothing (400100)', () => {
    const ex = exchange();
    // The 12th order's sequence (0xc) has a hex letter, so upper case is a look-alike too.
    const ids: string[] = Array.from(
      { length: 12 },
      (_, i) => place(ex, 'alice', limit('buy', String(20000 + i), '0.1', { clientOid: `o${i}` })).orderId,
    );
    const target = ids[11];
    const fakes = lookAlikes(target);
    expect(fakes).toHaveLength(5);
    for (const fake of fakes) {
      for (const op of ['spot.cancel', 'spot.sync_cancel']) {
        expect(ex.handle('alice', op, { symbol: 'BTC-USDT', orderId: fake }, T0)).toEqual({
          code: '400100',
          msg: 'order not exists (unknown, or already done)',
        });
      }
      expect(
        ex.handle('alice', 'spot.modify', { symbol: 'BTC-USDT', orderId: fake, newPrice: '1000' }, T0).code,
      ).toBe('400100');
    }
    expect(ex.ledger('o11')).toMatchObject({ status: 'open', orderId: target });
    expect(ex.handle('alice', 'spot.cancel', { symbol: 'BTC-USDT', orderId: target }, T0).code).toBe(
      '200000',
    );
  });

  it('matches margin order ids exactly too (400100)', () => {
    const ex = exchange();
    const { orderId } = data(
      ex.handle('alice', 'margin.order', { ...limit('buy', '20000', '1'), clientOid: 'mo' }, T0),
    );
    for (const fake of lookAlikes(orderId)) {
      expect(ex.handle('alice', 'margin.cancel', { symbol: 'BTC-USDT', orderId: fake }, T0).code).toBe(
        '400100',
      );
    }
    expect(ex.ledger('mo')!.status).toBe('open');
  });

  it('does not cancel a margin order through spot.cancel', () => {
    const ex = exchange();
    data(ex.handle('alice', 'margin.order', { ...limit('buy', '20000', '1'), clientOid: 'mo' }, T0));
    expect(ex.handle('alice', 'spot.cancel', { symbol: 'BTC-USDT', clientOid: 'mo' }, T0).code).toBe(
      '400100',
    );
    expect(ex.handle('alice', 'margin.cancel', { symbol: 'BTC-USDT', clientOid: 'mo' }, T0).code).toBe(
      '200000',
    );
  });
});

describe('spot.modify', () => {
  it('replaces the order with a new id, keeps the clientOid, and loses time priority', () => {
    const ex = exchange();
    const old = place(ex, 'alice', limit('sell', '30000', '1', { clientOid: 'mod' }));
    place(ex, 'bob', limit('sell', '30000', '1', { clientOid: 'queue' }));
    const r = data(
      ex.handle('alice', 'spot.modify', { symbol: 'BTC-USDT', clientOid: 'mod', newSize: '0.8' }, T0),
    );
    expect(r).toEqual({ newOrderId: expect.stringMatching(/^[0-9a-f]{24}$/), clientOid: 'mod' });
    expect(r.newOrderId).not.toBe(old.orderId);
    expect(ex.acceptedCount('mod')).toBe(2);
    expect(ex.ledger('mod')).toMatchObject({ orderId: r.newOrderId, op: 'spot.modify', status: 'open' });
    expect(ex.allOrders()[0]).toMatchObject({ orderId: old.orderId, status: 'done' });
    expect(ex.balances('alice').BTC).toEqual({ available: '9.2', hold: '0.8' });
    sync(ex, 'carol', limit('buy', '30000', '1'));
    expect(ex.ledger('queue')).toMatchObject({ status: 'done', dealSize: '1' });
    expect(ex.ledger('mod')).toMatchObject({ status: 'open', dealSize: '0' });
  });

  it('moves the hold with a new price, and can cross when repriced', () => {
    const ex = exchange();
    place(ex, 'alice', limit('buy', '20000', '1', { clientOid: 'mb' }));
    place(ex, 'bob', limit('sell', '25000', '1'));
    data(ex.handle('alice', 'spot.modify', { symbol: 'BTC-USDT', clientOid: 'mb', newPrice: '26000' }, T0));
    expect(ex.ledger('mb')).toMatchObject({ status: 'done', dealSize: '1' });
    expect(ex.ledger('mb')!.fills[0]).toMatchObject({ price: '25000', liquidity: 'taker' });
    expect(ex.balances('alice').USDT).toEqual({ available: '75000', hold: '0' });
  });

  it('treats newSize as the new total: after a partial fill the replacement carries the difference', () => {
    const ex = exchange();
    place(ex, 'alice', limit('sell', '30000', '1', { clientOid: 'pf' }));
    sync(ex, 'bob', limit('buy', '30000', '0.3'));
    data(ex.handle('alice', 'spot.modify', { symbol: 'BTC-USDT', clientOid: 'pf', newSize: '0.5' }, T0));
    expect(asks(ex)).toEqual([['30000', '0.2']]);
    sync(ex, 'bob', limit('buy', '30000', '0.15'));
    // The replacement has now filled 0.15 itself: a new total of 0.1 leaves nothing to place.
    const done = data(
      ex.handle('alice', 'spot.modify', { symbol: 'BTC-USDT', clientOid: 'pf', newSize: '0.1' }, T0),
    );
    expect(done).toEqual({ newOrderId: '', clientOid: 'pf' });
    expect(asks(ex)).toEqual([]);
  });

  it('refuses an unknown order and an off-tick price (leaving the order in place)', () => {
    const ex = exchange();
    place(ex, 'alice', limit('buy', '20000', '1', { clientOid: 'k' }));
    expect(
      ex.handle('alice', 'spot.modify', { symbol: 'BTC-USDT', clientOid: 'nope', newPrice: '1' }, T0).code,
    ).toBe('400100');
    const r = ex.handle(
      'alice',
      'spot.modify',
      { symbol: 'BTC-USDT', clientOid: 'k', newPrice: '20000.01' },
      T0,
    );
    expect(r).toEqual({ code: '400100', msg: expect.stringMatching(/priceIncrement/) });
    expect(ex.ledger('k')!.status).toBe('open');
  });
});

describe('spot: clientTimestamp and allowMaxTimeWindow', () => {
  it('accepts up to clientTimestamp + window and rejects after', () => {
    const ex = exchange();
    const args = limit('buy', '20000', '0.01', { clientTimestamp: T0, allowMaxTimeWindow: 500 });
    expect(ex.handle('alice', 'spot.order', args, T0 + 500).code).toBe('200000');
    const late = ex.handle('alice', 'spot.order', args, T0 + 501);
    expect(late).toEqual({ code: '400100', msg: expect.stringMatching(/allowMaxTimeWindow/) });
  });
});

describe('exchange plumbing', () => {
  it('is deterministic for a seed: same book, same ids', () => {
    const run = (seed: number) => {
      const ex = new Exchange({ seed, accounts: [acct('alice', FUNDS)] });
      const ids = [1, 2, 3].map(() => place(ex, 'alice', limit('buy', '20000', '0.01')).orderId);
      return { book: ex.orderBook('BTC-USDT'), futures: ex.orderBook('XBTUSDTM'), ids };
    };
    expect(run(42)).toEqual(run(42));
    expect(run(42).book).not.toEqual(run(43).book);
    expect(run(42).ids).not.toEqual(run(43).ids);
    const seeded = run(42);
    expect(seeded.book.bids).toHaveLength(20);
    expect(seeded.book.asks).toHaveLength(20);
    expect(Number(seeded.book.bids[0][0])).toBeLessThan(30000);
    expect(Number(seeded.book.asks[0][0])).toBeGreaterThan(30000);
  });

  it('seeds every default symbol around its reference price, and honours referencePrices', () => {
    const ex = new Exchange({ seed: 1, accounts: [], referencePrices: { 'ETH-USDT': '3000' } });
    expect(ex.orderBook('BTC-USDT').bids).toEqual([]);
    const eth = ex.orderBook('ETH-USDT');
    expect(Number(eth.bids[0][0])).toBeLessThan(3000);
    expect(Number(eth.bids[0][0])).toBeGreaterThan(2990);
    expect(Number(eth.asks[0][0])).toBeGreaterThan(3000);
  });

  it('answers 400003 for an unknown key and 400100 for an unknown op', () => {
    const ex = exchange();
    expect(ex.handle('nobody', 'spot.order', limit('buy', '1', '1'), T0).code).toBe('400003');
    expect(ex.handle('alice', 'spot.teleport', {}, T0)).toEqual({
      code: '400100',
      msg: 'unsupported operation spot.teleport',
    });
  });

  it('never throws: a missing body is a parameter error, an internal failure is 500000', () => {
    const ex = exchange();
    expect(ex.handle('alice', 'spot.order', null, T0).code).toBe('400100');
    expect(ex.handle('alice', 'futures.order', undefined, T0).code).toBe('100001');
    const hostile = new Proxy(
      {},
      {
        get() {
          throw new Error('boom');
        },
      },
    );
    expect(ex.handle('alice', 'spot.order', hostile, T0)).toEqual({
      code: '500000',
      msg: 'internal error: Error: boom',
    });
  });
});
