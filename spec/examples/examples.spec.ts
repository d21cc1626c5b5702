/**
 * Every runnable example, and the `npm start` demo, run as a user runs them: a child Node
 * process with tsx, from the repository root, importing the package by name. Each must exit
 * 0 with nothing on stderr and print what it promises.
 */
import { spawn } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';

const ROOT = join(__dirname, '..', '..');
const TIMEOUT_MS = 30_000;

interface Run {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

function run(file: string): Promise<Run> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', file], { cwd: ROOT, env: process.env });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d));
    child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`${file} did not exit within ${TIMEOUT_MS} ms\n${stdout}\n${stderr}`));
    }, TIMEOUT_MS);
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}

/** The value printed after `label` on its own line. */
function valueOf(stdout: string, label: string): string {
  const line = stdout.split('\n').find((l) => l.trimStart().startsWith(label));
  if (line === undefined) throw new Error(`no line starting with ${JSON.stringify(label)} in:\n${stdout}`);
  return line.trimStart().slice(label.length).trim();
}

const ORDER_ID = /^[0-9a-f]{24}$/;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

async function ok(file: string): Promise<string> {
  const r = await run(file);
  expect({ file, code: r.code, stderr: r.stderr }).toEqual({ file, code: 0, stderr: '' });
  expect(r.stdout.trimEnd().split('\n').pop()).toMatch(/done|simulator stopped\.$/);
  return r.stdout;
}

describe('examples', () => {
  it('every Node example in examples/ has a test here', () => {
    const files = readdirSync(join(ROOT, 'examples')).filter((f) => f.endsWith('.ts'));
    expect(files.sort()).toEqual([
      'connection-monitor.ts',
      'futures.ts',
      'kucoin-api.ts',
      'ladder-hedge.ts',
      'rxjs-strategy.ts',
    ]);
  });

  it('kucoin-api.ts: all seven kucoin-api methods and the explicit wsKey, with the fields kucoin-api’s page prints', async () => {
    const out = await ok('examples/kucoin-api.ts');
    // attachEventListeners defaults to true, as in kucoin-api: lifecycle lines on the console.
    expect(out).toContain('[kucoin-wsapi-rx] wsApiSpotV1: authenticated');
    expect(valueOf(out, 'Order ID:')).toMatch(ORDER_ID);
    expect(valueOf(out, 'Client OID:')).toMatch(UUID);
    expect(valueOf(out, 'Sent over:')).toBe('wsApiSpotV1');
    expect(valueOf(out, 'Status:')).toBe('open');
    expect(valueOf(out, 'Filled:')).toBe('0');
    const replacement = valueOf(out, 'New order ID:');
    expect(replacement).toMatch(ORDER_ID);
    expect(replacement).not.toBe(valueOf(out, 'Order ID:'));
    expect(valueOf(out, 'Cancelled order ID:')).toBe(replacement);
    expect(valueOf(out, 'Remaining size:')).toBe('0');
    expect(valueOf(out, 'Deal size:')).toBe('0');
    const marginId = valueOf(out, 'Margin order ID:');
    expect(marginId).toMatch(ORDER_ID);
    expect(valueOf(out, 'Borrowed:')).toBe('0');
    expect(valueOf(out, 'Cancelled:')).toBe(marginId);
  });

  it('futures.ts: orders, a position opened and closed, a batch with a refused item, three ways to cancel', async () => {
    const out = await ok('examples/futures.ts');
    const resting = valueOf(out, 'Resting order:').split(' ')[0];
    expect(resting).toMatch(ORDER_ID);
    expect(valueOf(out, 'Market buy:')).toMatch(ORDER_ID);
    expect(valueOf(out, 'Position closed by:')).toMatch(ORDER_ID);
    expect(valueOf(out, 'Batch item ladder-1:')).toMatch(ORDER_ID);
    expect(valueOf(out, 'Batch item ladder-3:')).toMatch(/^100001 reduceOnly/);
    expect(valueOf(out, 'Cancelled by orderId:')).toBe(resting);
    expect(valueOf(out, 'Cancelled by clientOid:')).toBe('ladder-1');
    expect(valueOf(out, 'Multi-cancel ladder-1:')).toBe('100004');
    expect(valueOf(out, 'Multi-cancel ladder-2:')).toBe('200000');
  });

  it('connection-monitor.ts: every transition of both connections, in order, then state$ completes', async () => {
    const out = await ok('examples/connection-monitor.ts');
    for (const key of ['wsApiSpotV1', 'wsApiFuturesV1']) {
      const statuses = out
        .split('\n')
        .map((l) => new RegExp(`^\\+\\s*-?\\d+ ms\\s+${key}\\s+(\\w+)(,| because|$)`).exec(l)?.[1])
        .filter((s) => s !== undefined);
      expect(statuses).toEqual(['idle', 'connecting', 'authenticating', 'ready', 'closed']);
      expect(out).toContain(`${key} is ready for requests`);
    }
    expect(out).toContain('health: wsApiSpotV1=ready wsApiFuturesV1=ready');
    expect(out).toMatch(/quota wsApiSpotV1: \d+\/1600 left/);
    expect(out).toMatch(/spot\.order answered in \d+\.\d\d ms/);
    expect(out).toContain('state$ completed');
  });

  it('ladder-hedge.ts: every fill of the ladder hedged exactly once, by the ledger', async () => {
    const out = await ok('examples/ladder-hedge.ts');
    const n = (label: string): number => Number(valueOf(out, label));
    expect(out.match(/^rung {2}rung-\d {2}buy 0\.01 BTC @ \d+\.\d {2}orderId [0-9a-f]{24}$/gm)).toHaveLength(
      5,
    );
    // The taker's 0.035 BTC fills three rungs and half of the fourth, each fill seen on updates$.
    expect(out).toContain('taker sold 0.035 BTC (status done)');
    const fills = [
      ...out.matchAll(/^fill {3}(rung-\d) {2}([\d.]+) BTC @ [\d.]+ \((push|rest)\) {2}→ sell (\d+) lots/gm),
    ];
    expect(fills.map((m) => [m[1], m[2], m[4]])).toEqual([
      ['rung-0', '0.01', '10'],
      ['rung-1', '0.01', '10'],
      ['rung-2', '0.01', '10'],
      ['rung-3', '0.005', '5'],
    ]);
    expect(out.match(/^hedged hedge-rung-\d-\d: filled, \d+ lots$/gm)).toHaveLength(4);
    // The rest of the ladder cancelled: each rung's updates$ ended with its canceled event.
    expect(out).toMatch(/^cancel rung-3: canceled \((push|rest)\), 0\.005 BTC had filled$/m);
    expect(out).toMatch(/^cancel rung-4: canceled \((push|rest)\), 0 BTC had filled$/m);
    // From the simulator's ledger: as many hedge orders as fills, each rung's fills matched by
    // its hedges' sizes, and the perpetual short what the ladder bought.
    expect(n('ladder fills:')).toBe(4);
    expect(n('hedges placed:')).toBe(4);
    expect(n('hedge orders in the ledger:')).toBe(4);
    expect(valueOf(out, 'rungs hedged exactly:')).toBe('5/5');
    expect(n('ladder bought (lots):')).toBe(35);
    expect(n('perpetual position (lots):')).toBe(-35);
    expect(n('still resting on the book:')).toBe(0);
  });

  it('rxjs-strategy.ts: ladders placed and replaced, rate limits retried, everything cancelled in the end', async () => {
    const out = await ok('examples/rxjs-strategy.ts');
    const n = (label: string): number => Number(valueOf(out, label));
    expect(out).toMatch(/placed\s+\d+\s+orderId [0-9a-f]{24}/);
    expect(n('signals:')).toBe(4);
    expect(n('placed:')).toBeGreaterThanOrEqual(6);
    expect(n('rejected:')).toBe(0);
    expect(n('cancel failed:')).toBe(0);
    // Every order that rested was cancelled: the book holds none of ours.
    expect(n('cancelled:')).toBe(n('placed:'));
    expect(n('still resting on the book:')).toBe(0);
    // 4 ladders of 6 plus their cancels in about a second exceed the 20/s quota.
    expect(n('rate-limited, retried:')).toBeGreaterThan(0);
    expect(n('placed:') + n('not placed (replaced first):')).toBe(24);
  });
});

