/**
 * One benchmark round for one client, in a fresh process (so heap figures are its own).
 * Usage: node --expose-gc --import tsx bench/worker.ts <raw|ours> '<sim json>'
 * Prints one JSON line of figures.
 */
import { randomUUID } from 'node:crypto';
import { RawClient, type Credentials } from './raw-client';
import { WebsocketAPIClient } from '../src';

interface Target {
  url: string;
  credentials: Credentials;
  control: string;
}

type Place = () => Promise<unknown>;

const gc = (globalThis as { gc?: () => void }).gc;
if (gc === undefined) throw new Error('run with --expose-gc');

function order(): Record<string, string> {
  return {
    clientOid: randomUUID(),
    side: 'buy',
    symbol: 'BTC-USDT',
    type: 'limit',
    price: '20000',
    size: '0.0001',
  };
}

async function open(kind: string, target: Target): Promise<{ place: Place; close: () => Promise<void> }> {
  if (kind === 'raw') {
    const raw = await RawClient.connect(target.url, target.credentials);
    return {
      place: () =>
        raw.request('spot.order', order()).then((r) => {
          if (r.code !== '200000') throw new Error(`raw: ${r.code}`);
          return r;
        }),
      close: () => raw.close(),
    };
  }
  const client = new WebsocketAPIClient({
    ...target.credentials,
    wsBaseUrl: target.url,
    attachEventListeners: false,
    requestTimeoutMs: 60_000,
  });
  await client.connect();
  return {
    place: () => client.submitNewSpotOrder(order() as never),
    close: () => client.close(),
  };
}

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))];
}

async function sequential(place: Place, n: number): Promise<{ p50: number; p99: number }> {
  const samples: number[] = new Array(n);
  for (let i = 0; i < n; i++) {
    const t0 = process.hrtime.bigint();
    await place();
    samples[i] = Number(process.hrtime.bigint() - t0) / 1000;
  }
  samples.sort((a, b) => a - b);
  return { p50: percentile(samples, 0.5), p99: percentile(samples, 0.99) };
}

/** Calls per second with `window` calls in flight at a time (window >= n: all issued at once). */
async function windowed(place: Place, n: number, window: number): Promise<number> {
  const t0 = process.hrtime.bigint();
  let issued = 0;
  await new Promise<void>((resolve, reject) => {
    let done = 0;
    const next = (): void => {
      issued++;
      place().then(() => {
        done++;
        if (done === n) resolve();
        else if (issued < n) next();
      }, reject);
    };
    const first = Math.min(window, n);
    for (let i = 0; i < first; i++) next();
  });
  const seconds = Number(process.hrtime.bigint() - t0) / 1e9;
  return n / seconds;
}

async function heapPerPending(place: Place, target: Target, n: number): Promise<number> {
  await fetch(`${target.control}/delay?ms=4000`, { method: 'POST' });
  gc!();
  const before = process.memoryUsage().heapUsed;
  const calls: Promise<unknown>[] = new Array(n);
  for (let i = 0; i < n; i++) calls[i] = place();
  gc!();
  const after = process.memoryUsage().heapUsed;
  await fetch(`${target.control}/delay?ms=0`, { method: 'POST' });
  await Promise.all(calls);
  return (after - before) / n;
}

async function heapGrowth(place: Place, n: number): Promise<number> {
  await windowed(place, 5_000, 1_000);
  gc!();
  const before = process.memoryUsage().heapUsed;
  await windowed(place, n, 1_000);
  gc!();
  await new Promise((r) => setImmediate(r));
  gc!();
  return process.memoryUsage().heapUsed - before;
}

async function main(): Promise<void> {
  const [kind, json] = process.argv.slice(2);
  const target = JSON.parse(json) as Target;
  const quick = process.env.BENCH_QUICK === '1';
  const scale = quick ? 0.1 : 1;
  const { place, close } = await open(kind, target);
  // Warm-up: let the JIT settle before anything is measured.
  await windowed(place, 20_000 * scale, 100);
  await sequential(place, 1_000 * scale);
  const latency = await sequential(place, 5_000 * scale);
  const pipelined = await windowed(place, 20_000 * scale, 20_000 * scale);
  const windowed100 = await windowed(place, 20_000 * scale, 100);
  const windowed10k = await windowed(place, 40_000 * scale, 10_000 * scale);
  const perPendingBytes = await heapPerPending(place, target, 10_000 * scale);
  const growthBytes = await heapGrowth(place, 200_000 * scale);
  await close();
  const figures = {
    latencyP50Us: latency.p50,
    latencyP99Us: latency.p99,
    pipelinedPerSec: pipelined,
    windowed100PerSec: windowed100,
    scaling: windowed100 / windowed10k, // cost per call at 10k in flight / at 100
    heapPerPendingBytes: perPendingBytes,
    heapGrowthBytes: growthBytes,
  };
  process.stdout.write(JSON.stringify(figures) + '\n');
}

main().catch((e: unknown) => {
  console.error(e);
  process.exit(1);
});
