/**
 * Chaos for the order's whole life: many orders, half of them crossing the book (they fill) and
 * half IOC limits that cannot cross (they are canceled at once), sent while WS API and push
 * sessions are dropped at random points, with `orderUpdates: true` and `reconcile: true`.
 *
 * Every call settles (resolved, or a definite OrderNotPlacedError), none is left outcome
 * unknown; every placed order's `updates$` completes with the terminal state the simulator's
 * ledger shows; every request frame reached the gateway exactly once; nothing hangs.
 * CHAOS_SEED (default 13) and CHAOS_ORDERS (default 5,000; about 25 s alone on a loaded machine) set the PRNG
 * seed and the order count.
 *
 * The second test does the same for spot.modify (by orderId) and futures.multi_cancel with WS API
 * drops (CHAOS_MODIFIES resting orders, default 1,000; about 15 s): every modify resolves with the
 * replacement the ledger shows or fails with ModifyNotAppliedError while the ledger still shows
 * the order open, every batch cancel item says what the ledger shows, none is outcome unknown.
 */
import { lastValueFrom, toArray } from 'rxjs';
import {
  DisconnectedError,
  ModifyNotAppliedError,
  OrderNotPlacedError,
  TimeoutError,
  type OrderUpdate,
  type WSAPIOrderResponse,
  type WsApiCall,
} from '../../src';
import { useHarness } from '../client/harness';
import { mulberry32, pickPoints } from '../support/prng';

const h = useHarness();
const SEED = Number(process.env.CHAOS_SEED ?? 13);
const N = Number(process.env.CHAOS_ORDERS ?? 5_000);
/** Resting orders each modified once, then cancelled in batches, in the second test (CHAOS_MODIFIES). */
const M = Number(process.env.CHAOS_MODIFIES ?? 1_000);
/** Requests in flight at once (a strategy's burst, not one order at a time). */
const WINDOW = 100;

interface Outcome {
  readonly call: WsApiCall<WSAPIOrderResponse>;
  readonly crossing: boolean;
  result?: 'placed' | 'not placed' | 'unknown' | 'other';
  reconciled?: boolean;
  error?: unknown;
  updates?: OrderUpdate[];
  updatesError?: unknown;
}

