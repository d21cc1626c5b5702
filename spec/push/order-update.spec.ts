/**
 * The order event codecs on their own: events as KuCoin documents them, events as the
 * simulator's engine writes them, and what does not fit (a reason naming the field, never a crash).
 */
import { orderEventText, type OrderEventHead } from '../../src/simulator/exchange/order-events';
import fc from 'fast-check';
import * as t from 'io-ts';
import {
  FuturesOrderEvent,
  isTerminal,
  isUnsignedDecimal,
  readOrderEvent,
  SpotOrderEvent,
  type OrderUpdate,
} from '../../src/push/order-update';

/** A spot `match` of a taker, as KuCoin's docs show one. */
const spotMatch = () => ({
  canceledSize: '0',
  clientOid: '5c52e11203aa677f33e493fb',
  filledSize: '0.1',
  liquidity: 'taker',
  matchPrice: '10.12',
  matchSize: '0.1',
  orderId: '5c35c02703aa673ceec2a168',
  orderTime: 1729574225063,
  orderType: 'limit',
  originSize: '0.1',
  price: '10.12',
  remainSize: '0',
  side: 'buy',
  size: '0.1',
  status: 'match',
  symbol: 'BTC-USDT',
  tradeId: '5c35c02709e4f67d5266954e',
  ts: 1729574225063000000,
  type: 'match',
  feeType: 'takerFee',
});

/** A futures `filled`, shaped as KuCoin documents them (with a field we do not read). */
const futuresFilled = () => ({
  orderId: '5cdfc138b21023a909e5ad55',
  symbol: 'XBTUSDM',
  type: 'filled',
  status: 'done',
  orderType: 'limit',
  side: 'buy',
  price: '3600',
  size: '20000',
  remainSize: '0',
  filledSize: '20000',
  canceledSize: '0',
  clientOid: 'c-futures-1',
  orderTime: 1558167872405000000,
  ts: 1558167872405000000,
  liquidity: 'maker',
  marginMode: 'ISOLATED',
});

