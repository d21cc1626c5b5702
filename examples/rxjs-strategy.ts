/**
 * A strategy's order flow in RxJS: a price ladder placed with `mergeMap` and a concurrency
 * limit, replaced on every new signal with `switchMap` (cancel-and-replace), rate-limit
 * refusals retried with backoff, and a final report folded with `reduce`.
 * Run it: `npx tsx examples/rxjs-strategy.ts`.
 */
import {
  catchError,
  concat,
  defer,
  EMPTY,
  from,
  lastValueFrom,
  map,
  merge,
  mergeMap,
  of,
  reduce,
  retry,
  Subject,
  switchMap,
  take,
  tap,
  throwError,
  timer,
  type Observable,
} from 'rxjs';
import {
  DisconnectedError,
  RateLimitError,
  TimeoutError,
  WebsocketAPIClient,
  type WSAPICancelOrderRequest,
  type SubmitHFOrderRequest,
  type WSAPIOrderResponse,
  type WSAPIResponse,
  type WsApiCall,
} from 'kucoin-wsapi-rx';
import { startSimulator } from 'kucoin-wsapi-rx/simulator';

// `testnet: true` would do, but its quota is KuCoin's (1,600 requests per 30 s), which a ladder
// this small never reaches: a simulator with a tight quota makes the rate-limit path run.
const sim = await startSimulator({ rateLimit: { limit: 20, windowMs: 1_000 } });
const client = new WebsocketAPIClient({
  ...sim.demoAccount,
  wsBaseUrl: sim.url,
  attachEventListeners: false,
});

const SYMBOL = 'BTC-USDT';
const RUNGS = 6; // orders per ladder
const STEP = 25; // USDT between rungs
const IN_FLIGHT = 3; // requests of one kind in flight at once
const SIGNALS = 4;

type Event =
  | { readonly kind: 'placed'; readonly price: string; readonly orderId: string }
  | { readonly kind: 'rejected'; readonly price: string; readonly reason: string }
  | { readonly kind: 'cancelled'; readonly orderId: string }
  | { readonly kind: 'cancelFailed'; readonly orderId: string; readonly reason: string };

let rateLimited = 0;

/**
 * Sends a request, retrying only what the gateway refused over the quota (429000: nothing
 * happened). A call replays its outcome when re-subscribed and never re-sends, so `defer`
 * makes a new call for each attempt. Timeouts and disconnects are not retried: their outcome
 * is unknown, and a blind re-send could place an order twice. (`rateLimitGate: true` on the
 * client is the other way: it holds requests until the quota resets.)
 */
function withRetry<T>(send: () => WsApiCall<T>): Observable<WSAPIResponse<T>> {
  return defer(send).pipe(
    retry({
      count: 5,
      delay: (error: unknown, attempt: number) => {
        if (!(error instanceof RateLimitError)) return throwError(() => error);
        rateLimited++;
        // Wait for the quota window to reset, plus a growing jitter so retries spread out.
        return timer(error.reset + Math.random() * 25 * 2 ** attempt);
      },
    }),
  );
}

const reason = (e: unknown): string => (e instanceof Error ? e.message : String(e));

/** Every order placed (by orderId), however late its answer came. */
const placedOrders = new Set<string>();

/** Placements of the current ladder that reached the client (answered or not yet). */
let sent: Array<WsApiCall<WSAPIOrderResponse>> = [];
/** Placements of replaced ladders, to cancel. A Subject, so that switchMap cannot drop them. */
const retired = new Subject<WsApiCall<WSAPIOrderResponse>>();

function retire(): void {
  const old = sent;
  sent = [];
  for (const call of old) retired.next(call);
}

function rung(mid: number, signal: number, i: number): SubmitHFOrderRequest & { price: string } {
  return {
    // Our own clientOid: the same on every retry, and the key to reconcile an order whose
    // outcome is unknown (a DisconnectedError or TimeoutError carries it).
    clientOid: `ladder-${signal}-${i}`,
    side: 'buy',
    symbol: SYMBOL,
    type: 'limit',
    price: String(mid - STEP * (i + 1)),
    size: '0.001',
  };
}

