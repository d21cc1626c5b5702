/**
 * `npx tsx bench/profile.ts [raw|ours] [pipelined|windowed|sequential]`: CPU profile of one
 * client in one scenario against a gateway in its own process (PROFILE_GATEWAY=minimal, the
 * default: bench/min-gateway.ts; or ack: the simulator in ack mode). The profiler runs only
 * around the measured repetitions, after the same warm-up as the benchmark, so that start-up
 * and compilation stay out. Writes bench/results/profiles/<kind>-<scenario>.cpuprofile (open it
 * in Chrome DevTools) and prints the top frames by self time.
 *
 * PROFILE_ALLOC=1: allocations instead of CPU. V8's sampling heap profiler runs with objects
 * that the young and old generation GCs collected kept in the profile, so what it reports is
 * what was allocated, not what survived; printed as bytes per call (estimated from the
 * samples, one per 64 bytes on average) by allocating function, with the total.
 */
import { spawn } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { Session } from 'node:inspector/promises';
import { join, relative } from 'node:path';
import { createInterface } from 'node:readline';
import { open, type Kind, type Target } from './clients';
import { sequential, windowed } from './scenarios';

const ROOT = join(__dirname, '..');
const OUT = join(ROOT, 'bench/results/profiles');
const REPEATS = Number(process.env.PROFILE_REPEATS ?? '10');

type Scenario = 'pipelined' | 'windowed' | 'sequential';
const CALLS: Record<Scenario, number> = { pipelined: 20_000, windowed: 20_000, sequential: 5_000 };
/** PROFILE_OFF=1: no profiler, only the timings (the profiler itself costs a little per sample). */
const OFF = process.env.PROFILE_OFF === '1';
const ALLOC = process.env.PROFILE_ALLOC === '1';
const GATEWAY_SCRIPT = process.env.PROFILE_GATEWAY === 'ack' ? 'bench/sim-child.ts' : 'bench/min-gateway.ts';

interface SamplingNode {
  callFrame: { functionName: string; url: string; lineNumber: number };
  selfSize: number;
  children: SamplingNode[];
}

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  hitCount?: number;
}
interface Profile {
  nodes: ProfileNode[];
  startTime: number;
  endTime: number;
  samples: number[];
}

const run = (place: Parameters<typeof windowed>[0], scenario: Scenario): Promise<unknown> =>
  scenario === 'pipelined'
    ? windowed(place, 20_000, 20_000)
    : scenario === 'windowed'
      ? windowed(place, 20_000, 100)
      : sequential(place, 5_000);

/** Child side: one client, warm-up, then the profiled repetitions. */
async function child(kind: Kind, scenario: Scenario, target: Target): Promise<void> {
  const { place, close } = await open(kind, target);
  await windowed(place, 20_000, 100);
  await sequential(place, 1_000);
  await run(place, scenario);
  const session = new Session();
  session.connect();
  await session.post('Profiler.enable');
  await session.post('Profiler.setSamplingInterval', { interval: 50 });
  if (ALLOC) {
    await session.post('HeapProfiler.enable');
    await session.post('HeapProfiler.startSampling', {
      samplingInterval: 64,
      includeObjectsCollectedByMajorGC: true,
      includeObjectsCollectedByMinorGC: true,
    } as object);
  } else if (!OFF) await session.post('Profiler.start');
  const t0 = performance.now();
  const cpu0 = process.cpuUsage();
  const results: unknown[] = [];
  for (let i = 0; i < REPEATS; i++) results.push(await run(place, scenario));
  const cpu = process.cpuUsage(cpu0);
  const ms = performance.now() - t0;
  // CPU time of this process per call: what the client costs, much less sensitive than wall
  // time to whatever else the machine is running.
  const cpuUsPerCall = (cpu.user + cpu.system) / (REPEATS * CALLS[scenario]);
  const systemUsPerCall = cpu.system / (REPEATS * CALLS[scenario]);
  let allocation: Array<{ frame: string; bytesPerCall: number }> | undefined;
  if (ALLOC) {
    const { profile: heap } = (await session.post('HeapProfiler.stopSampling')) as {
      profile: { head: SamplingNode };
    };
    allocation = allocationsPerCall(heap.head, REPEATS * CALLS[scenario]);
  }
  const profile =
    OFF || ALLOC ? undefined : ((await session.post('Profiler.stop')) as { profile: Profile }).profile;
  session.disconnect();
  await close();
  let file = '';
  if (profile !== undefined) {
    mkdirSync(OUT, { recursive: true });
    file = join(OUT, `${kind}-${scenario}.cpuprofile`);
    writeFileSync(file, JSON.stringify(profile));
  }
  process.stdout.write(
    JSON.stringify({ file, ms, cpuUsPerCall, systemUsPerCall, results, allocation }) + '\n',
  );
}

