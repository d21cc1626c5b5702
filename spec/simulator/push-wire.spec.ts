/**
 * The push channel's wire bytes. The engine writes its order events straight into bytes; these
 * tests pin those bytes over a 20,000-request random trace (spot, margin and futures; limit,
 * market by size and by funds, IOC, every STP mode, cancels and modifies, two accounts trading
 * with each other and the house) to the text the engine wrote before it wrote bytes, and check
 * that the WebSocket framing of an event is the framing of its text.
 */
import { createHash } from 'node:crypto';
import { Exchange } from '../../src/simulator/exchange';
import { orderEventText } from '../../src/simulator/exchange/order-events';
import { FrameBuffer } from '../../src/simulator/push-session';

/**
 * sha256 of the trace's events (one line per event: account, market, `data`) as the engine
 * wrote them with the string builder this replaced (main at 187c043). An intended change of the
 * event format changes it: then check the new text by hand and record the new value. Since
 * then, 41 events changed on purpose: market orders by funds that STP stopped said
 * canceledSize "1000000000000000000000000000000000000000000" (a stand-in size), now "0".
 */
const TRACE_SHA256 = 'c1099353a5310d92dab239730450d935d7e0c84aeb197078e1de15c2ccbe2efd';
const TRACE_COUNTS = {
  'spot:received': 9696,
  'spot:open': 4219,
  'spot:match': 8524,
  'spot:update': 47,
  'spot:filled': 6085,
  'spot:canceled': 1651,
  'futures:open': 1983,
  'futures:match': 3000,
  'futures:filled': 1815,
  'futures:canceled': 765,
};

const account = (apiKey: string) => ({
  apiKey,
  apiSecret: 's',
  apiPassphrase: 'p',
  balances: { USDT: '100000000', BTC: '10000', ETH: '100000' },
});

/** The members of each event, in order (KuCoin's orderChange `data`). */
function expectedKeys(market: string, e: Record<string, unknown>): string[] {
  const spot = market === 'spot';
  return [
    'type',
    'status',
    'orderId',
    'clientOid',
    'symbol',
    'side',
    'orderType',
    'price',
    'size',
    ...(spot ? ['originSize'] : []),
    'orderTime',
    'filledSize',
    'remainSize',
    'canceledSize',
    ...('remainFunds' in e ? ['remainFunds'] : []),
    'ts',
    ...(e.type === 'match' ? ['matchPrice', 'matchSize', 'tradeId', 'liquidity'] : []),
    ...(e.type === 'match' && spot ? ['feeType'] : []),
    ...(e.type === 'update' ? ['oldSize'] : []),
  ];
}

