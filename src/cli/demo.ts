/**
 * `npm start`: a short live demo of the real client against the bundled simulator
 * (`testnet: true`, so no credentials and nothing to set up). It prints each connection state
 * as it happens, runs a spot, margin and futures order flow with the push events of two orders
 * (a taker filling, a resting order cancelled), then a table of every call with its round trip
 * and the gateway's own time, and closes.
 */
import { filter, firstValueFrom, map, toArray, type Observable } from 'rxjs';
import {
  WebsocketAPIClient,
  GatewayError,
  WsApiError,
  type CallLatency,
  type ConnectionState,
  type FuturesMultiOrderResponse,
  type OrderUpdate,
  type WsApiCall,
} from '../index';

/** One line of the final table. */
interface Row {
  readonly op: string;
  readonly what: string;
  readonly roundTripMs: number | undefined;
  readonly gatewayMs: number | undefined;
  readonly result: string;
  readonly ok: boolean;
}

const started = performance.now();
const clock = (): string => `${(performance.now() - started).toFixed(0).padStart(5)} ms`;

function describeState(s: ConnectionState): string {
  const extra =
    s.error !== undefined ? `  (${s.error.message})` : s.attempt > 0 ? `  (attempt ${s.attempt})` : '';
  return `  ${clock()}  state  ${s.wsKey.padEnd(15)} ${s.status}${extra}`;
}

/** Pads each column to its widest cell; numeric columns are right-aligned. */
function table(
  header: readonly string[],
  rows: ReadonlyArray<readonly string[]>,
  right: ReadonlySet<number>,
) {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
  const line = (cells: readonly string[]): string =>
    cells
      .map((c, i) => (right.has(i) ? c.padStart(widths[i]) : c.padEnd(widths[i])))
      .join('  ')
      .trimEnd();
  return [line(header), line(widths.map((w) => '-'.repeat(w))), ...rows.map(line)].join('\n');
}

/** One push event of an order, as the live log shows it. */
function describeUpdate(u: OrderUpdate): string {
  const what =
    u.type === 'match'
      ? `${u.matchSize ?? '?'} @ ${u.matchPrice ?? '?'} (${u.liquidity ?? '?'})`
      : u.type === 'filled'
        ? `filledSize ${u.filledSize ?? '?'}`
        : u.type === 'canceled'
          ? `canceledSize ${u.canceledSize ?? '?'}`
          : `size ${u.size ?? '?'}`;
  return `${u.type.padEnd(8)} status ${u.status.padEnd(5)}  ${what}, source ${u.source}`;
}

/**
 * An order's events from `call.updates$`, each with the time it arrived. Subscribed at once,
 * so events that come before the WS API answer are timed as they arrive.
 */
function recordUpdates(call: { readonly updates$: Observable<OrderUpdate> }) {
  return firstValueFrom(
    call.updates$.pipe(
      map((u) => ({ at: clock(), u })),
      toArray(),
    ),
  );
}

/** What a step shows: in the table, and (when longer) in the live log. */
type Outcome = string | { readonly short: string; readonly detail: string };

function batchOutcome(items: FuturesMultiOrderResponse): Outcome {
  const placed = items.filter((i) => i.code === '200000').length;
  const refused = items.filter((i) => i.code !== '200000');
  const short = `${placed} placed, ${refused.length} refused (${refused.map((i) => i.code).join(', ')})`;
  return { short, detail: `${short}: ${refused.map((i) => i.msg).join('; ')}` };
}

function errorText(error: unknown): string {
  if (!(error instanceof WsApiError)) return `unexpected: ${String(error)}`;
  return `${error.name}${error instanceof GatewayError ? ` ${error.code}` : ''}: ${error.msg}`;
}

