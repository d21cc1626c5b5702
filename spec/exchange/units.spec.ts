import { fromInt, ONE } from '../../src/simulator/exchange/decimal';
import { MinHeap } from '../../src/simulator/exchange/heap';
import { OrderIds } from '../../src/simulator/exchange/ids';
import { applyFill, flatPosition } from '../../src/simulator/exchange/positions';
import { mulberry32, randomInt } from '../../src/simulator/exchange/prng';
import { DEFAULT_SYMBOLS, toSymbolSpec } from '../../src/simulator/exchange/symbols';
import { Wallet } from '../../src/simulator/exchange/wallet';
import { lookAlikes } from '../support/look-alike-ids';

describe('mulberry32', () => {
  it('is a deterministic stream per seed, in [0, 1)', () => {
    const a = mulberry32(9);
    const b = mulberry32(9);
    const xs = Array.from({ length: 1000 }, () => a());
    expect(Array.from({ length: 1000 }, () => b())).toEqual(xs);
    expect(xs.every((x) => x >= 0 && x < 1)).toBe(true);
    expect(new Set(xs).size).toBeGreaterThan(990);
    expect(mulberry32(10)()).not.toBe(xs[0]);
  });

  it('draws whole numbers within bounds, hitting both ends', () => {
    const r = mulberry32(1);
    const seen = new Set(Array.from({ length: 500 }, () => randomInt(r, 3, 6)));
    expect([...seen].sort()).toEqual([3, 4, 5, 6]);
  });
});

describe('OrderIds', () => {
  it('makes 24-hex ids, deterministic per seed, unique, and reads their sequence back', () => {
    const a = new OrderIds(1);
    const ids = Array.from({ length: 100 }, () => a.next());
    expect(ids.every((id) => /^[0-9a-f]{24}$/.test(id))).toBe(true);
    expect(new Set(ids).size).toBe(100);
    const b = new OrderIds(1);
    expect(Array.from({ length: 100 }, () => b.next())).toEqual(ids);
    expect(new OrderIds(2).next()).not.toBe(ids[0]);
    expect(a.sequenceOf(ids[41])).toBe(42);
    expect(a.sequenceOf('ffffffffffffffffffffffff')).toBeUndefined();
    expect(a.sequenceOf(ids[0].slice(0, 16) + 'ffffffff')).toBeUndefined(); // not issued yet
    expect(a.sequenceOf('short')).toBeUndefined();
  });

  it('reads back only canonical ids: no sign, 0x, blank, junk or upper case', () => {
    const a = new OrderIds(1);
    const ids = Array.from({ length: 0xed }, () => a.next());
    const canonical = ids[0xec - 1];
    expect(a.sequenceOf(canonical)).toBe(0xec);
    const fakes = lookAlikes(canonical);
    expect(fakes).toHaveLength(5);
    for (const fake of fakes) expect(a.sequenceOf(fake)).toBeUndefined();
  });
});

describe('MinHeap', () => {
  it('pops in key order whatever the push order', () => {
    const heap = new MinHeap<string>();
    const keys = [50, 10, 40, 10, 30, 20, 60, 0];
    keys.forEach((k, i) => heap.push(k, `v${i}`));
    expect(heap.size).toBe(8);
    const out: number[] = [];
    while (heap.size > 0) {
      out.push(heap.peekKey()!);
      heap.pop();
    }
    expect(out).toEqual([...keys].sort((x, y) => x - y));
    expect(heap.pop()).toBeUndefined();
    expect(heap.peekKey()).toBeUndefined();
  });
});

describe('applyFill (net futures position)', () => {
  const MULT = ONE / 1000n; // 0.001 per lot

  it('averages the entry price on increase and realises PnL on reduce', () => {
    const p = flatPosition('XBTUSDTM');
    expect(applyFill(p, fromInt(10), fromInt(30000), MULT)).toEqual({
      opened: fromInt(10),
      closed: 0n,
      pnl: 0n,
      releasedMargin: 0n,
    });
    p.margin = fromInt(60);
    applyFill(p, fromInt(30), fromInt(31000), MULT);
    expect(p.entryPrice).toBe(fromInt(30750));
    p.margin = fromInt(240);
    const change = applyFill(p, fromInt(-10), fromInt(32000), MULT);
    expect(change.pnl).toBe(fromInt(125) / 10n); // (32000 − 30750) × 10 × 0.001 = 12.5
    expect(change.releasedMargin).toBe(fromInt(60));
    expect(p.qty).toBe(fromInt(30));
  });

  it('realises a short’s PnL with the opposite sign and flips through zero', () => {
    const p = flatPosition('XBTUSDTM');
    applyFill(p, fromInt(-5), fromInt(30000), MULT);
    const change = applyFill(p, fromInt(8), fromInt(29000), MULT);
    expect(change.closed).toBe(fromInt(5));
    expect(change.opened).toBe(fromInt(3));
    expect(change.pnl).toBe(fromInt(5)); // (30000 − 29000) × 5 × 0.001
    expect(p.qty).toBe(fromInt(3));
    expect(p.entryPrice).toBe(fromInt(29000));
  });
});

describe('symbols and wallets', () => {
  it('parses the default symbols’ rules', () => {
    const xbt = toSymbolSpec(DEFAULT_SYMBOLS.find((s) => s.symbol === 'XBTUSDTM')!);
    expect(xbt.multiplier).toBe(ONE / 1000n);
    expect(xbt.maxLeverage).toBe(fromInt(125));
    const btc = toSymbolSpec(DEFAULT_SYMBOLS[0]);
    expect([btc.tick, btc.step, btc.minSize, btc.minFunds]).toEqual([
      ONE / 10n,
      ONE / 100_000_000n,
      ONE / 100_000n,
      ONE / 10n,
    ]);
    expect(() => toSymbolSpec({ ...DEFAULT_SYMBOLS[0], priceIncrement: 'x' })).toThrow(/priceIncrement/);
  });

  it('reserves only what is available and lets an unlimited wallet do anything', () => {
    const w = new Wallet(false, { USDT: '10' });
    expect(w.reserve('USDT', fromInt(11))).toBe(false);
    expect(w.reserve('USDT', fromInt(4))).toBe(true);
    expect(w.view()).toEqual({ USDT: { available: '6', hold: '4' } });
    w.borrow('USDT', fromInt(5));
    expect(w.repay('USDT', fromInt(100))).toBe(fromInt(5));
    expect(w.liability('USDT')).toBe(0n);
    const house = new Wallet(true);
    expect(house.reserve('BTC', fromInt(1_000_000))).toBe(true);
    expect(house.view()).toEqual({});
  });
});
