import { Exchange } from '../../src/simulator/exchange';
import { parseDecimal } from '../../src/simulator/exchange/decimal';
import { mulberry32 } from '../../src/simulator/exchange/prng';

const KEYS = ['alice', 'bob', 'carol'];
const dec = (s: string): bigint => parseDecimal(s)!;

function totals(ex: Exchange): Record<string, bigint> {
  const out: Record<string, bigint> = {};
  for (const key of KEYS) {
    for (const [ccy, { available, hold }] of Object.entries(ex.balances(key))) {
      expect(dec(available)).toBeGreaterThanOrEqual(0n);
      expect(dec(hold)).toBeGreaterThanOrEqual(0n);
      out[ccy] = (out[ccy] ?? 0n) + dec(available) + dec(hold);
    }
  }
  return out;
}

/** Random spot traffic between three accounts (no house): no fees, so money is only moved. */
function randomRun(seed: number, steps: number) {
  const ex = new Exchange({
    seed,
    seedLiquidity: false,
    accounts: KEYS.map((apiKey) => ({
      apiKey,
      apiSecret: 's',
      apiPassphrase: 'p',
      balances: { USDT: '1000000', BTC: '30' },
    })),
  });
  const r = mulberry32(seed);
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(r() * xs.length)];
  const start = totals(ex);
  const codes = new Map<string, number>();
  for (let i = 0; i < steps; i++) {
    const key = pick(KEYS);
    const now = 1_000_000 + i * 100;
    const price = (29_900 + Math.floor(r() * 2_000) / 10).toFixed(1);
    const size = (1 + Math.floor(r() * 300)) / 1000;
    const roll = r();
    let result;
    if (roll < 0.55) {
      const iceberg = r() < 0.1;
      result = ex.handle(
        key,
        pick(['spot.order', 'spot.sync_order']),
        {
          type: 'limit',
          symbol: 'BTC-USDT',
          side: pick(['buy', 'sell']),
          price,
          size: String(size),
          clientOid: `c${i}`,
          timeInForce: pick(['GTC', 'GTC', 'IOC', 'FOK', 'GTT']),
          ...(r() < 0.5 ? { stp: pick(['DC', 'CO', 'CN', 'CB']) } : {}),
          ...(r() < 0.1 ? { hidden: true } : {}),
          ...(iceberg ? { iceberg: true, visibleSize: String(size / 2), clientTimestamp: now } : {}),
        },
        now,
      );
      if (result.code === '400100' && /cancelAfter/.test(result.msg ?? '')) {
        result = ex.handle(
          key,
          'spot.order',
          {
            type: 'limit',
            symbol: 'BTC-USDT',
            side: 'buy',
            price,
            size: '0.01',
            timeInForce: 'GTT',
            cancelAfter: 1,
          },
          now,
        );
      }
    } else if (roll < 0.7) {
      const byFunds = r() < 0.5;
      result = ex.handle(
        key,
        'spot.sync_order',
        {
          type: 'market',
          symbol: 'BTC-USDT',
          side: pick(['buy', 'sell']),
          ...(byFunds ? { funds: String(Math.floor(r() * 5000) + 1) } : { size: String(size) }),
          ...(r() < 0.5 ? { stp: pick(['DC', 'CO', 'CN', 'CB']) } : {}),
        },
        now,
      );
    } else if (roll < 0.9) {
      result = ex.handle(
        key,
        'spot.cancel',
        { symbol: 'BTC-USDT', clientOid: `c${Math.floor(r() * i)}` },
        now,
      );
    } else {
      result = ex.handle(
        key,
        'spot.modify',
        { symbol: 'BTC-USDT', clientOid: `c${Math.floor(r() * i)}`, newPrice: price },
        now,
      );
    }
    codes.set(result.code, (codes.get(result.code) ?? 0) + 1);
    const book = ex.orderBook('BTC-USDT', 1);
    if (book.bids.length > 0 && book.asks.length > 0)
      expect(Number(book.bids[0][0])).toBeLessThan(Number(book.asks[0][0]));
  }
  return { ex, start, codes };
}

describe('invariants under random spot traffic', () => {
  it.each([1, 2, 3])('seed %i: no internal errors, no crossed book, money only moves', (seed) => {
    const { ex, start, codes } = randomRun(seed, 3_000);
    expect(codes.get('500000')).toBeUndefined();
    expect(codes.get('200000')).toBeGreaterThan(1_500);
    expect(totals(ex)).toEqual(start);
    // Cancelling everything returns every hold.
    for (const entry of ex.allOrders()) {
      if (entry.status === 'open')
        expect(
          ex.handle(entry.apiKey, 'spot.cancel', { symbol: 'BTC-USDT', orderId: entry.orderId }, 2e9).code,
        ).toBe('200000');
    }
    for (const key of KEYS) for (const b of Object.values(ex.balances(key))) expect(b.hold).toBe('0');
    expect(ex.restingCount('BTC-USDT')).toBe(0);
  });

  it('is reproducible: the same seed gives the same ledger', () => {
    const a = randomRun(9, 500).ex.allOrders();
    const b = randomRun(9, 500).ex.allOrders();
    expect(b).toEqual(a);
  });
});

describe('invariants under random futures traffic', () => {
  it('keeps money + position margin + unrealised PnL constant (zero-sum trading, no fees)', () => {
    const ex = new Exchange({
      seed: 4,
      seedLiquidity: false,
      accounts: KEYS.map((apiKey) => ({
        apiKey,
        apiSecret: 's',
        apiPassphrase: 'p',
        balances: { USDT: '1000000' },
      })),
    });
    const r = mulberry32(4);
    const pick = <T>(xs: readonly T[]): T => xs[Math.floor(r() * xs.length)];
    const worth = (mark: number): number =>
      KEYS.reduce((sum, key) => {
        const { available, hold } = ex.futuresBalances(key).USDT;
        const p = ex.position(key, 'XBTUSDTM');
        const unrealised = (mark - Number(p.entryPrice)) * Number(p.qty) * 0.001;
        return sum + Number(available) + Number(hold) + Number(p.margin) + unrealised;
      }, 0);
    let codes = 0;
    for (let i = 0; i < 2_000; i++) {
      const key = pick(KEYS);
      const price = (29_950 + Math.floor(r() * 1_000) / 10).toFixed(1);
      const roll = r();
      const result =
        roll < 0.8
          ? ex.handle(
              key,
              'futures.order',
              {
                clientOid: `f${i}`,
                symbol: 'XBTUSDTM',
                side: pick(['buy', 'sell']),
                ...(r() < 0.2 ? { type: 'market' } : { type: 'limit', price }),
                size: 1 + Math.floor(r() * 50),
                leverage: pick([1, 5, 20, 100]),
                ...(r() < 0.3 ? { stp: pick(['CN', 'CO', 'CB']) } : {}),
                ...(r() < 0.1 ? { reduceOnly: true } : {}),
              },
              i,
            )
          : ex.handle(key, 'futures.cancel', { clientOid: `f${Math.floor(r() * i)}`, symbol: 'XBTUSDTM' }, i);
      expect(result.code).not.toBe('500000');
      if (result.code === '200000') codes++;
    }
    expect(codes).toBeGreaterThan(1_000);
    const positions = KEYS.map((k) => Number(ex.position(k, 'XBTUSDTM').qty));
    expect(positions.reduce((a, b) => a + b, 0)).toBe(0);
    expect(positions.some((q) => q !== 0)).toBe(true);
    for (const mark of [25_000, 30_000, 35_000]) expect(worth(mark)).toBeCloseTo(3_000_000, 6);
  });
});
