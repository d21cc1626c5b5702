/**
 * One client for one benchmark round, in a fresh process (so heap figures are its own).
 * Usage: node --expose-gc --import tsx bench/worker.ts <raw|ours> '<sim json>'
 *
 * Driven by bench/run.ts one command per stdin line, one JSON answer per stdout line, so that
 * the parent can alternate short blocks of raw and ours while both stay connected: whatever
 * the machine is doing at the time (other processes, CPU frequency, where the scheduler puts
 * the simulator) then weighs on both clients alike, instead of on whichever ran first.
 *
 * Commands: `warmup`; `sequential <n>` (answers the latency samples, µs); `windowed <n>
 * <window>` (answers calls and seconds); `heap <n>` (retained bytes per pending call);
 * `growth <n>` (heap growth after n calls and a forced GC); `close`.
 */
import { createInterface } from 'node:readline';
import { open, type Kind, type Place, type Target } from './clients';
import { sequentialSamples, windowedTimed } from './scenarios';

const gcOrUndefined = (globalThis as { gc?: () => void }).gc;
if (gcOrUndefined === undefined) throw new Error('run with --expose-gc');
const gc: () => void = gcOrUndefined;

const control = (target: Target, ms: number): Promise<unknown> =>
  fetch(`${target.control}/delay?ms=${ms}`, { method: 'POST' }).then((r) => r.text());

const pause = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/**
 * Retained heap per pending call: `n` calls issued while the simulator holds every answer,
 * measured after the writes have drained (frames still in a socket's write queue are not
 * what a pending call costs, and how many are queued at one instant depends on timing) and a
 * forced GC. What stays is what each client keeps per call plus the handle it returned (the
 * raw client's Promise, our WsApiCall), which the caller holds; nothing is chained on the
 * handles, so no Promise machinery of the caller's is counted for either.
 */
async function heapPerPending(place: Place, target: Target, n: number): Promise<number> {
  await control(target, 4_000);
  gc();
  const before = process.memoryUsage().heapUsed;
  const calls = new Array<PromiseLike<unknown>>(n);
  for (let i = 0; i < n; i++) calls[i] = place();
  await pause(300);
  gc();
  const after = process.memoryUsage().heapUsed;
  await control(target, 0);
  await Promise.all(calls);
  return (after - before) / n;
}

/** Heap after `n` more calls (1,000 in flight) and a forced GC, minus the heap before. */
async function heapGrowth(place: Place, n: number): Promise<number> {
  await windowedTimed(place, 5_000, 1_000);
  gc();
  const before = process.memoryUsage().heapUsed;
  await windowedTimed(place, n, 1_000);
  gc();
  await new Promise((r) => setImmediate(r));
  gc();
  return process.memoryUsage().heapUsed - before;
}

async function main(): Promise<void> {
  const [kind, json] = process.argv.slice(2);
  if (kind !== 'raw' && kind !== 'ours') throw new Error(`unknown client ${kind}`);
  const target = JSON.parse(json) as Target;
  const { place, close } = await open(kind as Kind, target);
  const reply = (value: unknown): void => void process.stdout.write(JSON.stringify(value) + '\n');
  reply({ ready: true });
  for await (const line of createInterface({ input: process.stdin })) {
    const [command, a, b] = line.trim().split(' ');
    const n = Number(a);
    switch (command) {
      case 'warmup':
        // Let the JIT settle before anything is measured.
        await windowedTimed(place, 20_000, 100);
        await windowedTimed(place, 20_000, 20_000);
        await sequentialSamples(place, 1_000);
        reply({ done: true });
        break;
      case 'sequential': {
        // With the process's CPU time per call (µs), all and user only, which
        // bench/ab-latency.ts reports.
        const cpu = process.cpuUsage();
        const samples = await sequentialSamples(place, n);
        const { user, system } = process.cpuUsage(cpu);
        reply({ samples, cpuUs: (user + system) / n, userUs: user / n });
        break;
      }
      case 'windowed':
        reply(await windowedTimed(place, n, Number(b)));
        break;
      case 'heap':
        reply({ bytes: await heapPerPending(place, target, n) });
        break;
      case 'growth':
        reply({ bytes: await heapGrowth(place, n) });
        break;
      case 'close':
        await close();
        reply({ closed: true });
        process.exit(0);
    }
  }
}

main().catch((e: unknown) => {
  console.error(e);
  process.exit(1);
});
