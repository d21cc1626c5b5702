/**
 * A strategy that places a ladder of spot sells and hedges each fill as it happens, by reacting
 * to `call.updates$`: every `match` of a ladder order buys the same amount back on the futures
 * market (XBTUSDTM, lots of 0.001 BTC). A second account on the same simulator plays the
 * market and sweeps the ladder. `orderUpdates: true` follows every order from the moment it is
 * placed; `reconcile: true` turns a lost answer into a definite outcome.
 * Run it: `npx tsx examples/ladder-hedge.ts`.
 */
import { concatMap, filter, firstValueFrom, lastValueFrom, merge, tap, toArray } from 'rxjs';
import { WebsocketAPIClient } from 'kucoin-wsapi-rx';
import { demoAccount, startSimulator } from 'kucoin-wsapi-rx/simulator';

const market = { apiKey: 'market-key', apiSecret: 'market-secret', apiPassphrase: 'market-pass' };
const sim = await startSimulator({
  port: 0,
  accounts: [demoAccount(1), { ...market, balances: { USDT: '1000000' } }],
});
const options = { wsBaseUrl: sim.url, testnet: true, attachEventListeners: false } as const;
const strategy = new WebsocketAPIClient({
  ...options,
  ...sim.demoAccount,
  orderUpdates: true,
  reconcile: true,
});
const other = new WebsocketAPIClient({ ...options, ...market });
await strategy.connect();
await strategy.connect('wsApiFuturesV1');
// The push channel's spot session is subscribed: fills arrive as they happen.
await firstValueFrom(strategy.stateOf$('pushSpot').pipe(filter((s) => s.status === 'ready')));

// Three sells inside the spread (the simulator's book is around 30000, its asks from about 30006).
const ladder = ['29996', '29998', '30000'].map((price) =>
  strategy.submitNewSpotOrder({ side: 'sell', symbol: 'BTC-USDT', type: 'limit', price, size: '0.002' }),
);
for (const call of ladder) console.log(`Ladder sell ${(await call).data.orderId} rests`);

// Each fill of the ladder is hedged once, in the order the fills arrive.
const hedges = lastValueFrom(
  merge(...ladder.map((call) => call.updates$)).pipe(
    filter((u) => u.type === 'match'),
    tap((u) => console.log(`Fill: ${u.matchSize} BTC at ${u.matchPrice ?? '?'} (${u.source})`)),
    // The hedge's own updates$ tells when it is done (filled), so hedges go one after another.
    concatMap((u) =>
      strategy
        .submitFuturesOrder({
          side: 'buy',
          symbol: 'XBTUSDTM',
          type: 'market',
          size: Math.round(Number(u.matchSize) / 0.001),
          leverage: 5,
        })
        .updates$.pipe(filter((h) => h.status === 'done')),
    ),
    tap((u) => console.log(`Hedge ${u.orderId}: ${u.type}, ${u.filledSize} lots`)),
    toArray(),
  ),
);

// The market sweeps the ladder: one buy takes all three levels.
await other.submitNewSpotOrder({
  side: 'buy',
  symbol: 'BTC-USDT',
  type: 'limit',
  price: '30000',
  size: '0.006',
});
const done = await hedges;
console.log(`Hedged fills: ${done.length}`);

await other.close();
await strategy.close();
await sim.close();
console.log('done');
