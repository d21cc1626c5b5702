/**
 * `npx tsx bench/readme.ts` (also run at the end of `npm run bench`): rewrites the figures of
 * docs/benchmarks.md, between the lines `<!-- bench:start -->` and `<!-- bench:end -->`, from
 * bench/results/latest.json (and the simulator figures it includes). Nothing else in the file
 * is touched; without both marker lines it changes nothing and says so. spec/docs checks that
 * the file shows what latest.json holds.
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { format, resolveConfig } from 'prettier';
import { GATEWAYS, GATEWAY_TARGETS, holds, METRICS, type Gateway, type Metric } from './targets';

const ROOT = join(__dirname, '..');
const START = '<!-- bench:start -->';
const END = '<!-- bench:end -->';

interface Range {
  median: number;
  min: number;
  max: number;
}

interface Latest {
  date: string;
  node: string;
  cpu: string;
  cores: number;
  rounds: number;
  quick: boolean;
  /** Which build of ours ran (absent in results from before it was recorded: src/ through tsx). */
  client?: 'package' | 'src' | 'dist';
  loadAverage?: { before: number; after: number };
  gateways: Partial<
    Record<
      Gateway,
      { summary: Record<'raw' | 'ours', Record<Metric, Range>>; ratios: Record<Metric, number> }
    >
  >;
  simulator: {
    date: string;
    rounds: number;
    inFlight: number;
    full: { requestsPerSecond: number; serverCpuMicrosPerRequest: number };
    ack: { requestsPerSecond: number; serverCpuMicrosPerRequest: number };
    ratio: number;
    cpuRatio: number;
  } | null;
}

const num = (v: number): string => (Math.abs(v) >= 100 ? Math.round(v).toLocaleString('en') : v.toFixed(2));

function cell(metric: Metric, r: Range): string {
  if (metric === 'heapGrowthBytes') {
    const kb = (v: number): string => `${(v / 1024).toFixed(0)} KB`;
    return `${kb(r.median)} (${kb(r.min)} – ${kb(r.max)})`;
  }
  return `${num(r.median)} (${num(r.min)}–${num(r.max)})`;
}

/** `text` broken into lines of at most `width` characters (Markdown joins them again). */
export function wrap(text: string, width = 110): string {
  const lines: string[] = [];
  let line = '';
  for (const word of text.split(' ')) {
    if (line !== '' && line.length + 1 + word.length > width) {
      lines.push(line);
      line = word;
    } else line = line === '' ? word : `${line} ${word}`;
  }
  if (line !== '') lines.push(line);
  return lines.join('\n');
}

/** What each gateway's table is introduced with. */
const GATEWAY_TEXT: Record<Gateway, string> = {
  minimal:
    '**Against the minimal gateway** (bench/min-gateway.ts: a `ws` server that checks nothing, runs the ' +
    'handshake without verifying it and answers every request with the same success envelope, all the answers ' +
    'of a tick in one write). Nothing on the gateway side hides what a client costs: this is where the ' +
    'targets are strict.',
  ack:
    '**Against the simulator in ack mode** (bench/sim-child.ts: every request parsed, validated, counted ' +
    'against the quota and answered with data built for it; the targets of the first benchmark).',
};

/** Where ours was loaded from, by `client` of latest.json. */
const OURS_FROM: Record<NonNullable<Latest['client']>, string> = {
  package:
    "loaded as users install it: the package built from src/ for the run with the repository's tsup " +
    'configuration (bench/package-build.ts)',
  src: 'run from src/ through tsx, module by module (BENCH_CLIENT=src)',
  dist: 'loaded from dist/ (BENCH_CLIENT=dist)',
};

/** One gateway's table. */
function table(gateway: Gateway, figures: NonNullable<Latest['gateways'][Gateway]>): string[] {
  const targets = GATEWAY_TARGETS[gateway];
  const rows = METRICS.map(({ key, label, unit }) => {
    const t = targets[key];
    const ratio = figures.ratios[key];
    const verdict =
      t === undefined ? '' : holds(t, figures.summary.ours[key].median, ratio) ? '✅ pass' : '❌ fail';
    const name = unit === '' || key === 'heapGrowthBytes' ? label : `${label} (${unit})`;
    // A ratio of two figures near zero (heap growth) says nothing.
    const shown = key === 'heapGrowthBytes' ? '—' : ratio.toFixed(2);
    return `| ${name} | ${cell(key, figures.summary.raw[key])} | ${cell(key, figures.summary.ours[key])} | ${shown} | ${t?.text ?? '—'} | ${verdict} |`;
  });
  return ['| figure | raw | ours | ours/raw | target | |', '| --- | --- | --- | --- | --- | --- |', ...rows];
}