/** Bytes allocated per call by allocating function (name, file, line), largest first; then the total. */
function allocationsPerCall(
  head: SamplingNode,
  calls: number,
): Array<{ frame: string; bytesPerCall: number }> {
  const self = new Map<string, number>();
  let total = 0;
  const walk = (node: SamplingNode): void => {
    if (node.selfSize > 0) {
      const key = frameName(node.callFrame);
      self.set(key, (self.get(key) ?? 0) + node.selfSize);
      total += node.selfSize;
    }
    for (const child of node.children) walk(child);
  };
  walk(head);
  return [
    ...[...self]
      .sort((a, b) => b[1] - a[1])
      .map(([frame, bytes]) => ({ frame, bytesPerCall: Math.round((bytes / calls) * 10) / 10 })),
    { frame: '(total)', bytesPerCall: Math.round((total / calls) * 10) / 10 },
  ];
}

const frameName = ({ functionName, url, lineNumber }: SamplingNode['callFrame']): string => {
  const where = url === '' ? '' : ` ${relative(ROOT, url.replace(/^file:\/\//, ''))}:${lineNumber + 1}`;
  return `${functionName || '(anonymous)'}${where}`;
};

/** Self time per function (name, file, line), largest first. */
export function topFrames(profile: Profile, n: number): Array<{ frame: string; selfPct: number }> {
  const self = new Map<string, number>();
  let total = 0;
  for (const node of profile.nodes) {
    const hits = node.hitCount ?? 0;
    if (hits === 0) continue;
    const key = frameName(node.callFrame);
    self.set(key, (self.get(key) ?? 0) + hits);
    total += hits;
  }
  return [...self]
    .sort((a, b) => b[1] - a[1])
    .slice(0, n)
    .map(([frame, hits]) => ({ frame, selfPct: Math.round((hits / total) * 1000) / 10 }));
}

function firstLine(p: ReturnType<typeof spawn>): Promise<string> {
  return new Promise((resolve, reject) => {
    const rl = createInterface({ input: p.stdout! });
    rl.once('line', (line) => {
      rl.close();
      resolve(line);
    });
    p.once('exit', (code) => reject(new Error(`child exited with ${code} before printing`)));
  });
}

async function main(): Promise<void> {
  const args = process.argv.slice(2);
  if (args[0] === '--child') {
    return child(args[1] as Kind, args[2] as Scenario, JSON.parse(args[3]) as Target);
  }
  const kinds: Kind[] = args[0] === 'raw' || args[0] === 'ours' ? [args[0]] : ['raw', 'ours'];
  const scenario = (args[1] ?? 'pipelined') as Scenario;
  const sim = spawn(process.execPath, ['--import', 'tsx', GATEWAY_SCRIPT], {
    cwd: ROOT,
    stdio: ['pipe', 'pipe', 'inherit'],
  });
  const target = await firstLine(sim);
  try {
    for (const kind of kinds) {
      const p = spawn(
        process.execPath,
        ['--expose-gc', '--import', 'tsx', 'bench/profile.ts', '--child', kind, scenario, target],
        { cwd: ROOT, stdio: ['ignore', 'pipe', 'inherit'] },
      );
      const { file, ms, cpuUsPerCall, systemUsPerCall, results, allocation } = JSON.parse(
        await firstLine(p),
      ) as {
        file: string;
        ms: number;
        cpuUsPerCall: number;
        systemUsPerCall: number;
        results: unknown[];
        allocation?: Array<{ frame: string; bytesPerCall: number }>;
      };
      console.log(
        `\n${kind}, ${scenario} ×${REPEATS}: ${ms.toFixed(0)} ms, client CPU ${cpuUsPerCall.toFixed(2)} µs/call (system ${systemUsPerCall.toFixed(2)})` +
          (file === '' ? '' : `; ${relative(ROOT, file)}`),
      );
      if (scenario === 'sequential') console.log(`  p50/p99 per repetition: ${JSON.stringify(results)}`);
      if (allocation !== undefined) {
        const top = Number(process.env.PROFILE_TOP ?? '25');
        for (const { frame, bytesPerCall } of [
          ...allocation.slice(0, top),
          allocation[allocation.length - 1],
        ])
          console.log(`  ${bytesPerCall.toFixed(1).padStart(7)} B/call  ${frame}`);
      }
      if (file === '') continue;
      const profile = JSON.parse(readFileSync(file, 'utf8')) as Profile;
      for (const { frame, selfPct } of topFrames(profile, Number(process.env.PROFILE_TOP ?? '25')))
        console.log(`  ${selfPct.toFixed(1).padStart(5)}%  ${frame}`);
    }
  } finally {
    sim.kill('SIGTERM');
  }
}

main().catch((e: unknown) => {
  console.error(e);
  process.exit(1);
});
