/**
 * Invariants of the push channel and REST under random traffic from two accounts trading with
 * each other and the house (spot, margin, futures; limit, market, IOC, STP, cancels, modify):
 * per order, the push events agree with the ledger and with the REST detail, the terminal
 * event comes exactly once (and only for done orders), and no account sees another's orders.
 */
import { startSimulator, type LedgerEntry, type Simulator } from '../../src/simulator';
import { decimalSum } from '../support/decimal';
import { mulberry32 } from '../support/prng';
import { connect, type RawClient } from './raw-client';
import { futuresLookup, marginLookup, openPush, signed, spotLookup, type PushClient } from './rest-client';

const accounts = ['a', 'b'].map((n) => ({
  apiKey: `inv-${n}`,
  apiSecret: `inv-secret-${n}`,
  apiPassphrase: `inv-pass-${n}`,
  balances: { USDT: '10000000', BTC: '1000', ETH: '10000' },
}));
const SEEDS = [11, 12, 13];
const ORDERS_PER_RUN = 300;

const TERMINAL = new Set(['filled', 'canceled']);

const sum = decimalSum;

function request(random: () => number, n: number, live: string[]): { op: string; args: unknown } {
  const r = random();
  const side = random() < 0.5 ? 'buy' : 'sell';
  const oid = `inv-${n}`;
  // Prices inside and around the seeded spread (30000 ± 6 ticks), so orders rest, cross and trade.
  const spotPrice = (30_000 + Math.round((random() - 0.5) * 40)).toFixed(1);
  const size = (0.001 * (1 + Math.floor(random() * 5))).toFixed(3);
  if (r < 0.12 && live.length > 0) {
    const target = live[Math.floor(random() * live.length)];
    return target.startsWith('f')
      ? { op: 'futures.cancel', args: { clientOid: target.slice(2), symbol: 'XBTUSDTM' } }
      : {
          op: target.startsWith('m') ? 'margin.cancel' : 'spot.cancel',
          args: { symbol: 'BTC-USDT', clientOid: target.slice(2) },
        };
  }
  if (r < 0.16 && live.some((l) => l.startsWith('s'))) {
    const target = live.filter((l) => l.startsWith('s'))[0];
    return {
      op: 'spot.modify',
      args: { symbol: 'BTC-USDT', clientOid: target.slice(2), newPrice: spotPrice },
    };
  }
  const stp = random() < 0.2 ? (['DC', 'CO', 'CN', 'CB'] as const)[Math.floor(random() * 4)] : undefined;
  if (r < 0.55) {
    const market = random() < 0.15;
    return {
      op: 'spot.order',
      args: market
        ? { type: 'market', symbol: 'BTC-USDT', side, size, clientOid: oid, stp }
        : {
            type: 'limit',
            symbol: 'BTC-USDT',
            side,
            price: spotPrice,
            size,
            clientOid: oid,
            stp,
            timeInForce: random() < 0.15 ? 'IOC' : 'GTC',
          },
    };
  }
  if (r < 0.72) {
    return {
      op: 'margin.order',
      args: { type: 'limit', symbol: 'BTC-USDT', side, price: spotPrice, size, clientOid: oid, stp },
    };
  }
  const futPrice = (30_000 + Math.round((random() - 0.5) * 40)).toFixed(1);
  return {
    op: 'futures.order',
    args:
      random() < 0.2
        ? {
            clientOid: oid,
            symbol: 'XBTUSDTM',
            side,
            type: 'market',
            size: 1 + Math.floor(random() * 3),
            leverage: '5',
          }
        : {
            clientOid: oid,
            symbol: 'XBTUSDTM',
            side,
            type: 'limit',
            price: futPrice,
            size: 1 + Math.floor(random() * 3),
            leverage: '5',
            stp: stp === 'DC' ? undefined : stp,
          },
  };
}

const lineOf = (e: LedgerEntry): 'spot' | 'margin' | 'futures' =>
  e.op.startsWith('futures') ? 'futures' : e.op.startsWith('margin') ? 'margin' : 'spot';

