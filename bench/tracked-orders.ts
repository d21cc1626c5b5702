/**
 * `node --expose-gc --import tsx bench/tracked-orders.ts`: retained heap per tracked order.
 *
 * The simulator (full engine) runs in its own process (bench/sim-child.ts --full), so only the
 * client's memory is measured. One client with `orderUpdates: true` places N resting spot
 * orders far below the market and keeps a subscription to each call's `updates$` until the
 * order's `open` event has arrived: every order is then tracked and not terminal. Retained heap
 * after full GCs (heap + ArrayBuffers), minus the same client's before, divided by N, is the
 * cost of tracking one live order (the call, its events so far, the tracker's entry and the
 * subscription). Then every order is cancelled: once each `updates$` has completed with its
 * `canceled` event and the subscriptions are dropped, the heap must come back down (terminal
 * orders are forgotten). Median of ROUNDS rounds; N from TRACKED_ORDERS (default 5,000).
 */
import { spawn } from 'node:child_process';
import { loadavg } from 'node:os';
import { createInterface } from 'node:readline';
import { firstValueFrom, filter } from 'rxjs';
import { WebsocketAPIClient, type OrderUpdate } from '../src';

const N = Number(process.env.TRACKED_ORDERS ?? 5_000);
const ROUNDS = Number(process.env.TRACKED_ROUNDS ?? 3);

const gc = (globalThis as { gc?: () => void }).gc;
if (gc === undefined) {
  console.error('run with node --expose-gc --import tsx bench/tracked-orders.ts');
  process.exit(2);
}

async function retained(): Promise<number> {
  for (let i = 0; i < 4; i++) {
    gc?.();
    await new Promise((r) => setImmediate(r));
  }
  const { heapUsed, arrayBuffers } = process.memoryUsage();
  return heapUsed + arrayBuffers;
}

const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

async function main(): Promise<void> {
  const child = spawn(process.execPath, ['--import', 'tsx', 'bench/sim-child.ts', '--full'], {
    stdio: ['pipe', 'pipe', 'inherit'],
  });
  const line = await new Promise<string>((resolve) =>
    createInterface({ input: child.stdout }).once('line', resolve),
  );
  const { url, credentials } = JSON.parse(line) as {
    url: string;
    credentials: { apiKey: string; apiSecret: string; apiPassphrase: string };
  };
  const http = url.replace(/^ws/, 'http').replace(/\/v1\/private.*$/, '');
  const client = new WebsocketAPIClient({
    ...credentials,
    wsBaseUrl: url,
    restBaseUrl: http,
    futuresRestBaseUrl: http,
    orderUpdates: true,
    attachEventListeners: false,
    requestTimeoutMs: 60_000,
  });
  await client.connect();
  await firstValueFrom(client.state$.pipe(filter((s) => s.wsKey === 'pushSpot' && s.status === 'ready')));

  const tracked: number[] = [];
  const leftAfterDone: number[] = [];
  for (let round = 0; round < ROUNDS; round++) {
    const before = await retained();
    const subscriptions = [];
    let opens = 0;
    let ends = 0;
    let canceledEnds = 0;
    let allOpen!: () => void;
    let allEnded!: () => void;
    const opened = new Promise<void>((resolve) => (allOpen = resolve));
    const ended = new Promise<void>((resolve) => (allEnded = resolve));
    let last: OrderUpdate | undefined;
    for (let i = 0; i < N; i++) {
      const call = client.submitNewSpotOrder({
        clientOid: `t${round}-${i}`,
        symbol: 'BTC-USDT',
        side: 'buy',
        type: 'limit',
        price: String(1_000 + (i % 1_000) / 10),
        size: '0.01',
      });
      subscriptions.push(
        call.updates$.subscribe({
          next: (u) => {
            last = u;
            if (u.type === 'open' && ++opens === N) allOpen();
          },
          complete: () => {
            if (last?.type === 'canceled') canceledEnds++;
            if (++ends === N) allEnded();
          },
        }),
      );
    }
    await opened;
    const live = await retained();
    tracked.push((live - before) / N);
    // Cancel everything; every updates$ completes with its terminal event.
    await Promise.all(
      Array.from({ length: N }, (_, i) =>
        client.cancelSpotOrder({ symbol: 'BTC-USDT', clientOid: `t${round}-${i}` }),
      ),
    );
    await ended;
    if (canceledEnds !== N) throw new Error(`${N - canceledEnds} orders did not end canceled`);
    for (const s of subscriptions) s.unsubscribe();
    subscriptions.length = 0;
    const after = await retained();
    leftAfterDone.push((after - before) / N);
    console.log(
      `round ${round + 1}: ${((live - before) / N).toFixed(0)} B per tracked live order; ` +
        `${((after - before) / N).toFixed(0)} B per order left after all ended`,
    );
  }
  console.log(
    `retained heap per tracked order (N ${N}, median of ${ROUNDS}): ${median(tracked).toFixed(0)} B while live, ` +
      `${median(leftAfterDone).toFixed(0)} B after it ended (load average ${loadavg()[0].toFixed(2)})`,
  );
  await client.close();
  child.stdin?.end();
}

void main();
