/**
 * `npx tsx bench/ab-latency.ts <checkout>…`: sequential latency of the raw client, ours, and
 * ours as another checkout of this repository has it (its own bench/worker.ts and src/, e.g.
 * a `git worktree add --detach /tmp/base main` with node_modules linked in), against one
 * minimal gateway (bench/min-gateway.ts). Ours is the package as built from each checkout's
 * src/ (bench/package-build.ts, as `npm run bench` measures it); `src` as an argument adds
 * ours run from this checkout's src/ through tsx (BENCH_CLIENT=src), `dist` ours from its
 * `dist/` (BENCH_CLIENT=dist). Each client runs in a worker process of its own, as
 * in `npm run bench`, and the blocks of calls alternate between them (the order rotating by
 * block), so that whatever else the machine does weighs on all of them alike: an A/B of a
 * change to the sequential path, with raw as the yardstick. Prints p50, p99 and the process's
 * CPU per call (all, and user only: on 2 cores the gateway shares the client's core, so every
 * µs of the client's own work is a µs of latency) per client and round; then the medians over
 * rounds with ours/raw, and `p50 /raw by block`: the median over all blocks of each block's p50
 * over raw's in the same block, the pairs closest in time and the steadiest figure on a busy
 * machine. AB_ROUNDS (default 3) rounds of fresh workers, AB_BLOCKS (default 5) blocks of AB_N
 * (default 1,000) calls per client and round. AB_HEAP=1: each worker also measures its retained
 * heap per pending call (`npm run bench`'s method, 10,000 calls held by the gateway) after its
 * blocks, and the medians over rounds are printed too.
 */
import { spawn } from 'node:child_process';
import { join, resolve } from 'node:path';
import { createInterface } from 'node:readline';
import { percentiles } from './scenarios';
import { buildPackage, type PackageBuild } from './package-build';
import { median, WorkerProcess } from './worker-process';

const ROOT = join(__dirname, '..');
const ROUNDS = Number(process.env.AB_ROUNDS ?? '3');
const BLOCKS = Number(process.env.AB_BLOCKS ?? '5');
const N = Number(process.env.AB_N ?? '1000');
const HEAP = process.env.AB_HEAP === '1';

interface Participant {
  readonly name: string;
  readonly kind: 'raw' | 'ours';
  readonly dir: string;
  readonly env?: Record<string, string>;
}

async function main(): Promise<void> {
  const builds: PackageBuild[] = [];
  const built = (dir: string): Record<string, string> => {
    const build = buildPackage(dir);
    builds.push(build);
    return { BENCH_PACKAGE: build.entry };
  };
  const participant = (arg: string): Participant => {
    if (arg === 'src') return { name: 'ours (src)', kind: 'ours', dir: ROOT, env: { BENCH_CLIENT: 'src' } };
    if (arg === 'dist')
      return { name: 'ours (dist)', kind: 'ours', dir: ROOT, env: { BENCH_CLIENT: 'dist' } };
    const dir = resolve(arg);
    return { name: dir, kind: 'ours', dir, env: built(dir) };
  };
  process.on('exit', () => builds.forEach((b) => b.remove()));
  const participants: Participant[] = [
    { name: 'raw', kind: 'raw', dir: ROOT },
    { name: 'ours', kind: 'ours', dir: ROOT, env: built(ROOT) },
    ...process.argv.slice(2).map(participant),
  ];
  const gateway = spawn(process.execPath, ['--import', 'tsx', 'bench/min-gateway.ts'], {
    cwd: ROOT,
    stdio: ['pipe', 'pipe', 'inherit'],
  });
  const target = await new Promise<string>((r) =>
    createInterface({ input: gateway.stdout! }).once('line', r),
  );
  const p50s = participants.map((): number[] => []);
  const p99s = participants.map((): number[] => []);
  const cpus = participants.map((): number[] => []);
  const users = participants.map((): number[] => []);
  /** Each block's p50 over the raw client's p50 in the same block (next to it in time). */
  const paired = participants.map((): number[] => []);
  const heaps = participants.map((): number[] => []);
  for (let round = 0; round < ROUNDS; round++) {
    const workers = participants.map((p) =>
      WorkerProcess.start(p.name, p.kind, target, { cwd: p.dir, env: p.env }),
    );
    await Promise.all(workers.map((w) => w.next()));
    for (const w of workers) await w.ask('warmup');
    const samples = participants.map((): number[] => []);
    const cpu = participants.map((): number[] => []);
    const user = participants.map((): number[] => []);
    for (let b = 0; b < BLOCKS; b++) {
      const blockP50 = participants.map(() => Number.NaN);
      // The order rotates by block (and round), so that no participant always follows another.
      for (let j = 0; j < workers.length; j++) {
        const i = (j + b + round) % workers.length;
        const r = await workers[i].ask<{ samples: number[]; cpuUs?: number; userUs?: number }>(
          `sequential ${N}`,
        );
        samples[i].push(...r.samples);
        cpu[i].push(r.cpuUs ?? Number.NaN);
        user[i].push(r.userUs ?? Number.NaN);
        blockP50[i] = percentiles(r.samples).p50;
      }
      blockP50.forEach((p50, i) => paired[i].push(p50 / blockP50[0]));
    }
    if (HEAP)
      for (let j = 0; j < workers.length; j++) {
        const i = (j + round) % workers.length;
        heaps[i].push((await workers[i].ask<{ bytes: number }>('heap 10000')).bytes);
      }
    for (const w of workers) await w.ask('close');
    const line = participants.map((p, i) => {
      const { p50, p99 } = percentiles(samples[i]);
      p50s[i].push(p50);
      p99s[i].push(p99);
      cpus[i].push(median(cpu[i]));
      users[i].push(median(user[i]));
      return (
        `${p.name.slice(-24)} p50 ${p50.toFixed(1)} p99 ${p99.toFixed(0)} ` +
        `cpu ${median(cpu[i]).toFixed(1)} user ${median(user[i]).toFixed(1)}`
      );
    });
    console.log(`round ${round + 1}: ${line.join(' | ')}`);
  }
  // Ratios per round, then their median (as bench/run.ts computes ours/raw).
  const ratio = (xs: number[], raw: number[]): string => median(xs.map((x, r) => x / raw[r])).toFixed(3);
  for (let i = 0; i < participants.length; i++) {
    console.log(
      `${participants[i].name.padEnd(28)} p50 ${median(p50s[i]).toFixed(1)} µs (/raw ${ratio(p50s[i], p50s[0])}), ` +
        `p99 ${median(p99s[i]).toFixed(0)} µs (/raw ${ratio(p99s[i], p99s[0])}), ` +
        `p50 /raw by block ${median(paired[i]).toFixed(3)}, ` +
        `CPU ${median(cpus[i]).toFixed(1)} µs per call (−raw ${(median(cpus[i]) - median(cpus[0])).toFixed(1)}), ` +
        `user ${median(users[i]).toFixed(1)} (−raw ${median(users[i].map((u, r) => u - users[0][r])).toFixed(2)})` +
        (HEAP
          ? `, heap ${median(heaps[i]).toFixed(0)} B per pending call (/raw ${ratio(heaps[i], heaps[0])})`
          : ''),
    );
  }
  gateway.stdin!.end();
}

main().catch((e: unknown) => {
  console.error(e);
  process.exit(1);
});