describe.each(SEEDS)('random traffic, seed %i', (seed) => {
  let sim: Simulator;
  const closeMe: Array<RawClient | PushClient> = [];
  afterAll(async () => {
    for (const c of closeMe) c.close();
    await sim.close();
  });

  it('push events, ledger and REST details agree; terminal exactly once; accounts isolated', async () => {
    sim = await startSimulator({ seed, accounts, rateLimit: { limit: 100_000, windowMs: 60_000 } });
    const pushes: PushClient[] = [];
    const sockets: RawClient[] = [];
    for (const creds of accounts) {
      const { push } = await openPush(sim.restUrl, creds, creds.apiKey);
      await push.subscribe('/spotMarket/tradeOrdersV2');
      await push.subscribe('/contractMarket/tradeOrders');
      pushes.push(push);
      const { client } = await connect(sim.url, creds);
      sockets.push(client);
      closeMe.push(push, client);
    }
    const random = mulberry32(seed);
    const live: string[][] = [[], []];
    for (let n = 0; n < ORDERS_PER_RUN; n++) {
      const who = random() < 0.5 ? 0 : 1;
      const { op, args } = request(random, n, live[who]);
      const answer = await sockets[who].answerTo(sockets[who].request(op, args));
      const a = args as { clientOid?: string };
      if (answer.code === '200000' && op.endsWith('.order') && a.clientOid !== undefined)
        live[who].push(`${op[0]}:${a.clientOid}`);
    }
    // Every event was queued on its push socket before the pong that follows it.
    for (const push of pushes) {
      push.send({ id: 'end', type: 'ping' });
      await push.waitFor((f) => f.id === 'end' && f.type === 'pong');
    }

    const mine = accounts.map((c) => sim.exchange.allOrders().filter((e) => e.apiKey === c.apiKey));
    expect(mine[0].length + mine[1].length).toBeGreaterThan(ORDERS_PER_RUN / 2);
    let matched = 0;
    for (let i = 0; i < accounts.length; i++) {
      const push = pushes[i];
      const events = push.frames.filter((f) => f.type === 'message').map((f) => f.data);
      const ids = new Set(mine[i].map((e) => e.orderId));
      // Isolation: every event is about an order of this account.
      for (const e of events) expect(ids.has(e.orderId)).toBe(true);
      for (const entry of mine[i]) {
        const own = events.filter((e) => e.orderId === entry.orderId);
        const matches = own.filter((e) => e.type === 'match');
        matched += matches.length;
        const terminal = own.filter((e) => TERMINAL.has(e.type));
        const where = `${entry.op} ${entry.clientOid} ${entry.orderId}: ${own.map((e) => e.type).join(',')}`;
        expect({ where, dealt: sum(matches.map((m) => m.matchSize)) }).toEqual({
          where,
          dealt: entry.dealSize,
        });
        expect({ where, terminal: terminal.length }).toEqual({
          where,
          terminal: entry.status === 'done' ? 1 : 0,
        });
        if (terminal.length === 1) expect(own[own.length - 1]).toBe(terminal[0]);
        // Cumulative filled size never goes down and ends at the ledger's dealSize.
        const filled = own.map((e) => Number(e.filledSize));
        expect(filled).toEqual([...filled].sort((x, y) => x - y));
        if (own.length > 0) expect(own[own.length - 1].filledSize).toBe(entry.dealSize);
        if (lineOf(entry) !== 'futures') expect(own[0]?.type).toBe('received');
        expect(entry.fills.map((f) => f.size)).toEqual(matches.map((m) => m.matchSize));
      }
    }
    expect(matched).toBeGreaterThan(10);

    // REST details of a sample agree with the ledger (the latest order of each clientOid).
    const sample = [...mine[0].slice(-15), ...mine[1].slice(-15)];
    for (const entry of sample) {
      const creds = accounts.find((c) => c.apiKey === entry.apiKey)!;
      const line = lineOf(entry);
      const target =
        line === 'futures'
          ? futuresLookup(entry.clientOid)
          : (line === 'margin' ? marginLookup : spotLookup)(entry.clientOid, entry.symbol);
      const d = (await signed(sim.restUrl, creds, 'GET', target)).json.data;
      expect(d.id).toBe(entry.orderId);
      expect(String(d.dealSize)).toBe(entry.dealSize);
      expect(line === 'futures' ? d.isActive : d.active).toBe(entry.status === 'open');
      // The other account does not find it.
      const other = accounts.find((c) => c.apiKey !== entry.apiKey)!;
      const theirs = (await signed(sim.restUrl, other, 'GET', target)).json;
      expect(theirs.data?.id === entry.orderId).toBe(false);
    }
  });
});