async function main(): Promise<void> {
  console.log('kucoin-wsapi-rx demo: the real client against the bundled simulator');
  console.log(
    '  new WebsocketAPIClient({ testnet: true }): no credentials, an in-process gateway on loopback\n',
  );

  // orderUpdates: true opens the private push channel with the WS API and tracks every order
  // from the moment it is sent: call.updates$ is that order's events, until it ends.
  const client = new WebsocketAPIClient({ testnet: true, orderUpdates: true, attachEventListeners: false });
  const states = client.state$.subscribe((s) => console.log(describeState(s)));
  // latency$ is fed only while subscribed: subscribe before the first call.
  const latencies = new Map<string, CallLatency>();
  const timings = client.latency$.subscribe((l) => latencies.set(l.id, l));
  const rows: Row[] = [];

  /** Runs one call, prints its outcome as it lands and keeps a row for the table. */
  async function step<T>(
    what: string,
    call: WsApiCall<T>,
    describe: (data: T) => Outcome,
    expectError = false,
  ): Promise<T | undefined> {
    let data: T | undefined;
    let outcome: Outcome;
    let ok: boolean;
    try {
      data = (await call).data;
      outcome = describe(data);
      ok = !expectError;
    } catch (error) {
      outcome = errorText(error);
      ok = expectError;
    }
    const result = typeof outcome === 'string' ? outcome : outcome.short;
    const latency = latencies.get(call.id);
    rows.push({
      op: call.op,
      what,
      roundTripMs: latency?.roundTripMs,
      gatewayMs: latency?.gatewayMs,
      result,
      ok,
    });
    const detail = typeof outcome === 'string' ? outcome : outcome.detail;
    console.log(`  ${clock()}  ${ok ? 'ok  ' : 'FAIL'}   ${what}: ${detail}`);
    return data;
  }

  /** Prints an order's push events once its updates$ has ended. */
  async function showUpdates(what: string, events: ReturnType<typeof recordUpdates>): Promise<void> {
    try {
      for (const { at, u } of await events) console.log(`  ${at}  push   ${what}: ${describeUpdate(u)}`);
    } catch (error) {
      console.log(`  ${clock()}  push   ${what}: ${errorText(error)}`);
    }
  }

  // The push connection is up before the first order, so its events all come over push.
  await client.connect();
  await firstValueFrom(client.stateOf$('pushSpot').pipe(filter((s) => s.status === 'ready')));

  // 1. A limit buy below the market rests on the book.
  const limit = await step(
    'limit buy 0.001 BTC @ 29000',
    client.submitNewSpotOrder({
      side: 'buy',
      symbol: 'BTC-USDT',
      type: 'limit',
      price: '29000',
      size: '0.001',
    }),
    // No clientOid given: the client filled one in (a UUID) before sending.
    (d) => ({ short: `orderId ${d.orderId}`, detail: `orderId ${d.orderId}, clientOid ${d.clientOid}` }),
  );

  // 2. A market buy in sync mode answers after matching, with its fill; its push events (the
  // match may arrive before the answer: the two come on different sockets) end with 'filled'.
  const taker = client.submitSyncSpotOrder({ side: 'buy', symbol: 'BTC-USDT', type: 'market', size: '0.01' });
  const takerEvents = recordUpdates(taker);
  await step('sync market buy 0.01 BTC', taker, (d) => `status ${d.status}, dealSize ${d.dealSize}`);
  await showUpdates('the market buy', takerEvents);

  // 3. Modify (by clientOid) is cancel-and-replace: a new order id, the same clientOid. 4. Cancel it.
  if (limit !== undefined) {
    const modify = client.modifySpotOrder({
      symbol: 'BTC-USDT',
      clientOid: limit.clientOid,
      newPrice: '29100',
    });
    // The new order's events: it rests ('open'), then the cancel below ends it ('canceled').
    const restingEvents = recordUpdates(modify);
    const modified = await step('modify the limit buy to 29100', modify, (d) => `newOrderId ${d.newOrderId}`);
    if (modified !== undefined) {
      await step(
        'cancel it (sync)',
        client.cancelSyncSpotOrder({ symbol: 'BTC-USDT', orderId: modified.newOrderId }),
        (d) => `status ${d.status}, canceledSize ${d.canceledSize}`,
      );
      await showUpdates('the modified order', restingEvents);
    }
  }

  // 5. A cross-margin buy worth more than the 1,000,000 USDT in the margin wallet borrows the rest.
  const margin = await step(
    'margin buy 40 BTC @ 29000, autoBorrow',
    client.submitMarginOrder({
      side: 'buy',
      symbol: 'BTC-USDT',
      type: 'limit',
      price: '29000',
      size: '40',
      isIsolated: false,
      autoBorrow: true,
      autoRepay: true,
    }),
    (d) => `orderId ${d.orderId}, borrowSize ${d.borrowSize ?? '0'} USDT`,
  );
  if (margin !== undefined) {
    await step(
      'cancel the margin order',
      client.cancelMarginOrder({ symbol: 'BTC-USDT', orderId: margin.orderId }),
      (d) => `orderId ${d.orderId}`,
    );
  }

  // 6. Futures go over their own connection (wsApiFuturesV1), opened on first use.
  const futures = await step(
    'futures limit buy 2 lots XBTUSDTM @ 29000',
    client.submitFuturesOrder({
      side: 'buy',
      symbol: 'XBTUSDTM',
      type: 'limit',
      price: '29000',
      size: 2,
      leverage: 10,
    }),
    (d) => `orderId ${d.orderId}`,
  );

  // 7. A batch: each item succeeds or fails on its own (a reduceOnly sell without a position fails).
  const batch = await step(
    'futures batch of 3 (multi_order)',
    client.submitMultipleFuturesOrders([
      { side: 'buy', symbol: 'XBTUSDTM', type: 'limit', price: '28900', size: 1, leverage: 10 },
      { side: 'buy', symbol: 'XBTUSDTM', type: 'limit', price: '28800', size: 1, leverage: 10 },
      { side: 'sell', symbol: 'XBTUSDTM', type: 'market', size: 1, reduceOnly: true },
    ]),
    batchOutcome,
  );
  const resting = [futures?.orderId, ...(batch ?? []).map((i) => i.orderId)].filter(
    (id): id is string => typeof id === 'string',
  );
  if (resting.length > 0) {
    await step(
      `cancel the ${resting.length} futures orders (multi_cancel)`,
      client.cancelMultipleFuturesOrders({ orderIdsList: resting }),
      (d) => `${d.filter((i) => i.code === '200000').length} cancelled`,
    );
  }

  // 8. Bad input never reaches the wire: the call rejects at once with the field and the rule.
  await step(
    'limit buy without a price',
    client.submitNewSpotOrder({ side: 'buy', symbol: 'BTC-USDT', type: 'limit', size: '0.001' }),
    (d) => `orderId ${d.orderId}`,
    true,
  );

  await client.close();
  timings.unsubscribe();
  states.unsubscribe();

  console.log('\nEvery call (round trip: request written → answer read; gateway: outTime - inTime)\n');
  console.log(
    table(
      ['#', 'op', 'what', 'round trip', 'gateway', 'result'],
      rows.map((r, i) => [
        String(i + 1),
        r.op,
        r.what,
        r.roundTripMs === undefined ? 'not sent' : `${r.roundTripMs.toFixed(2)} ms`,
        r.gatewayMs === undefined ? '-' : `${r.gatewayMs} ms`,
        r.result,
      ]),
      new Set([0, 3, 4]),
    ),
  );
  const failed = rows.filter((r) => !r.ok);
  console.log(
    `\n${rows.length} calls, ${failed.length === 0 ? 'all as expected' : `${failed.length} unexpected`}; client closed, simulator stopped.`,
  );
  if (failed.length > 0) process.exitCode = 1;
}

main().catch((error: unknown) => {
  console.error('demo failed:', error);
  process.exitCode = 1;
});
