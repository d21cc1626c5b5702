/**
 * A ladder that hedges its own fills: five spot bids a tick apart rest on the book, and every
 * fill of one of them (a `match` event on its `call.updates$`) is hedged at once by a futures
 * market sell of the same size (long spot, short the perpetual). A second account then sells
 * into the ladder; what is left of it is cancelled at the end. The report is read from the
 * simulator's ledger, not from the strategy's own counters: every fill hedged exactly once.
 * Run it: `npx tsx examples/ladder-hedge.ts`.
 */
import {
  catchError,
  EMPTY,
  filter,
  firstValueFrom,
  last,
  lastValueFrom,
  map,
  merge,
  mergeMap,
  scan,
  tap,
  toArray,
} from 'rxjs';
import { WebsocketAPIClient, type OrderUpdate } from 'kucoin-wsapi-rx';
import { demoAccount, startSimulator } from 'kucoin-wsapi-rx/simulator';

const SYMBOL = 'BTC-USDT';
const PERP = 'XBTUSDTM'; // 1 lot = 0.001 BTC
const RUNGS = 5;
const RUNG_SIZE = '0.01'; // BTC per bid
const TAKER_SELLS = '0.035'; // fills three bids and half of the fourth

/** BTC as a whole number of lots (0.001 BTC): sizes here are multiples of it. */
const lots = (btc: string): number => Math.round(Number(btc) * 1_000);

// A simulator with two accounts: ours, and a taker who sells into our ladder.
const taker = {
  apiKey: 'taker-key',
  apiSecret: 'taker-secret',
  apiPassphrase: 'taker-pass',
  balances: { BTC: '10' },
};
const sim = await startSimulator({ accounts: [demoAccount(1), taker] });
// orderUpdates: true tracks every order from the moment it is sent, so updates$ misses nothing;
// reconcile: true turns a lost answer into a definite outcome (looked up by clientOid over REST).
const client = new WebsocketAPIClient({
  ...sim.demoAccount,
  wsBaseUrl: sim.url,
  testnet: true, // with wsBaseUrl: REST (order lookups, push tokens) goes to that simulator too
  orderUpdates: true,
  reconcile: true,
  attachEventListeners: false,
});
const takerClient = new WebsocketAPIClient({
  apiKey: taker.apiKey,
  apiSecret: taker.apiSecret,
  apiPassphrase: taker.apiPassphrase,
  wsBaseUrl: sim.url,
  attachEventListeners: false,
});

// The book stands in for market data: the ladder goes just above the best bid.
const bestBid = Number(sim.exchange.orderBook?.(SYMBOL, 1).bids[0]?.[0] ?? '30000');
const prices = Array.from({ length: RUNGS }, (_, i) => (bestBid + 0.1 * (RUNGS - i)).toFixed(1)); // highest first
const ladder = prices.map((price, i) =>
  client.submitNewSpotOrder({
    // Readable names on this fresh simulator; against KuCoin keep a fresh clientOid per order (the default), so
    // that reconcile can never take an order of an earlier run for this one.
    clientOid: `rung-${i}`,
    side: 'buy',
    symbol: SYMBOL,
    type: 'limit',
    price,
    size: RUNG_SIZE,
  }),
);
for (const [i, rung] of ladder.entries()) {
  const r = await rung;
  console.log(`rung  ${r.data.clientOid}  buy ${RUNG_SIZE} BTC @ ${prices[i]}  orderId ${r.data.orderId}`);
}

// Every fill of every rung. updates$ replays to each subscriber what it missed, so fills$ can
// be subscribed twice (hedging, and waiting below) and both see every fill.
const fills$ = merge(...ladder.map((call) => call.updates$)).pipe(filter((u) => u.type === 'match'));

let hedgeNo = 0;
/**
 * One fill's hedge: a futures market sell of the matched size, followed to its terminal
 * event. A hedge that fails is reported and the stream goes on (catchError inside mergeMap).
 */
