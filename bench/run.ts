/**
 * `npm run bench`: the simulator (ack mode) in a child process; for each of at least 3
 * rounds, the raw client and ours in fresh worker processes, alternating which goes first;
 * medians with min and max, and the ratios ours/raw. Writes bench/results/latest.json.
 */
import { spawn, execFileSync } from 'node:child_process';
import { mkdirSync, writeFileSync, readFileSync, existsSync } from 'node:fs';
import { cpus } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';

type Figures = Record<string, number>;
const ROOT = join(__dirname, '..');
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? '3');
const CLIENTS = ['raw', 'ours'] as const;

function firstLine(child: ReturnType<typeof spawn>): Promise<string> {
  return new Promise((resolve, reject) => {
    const rl = createInterface({ input: child.stdout! });
    rl.once('line', (line) => {
      rl.close();
      resolve(line);
    });
    child.once('exit', (code) => reject(new Error(`child exited with ${code} before printing`)));
  });
}

function runWorker(kind: string, target: string): Promise<Figures> {
  const child = spawn(process.execPath, ['--expose-gc', '--import', 'tsx', 'bench/worker.ts', kind, target], {
    cwd: ROOT,
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  return firstLine(child).then((line) => JSON.parse(line) as Figures);
}

const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

async function main(): Promise<void> {
  const sim = spawn(process.execPath, ['--import', 'tsx', 'bench/sim-child.ts'], {
    cwd: ROOT,
    stdio: ['pipe', 'pipe', 'inherit'],
  });
  const target = await firstLine(sim);
  const samples: Record<string, Figures[]> = { raw: [], ours: [] };
  try {
    for (let round = 0; round < ROUNDS; round++) {
      const order = round % 2 === 0 ? CLIENTS : [...CLIENTS].reverse();
      for (const kind of order) {
        process.stderr.write(`round ${round + 1}/${ROUNDS}: ${kind}…\n`);
        samples[kind].push(await runWorker(kind, target));
      }
    }
  } finally {
    sim.kill('SIGTERM');
  }

  const metrics = Object.keys(samples.raw[0]);
  const summary: Record<string, Record<string, { median: number; min: number; max: number }>> = {};
  for (const kind of CLIENTS) {
    summary[kind] = {};
    for (const m of metrics) {
      const xs = samples[kind].map((f) => f[m]);
      summary[kind][m] = { median: median(xs), min: Math.min(...xs), max: Math.max(...xs) };
    }
  }
  const ratios: Record<string, number> = {};
  for (const m of metrics) ratios[m] = summary.ours[m].median / summary.raw[m].median;

  let simulator: unknown = null;
  if (process.env.BENCH_SKIP_SIM !== '1')
    try {
      execFileSync(process.execPath, ['--import', 'tsx', 'bench/simulator.ts'], {
        cwd: ROOT,
        stdio: 'inherit',
      });
      const file = join(ROOT, 'bench/results/simulator.json');
      if (existsSync(file)) simulator = JSON.parse(readFileSync(file, 'utf8'));
    } catch (e) {
      process.stderr.write(`simulator benchmark failed: ${String(e)}\n`);
    }

  const fmt = (v: number): string => (Math.abs(v) >= 100 ? v.toFixed(0) : v.toFixed(2));
  const rows = metrics.map((m) => {
    const r = summary.raw[m];
    const o = summary.ours[m];
    return `| ${m} | ${fmt(r.median)} (${fmt(r.min)}–${fmt(r.max)}) | ${fmt(o.median)} (${fmt(o.min)}–${fmt(o.max)}) | ${ratios[m].toFixed(2)} |`;
  });
  const table = ['| figure | raw | ours | ours/raw |', '| --- | --- | --- | --- |', ...rows].join('\n');
  console.log(table);

  const result = {
    date: new Date().toISOString(),
    node: process.version,
    cpu: cpus()[0]?.model ?? 'unknown',
    cores: cpus().length,
    rounds: ROUNDS,
    quick: process.env.BENCH_QUICK === '1',
    summary,
    ratios,
    samples,
    simulator,
    table,
  };
  mkdirSync(join(ROOT, 'bench/results'), { recursive: true });
  writeFileSync(join(ROOT, 'bench/results/latest.json'), JSON.stringify(result, null, 2) + '\n');
}

main().catch((e: unknown) => {
  console.error(e);
  process.exit(1);
});
