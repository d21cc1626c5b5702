/**
 * Chaos for the order's whole life: many orders, half of them crossing the book (they fill) and
 * half IOC limits that cannot cross (they are canceled at once), sent while WS API and push
 * sessions are dropped at random points, with `orderUpdates: true` and `reconcile: true`.
 *
 * Every call settles (resolved, or a definite OrderNotPlacedError), none is left outcome
 * unknown; every placed order's `updates$` completes with the terminal state the simulator's
 * ledger shows; every request frame reached the gateway exactly once; nothing hangs.
 * CHAOS_SEED (default 13) and CHAOS_ORDERS (default 2,000, so that the whole suite stays quick on a
 * loaded machine; 5,000 runs in about 25 s alone) set the PRNG seed and the order count.
 */
import { lastValueFrom, toArray } from 'rxjs';
import {
  DisconnectedError,
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
const N = Number(process.env.CHAOS_ORDERS ?? 2_000);
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
