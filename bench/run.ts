/**
 * `npm run bench`: two gateways, each in a child process of its own: the minimal gateway
 * (bench/min-gateway.ts: checks nothing, answers every request with a fixed success envelope,
 * batched per tick; the physical limit) and the simulator in ack mode (bench/sim-child.ts).
 * For each of at least 3 rounds, and for each gateway in turn (which one goes first alternates
 * by round), the raw client and ours in fresh worker processes, both connected at once, with
 * every timed scenario run as short blocks that alternate between the two (raw, ours, ours,
 * raw, …): on a shared machine whatever else runs at the time weighs on both alike. Heap
 * figures come last, one client at a time. Per gateway: medians over rounds with min and max,
 * ours/raw as the median of the per-round ratios, and the targets of bench/targets.ts, each
 * printed as pass or FAIL. Writes bench/results/latest.json, runs the simulator benchmark
 * (bench/simulator.ts, unless BENCH_SKIP_SIM=1) and rewrites the tables in docs/benchmarks.md
 * (bench/readme.ts). Ours is the package as users install it, built first from src/ with the
 * repository's tsup.config.ts (bench/package-build.ts); BENCH_CLIENT=src runs it from src/
 * through tsx instead, BENCH_CLIENT=dist from `dist/`. BENCH_ROUNDS (default 3), BENCH_QUICK=1
 * (a tenth of every count), BENCH_GATEWAYS=minimal (or ack: one gateway only, for development).
 */
