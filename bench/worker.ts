/**
 * One benchmark round for one client, in a fresh process (so heap figures are its own).
 * Usage: node --expose-gc --import tsx bench/worker.ts <raw|ours> '<sim json>'
 * Prints one JSON line of figures.
 */
import { open, type Kind, type Place, type Target } from './clients';
import { sequential, windowed } from './scenarios';

const gcOrUndefined = (globalThis as { gc?: () => void }).gc;
if (gcOrUndefined === undefined) throw new Error('run with --expose-gc');
const gc: () => void = gcOrUndefined;

const control = (target: Target, ms: number): Promise<unknown> =>
  fetch(`${target.control}/delay?ms=${ms}`, { method: 'POST' }).then((r) => r.text());

/**
 * Retained heap per pending call: `n` calls issued while the simulator holds every answer,
 * measured after a forced GC. What stays is what each client keeps per call plus the handle
 * it returned (the raw client's Promise, our WsApiCall), which the caller holds; nothing is
 * chained on the handles, so no Promise machinery of the caller's is counted for either.
 */
async function heapPerPending(place: Place, target: Target, n: number): Promise<number> {
  await control(target, 4_000);
  gc();
  const before = process.memoryUsage().heapUsed;
  const calls = new Array<PromiseLike<unknown>>(n);
  for (let i = 0; i < n; i++) calls[i] = place();
  gc();
  const after = process.memoryUsage().heapUsed;
  await control(target, 0);
  await Promise.all(calls);
  return (after - before) / n;
}

/** Heap after `n` more calls (1,000 in flight) and a forced GC, minus the heap before. */
async function heapGrowth(place: Place, n: number): Promise<number> {
  await windowed(place, 5_000, 1_000);
  gc();
  const before = process.memoryUsage().heapUsed;
  await windowed(place, n, 1_000);
  gc();
  await new Promise((r) => setImmediate(r));
  gc();
  return process.memoryUsage().heapUsed - before;
}

async function main(): Promise<void> {
  const [kind, json] = process.argv.slice(2);
  if (kind !== 'raw' && kind !== 'ours') throw new Error(`unknown client ${kind}`);
  const target = JSON.parse(json) as Target;
  const scale = process.env.BENCH_QUICK === '1' ? 0.1 : 1;
  const { place, close } = await open(kind as Kind, target);
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
    windowed10kPerSec: windowed10k,
    // Cost per call at 10,000 in flight divided by the cost per call at 100.
    scaling: windowed100 / windowed10k,
    heapPerPendingBytes: perPendingBytes,
    heapGrowthBytes: growthBytes,
  };
  process.stdout.write(JSON.stringify(figures) + '\n');
}

main().catch((e: unknown) => {
  console.error(e);
  process.exit(1);
});