/** One ladder below `mid`, at most IN_FLIGHT placements at a time. */
function placeLadder(mid: number, signal: number): Observable<Event> {
  const orders = Array.from({ length: RUNGS }, (_, i) => rung(mid, signal, i));
  return from(orders).pipe(
    mergeMap(
      (order) =>
        withRetry(() => {
          const call = client.submitNewSpotOrder(order);
          sent.push(call);
          return call;
        }).pipe(
          map((r): Event => {
            placedOrders.add(r.data.orderId);
            return { kind: 'placed', price: order.price, orderId: r.data.orderId };
          }),
          catchError((e: unknown) => of<Event>({ kind: 'rejected', price: order.price, reason: reason(e) })),
        ),
      IN_FLIGHT,
    ),
  );
}

/** The request may have acted: the link dropped, or no answer came in time after it was sent. */
const outcomeUnknown = (e: unknown): boolean =>
  e instanceof DisconnectedError || (e instanceof TimeoutError && e.sent);

/**
 * Cancels one placement. `from(call)` waits for its answer (a call settles even after
 * switchMap dropped its subscriber) and replays it; nothing is sent again. A placement whose
 * outcome is unknown may rest on the book: it is cancelled by its clientOid.
 */
function cancel(placement: WsApiCall<WSAPIOrderResponse>): Observable<Event> {
  return from(placement).pipe(
    map((placed): WSAPICancelOrderRequest => {
      // Answered after its ladder was replaced, it was never reported as placed: count it here.
      placedOrders.add(placed.data.orderId);
      return { symbol: SYMBOL, orderId: placed.data.orderId };
    }),
    catchError((e: unknown) =>
      // Refused: it never rested, nothing to cancel.
      outcomeUnknown(e)
        ? of<WSAPICancelOrderRequest>({ symbol: SYMBOL, clientOid: placement.clientOid })
        : EMPTY,
    ),
    mergeMap((target) => {
      const orderId = target.orderId ?? `clientOid ${target.clientOid ?? ''}`;
      return withRetry(() => client.cancelSpotOrder(target)).pipe(
        map((): Event => {
          placedOrders.add(orderId); // cancelled by clientOid: it had been placed after all
          return { kind: 'cancelled', orderId };
        }),
        catchError((e: unknown) => of<Event>({ kind: 'cancelFailed', orderId, reason: reason(e) })),
      );
    }),
  );
}

// The signal: a new mid price every 250 ms (a real strategy derives it from market data).
const signal$ = timer(0, 250).pipe(
  take(SIGNALS),
  map((n) => 30_000 - 40 * n),
);

const orders$ = concat(
  signal$.pipe(
    // A new signal replaces the ladder: switchMap drops the placements not sent yet (those
    // waiting out a rate limit), and retire() hands the sent ones over to be cancelled.
    switchMap((mid, n) => {
      console.log(`signal ${n + 1}: mid ${mid}`);
      retire();
      return placeLadder(mid, n);
    }),
  ),
  // The signals ended: take the last ladder down too, then let the cancellations finish.
  defer(() => {
    retire();
    retired.complete();
    return EMPTY;
  }),
);
const cancellations$ = retired.pipe(mergeMap(cancel, IN_FLIGHT));

const report = await lastValueFrom(
  // cancellations$ first: it must listen before the first ladder is retired.
  merge(cancellations$, orders$).pipe(
    tap((e) => {
      if (e.kind === 'placed') console.log(`  placed    ${e.price}  orderId ${e.orderId}`);
      else if (e.kind === 'cancelled') console.log(`  cancelled orderId ${e.orderId}`);
      else console.log(`  ${e.kind}: ${e.reason}`);
    }),
    reduce((counts, e) => ({ ...counts, [e.kind]: counts[e.kind] + 1 }), {
      placed: 0,
      rejected: 0,
      cancelled: 0,
      cancelFailed: 0,
    }),
  ),
);

const resting = sim.exchange.allOrders().filter((o) => o.status === 'open').length;
console.log('report:');
console.log(`  signals:                          ${SIGNALS}`);
console.log(`  placed:                           ${placedOrders.size}`);
console.log(`  not placed (replaced first):      ${SIGNALS * RUNGS - placedOrders.size - report.rejected}`);
console.log(`  rejected:                         ${report.rejected}`);
console.log(`  cancelled:                        ${report.cancelled}`);
console.log(`  cancel failed:                    ${report.cancelFailed}`);
console.log(`  rate-limited, retried:            ${rateLimited}`);
console.log(`  still resting on the book:        ${resting}`);

await client.close();
await sim.close();
console.log('done');
