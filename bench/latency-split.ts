/**
 * `npx tsx bench/latency-split.ts`: where a sequential call's time goes, for the raw client and
 * ours against the minimal gateway (bench/min-gateway.ts, in its own process). `ws`' own
 * `send`, the TCP socket's `_writev` and `emit('message')` are wrapped (the same wrappers for
 * every client) to stamp the segments of each call: before the frame is handed to `ws`
 * (validation, frame, call), the `send` (of which `writev` is the system call), the wait (the
 * network, the gateway, the event loop waking up; and whatever the client still does after
 * the write), and from the answer's 'message' event to the awaiting code running again
 * (parsing, routing, settling, the promise hops). All clients connected at once in this one
 * process, alternating blocks of calls; medians per segment in µs. A development tool:
 * `npm run bench` gives the figures that count.
 *
 * SPLIT_BLOCKS (default 10) blocks of SPLIT_N (default 1,000) calls per client. SPLIT_CLIENTS
 * (default `raw,ours`): a comma-separated list of `raw`, `ours`, or the path of another
 * checkout's `src/index.ts` (its WebsocketAPIClient, loaded beside ours: an A/B of two versions
 * of the client in one process, on the same gateway, in interleaved blocks).
 */
import { spawn } from 'node:child_process';
import { Socket } from 'node:net';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import WebSocket from 'ws';
import { check, open, openOurs, type Bench, type Place, type Target } from './clients';
import { windowed } from './scenarios';
import type { WebsocketAPIClient } from '../src';

const ROOT = join(__dirname, '..');
const BLOCKS = Number(process.env.SPLIT_BLOCKS ?? '10');
const N = Number(process.env.SPLIT_N ?? '1000');
const CLIENTS = (process.env.SPLIT_CLIENTS ?? 'raw,ours').split(',');

let sendStart = 0;
let sendEnd = 0;
let writevStart = 0;
let writevEnd = 0;
let message = 0;

/** Wraps `proto[name]` so that `before` and `after` run around every call of it. */
function stamp(proto: object, name: string, before: () => void, after: () => void): void {
  const target = proto as Record<string, (...args: unknown[]) => unknown>;
  const original = target[name];
  target[name] = function (this: unknown, ...args: unknown[]): unknown {
    before();
    const result = original.apply(this, args);
    after();
    return result;
  };
}

stamp(
  WebSocket.prototype,
  'send',
  () => (sendStart = performance.now()),
  () => (sendEnd = performance.now()),
);
stamp(
  Socket.prototype,
  '_writev',
  () => (writevStart = performance.now()),
  () => (writevEnd = performance.now()),
);
const wsProto = WebSocket.prototype as unknown as {
  emit: (event: string | symbol, ...args: unknown[]) => boolean;
};
const emit = wsProto.emit;
wsProto.emit = function (this: unknown, event: string | symbol, ...args: unknown[]): boolean {
  if (event === 'message') message = performance.now();
  return emit.call(this, event, ...args);
};

const SEGMENTS = ['before', 'send', 'writev', 'wait', 'after', 'total'] as const;
type Segment = (typeof SEGMENTS)[number];
type Split = Record<Segment, number[]>;
const emptySplit = (): Split => ({ before: [], send: [], writev: [], wait: [], after: [], total: [] });

async function block(place: Place, n: number, into: Split): Promise<void> {
  for (let i = 0; i < n; i++) {
    const t0 = performance.now();
    check(await place());
    const t1 = performance.now();
    into.before.push((sendStart - t0) * 1000);
    into.send.push((sendEnd - sendStart) * 1000);
    into.writev.push((writevEnd - writevStart) * 1000);
    into.wait.push((message - sendEnd) * 1000);
    into.after.push((t1 - message) * 1000);
    into.total.push((t1 - t0) * 1000);
  }
}

const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[xs.length >> 1];

/** Our client from another checkout's `src/index.ts`, driven as bench/clients.ts drives ours. */
async function openOther(path: string, target: Target): Promise<Bench> {
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- a path given at run time
  const { WebsocketAPIClient: Client } = require(path) as { WebsocketAPIClient: typeof WebsocketAPIClient };
  return openOurs(Client, target);
}

async function main(): Promise<void> {
  const gateway = spawn(process.execPath, ['--import', 'tsx', 'bench/min-gateway.ts'], {
    cwd: ROOT,
    stdio: ['pipe', 'pipe', 'inherit'],
  });
  const line = await new Promise<string>((resolve) =>
    createInterface({ input: gateway.stdout }).once('line', resolve),
  );
  const target = JSON.parse(line) as Target;
  const clients: Bench[] = [];
  for (const c of CLIENTS)
    clients.push(c === 'raw' || c === 'ours' ? await open(c, target) : await openOther(c, target));
  const splits = CLIENTS.map(emptySplit);
  for (const { place } of clients) {
    await windowed(place, 20_000, 100);
    await block(place, 2_000, emptySplit());
  }
  for (let b = 0; b < BLOCKS; b++) {
    const order = clients.map((_, i) => i);
    if (b % 2 === 1) order.reverse();
    for (const i of order) await block(clients[i].place, N, splits[i]);
  }
  const name = (c: string): string => (c.length > 12 ? `…${c.slice(-11)}` : c).padStart(12);
  console.log(`${'µs'.padEnd(7)}${CLIENTS.map(name).join('')}   (minus the first)`);
  for (const s of SEGMENTS) {
    const medians = splits.map((split) => median(split[s]));
    const cells = medians.map((m) => m.toFixed(1).padStart(12)).join('');
    const diffs = medians
      .slice(1)
      .map((m) => (m - medians[0]).toFixed(1).padStart(6))
      .join('');
    console.log(`${s.padEnd(7)}${cells}  ${diffs}`);
  }
  for (const c of clients) await c.close();
  gateway.stdin.end();
}

main().catch((e: unknown) => {
  console.error(e);
  process.exit(1);
});