import { spawn, execFileSync, type ChildProcess } from 'node:child_process';
import { mkdirSync, writeFileSync, readFileSync, existsSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { buildPackage } from './package-build';
import { updateBenchmarksDoc } from './readme';
import { median, WorkerProcess } from './worker-process';
import { percentiles } from './scenarios';
import { GATEWAYS, GATEWAY_TARGETS, holds, METRICS, type Gateway, type Metric } from './targets';

type Kind = 'raw' | 'ours';
type Figures = Record<Metric, number>;
const ROOT = join(__dirname, '..');
const ROUNDS = Math.max(1, Number(process.env.BENCH_ROUNDS ?? '3'));
const QUICK = process.env.BENCH_QUICK === '1';
const SCALE = QUICK ? 0.1 : 1;
const KINDS: readonly Kind[] = ['raw', 'ours'];
/** Which build of ours the workers load (bench/clients.ts). */
const CLIENT: 'package' | 'src' | 'dist' =
  process.env.BENCH_CLIENT === 'src' || process.env.BENCH_CLIENT === 'dist'
    ? process.env.BENCH_CLIENT
    : 'package';
const CLIENT_SAYS = {
  package: 'as the package is built (tsup.config.ts, CommonJS entry), built from src/ for the run',
  src: 'from src/ through tsx (BENCH_CLIENT=src)',
  dist: 'from dist/ (BENCH_CLIENT=dist)',
};

/** The blocks of each timed scenario: per client and round, `blocks` × `n` calls. */
const PLAN = {
  latency: { blocks: 5, n: 1_000 * SCALE },
  pipelined: { blocks: 4, n: 20_000 * SCALE },
  windowed100: { blocks: 4, n: 5_000 * SCALE, window: 100 },
  windowed10k: { blocks: 2, n: 40_000 * SCALE, window: 10_000 * SCALE },
  heapPending: 10_000 * SCALE,
  growth: 200_000 * SCALE,
};

/** One round: both workers, alternating blocks, then heap figures one at a time. */
async function round(index: number, gateway: Gateway, target: string): Promise<Record<Kind, Figures>> {
  const say = (what: string): boolean =>
    process.stderr.write(`round ${index + 1}/${ROUNDS}, ${gateway} gateway: ${what}…\n`);
  const start = (kind: Kind): WorkerProcess => WorkerProcess.start(kind, kind, target, { cwd: ROOT });
  const workers = { raw: start('raw'), ours: start('ours') };
  await Promise.all(KINDS.map((k) => workers[k].next()));
  // Who goes first alternates by round and by block.
  const order = (block: number): Kind[] => ((index + block) % 2 === 0 ? ['raw', 'ours'] : ['ours', 'raw']);
  for (const k of order(0)) await workers[k].ask('warmup');

  const samples: Record<Kind, number[]> = { raw: [], ours: [] };
  const timed = (): Record<Kind, { calls: number; seconds: number }> => ({
    raw: { calls: 0, seconds: 0 },
    ours: { calls: 0, seconds: 0 },
  });
  const pipelined = timed();
  const windowed100 = timed();
  const windowed10k = timed();
  const runBlocks = async (
    blocks: number,
    command: string,
    into: Record<Kind, { calls: number; seconds: number }>,
  ): Promise<void> => {
    for (let b = 0; b < blocks; b++) {
      for (const k of order(b)) {
        const r = await workers[k].ask<{ calls: number; seconds: number }>(command);
        into[k].calls += r.calls;
        into[k].seconds += r.seconds;
      }
    }
  };

  say('latency');
  for (let b = 0; b < PLAN.latency.blocks; b++) {
    for (const k of order(b)) {
      const r = await workers[k].ask<{ samples: number[] }>(`sequential ${PLAN.latency.n}`);
      samples[k].push(...r.samples);
    }
  }
  say('throughput');
  await runBlocks(PLAN.pipelined.blocks, `windowed ${PLAN.pipelined.n} ${PLAN.pipelined.n}`, pipelined);
  await runBlocks(
    PLAN.windowed100.blocks,
    `windowed ${PLAN.windowed100.n} ${PLAN.windowed100.window}`,
    windowed100,
  );
  await runBlocks(
    PLAN.windowed10k.blocks,
    `windowed ${PLAN.windowed10k.n} ${PLAN.windowed10k.window}`,
    windowed10k,
  );

  say('memory');
  const heap: Record<Kind, { pending: number; growth: number }> = {
    raw: { pending: 0, growth: 0 },
    ours: { pending: 0, growth: 0 },
  };
  for (const k of order(0)) {
    heap[k].pending = (await workers[k].ask<{ bytes: number }>(`heap ${PLAN.heapPending}`)).bytes;
    heap[k].growth = (await workers[k].ask<{ bytes: number }>(`growth ${PLAN.growth}`)).bytes;
  }
  for (const k of KINDS) await workers[k].ask('close');

  const figures = {} as Record<Kind, Figures>;
  for (const k of KINDS) {
    const { p50, p99 } = percentiles(samples[k]);
    const w100 = windowed100[k].calls / windowed100[k].seconds;
    const w10k = windowed10k[k].calls / windowed10k[k].seconds;
    figures[k] = {
      latencyP50Us: p50,
      latencyP99Us: p99,
      pipelinedPerSec: pipelined[k].calls / pipelined[k].seconds,
      windowed100PerSec: w100,
      windowed10kPerSec: w10k,
      // Cost per call at 10,000 in flight divided by the cost per call at 100.
      scaling: w100 / w10k,
      heapPerPendingBytes: heap[k].pending,
      heapGrowthBytes: heap[k].growth,
    };
  }
  return figures;
}

function firstLine(child: ChildProcess): Promise<string> {
  return new Promise((resolve, reject) => {
    const rl = createInterface({ input: child.stdout! });
    rl.once('line', (line) => {
      rl.close();
      resolve(line);
    });
    child.once('exit', (code) => reject(new Error(`child exited with ${code} before printing`)));
  });
}

const fmt = (v: number): string => (Math.abs(v) >= 100 ? Math.round(v).toLocaleString('en') : v.toFixed(2));

type Summary = Record<Kind, Record<Metric, { median: number; min: number; max: number }>>;
type Checks = Partial<Record<Metric, { target: string; pass: boolean }>>;

/** Medians with min and max, ratios (median of the per-round ratios) and checks of one gateway. */
function summarise(
  gateway: Gateway,
  samples: Record<Kind, Figures[]>,
): { summary: Summary; ratios: Record<Metric, number>; checks: Checks; table: string } {
  const summary = {} as Summary;
  for (const k of KINDS) {
    summary[k] = {} as Summary[Kind];
    for (const { key } of METRICS) {
      const xs = samples[k].map((f) => f[key]);
      summary[k][key] = { median: median(xs), min: Math.min(...xs), max: Math.max(...xs) };
    }
  }
  // Both clients of a round ran interleaved, under the same load: their ratio is the steady
  // figure, where the load of the machine moves each one from round to round.
  const ratios = {} as Record<Metric, number>;
  const checks: Checks = {};
  const targets = GATEWAY_TARGETS[gateway];
  for (const { key } of METRICS) {
    ratios[key] = median(samples.ours.map((f, i) => f[key] / samples.raw[i][key]));
    const t = targets[key];
    if (t !== undefined)
      checks[key] = { target: t.text, pass: holds(t, summary.ours[key].median, ratios[key]) };
  }
  const rows = METRICS.map(({ key, label }) => {
    const r = summary.raw[key];
    const o = summary.ours[key];
    const c = checks[key];
    return (
      `| ${label} | ${fmt(r.median)} (${fmt(r.min)}–${fmt(r.max)}) | ${fmt(o.median)} (${fmt(o.min)}–${fmt(o.max)}) ` +
      `| ${ratios[key].toFixed(2)} | ${c?.target ?? ''} | ${c === undefined ? '' : c.pass ? 'pass' : 'FAIL'} |`
    );
  });
  const table = [
    `${gateway} gateway`,
    '| figure | raw | ours | ours/raw | target | |',
    '| --- | --- | --- | --- | --- | --- |',
    ...rows,
  ].join('\n');
  return { summary, ratios, checks, table };
}

/** Starts a gateway's child process; resolves with its target line once it listens. */
async function startGateway(gateway: Gateway): Promise<{ child: ChildProcess; target: string }> {
  const script = gateway === 'minimal' ? 'bench/min-gateway.ts' : 'bench/sim-child.ts';
  const child = spawn(process.execPath, ['--import', 'tsx', script], {
    cwd: ROOT,
    stdio: ['pipe', 'pipe', 'inherit'],
  });
  return { child, target: await firstLine(child) };
}

const SELECTED = (process.env.BENCH_GATEWAYS ?? GATEWAYS.join(','))
  .split(',')
  .filter((g): g is Gateway => (GATEWAYS as readonly string[]).includes(g));

async function main(): Promise<void> {
  if (SELECTED.length === 0) throw new Error(`BENCH_GATEWAYS: one or more of ${GATEWAYS.join(', ')}`);
  const started = Date.now();
  const loadBefore = loadavg()[0];
  const gateways = new Map<Gateway, { child: ChildProcess; target: string }>();
  const samples = new Map<Gateway, Record<Kind, Figures[]>>();
  // The workers inherit BENCH_PACKAGE (see bench/clients.ts).
  const build = CLIENT === 'package' ? buildPackage() : undefined;
  if (build !== undefined) process.env.BENCH_PACKAGE = build.entry;
  try {
    for (const g of SELECTED) {
      gateways.set(g, await startGateway(g));
      samples.set(g, { raw: [], ours: [] });
    }
    for (let r = 0; r < ROUNDS; r++) {
      const order = r % 2 === 0 ? SELECTED : [...SELECTED].reverse();
      for (const g of order) {
        const figures = await round(r, g, gateways.get(g)!.target);
        for (const k of KINDS) samples.get(g)![k].push(figures[k]);
      }
    }
  } finally {
    for (const { child } of gateways.values()) child.kill('SIGTERM');
    build?.remove();
  }
  const loadAfter = loadavg()[0];

  const results = {} as Partial<Record<Gateway, ReturnType<typeof summarise> & { samples: unknown }>>;
  for (const g of SELECTED) {
    const s = samples.get(g)!;
    results[g] = { ...summarise(g, s), samples: s };
    console.log(`\n${results[g].table}`);
  }
  const failed = SELECTED.flatMap((g) =>
    Object.entries(results[g]!.checks)
      .filter(([, c]) => !c.pass)
      .map(([metric]) => `${g} ${metric}`),
  );
  console.log(
    `\n${failed.length === 0 ? 'every target holds' : `targets missed: ${failed.join(', ')}`} ` +
      `(${ROUNDS} rounds, ${((Date.now() - started) / 1000).toFixed(0)} s, load ${loadBefore.toFixed(2)} → ${loadAfter.toFixed(2)})`,
  );

  // BENCH_SKIP_SIM=1: the simulator's figures are those of its last run (they carry its date).
  let simulator: unknown = null;
  const simFile = join(ROOT, 'bench/results/simulator.json');
  try {
    if (process.env.BENCH_SKIP_SIM !== '1')
      execFileSync(process.execPath, ['--import', 'tsx', 'bench/simulator.ts'], {
        cwd: ROOT,
        stdio: 'inherit',
      });
    if (existsSync(simFile)) simulator = JSON.parse(readFileSync(simFile, 'utf8'));
  } catch (e) {
    process.stderr.write(`simulator benchmark failed: ${String(e)}\n`);
  }

  const result = {
    date: new Date().toISOString(),
    node: process.version,
    cpu: cpus()[0]?.model ?? 'unknown',
    cores: cpus().length,
    rounds: ROUNDS,
    quick: QUICK,
    client: CLIENT,
    loadAverage: { before: loadBefore, after: loadAfter },
    method:
      `ours ${CLIENT_SAYS[CLIENT]}; ` +
      'per gateway (the minimal gateway, the simulator in ack mode; each in its own process, ' +
      'which goes first alternating by round), both clients connected at once; each timed ' +
      'scenario in alternating blocks per round (latency 5×1,000 sequential, pipelined ' +
      '4×20,000 at once, windowed 4×5,000 with 100 in flight and 2×40,000 with 10,000); heap ' +
      'per pending call with 10,000 held by the gateway, after the writes drained; figures are ' +
      'medians over rounds of fresh processes, ours/raw the median of the per-round ratios',
    plan: PLAN,
    passed: failed.length === 0,
    gateways: results,
    simulator,
  };
  mkdirSync(join(ROOT, 'bench/results'), { recursive: true });
  writeFileSync(join(ROOT, 'bench/results/latest.json'), JSON.stringify(result, null, 2) + '\n');
  console.log(await updateBenchmarksDoc());
}

main().catch((e: unknown) => {
  console.error(e);
  process.exit(1);
});