describe('push wire bytes', () => {
  it('the engine writes the same event bytes as its string builder did, over a 20,000-request trace', () => {
    const ex = new Exchange({
      seed: 7,
      accounts: [account('a'), account('b')],
      referencePrices: { 'BTC-USDT': '30000' },
    });
    const hash = createHash('sha256');
    const counts: Record<string, number> = {};
    const malformed: string[] = [];
    for (const key of ['a', 'b']) {
      ex.onOrderEvents(key, {
        wants: () => true,
        event: (market, data, start, end) => {
          const text = Buffer.from(data.subarray(start, end)).toString('utf8');
          hash.update(`${key} ${market} ${text}\n`);
          const e = JSON.parse(text) as Record<string, unknown>;
          counts[`${market}:${String(e.type)}`] = (counts[`${market}:${String(e.type)}`] ?? 0) + 1;
          // Compact JSON with exactly KuCoin's members, in order.
          if (JSON.stringify(e) !== text || Object.keys(e).join() !== expectedKeys(market, e).join())
            malformed.push(text);
        },
      });
    }
    // A fixed linear congruential generator: the trace must not change with the suite's PRNG.
    let seed = 1;
    const rnd = (): number => (seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648;
    const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rnd() * xs.length)];
    const ops = [
      'spot.order',
      'spot.order',
      'spot.order',
      'spot.cancel',
      'futures.order',
      'futures.order',
      'margin.order',
      'spot.modify',
      'futures.cancel',
    ];
    const oids: string[] = [];
    const futuresOids: string[] = [];
    for (let i = 0; i < 20_000; i++) {
      const key = rnd() < 0.5 ? 'a' : 'b';
      const op = pick(ops);
      const side = rnd() < 0.5 ? 'buy' : 'sell';
      const price = `${29_900 + Math.floor(rnd() * 200)}.${Math.floor(rnd() * 10)}`;
      const size = `${(Math.floor(rnd() * 5) + 1) / 1000}`;
      let args: Record<string, unknown>;
      if (op === 'spot.cancel' && oids.length > 0) args = { symbol: 'BTC-USDT', clientOid: pick(oids) };
      else if (op === 'futures.cancel' && futuresOids.length > 0)
        args = { symbol: 'XBTUSDTM', clientOid: pick(futuresOids) };
      else if (op === 'spot.modify' && oids.length > 0)
        args = {
          symbol: 'BTC-USDT',
          clientOid: pick(oids),
          ...(rnd() < 0.5 ? { newSize: '0.0005' } : { newPrice: price }),
        };
      else if (op === 'futures.order') {
        args = {
          symbol: 'XBTUSDTM',
          side,
          type: rnd() < 0.2 ? 'market' : 'limit',
          price: `${29_900 + Math.floor(rnd() * 200)}`,
          size: Math.floor(rnd() * 5) + 1,
          leverage: 5,
          clientOid: `f${i}`,
          ...(rnd() < 0.3 ? { stp: pick(['CN', 'CO', 'CB']) } : {}),
        };
        futuresOids.push(`f${i}`);
      } else {
        const market = rnd() < 0.15;
        args = {
          symbol: 'BTC-USDT',
          side,
          type: market ? 'market' : 'limit',
          ...(market && rnd() < 0.5 ? { funds: '50' } : { size }),
          ...(market ? {} : { price }),
          clientOid: `c${i}`,
          ...(rnd() < 0.1 ? { timeInForce: 'IOC' } : {}),
          ...(rnd() < 0.3 ? { stp: pick(['CN', 'CO', 'CB', 'DC']) } : {}),
          ...(op === 'margin.order' ? { isIsolated: false } : {}),
        };
        oids.push(`c${i}`);
      }
      const sent = op === 'spot.cancel' || op === 'spot.modify' ? (oids.length > 0 ? op : 'spot.order') : op;
      ex.handle(key, sent, args, 1_700_000_000_000 + i * 3);
    }
    expect(malformed.slice(0, 3)).toEqual([]);
    expect(counts).toEqual(TRACE_COUNTS);
    expect(hash.digest('hex')).toBe(TRACE_SHA256);
  });

  it('writes any clientOid and symbol text as JSON.stringify would (escapes, non-ASCII, lone surrogates)', () => {
    for (const clientOid of ['plain-1_A', 'q"uote', 'back\\slash', 'ctl\u0001\n', 'é€😀', 'lone\ud800', '']) {
      for (const market of ['spot', 'futures'] as const) {
        const text = orderEventText(
          {
            orderId: 'o1',
            clientOid,
            symbol: 'BTC-€',
            side: 'sell',
            orderType: 'market',
            market,
            price: '1.5',
            size: '2',
            orderTime: 1_700_000_000_000.5,
          },
          'update',
          'open',
          { filledSize: '0', remainSize: '1', canceledSize: '1', remainFunds: '3.25' },
          1_700_000_000_001,
          undefined,
          '2',
        );
        const ns = market === 'futures' ? String(1_700_000_000_000.5 * 1e6) : '1700000000000.5';
        expect(text).toBe(
          `{"type":"update","status":"open","orderId":"o1","clientOid":${JSON.stringify(clientOid)},` +
            `"symbol":"BTC-€","side":"sell","orderType":"market","price":"1.5","size":"2",` +
            (market === 'spot' ? '"originSize":"2",' : '') +
            `"orderTime":${ns},"filledSize":"0","remainSize":"1","canceledSize":"1","remainFunds":"3.25",` +
            `"ts":1700000000001000000,"oldSize":"2"}`,
        );
      }
    }
  });

  it('only makes the events of the markets the sink wants', () => {
    const ex = new Exchange({ seed: 1, accounts: [account('a')], referencePrices: { 'BTC-USDT': '30000' } });
    const seen: string[] = [];
    let wanted = { spot: false, futures: true };
    ex.onOrderEvents('a', {
      wants: (market) => wanted[market],
      event: (market, data, start, end) =>
        seen.push(
          `${market} ${(JSON.parse(Buffer.from(data.subarray(start, end)).toString('utf8')) as { type: string }).type}`,
        ),
    });
    const spot = (clientOid: string) => ({
      symbol: 'BTC-USDT',
      side: 'buy',
      type: 'limit',
      price: '20000',
      size: '0.001',
      clientOid,
    });
    const futures = { symbol: 'XBTUSDTM', side: 'buy', type: 'limit', price: '20000', size: 1, leverage: 5 };
    ex.handle('a', 'spot.order', spot('s1'), 1_700_000_000_000);
    ex.handle('a', 'futures.order', { ...futures, clientOid: 'f1' }, 1_700_000_000_001);
    wanted = { spot: true, futures: false };
    ex.handle('a', 'spot.order', spot('s2'), 1_700_000_000_002);
    ex.handle('a', 'futures.order', { ...futures, clientOid: 'f2' }, 1_700_000_000_003);
    expect(seen).toEqual(['futures open', 'spot received', 'spot open']);
  });

  it('frames an event as a text frame of the message head, the event and a brace, at every header size', () => {
    const head = Buffer.from('{"type":"message","topic":"/spotMarket/tradeOrdersV2","data":');
    for (const size of [
      10,
      124 - head.length,
      125 - head.length,
      126 - head.length,
      65_535 - head.length,
      70_000,
    ]) {
      const text = `{"k":"${'é'.repeat(Math.max(0, Math.floor((size - 8) / 2)))}"}`;
      const data = Buffer.concat([Buffer.from('junk'), Buffer.from(text), Buffer.from('junk')]);
      const bytes = new FrameBuffer();
      bytes.addEvent(head, data, 4, data.length - 4);
      bytes.addEvent(head, data, 4, data.length - 4);
      const texts = new FrameBuffer();
      texts.add(`${head.toString()}${text}}`);
      texts.add(`${head.toString()}${text}}`);
      expect(bytes.take().equals(texts.take())).toBe(true);
    }
  });
});