it(`${N} orders (half crossing) with random drops of WS API and push sessions: every updates$ ends as the ledger does`, async () => {
  const random = mulberry32(SEED);
  const sim = await h.sim({
    seed: SEED,
    rateLimit: { limit: 1_000_000, windowMs: 30_000 },
    frameLogSize: N * 2 + 10_000,
  });
  const client = h.client(sim, {
    restBaseUrl: sim.restUrl,
    futuresRestBaseUrl: sim.restUrl,
    orderUpdates: true,
    reconcile: true,
    reconcileGraceMs: 200,
    requestTimeoutMs: 30_000,
    reconnect: { initialDelayMs: 10, maxDelayMs: 200 },
  });
  await client.connect();

  // About one drop every 100 orders, of either kind.
  const drops = new Map(
    pickPoints(random, Math.max(1, Math.floor(N / 100)), 1, N).map((i) => [
      i,
      random() < 0.5 ? ('wsapi' as const) : ('push' as const),
    ]),
  );
  let dropped = 0;
  const outcomes: Outcome[] = [];
  const inFlight = new Set<Promise<void>>();
  for (let i = 0; i < N; i++) {
    const kind = drops.get(i);
    if (kind !== undefined) dropped += sim.faults.dropSessions({ kind });
    const crossing = i % 2 === 0;
    const call = client.submitNewSpotOrder(
      crossing
        ? { side: 'buy', symbol: 'BTC-USDT', type: 'limit', price: '31000', size: '0.0001' }
        : {
            side: 'buy',
            symbol: 'BTC-USDT',
            type: 'limit',
            price: '20000',
            size: '0.0001',
            timeInForce: 'IOC',
          },
    );
    const outcome: Outcome = { call, crossing };
    outcomes.push(outcome);
    const settled = call.then(
      (response) => {
        outcome.result = 'placed';
        outcome.reconciled = response.reconciled === true;
      },
      (error: unknown) => {
        outcome.error = error;
        outcome.result =
          error instanceof OrderNotPlacedError
            ? 'not placed'
            : error instanceof DisconnectedError || (error instanceof TimeoutError && error.sent)
              ? 'unknown'
              : 'other';
      },
    );
    const followed = lastValueFrom(call.updates$.pipe(toArray())).then(
      (updates) => {
        outcome.updates = updates;
      },
      (error: unknown) => {
        outcome.updatesError = error;
      },
    );
    const both = Promise.all([settled, followed]).then(() => {
      inFlight.delete(both);
    });
    inFlight.add(both);
    if (inFlight.size >= WINDOW) await Promise.race(inFlight);
  }
  await Promise.all(inFlight);

  const count = (r: Outcome['result']): number => outcomes.filter((o) => o.result === r).length;
  const summary = {
    orders: N,
    drops: drops.size,
    socketsDropped: dropped,
    placed: count('placed'),
    reconciled: outcomes.filter((o) => o.reconciled === true).length,
    notPlaced: count('not placed'),
    unknown: count('unknown'),
    other: count('other'),
  };
  // The errors other than "not placed", by message (the first few kinds), to tell a failure apart.
  const others = new Map<string, number>();
  for (const o of outcomes) {
    if (o.result !== 'unknown' && o.result !== 'other') continue;
    const e = o.error as Error & { cause?: unknown };
    const key = `${e.name}: ${e.message.replace(/[0-9a-f-]{36}/g, '…')}${e.cause instanceof Error ? ` (cause ${e.cause.message})` : ''}`;
    others.set(key, (others.get(key) ?? 0) + 1);
  }
  console.log(`chaos seed ${SEED}: ${JSON.stringify(summary)} ${JSON.stringify([...others].slice(0, 5))}`);
  expect(summary.unknown).toBe(0);
  expect(outcomes.filter((o) => o.result === 'other').map((o) => String(o.error))).toEqual([]);
  expect(summary.placed + summary.notPlaced).toBe(N);

  // Each request frame reached the gateway once: nothing was re-sent.
  const sent = new Map<string, number>();
  for (const f of sim.framesReceived()) {
    const m = /"id":"([^"]+)","op":"spot\.order"/.exec(f.text);
    if (m !== null) sent.set(m[1] as string, (sent.get(m[1] as string) ?? 0) + 1);
  }
  expect([...sent.values()].filter((n) => n !== 1)).toEqual([]);
  // A frame written into a socket that died may never have arrived: that order was not placed.
  expect(outcomes.filter((o) => o.result === 'placed' && sent.get(o.call.id) !== 1)).toEqual([]);
  expect(outcomes.filter((o) => !sent.has(o.call.id) && o.result !== 'not placed')).toEqual([]);

  // Every placed order's updates$ completed with the ledger's terminal state; the others errored
  // with the call's error and are not in the ledger.
  const wrong: string[] = [];
  for (const o of outcomes) {
    const oid = o.call.clientOid as string;
    const entry = sim.exchange.ledger(oid);
    if (o.result === 'not placed') {
      if (entry !== undefined) wrong.push(`${oid}: not placed, but in the ledger`);
      if (o.updatesError !== o.error) wrong.push(`${oid}: updates$ did not error with the call's error`);
      continue;
    }
    const last = o.updates?.at(-1);
    if (entry === undefined || entry.status !== 'done') {
      wrong.push(`${oid}: ledger ${entry?.status ?? 'missing'}`);
      continue;
    }
    const expected = entry.dealSize === '0.0001' ? 'filled' : 'canceled';
    if (last?.status !== 'done' || last.type !== expected || (last.filledSize ?? '0') !== entry.dealSize)
      wrong.push(
        `${oid}: updates$ ended ${JSON.stringify(last)} but the ledger shows ${expected} ${entry.dealSize}`,
      );
    if (o.crossing !== (expected === 'filled')) wrong.push(`${oid}: crossing ${o.crossing} but ${expected}`);
  }
  expect(wrong.slice(0, 10)).toEqual([]);
}, 240_000);

/** A call's outcome without throwing: the response, or the error. */
const settled = (call: PromiseLike<unknown>): Promise<unknown> =>
  Promise.resolve(call).then(
    (r) => r,
    (e: unknown) => e,
  );

/** Makes `count` calls with `make`, at most `window` of them unsettled at once; the made values, in order. */
async function windowed<R extends { readonly call: PromiseLike<unknown> }>(
  count: number,
  window: number,
  make: (i: number) => R,
): Promise<R[]> {
  const made: R[] = [];
  const inFlight = new Set<Promise<unknown>>();
  for (let i = 0; i < count; i++) {
    const value = make(i);
    made.push(value);
    const done: Promise<unknown> = settled(value.call).then(() => inFlight.delete(done));
    inFlight.add(done);
    if (inFlight.size >= window) await Promise.race(inFlight);
  }
  await Promise.all(inFlight);
  return made;
}

/** Whether a call settled outcome unknown. */
const isUnknown = (error: unknown): boolean =>
  error instanceof DisconnectedError || (error instanceof TimeoutError && error.sent);