describe('npm start (src/cli/demo.ts)', () => {
  it('runs the order flow against the embedded simulator and prints a table of every call', async () => {
    const out = await ok('src/cli/demo.ts');
    expect(out).toMatch(/state\s+wsApiSpotV1\s+ready/);
    expect(out).toMatch(/state\s+wsApiFuturesV1\s+ready/);
    expect(out).toMatch(/state\s+wsApiFuturesV1\s+closed/);
    expect(out).toMatch(/state\s+pushSpot\s+ready/);
    // Push events from call.updates$: a taker's match and fill, a resting order's cancel.
    const pushed = (what: string): string[] =>
      out
        .split('\n')
        .map((l) => new RegExp(`^\\s*\\d+ ms {2}push {3}${what}: (.*)$`).exec(l)?.[1].replace(/ +/g, ' '))
        .filter((e) => e !== undefined);
    const taker = pushed('the market buy');
    expect(taker[0]).toBe('received status new size 0.01, source push');
    expect(taker.slice(1, -1).length).toBeGreaterThan(0);
    for (const m of taker.slice(1, -1))
      expect(m).toMatch(/^match status match [\d.]+ @ [\d.]+ \(taker\), source push$/);
    expect(taker.at(-1)).toBe('filled status done filledSize 0.01, source push');
    expect(pushed('the modified order')).toEqual([
      'received status new size 0.001, source push',
      'open status open size 0.001, source push',
      'canceled status done canceledSize 0.001, source push',
    ]);
    expect(out).toContain('status done, dealSize 0.01');
    expect(out).toMatch(/borrowSize 160000 USDT/);
    expect(out).toContain('2 placed, 1 refused (100001)');
    expect(out).toContain('10 calls, all as expected');
    const rows = out
      .split('\n')
      .map((l) => /^\s*(\d+)\s{2}(\S+)\s.*?\s(\d+\.\d\d ms|not sent)\s+(\d+ ms|-)\s{2}/.exec(l))
      .filter((m) => m !== null);
    expect(rows.map((m) => m[2])).toEqual([
      'spot.order',
      'spot.sync_order',
      'spot.modify',
      'spot.sync_cancel',
      'margin.order',
      'margin.cancel',
      'futures.order',
      'futures.multi_order',
      'futures.multi_cancel',
      'spot.order',
    ]);
    expect(rows[9][3]).toBe('not sent');
  });
});