function hedge(fill: OrderUpdate) {
  const size = lots(fill.matchSize ?? '0');
  console.log(
    `fill   ${fill.clientOid ?? '?'}  ${fill.matchSize ?? '?'} BTC @ ${fill.matchPrice ?? '?'} (${fill.source})  → sell ${size} lots ${PERP}`,
  );
  const call = client.submitFuturesOrder({
    clientOid: `hedge-${fill.clientOid ?? '?'}-${++hedgeNo}`,
    side: 'sell',
    symbol: PERP,
    type: 'market',
    size,
    leverage: 5,
  });
  return call.updates$.pipe(
    last(),
    map((end) => ({ fill, clientOid: call.clientOid, lots: size, end })),
    catchError((error: unknown) => {
      console.error(`hedge of ${fill.clientOid ?? '?'} failed:`, error);
      return EMPTY;
    }),
  );
}

const hedged = lastValueFrom(
  fills$.pipe(
    mergeMap(hedge),
    tap((h) => console.log(`hedged ${h.clientOid ?? '?'}: ${h.end.type}, ${h.end.filledSize ?? '?'} lots`)),
    toArray(),
  ),
);

// Someone sells into the ladder. A sync order answers after matching, with what it filled.
const sold = await takerClient.submitSyncSpotOrder({
  side: 'sell',
  symbol: SYMBOL,
  type: 'market',
  size: TAKER_SELLS,
});
console.log(`taker sold ${sold.data.dealSize} BTC (status ${sold.data.status})`);

// Once the ladder's fills add up to what the taker sold, take the rest of the ladder down.
await firstValueFrom(
  fills$.pipe(
    scan((sum, u) => sum + lots(u.matchSize ?? '0'), 0),
    filter((sum) => sum >= lots(sold.data.dealSize)),
  ),
);
for (const rung of ladder) {
  const { clientOid } = rung;
  if (clientOid !== undefined && sim.exchange.ledger(clientOid)?.status === 'open') {
    await client.cancelSpotOrder({ symbol: SYMBOL, clientOid });
    const end = await lastValueFrom(rung.updates$);
    console.log(`cancel ${clientOid}: ${end.type} (${end.source}), ${end.filledSize ?? '?'} BTC had filled`);
  }
}
// Every rung's updates$ completed (filled or canceled), so the hedges end too.
const hedges = await hedged;

// The ledger's view: each rung's fills against the hedges placed for that rung.
console.log('report:');
let fills = 0;
let exactlyOnce = 0;
let filledLots = 0;
for (const rung of ladder) {
  const entry = sim.exchange.ledger(rung.clientOid ?? '');
  const mine = hedges.filter((h) => h.fill.clientOid === rung.clientOid);
  const hedgedLots = mine.reduce(
    (n, h) => n + Number(sim.exchange.ledger(h.clientOid ?? '')?.dealSize ?? 0),
    0,
  );
  const rungLots = (entry?.fills ?? []).reduce((n, f) => n + lots(f.size), 0);
  fills += entry?.fills.length ?? 0;
  filledLots += rungLots;
  if (mine.length === (entry?.fills.length ?? 0) && hedgedLots === rungLots) exactlyOnce++;
  console.log(
    `  ${rung.clientOid ?? '?'}: ${entry?.status} dealSize ${entry?.dealSize}, ${entry?.fills.length ?? 0} fills, ${mine.length} hedges of ${hedgedLots} lots`,
  );
}
const position = sim.exchange.position?.(sim.demoAccount.apiKey, PERP);
// Every hedge order the exchange accepted, whoever placed it: a double hedge would show here.
const hedgeOrders = sim.exchange.allOrders().filter((o) => o.clientOid.startsWith('hedge-'));
console.log(`  ladder fills:                 ${fills}`);
console.log(`  hedges placed:                ${hedges.length}`);
console.log(`  hedge orders in the ledger:   ${hedgeOrders.length}`);
console.log(`  rungs hedged exactly:         ${exactlyOnce}/${RUNGS}`);
console.log(`  ladder bought (lots):         ${filledLots}`);
console.log(`  perpetual position (lots):    ${position?.qty ?? 0}`);
console.log(
  `  still resting on the book:    ${ladder.filter((c) => sim.exchange.ledger(c.clientOid ?? '')?.status === 'open').length}`,
);

await takerClient.close();
await client.close();
await sim.close();
console.log('done');