/** The section's text, from the latest results. */
export function section(latest: Latest): string {
  const load =
    latest.loadAverage === undefined
      ? ''
      : `, 1-minute load average ${latest.loadAverage.before.toFixed(2)} before and ${latest.loadAverage.after.toFixed(2)} after`;
  const lines = [
    wrap(
      `Measured by \`npm run bench\` on ${latest.date.slice(0, 10)} (${latest.date.slice(11, 16)} UTC): ` +
        `Node ${latest.node}, ${latest.cpu} (${latest.cores} cores), ${latest.rounds} rounds${latest.quick ? ' (BENCH_QUICK: a tenth of every count)' : ''}${load}. ` +
        'Each figure is the median over rounds, with min–max; ours/raw is the median of the per-round ratios ' +
        '(both clients of a round run interleaved, under the same load). **raw** is a minimal hand-written `ws` client ' +
        '(handshake, requests, a Map from id to resolver: bench/raw-client.ts), the physical limit on the client ' +
        `side; **ours** is \`WebsocketAPIClient\` with validation on, ${OURS_FROM[latest.client ?? 'src']}. ` +
        'Both send identical frames to a gateway running in ' +
        'its own process; both stay connected and every timed scenario alternates short blocks between them. ' +
        'Where ours is faster than raw, it is by writing: ours sends the frames issued in one tick with one ' +
        '`writev` per 32 (a corked socket), raw makes one syscall per frame, as a minimal `ws` client does. ' +
        'The heap growth ratio is left out: both figures are within GC noise of zero.',
    ),
  ];
  for (const gateway of GATEWAYS) {
    const figures = latest.gateways[gateway];
    if (figures === undefined) continue;
    lines.push('', wrap(GATEWAY_TEXT[gateway]), '', ...table(gateway, figures));
  }
  const sim = latest.simulator;
  if (sim !== null) {
    lines.push(
      '',
      wrap(
        `The simulator alone (\`npm run bench:sim\` on ${sim.date.slice(0, 10)}, ${sim.date.slice(11, 16)} UTC; one connection, ${sim.inFlight.toLocaleString('en')} \`spot.order\` in flight, median of ${sim.rounds} rounds): ` +
          `full matching engine ${sim.full.requestsPerSecond.toLocaleString('en')} requests/s ` +
          `(${sim.full.serverCpuMicrosPerRequest} µs of simulator CPU each), ack mode ${sim.ack.requestsPerSecond.toLocaleString('en')} requests/s ` +
          `(${sim.ack.serverCpuMicrosPerRequest} µs); full/ack ${sim.ratio.toFixed(2)} (target ≥ 0.6), by simulator CPU per request ${sim.cpuRatio.toFixed(2)}.`,
      ),
    );
  }
  return lines.join('\n');
}

export const BENCHMARKS_DOC = join(ROOT, 'docs', 'benchmarks.md');
export const LATEST = join(ROOT, 'bench', 'results', 'latest.json');

/**
 * The text of `docPath` with its benchmark section made from `latestPath`, formatted with the
 * repository's Prettier settings (they align table columns) as `npm run lint` checks it; or
 * a sentence saying why it cannot be made.
 */
export async function rewritten(
  docPath = BENCHMARKS_DOC,
  latestPath = LATEST,
): Promise<{ text: string } | { problem: string }> {
  if (!existsSync(latestPath)) return { problem: `no ${latestPath}; run npm run bench first` };
  const doc = existsSync(docPath) ? readFileSync(docPath, 'utf8') : '';
  const start = doc.indexOf(START);
  const end = doc.indexOf(END, start + START.length);
  if (start === -1 || end === -1)
    return { problem: `${docPath} has no ${START} … ${END} lines; left as it is` };
  const latest = JSON.parse(readFileSync(latestPath, 'utf8')) as Latest;
  const spliced = `${doc.slice(0, start + START.length)}\n\n${section(latest)}\n\n${doc.slice(end)}`;
  const options = (await resolveConfig(docPath)) ?? {};
  return { text: await format(spliced, { ...options, parser: 'markdown' }) };
}

/**
 * Rewrites the benchmark section of docs/benchmarks.md; returns what it did, for the console.
 * BENCH_DOC=<path> writes another file (for trying it out).
 */
export async function updateBenchmarksDoc(
  docPath = process.env.BENCH_DOC ?? BENCHMARKS_DOC,
  latestPath = LATEST,
): Promise<string> {
  const r = await rewritten(docPath, latestPath);
  if ('problem' in r) return `bench/readme: ${r.problem}`;
  if (r.text === readFileSync(docPath, 'utf8'))
    return `bench/readme: ${docPath} already shows the latest results`;
  writeFileSync(docPath, r.text);
  return `bench/readme: ${docPath} benchmark section rewritten from bench/results/latest.json`;
}

if (require.main === module) void updateBenchmarksDoc().then((message) => console.log(message));