it(`${M} resting orders each modified by orderId, then cancelled 10 at a time, with random WS API drops: every modify and batch cancel settles as the ledger shows`, async () => {
  const random = mulberry32(SEED + 1);
  const sim = await h.sim({
    seed: SEED,
    rateLimit: { limit: 1_000_000, windowMs: 30_000 },
    frameLogSize: M * 4 + 10_000,
  });
  const client = h.client(sim, {
    restBaseUrl: sim.restUrl,
    futuresRestBaseUrl: sim.restUrl,
    reconcile: true,
    reconcileGraceMs: 200,
    requestTimeoutMs: 30_000,
    reconnect: { initialDelayMs: 10, maxDelayMs: 200 },
  });
  await client.connect('wsApiFuturesV1');
  // Resting futures orders would do for the batch cancel, but modify is spot: spot orders
  // for the modifies, their futures twins for the batch cancels.
  const spot = await Promise.all(
    Array.from({ length: M }, () =>
      client.submitNewSpotOrder({
        side: 'buy',
        symbol: 'BTC-USDT',
        type: 'limit',
        price: '20000',
        size: '0.0001',
      }),
    ),
  );
  const futures = await Promise.all(
    Array.from({ length: M }, () =>
      client.submitFuturesOrder({
        side: 'buy',
        symbol: 'XBTUSDTM',
        type: 'limit',
        price: '20000',
        size: 1,
        leverage: 5,
      }),
    ),
  );
  const modifyDrops = new Set(pickPoints(random, Math.max(1, Math.floor(M / 50)), 1, M));
  const modifies = await windowed(M, WINDOW / 2, (i) => {
    if (modifyDrops.has(i)) sim.faults.dropSessions({ kind: 'wsapi' });
    const placed = spot[i] as (typeof spot)[number];
    const call = client.modifySpotOrder({
      symbol: 'BTC-USDT',
      orderId: placed.data.orderId,
      newPrice: '20001',
    });
    return { placed, call };
  });
  const batches = Math.ceil(M / 10);
  const cancelDrops = new Set(pickPoints(random, Math.max(1, Math.floor(batches / 5)), 1, batches));
  const cancels = await windowed(batches, 10, (b) => {
    if (cancelDrops.has(b)) sim.faults.dropSessions({ kind: 'wsapi' });
    const named = futures.slice(b * 10, b * 10 + 10);
    const call = client.cancelMultipleFuturesOrders({
      clientOidsList: named.map((p) => ({ symbol: 'XBTUSDTM', clientOid: p.data.clientOid })),
    });
    return { named, call };
  });
  const modified = await Promise.all(modifies.map((m) => settled(m.call)));
  const cancelled = await Promise.all(cancels.map((c) => settled(c.call)));

  const wrong: string[] = [];
  let reconciled = 0;
  let notModified = 0;
  modifies.forEach(({ placed, call }, i) => {
    const outcome = modified[i];
    const entry = sim.exchange.ledger(placed.data.clientOid);
    if (outcome instanceof ModifyNotAppliedError) {
      notModified++;
      if (entry?.orderId !== placed.data.orderId || entry.status !== 'open')
        wrong.push(`${call.id}: ModifyNotAppliedError, but the ledger shows ${JSON.stringify(entry)}`);
    } else if (outcome instanceof Error) {
      wrong.push(
        `${call.id}: ${isUnknown(outcome) ? 'outcome unknown' : 'failed'}: ${outcome.message} (cause: ${String((outcome as { cause?: unknown }).cause)})`,
      );
    } else {
      const response = outcome as Awaited<typeof call>;
      if (response.reconciled === true) reconciled++;
      if (entry?.orderId !== response.data.newOrderId || entry.orderId === placed.data.orderId)
        wrong.push(
          `${call.id}: newOrderId ${response.data.newOrderId}, but the ledger shows ${entry?.orderId}`,
        );
    }
  });
  let items = 0;
  cancels.forEach(({ named, call }, b) => {
    const outcome = cancelled[b];
    if (outcome instanceof Error) {
      wrong.push(
        `${call.id}: ${isUnknown(outcome) ? 'outcome unknown' : 'failed'}: ${outcome.message} (cause: ${String((outcome as { cause?: unknown }).cause)})`,
      );
      return;
    }
    const response = outcome as Awaited<typeof call>;
    if (response.reconciled === true) reconciled++;
    response.data.forEach((item, k) => {
      items++;
      const entry = sim.exchange.ledger(named[k]?.data.clientOid ?? '');
      const canceled = entry?.status === 'done';
      if ((item.code === '200000') !== canceled)
        wrong.push(`${call.id} item ${k}: code ${item.code}, but the ledger shows ${entry?.status}`);
    });
  });
  console.log(
    `chaos modify/multi_cancel seed ${SEED}: ${JSON.stringify({ modifies: M, batches, drops: modifyDrops.size + cancelDrops.size, reconciled, notModified, items })}`,
  );
  expect(wrong.slice(0, 10)).toEqual([]);
  expect(items).toBe(M);
  // Each request frame reached the gateway at most once (one written into a dying socket may never arrive).
  for (const call of [...modifies.map((m) => m.call), ...cancels.map((c) => c.call)])
    expect(sim.countFrames((f) => f.id === call.id)).toBeLessThanOrEqual(1);
}, 240_000);
