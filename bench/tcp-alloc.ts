/**
 * Bytes allocated per call over TCP, exactly: both clients in this one process against the
 * minimal gateway (bench/min-gateway.ts, in its own process), the same as bench/hot-path.ts'
 * HOT_ALLOC mode but with the real socket path (ws, the TCP socket, the writer's corking):
 *
 *   node --expose-gc --min-semi-space-size=256 --max-semi-space-size=256 --import tsx bench/tcp-alloc.ts
 *
 * With a young generation that large no GC runs during a repetition, so the growth of the
 * heap's used size is what was allocated (repetitions a GC ran in are left out). Sequential
 * calls (each awaited) unless TCP_WINDOW=<n> (calls in flight); TCP_ROUNDS repetitions of
 * 3,000 calls per client (default 7), medians. Also prints each client's CPU per call, which
 * on a shared machine is only a rough figure.
 */
import { spawn } from 'node:child_process';
import { PerformanceObserver } from 'node:perf_hooks';
import { createInterface } from 'node:readline';
import { getHeapSpaceStatistics } from 'node:v8';
import { open, type Bench, type Kind, type Target } from './clients';
import { sequentialSamples, windowedTimed } from './scenarios';

const CALLS = 3_000;
const KINDS: readonly Kind[] = ['raw', 'ours'];

const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const used = (): number => getHeapSpaceStatistics().reduce((sum, s) => sum + s.space_used_size, 0);
const gc = (globalThis as { gc?: () => void }).gc;

async function main(): Promise<void> {
  if (gc === undefined) throw new Error('run with --expose-gc');
  const rounds = Number(process.env.TCP_ROUNDS ?? '7');
  const window = Number(process.env.TCP_WINDOW ?? '1');
  const gateway = spawn(process.execPath, ['--import', 'tsx', 'bench/min-gateway.ts'], {
    cwd: `${__dirname}/..`,
    stdio: ['pipe', 'pipe', 'inherit'],
  });
  const target = JSON.parse(
    await new Promise<string>((resolve) => createInterface({ input: gateway.stdout! }).once('line', resolve)),
  ) as Target;
  const gcTimes: number[] = [];
  new PerformanceObserver((list) => {
    for (const e of list.getEntries()) gcTimes.push(e.startTime);
  }).observe({ entryTypes: ['gc'] });
  const clients = {} as Record<Kind, Bench>;
  for (const kind of KINDS) clients[kind] = await open(kind, target);
  const run = (kind: Kind, n: number): Promise<unknown> =>
    window === 1 ? sequentialSamples(clients[kind].place, n) : windowedTimed(clients[kind].place, n, window);
  for (const kind of KINDS) {
    await windowedTimed(clients[kind].place, 20_000, 100);
    await run(kind, 5_000);
  }
  const bytes: Record<Kind, number[]> = { raw: [], ours: [] };
  const cpu: Record<Kind, number[]> = { raw: [], ours: [] };
  for (let r = 0; r < rounds; r++) {
    for (const kind of r % 2 === 0 ? KINDS : [...KINDS].reverse()) {
      gc();
      await new Promise((resolve) => setImmediate(resolve));
      const t0 = performance.now();
      const before = used();
      const cpu0 = process.cpuUsage();
      await run(kind, CALLS);
      const spent = process.cpuUsage(cpu0);
      const perCall = (used() - before) / CALLS;
      const t1 = performance.now();
      await new Promise((resolve) => setTimeout(resolve, 10)); // let the observer report
      cpu[kind].push((spent.user + spent.system) / CALLS);
      if (!gcTimes.some((t) => t >= t0 && t <= t1)) bytes[kind].push(perCall);
    }
  }
  for (const kind of KINDS) {
    const b = bytes[kind];
    console.log(
      `${kind} ${b.length === 0 ? '?' : median(b).toFixed(0)} B/call allocated (window ${window}, ` +
        `${b.length} repetitions without a GC), CPU ${median(cpu[kind]).toFixed(1)} µs/call`,
    );
  }
  for (const kind of KINDS) await clients[kind].close();
  gateway.kill('SIGTERM');
}

main().catch((e: unknown) => {
  console.error(e);
  process.exit(1);
});
