/**
 * A connection monitor: what an ops dashboard or a strategy's health check would watch.
 * `state$` gives every transition of both connections (spot and futures), `ready$` the
 * moments a connection became usable, the event emitter the kucoin-api-style lifecycle events,
 * `rateLimit$` the quota left and `latency$` each call's round trip.
 * Run it: `npx tsx examples/connection-monitor.ts`.
 */
import { map, scan } from 'rxjs';
import {
  WebsocketAPIClient,
  type ConnectionState,
  type ConnectionStatus,
  type WSAPIWsKey,
} from 'kucoin-wsapi-rx';

const started = Date.now();
const client = new WebsocketAPIClient({ testnet: true, attachEventListeners: false });
const at = (ms: number): string => `+${String(ms - started).padStart(4)} ms`;

function describe(s: ConnectionState): string {
  const why = s.error === undefined ? '' : ` because ${s.error.message}`;
  const retry = s.retryInMs === undefined ? '' : `, retry in ${s.retryInMs} ms (attempt ${s.attempt})`;
  return `${at(s.since)}  ${s.wsKey.padEnd(14)} ${s.status}${retry}${why}`;
}

// Every transition, as it happens (state$ replays the current state first: 'idle' here).
client.state$.subscribe((s) => console.log(describe(s)));

// One health line per change: the status of each connection, folded from state$.
client.state$
  .pipe(
    scan((all, s) => ({ ...all, [s.wsKey]: s.status }), {} as Partial<Record<WSAPIWsKey, ConnectionStatus>>),
    map((all) =>
      Object.entries(all)
        .map(([key, status]) => `${key}=${status}`)
        .join(' '),
    ),
  )
  .subscribe((line) => console.log(`           health: ${line}`));

client.ready$.subscribe((s) => console.log(`${at(Date.now())}  ${s.wsKey} is ready for requests`));

// kucoin-api's event API works too; a frame the client cannot use is reported, never thrown.
client.getWSClient().on('exception', (e) => console.error(`exception on ${e.wsKey}: ${e.error.message}`));

client.rateLimit$.subscribe((q) =>
  console.log(`           quota ${q.wsKey}: ${q.remaining}/${q.limit} left`),
);
client.latency$.subscribe((l) =>
  console.log(`           ${l.op} answered in ${l.roundTripMs.toFixed(2)} ms (gateway ${l.gatewayMs} ms)`),
);

// A few calls: the spot connection opens on the first, futures on the third.
const order = await client.submitNewSpotOrder({
  side: 'buy',
  symbol: 'BTC-USDT',
  type: 'limit',
  price: '20000',
  size: '0.0001',
});
console.log(`           placed ${order.data.orderId}`);
await client.cancelSpotOrder({ symbol: 'BTC-USDT', orderId: order.data.orderId });
const futures = await client.submitFuturesOrder({
  side: 'buy',
  symbol: 'XBTUSDTM',
  type: 'limit',
  price: '20000',
  size: 1,
  leverage: 5,
});
await client.cancelFuturesOrder({ orderId: futures.data.orderId });

// close() ends both connections: the monitor sees 'closed', and state$ completes.
client.state$.subscribe({ complete: () => console.log('           state$ completed') });
await client.close();
console.log('done');