describe('OrderUpdate codecs', () => {
  it("reads a spot match: the data fields at top level, plus market, topic and source 'push'", () => {
    const r = readOrderEvent('spot', spotMatch());
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    const u: OrderUpdate = r.update;
    expect(u).toMatchObject({
      market: 'spot',
      topic: '/spotMarket/tradeOrdersV2',
      source: 'push',
      type: 'match',
      status: 'match',
      matchSize: '0.1',
      liquidity: 'taker',
      orderTime: 1729574225063,
    });
    // Narrowing on market gives the spot fields.
    if (u.market === 'spot') expect(u.originSize).toBe('0.1');
    expect(isTerminal(u)).toBe(false);
  });

  it('lets fields it does not know through (KuCoin adds fields)', () => {
    const data = { ...spotMatch(), somethingNew: 42 };
    const r = readOrderEvent('spot', data);
    expect(r.ok && (r.update as unknown as { somethingNew: number }).somethingNew).toBe(42);
  });

  it('reads a futures filled, and refuses a size that is not a decimal string', () => {
    const r = readOrderEvent('futures', { ...futuresFilled(), matchSize: '' });
    expect(r).toEqual({ ok: false, reason: expect.stringContaining('matchSize') });
    const ok = readOrderEvent('futures', futuresFilled());
    expect(ok.ok && ok.update).toMatchObject({
      market: 'futures',
      topic: '/contractMarket/tradeOrders',
      type: 'filled',
      status: 'done',
    });
    expect(ok.ok && isTerminal(ok.update)).toBe(true);
  });

  it('reads every event the simulator engine writes, spot and futures', () => {
    const head = (market: 'spot' | 'futures'): OrderEventHead => ({
      orderId: 'o-1',
      clientOid: 'c-1',
      symbol: market === 'spot' ? 'BTC-USDT' : 'XBTUSDTM',
      side: 'sell',
      orderType: 'limit',
      market,
      price: '30000.5',
      size: '0.25',
      orderTime: 1_700_000_000_000,
    });
    const sizes = { filledSize: '0.1', remainSize: '0.15', canceledSize: '0', remainFunds: undefined };
    const match = {
      matchPrice: '30000.5',
      matchSize: '0.1',
      tradeId: '10000000000001',
      liquidity: 'maker' as const,
    };
    for (const market of ['spot', 'futures'] as const) {
      const types =
        market === 'spot'
          ? (['received', 'open', 'match', 'update', 'filled', 'canceled'] as const)
          : (['open', 'match', 'update', 'filled', 'canceled'] as const);
      for (const type of types) {
        const status =
          type === 'received' ? 'new' : type === 'filled' || type === 'canceled' ? 'done' : 'open';
        const text = orderEventText(
          head(market),
          type,
          status,
          sizes,
          1_700_000_000_123,
          type === 'match' ? match : undefined,
          type === 'update' ? '0.2' : undefined,
        );
        const r = readOrderEvent(market, JSON.parse(text));
        if (!r.ok) throw new Error(`${market} ${type}: ${r.reason}`);
        expect(r.update).toMatchObject({ market, type, status, clientOid: 'c-1', source: 'push' });
      }
    }
  });

  it('refuses a futures event on the spot codec and the other way round (received is spot only)', () => {
    const received = { ...spotMatch(), type: 'received', status: 'new' };
    expect(SpotOrderEvent.is(received)).toBe(true);
    expect(FuturesOrderEvent.is(received)).toBe(false);
    // Futures events carry no orderTime in ms necessarily; spot ones must.
    const { orderTime: _t, ...noTime } = spotMatch();
    expect(SpotOrderEvent.is(noTime)).toBe(false);
    expect(FuturesOrderEvent.is({ ...noTime, type: 'match' })).toBe(true);
  });

  it('names every field that does not fit, without echoing values', () => {
    const secretish = 'NOT-A-NUMBER-' + 'x'.repeat(50);
    const r = readOrderEvent('spot', { ...spotMatch(), side: 'up', filledSize: secretish, ts: '1' });
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.reason).toContain('side');
    expect(r.reason).toContain('filledSize');
    expect(r.reason).toContain('ts');
    expect(r.reason).not.toContain(secretish);
  });

  it.each([null, 'text', 42, [], [spotMatch()], {}])('refuses %p as data', (data) => {
    expect(readOrderEvent('spot', data).ok).toBe(false);
    expect(readOrderEvent('futures', data).ok).toBe(false);
  });

  it('accepts decimal strings with zero and refuses signs, exponents and blanks', () => {
    for (const s of ['0', '0.0', '10', '0.00000001', '123456789012345678901234567890'])
      expect(isUnsignedDecimal(s)).toBe(true);
    for (const s of ['', '-1', '1e5', '.5', '5.', ' 1', '1,5', 'NaN', '0x10'])
      expect(isUnsignedDecimal(s)).toBe(false);
  });

  it('tells terminal events apart', () => {
    expect(isTerminal({ type: 'canceled', status: 'done' })).toBe(true);
    expect(isTerminal({ type: 'filled', status: 'done' })).toBe(true);
    expect(isTerminal({ type: 'update', status: 'done' })).toBe(true);
    expect(isTerminal({ type: 'open', status: 'open' })).toBe(false);
    expect(isTerminal({ type: 'received', status: 'new' })).toBe(false);
  });

  describe('the hand-tuned `is` gives the plain io-ts answer', () => {
    const plain = (codec: typeof SpotOrderEvent | typeof FuturesOrderEvent) =>
      t.intersection([t.type(codec.required), t.partial(codec.optional)]);
    const fieldNames = [
      ...Object.keys(SpotOrderEvent.required),
      ...Object.keys(SpotOrderEvent.optional),
      'somethingNew',
    ];
    const value = fc.oneof(
      fc.constantFrom(
        '0',
        '0.5',
        '',
        '-1',
        'buy',
        'sell',
        'limit',
        'market',
        'open',
        'done',
        'received',
        'maker',
      ),
      fc.constantFrom('match', 'new', 'filled', 'canceled', 'update', 'taker', 'x'),
      fc.integer(),
      fc.double(),
      fc.constant(undefined),
      fc.constant(null),
      fc.boolean(),
    );
    /** A valid event with some fields replaced, removed or added. */
    const mutated = fc
      .tuple(
        fc.constantFrom(
          spotMatch(),
          { ...spotMatch(), type: 'received', status: 'new' },
          { ...futuresFilled(), orderTime: undefined },
        ),
        fc.array(fc.tuple(fc.constantFrom(...fieldNames), value), { maxLength: 4 }),
        fc.array(fc.constantFrom(...fieldNames), { maxLength: 2 }),
      )
      .map(([base, changes, removed]) => {
        const o: Record<string, unknown> = { ...base };
        for (const [k, v] of changes) o[k] = v;
        for (const k of removed) delete o[k];
        return o;
      });

    it.each([
      ['spot', SpotOrderEvent],
      ['futures', FuturesOrderEvent],
    ] as const)('%s', (_name, codec) => {
      const reference = plain(codec);
      fc.assert(
        fc.property(mutated, (o) => {
          const expected = reference.is(o);
          expect(codec.is(o)).toBe(expected);
          expect(codec.decode(o)._tag === 'Right').toBe(expected);
        }),
        { numRuns: 2_000 },
      );
    });
  });
});
