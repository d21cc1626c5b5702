/**
 * `npm run bench:sim`: how many spot.order requests per second one connection sustains
 * against the simulator, with 1,000 requests in flight, (a) through the full matching engine
 * with resting orders, (b) in ack mode, and (c) through the full engine with one push
 * subscriber on the account, in a process of its own (every order then also sends `received`
 * and `open` events). The simulator runs in its own child process (this
 * file, started with `--serve <mode>`), so that the raw client below does not share its CPU.
 * Writes bench/results/simulator.json. BENCH_QUICK=1: one round instead of nine; BENCH_ROUNDS=n:
 * n rounds.
 *
 * The machine may be shared, so each round runs the three variants back to back and the ratios
 * are the medians of the per-round ratios. Rounds alternate the order (ack, full, full+push,
 * then full+push, full, ack), so that a load that rises or falls during a round weighs on each
 * variant alike; nine rounds because on a busy 2-core machine single rounds' full+push/full
 * ratios spread over ±0.2. The CPU time per request of each process (simulator, measuring
 * client, push subscriber) is reported too: it depends less on the rest of the machine.
 */
import type { ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import { connect as tcp } from 'node:net';
import { cpus, loadavg } from 'node:os';
import { join } from 'node:path';
import WebSocket from 'ws';
import { startSimulator } from '../src/simulator';
import { bulletPrivate, sign } from './bullet';
import { spawnLineChild, type LineChild } from './line-child';

type Mode = 'full' | 'ack';
/** A round: the simulator's mode, and whether a push subscriber watches the account. */
type Variant = Mode | 'full+push';

const IN_FLIGHT = 1_000;
const WARMUP = 10_000;
const MEASURED = 50_000;
const ROUNDS = process.env.BENCH_QUICK === '1' ? 1 : Number(process.env.BENCH_ROUNDS ?? 9);
const PAIRED_ROUNDS = process.env.BENCH_QUICK === '1' ? 1 : 3;
const ROOT = join(__dirname, '..');

const BENCH_ACCOUNT = {
  apiKey: 'bench-key',
  apiSecret: 'bench-secret',
  apiPassphrase: 'bench-passphrase',
  balances: { USDT: '100000000', BTC: '10000', ETH: '100000' },
};

/** Child side: the simulator, configured so that the quota never refuses a request. */
async function serve(mode: Mode): Promise<void> {
  const sim = await startSimulator({
    port: 0,
    seed: 1,
    mode,
    accounts: [BENCH_ACCOUNT],
    rateLimit: { limit: 1_000_000_000, windowMs: 30_000 },
    referencePrices: { 'BTC-USDT': '30000' },
  });
  process.stdout.write(JSON.stringify({ url: sim.url }) + '\n');
  const stop = (): void => void sim.close().then(() => process.exit(0));
  process.on('SIGTERM', stop);
  process.on('SIGINT', stop);
  process.stdin.on('end', stop); // the parent went away
  // Each line on stdin asks for this process's CPU time so far (µs), answered as one line.
  process.stdin.on('data', () => {
    const { user, system } = process.cpuUsage();
    process.stdout.write(`${user + system}\n`);
  });
}

interface Child {
  child: ChildProcess;
  url: string;
  /** The child's CPU time so far, in µs. */
  cpu(): Promise<number>;
}

/** This file run as a child with `args` (BENCH_PROF_DIR: the simulator child writes a V8 CPU profile there). */
function spawnChild(args: string[]): LineChild {
  const prof = process.env.BENCH_PROF_DIR;
  return spawnLineChild(
    process.argv[1],
    args,
    ROOT,
    prof !== undefined && args[0] === '--serve' ? prof : undefined,
  );
}

function startChild(mode: Mode): Promise<Child> {
  const { child, nextLine } = spawnChild(['--serve', mode]);
  const cpu = (): Promise<number> => {
    child.stdin!.write('cpu\n');
    return nextLine().then(Number);
  };
  return new Promise((resolve, reject) => {
    child.once('exit', (code) => reject(new Error(`simulator child exited with ${code}`)));
    void nextLine().then((line) => resolve({ child, url: (JSON.parse(line) as { url: string }).url, cpu }));
  });
}

/** Connects and does the session handshake by hand. */
function handshake(base: string): Promise<WebSocket> {
  const ts = String(Date.now());
  const { apiKey, apiSecret, apiPassphrase } = BENCH_ACCOUNT;
  const q = new URLSearchParams({
    apikey: apiKey,
    sign: sign(apiSecret, apiKey + ts),
    passphrase: sign(apiSecret, apiPassphrase),
    timestamp: ts,
  });
  const ws = new WebSocket(`${base}/v1/private?${q}`, { perMessageDeflate: false });
  return new Promise((resolve, reject) => {
    ws.on('error', reject);
    ws.on('message', function first(data) {
      const text = data.toString();
      if (text.includes('"welcome"')) {
        ws.off('message', first);
        resolve(ws);
      } else if (text.includes('"sessionId"')) {
        ws.send(sign(apiSecret, text));
      } else {
        reject(new Error(`handshake refused: ${text}`));
      }
    });
  });
}

/**
 * Resting, non-crossing limit orders: buys far below and sells far above the seeded book,
 * on 1,000 rotating price levels per side, so nothing matches and the book stays shallow.
 */
function order(n: number): string {
  const buy = n % 2 === 0;
  const level = (n >> 1) % 1_000;
  const price = buy
    ? `${20_000 + Math.floor(level / 10)}.${level % 10}`
    : `${40_000 + Math.floor(level / 10)}.${level % 10}`;
  return `{"id":"${n}","op":"spot.order","args":{"type":"limit","symbol":"BTC-USDT","side":"${buy ? 'buy' : 'sell'}","price":"${price}","size":"0.001","clientOid":"b${n}"}}`;
}

interface Round {
  requestsPerSecond: number;
  /** full+push: order events received by the subscriber per second of the measured window. */
  pushEventsPerSecond?: number;
  /** CPU the simulator process spent per measured request (µs): what the gateway costs. */
  serverCpuMicrosPerRequest: number;
  /** CPU the measuring client spent per measured request (µs). */
  clientCpuMicrosPerRequest: number;
  /** full+push: CPU the subscriber process spent per measured request (µs). */
  subscriberCpuMicrosPerRequest?: number;
  errors: number;
  firstError?: string;
}

/**
 * A push subscriber in a process of its own (so that it neither slows the measuring client nor
 * is starved by it); `events()` asks it how many order events it has received so far.
 */
async function startSubscriber(wsUrl: string): Promise<{
  child: ChildProcess;
  events: () => Promise<{ events: number; cpu: number }>;
  /** Subscribes (true) or unsubscribes the topic; resolves on the ack. */
  toggle: (on: boolean) => Promise<void>;
}> {
  const { child, nextLine } = spawnChild(['--subscribe', wsUrl]);
  await new Promise<void>((resolve, reject) => {
    child.once('exit', (code) => reject(new Error(`subscriber exited with ${code}`)));
    void nextLine().then(() => resolve());
  });
  return {
    child,
    events: () => {
      child.stdin!.write('count\n');
      return nextLine().then((line) => JSON.parse(line) as { events: number; cpu: number });
    },
    toggle: (on) => {
      child.stdin!.write(on ? 'sub\n' : 'unsub\n');
      return nextLine().then(() => undefined);
    },
  };
}

/** Child side of startSubscriber. */
async function subscribe(wsUrl: string): Promise<void> {
  const { events, toggle } = await subscriber(wsUrl);
  process.stdout.write('ready\n');
  let input = '';
  process.stdin.on('data', (d: Buffer) => {
    input += d.toString();
    let nl: number;
    while ((nl = input.indexOf('\n')) !== -1) {
      const line = input.slice(0, nl);
      input = input.slice(nl + 1);
      if (line === 'sub' || line === 'unsub')
        void toggle(line === 'sub').then(() => process.stdout.write('ok\n'));
      else {
        const { user, system } = process.cpuUsage();
        process.stdout.write(`${JSON.stringify({ events: events(), cpu: user + system })}\n`);
      }
    }
  });
  process.stdin.on('end', () => process.exit(0));
}

/** The bytes every event frame's payload starts with (no event's `data` contains them). */
const EVENT_MARK = Buffer.from('{"type":"message"');
/** Bytes kept from one read for marks that straddle two (longer than any mark). */
const CARRY = 64;

/** How many times `mark` starts in `carry` and ends in `data` (in neither alone). */
function straddling(carry: Buffer, data: Buffer, mark: Buffer): number {
  if (carry.length === 0) return 0;
  const joint = Buffer.concat([carry, data.subarray(0, mark.length - 1)]);
  let n = 0;
  for (
    let at = joint.indexOf(mark, Math.max(0, carry.length - mark.length + 1));
    at !== -1;
    at = joint.indexOf(mark, at + 1)
  )
    if (at < carry.length) n++;
  return n;
}

/** A masked client text frame. */
function clientFrame(message: object): Buffer {
  const payload = Buffer.from(JSON.stringify(message));
  const mask = randomBytes(4);
  return Buffer.concat([
    Buffer.from([0x81, 0x80 | payload.length]),
    mask,
    payload.map((b, i) => b ^ mask[i % 4]),
  ]);
}

/**
 * A push subscriber of the bench account on a plain TCP socket: the WebSocket upgrade and its
 * one (masked) subscribe frame are written by hand, and events are counted by searching the
 * byte stream for EVENT_MARK, without parsing frames. A subscriber that reads its socket at
 * memory speed measures what pushing costs the simulator, not what parsing costs a client.
 * It reads into one reused 1 MiB buffer (`onread`): on this 2-core machine it shares the CPU
 * with the simulator and the measuring client, and a new 64 KiB buffer and a stream `data`
 * event per read, with a copy to search across chunks, had cost it about 2.5 µs per event.
 */
async function subscriber(
  wsUrl: string,
): Promise<{ events: () => number; toggle: (on: boolean) => Promise<void> }> {
  const restUrl = wsUrl.replace('ws://', 'http://');
  const bullet = await bulletPrivate(restUrl, BENCH_ACCOUNT);
  const endpoint = new URL(`${bullet.instanceServers[0].endpoint}?token=${bullet.token}&connectId=bench`);
  const topic = '/spotMarket/tradeOrdersV2';
  let events = 0;
  // The last CARRY bytes read: a mark may straddle two reads.
  let carry: Buffer = Buffer.alloc(0);
  let welcomed = false;
  // The ack awaited (its id's bytes), if any.
  let ackMark: Buffer | undefined;
  let onAck = (): void => undefined;
  const read = (n: number, buf: Buffer): boolean => {
    const data = buf.subarray(0, n);
    events += straddling(carry, data, EVENT_MARK);
    for (let at = data.indexOf(EVENT_MARK); at !== -1; at = data.indexOf(EVENT_MARK, at + EVENT_MARK.length))
      events++;
    if (!welcomed && data.toString('latin1').includes('"welcome"')) {
      welcomed = true;
      onAck();
    }
    if (ackMark !== undefined && (straddling(carry, data, ackMark) > 0 || data.includes(ackMark))) {
      ackMark = undefined;
      onAck();
    }
    carry = Buffer.from(data.subarray(Math.max(0, n - CARRY)));
    return true;
  };
  const socket = tcp({
    port: Number(endpoint.port),
    host: endpoint.hostname,
    onread: { buffer: Buffer.allocUnsafe(1024 * 1024), callback: read },
  });
  socket.setNoDelay(true);
  socket.write(
    `GET ${endpoint.pathname}${endpoint.search} HTTP/1.1\r\nHost: ${endpoint.host}\r\nUpgrade: websocket\r\n` +
      `Connection: Upgrade\r\nSec-WebSocket-Key: ${randomBytes(16).toString('base64')}\r\nSec-WebSocket-Version: 13\r\n\r\n`,
  );
  await new Promise<void>((resolve, reject) => {
    socket.on('error', reject);
    onAck = resolve;
  });
  let toggles = 0;
  // (Un)subscribes and waits for the ack.
  const toggle = (on: boolean): Promise<void> => {
    const id = `t${++toggles}`;
    ackMark = Buffer.from(`{"id":"${id}","type":"ack"}`);
    const done = new Promise<void>((resolve) => (onAck = resolve));
    socket.write(clientFrame({ id, type: on ? 'subscribe' : 'unsubscribe', topic, response: true }));
    return done;
  };
  await toggle(true);
  return { events: () => events, toggle };
}

/**
 * `ws.send` with the TCP socket corked per tick like the gateway does, so that the client's
 * syscalls do not cap what is measured. `_socket` is ws' own net.Socket (not public API).
 */
function corkedSender(ws: WebSocket): (text: string) => void {
  const raw = (ws as any)._socket as import('node:net').Socket;
  let corked = false;
  const uncork = (): void => {
    corked = false;
    raw.uncork();
  };
  return (text) => {
    if (!corked) {
      corked = true;
      raw.cork();
      process.nextTick(uncork);
    }
    ws.send(text);
  };
}

/** Keeps IN_FLIGHT requests outstanding; times the MEASURED answers after WARMUP. */
function pump(
  ws: WebSocket,
  cpu: () => Promise<number>,
  pushEvents?: () => Promise<{ events: number; cpu: number }>,
): Promise<Round> {
  const total = WARMUP + MEASURED;
  let sent = 0;
  let answered = 0;
  let errors = 0;
  let firstError: string | undefined;
  let t0 = 0;
  let events0: Promise<{ events: number; cpu: number } | undefined> = Promise.resolve(undefined);
  let cpu0: Promise<number> = Promise.resolve(0);
  let client0 = process.cpuUsage();
  const send = corkedSender(ws);
  return new Promise((resolve, reject) => {
    ws.on('close', () => reject(new Error(`socket closed after ${answered} answers`)));
    ws.on('message', (data) => {
      const text = data.toString();
      const a = JSON.parse(text) as { code?: string };
      if (a.code !== '200000') {
        errors++;
        firstError ??= text.slice(0, 300);
      }
      answered++;
      if (answered === WARMUP) {
        t0 = performance.now();
        client0 = process.cpuUsage();
        events0 = pushEvents?.() ?? Promise.resolve(undefined);
        cpu0 = cpu();
      }
      if (answered === total) {
        const seconds = (performance.now() - t0) / 1_000;
        const client = process.cpuUsage(client0);
        const events1 = pushEvents?.();
        const perRequest = (micros: number): number => Math.round((micros / MEASURED) * 100) / 100;
        void Promise.all([cpu0, cpu(), events0, events1]).then(([a, b, e0, e1]) =>
          resolve({
            requestsPerSecond: Math.round(MEASURED / seconds),
            ...(e0 === undefined || e1 === undefined
              ? {}
              : {
                  pushEventsPerSecond: Math.round((e1.events - e0.events) / seconds),
                  subscriberCpuMicrosPerRequest: perRequest(e1.cpu - e0.cpu),
                }),
            serverCpuMicrosPerRequest: perRequest(b - a),
            clientCpuMicrosPerRequest: perRequest(client.user + client.system),
            errors,
            firstError,
          }),
        );
        return;
      }
      if (sent < total) send(order(sent++));
    });
    while (sent < IN_FLIGHT) send(order(sent++));
  });
}

async function round(variant: Variant): Promise<Round> {
  const { child, url, cpu } = await startChild(variant === 'ack' ? 'ack' : 'full');
  try {
    const push = variant === 'full+push' ? await startSubscriber(url) : undefined;
    try {
      const ws = await handshake(url);
      const r = await pump(ws, cpu, push?.events);
      ws.removeAllListeners('close');
      ws.terminate();
      return r;
    } finally {
      push?.child.removeAllListeners('exit');
      push?.child.kill('SIGTERM');
    }
  } finally {
    child.removeAllListeners('exit');
    child.kill('SIGTERM');
  }
}

const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

/** One measured window of the paired rounds. */
interface Window {
  subscribed: boolean;
  requestsPerSecond: number;
  serverCpuMicrosPerRequest: number;
  pushEvents: number;
}

/** Requests per window of the paired rounds, and windows per round (subscribed in every other pair). */
const WINDOW = 10_000;
const WINDOWS = 8;

/**
 * Sends `n` requests from `first` on, IN_FLIGHT at a time, and resolves once all are answered
 * with the seconds taken (the error answers are counted in `errors`).
 */
function burst(ws: WebSocket, first: number, n: number, errors: { n: number }): Promise<number> {
  let sent = 0;
  let answered = 0;
  const send = corkedSender(ws);
  const t0 = performance.now();
  return new Promise((resolve, reject) => {
    const onMessage = (data: WebSocket.RawData): void => {
      if (!data.toString().includes('"code":"200000"')) errors.n++;
      if (++answered === n) {
        ws.off('message', onMessage);
        ws.off('close', onClose);
        resolve((performance.now() - t0) / 1_000);
      } else if (sent < n) send(order(first + sent++));
    };
    const onClose = (): void => reject(new Error(`socket closed after ${answered} answers`));
    ws.on('message', onMessage);
    ws.on('close', onClose);
    while (sent < Math.min(IN_FLIGHT, n)) send(order(first + sent++));
  });
}

/**
 * A paired round: one full-engine simulator and one push subscriber stay up, and measured
 * windows of WINDOW requests alternate between the subscriber subscribed and not (ABBA: off,
 * on, on, off, …), so that each pair of neighbouring windows runs the same engine, book and
 * moment of the machine with and without push. Between windows nothing is in flight.
 */
async function pairedRound(): Promise<{ windows: Window[]; errors: number }> {
  const { child, url, cpu } = await startChild('full');
  try {
    const push = await startSubscriber(url);
    try {
      const ws = await handshake(url);
      const errors = { n: 0 };
      let next = 0;
      // Both paths warm (the first window had run slower than all others when only one was).
      for (const on of [true, false]) {
        await push.toggle(on);
        await burst(ws, next, WARMUP, errors);
        next += WARMUP;
      }
      const windows: Window[] = [];
      for (let w = 0; w < WINDOWS; w++) {
        const subscribed = w % 4 === 1 || w % 4 === 2;
        await push.toggle(subscribed);
        const [c0, e0] = [await cpu(), await push.events()];
        const seconds = await burst(ws, next, WINDOW, errors);
        next += WINDOW;
        const [c1, e1] = [await cpu(), await push.events()];
        windows.push({
          subscribed,
          requestsPerSecond: Math.round(WINDOW / seconds),
          serverCpuMicrosPerRequest: Math.round(((c1 - c0) / WINDOW) * 100) / 100,
          pushEvents: e1.events - e0.events,
        });
      }
      ws.removeAllListeners('close');
      ws.terminate();
      return { windows, errors: errors.n };
    } finally {
      push.child.removeAllListeners('exit');
      push.child.kill('SIGTERM');
    }
  } finally {
    child.removeAllListeners('exit');
    child.kill('SIGTERM');
  }
}

async function main(): Promise<void> {
  const serveAt = process.argv.indexOf('--serve');
  if (serveAt !== -1) return serve(process.argv[serveAt + 1] === 'full' ? 'full' : 'ack');
  const subscribeAt = process.argv.indexOf('--subscribe');
  if (subscribeAt !== -1) return subscribe(process.argv[subscribeAt + 1]);

  const rounds: Record<Variant, Round[]> = { full: [], ack: [], 'full+push': [] };
  for (let i = 0; i < ROUNDS; i++) {
    const order = ['ack', 'full', 'full+push'] as const;
    for (const variant of i % 2 === 0 ? order : [...order].reverse()) {
      const r = await round(variant);
      rounds[variant].push(r);
      console.log(
        `  round ${i + 1} ${variant.padEnd(9)} ${r.requestsPerSecond.toLocaleString('en')} req/s, CPU µs/request: simulator ${r.serverCpuMicrosPerRequest}, client ${r.clientCpuMicrosPerRequest}${r.subscriberCpuMicrosPerRequest === undefined ? '' : `, subscriber ${r.subscriberCpuMicrosPerRequest}`}${r.pushEventsPerSecond === undefined ? '' : `; ${r.pushEventsPerSecond.toLocaleString('en')} push events/s`}${r.errors ? ` (${r.errors} errors: ${r.firstError})` : ''}`,
      );
    }
  }
  const full = median(rounds.full.map((r) => r.requestsPerSecond));
  const ack = median(rounds.ack.map((r) => r.requestsPerSecond));
  const round2 = (x: number): number => Math.round(x * 100) / 100;
  const ratio = round2(
    median(rounds.full.map((r, i) => r.requestsPerSecond / rounds.ack[i].requestsPerSecond)),
  );
  const fullCpu = median(rounds.full.map((r) => r.serverCpuMicrosPerRequest));
  const ackCpu = median(rounds.ack.map((r) => r.serverCpuMicrosPerRequest));
  const cpuRatio = round2(ackCpu / fullCpu);
  const withPush = median(rounds['full+push'].map((r) => r.requestsPerSecond));
  const pushRatio = round2(
    median(rounds['full+push'].map((r, i) => r.requestsPerSecond / rounds.full[i].requestsPerSecond)),
  );
  const pushRatios = rounds['full+push'].map((r, i) =>
    round2(r.requestsPerSecond / rounds.full[i].requestsPerSecond),
  );
  const pushCpu = median(rounds['full+push'].map((r) => r.serverCpuMicrosPerRequest));
  const pushCpuRatio = round2(
    median(
      rounds['full+push'].map(
        (r, i) => rounds.full[i].serverCpuMicrosPerRequest / r.serverCpuMicrosPerRequest,
      ),
    ),
  );
  const clientCpu = (rs: Round[]): number => median(rs.map((r) => r.clientCpuMicrosPerRequest));
  const subscriberCpu = median(rounds['full+push'].map((r) => r.subscriberCpuMicrosPerRequest ?? 0));
  const pushEvents = median(rounds['full+push'].map((r) => r.pushEventsPerSecond ?? 0));
  // Paired windows: the push ratio of neighbouring windows in one process (see pairedRound).
  const pairs: Array<{ ratio: number; cpuRatio: number }> = [];
  let pairedErrors = 0;
  let pairedEvents = 0;
  let pairedPushWindows = 0;
  for (let i = 0; i < PAIRED_ROUNDS; i++) {
    const { windows, errors } = await pairedRound();
    pairedErrors += errors;
    for (let w = 0; w + 1 < windows.length; w += 2) {
      const [a, b] = [windows[w], windows[w + 1]];
      const [on, off] = a.subscribed ? [a, b] : [b, a];
      pairs.push({
        ratio: round2(on.requestsPerSecond / off.requestsPerSecond),
        cpuRatio: round2(off.serverCpuMicrosPerRequest / on.serverCpuMicrosPerRequest),
      });
    }
    for (const w of windows)
      if (w.subscribed) {
        pairedEvents += w.pushEvents;
        pairedPushWindows++;
      }
    console.log(
      `  paired round ${i + 1}: ${windows.map((w) => `${w.subscribed ? 'push' : 'full'} ${w.requestsPerSecond.toLocaleString('en')} req/s ${w.serverCpuMicrosPerRequest} µs`).join(' | ')}`,
    );
  }
  const pairedRatio = round2(median(pairs.map((p) => p.ratio)));
  const pairedCpuRatio = round2(median(pairs.map((p) => p.cpuRatio)));
  const errors =
    pairedErrors + [...rounds.full, ...rounds.ack, ...rounds['full+push']].reduce((n, r) => n + r.errors, 0);
  if (pairedEvents !== pairedPushWindows * WINDOW * 2)
    console.log(
      `  the subscriber received ${pairedEvents} events in windows of ${pairedPushWindows * WINDOW} orders`,
    );
  console.log(
    `simulator, one connection, ${IN_FLIGHT} in flight, ${MEASURED} spot.order after ${WARMUP} warm-up (median of ${ROUNDS}):`,
  );
  console.log(
    `  full engine (resting orders): ${full.toLocaleString('en')} req/s, simulator CPU ${fullCpu} µs/request`,
  );
  console.log(
    `  ack mode:                     ${ack.toLocaleString('en')} req/s, simulator CPU ${ackCpu} µs/request`,
  );
  console.log(
    `  full / ack:                   ${ratio} (target ≥ 0.6); by simulator CPU per request: ${cpuRatio}`,
  );
  console.log(
    `  full + push subscriber:       ${withPush.toLocaleString('en')} req/s, simulator CPU ${pushCpu} µs/request, ${pushEvents.toLocaleString('en')} push events/s to the subscriber`,
  );
  console.log(
    `  full+push / full:             ${pushRatio} (target ≥ 0.8; rounds ${[...pushRatios].sort((a, b) => a - b).join(', ')}); by simulator CPU per request: ${pushCpuRatio}`,
  );
  console.log(
    `  client CPU µs/request:        full ${clientCpu(rounds.full)}, full+push ${clientCpu(rounds['full+push'])}; subscriber ${subscriberCpu}`,
  );
  console.log(
    `  paired windows, push / none:  ${pairedRatio} (median of ${pairs.length} neighbouring pairs: ${pairs
      .map((p) => p.ratio)
      .sort((a, b) => a - b)
      .join(', ')}); by simulator CPU per request: ${pairedCpuRatio}`,
  );
  if (errors > 0) console.log(`  ${errors} error answers`);
  const result = {
    date: new Date().toISOString(),
    node: process.version,
    cpu: cpus()[0]?.model ?? 'unknown',
    cores: cpus().length,
    loadAverage: loadavg()[0],
    inFlight: IN_FLIGHT,
    warmup: WARMUP,
    measured: MEASURED,
    rounds: ROUNDS,
    full: { requestsPerSecond: full, serverCpuMicrosPerRequest: fullCpu, rounds: rounds.full },
    ack: { requestsPerSecond: ack, serverCpuMicrosPerRequest: ackCpu, rounds: rounds.ack },
    fullWithPush: {
      requestsPerSecond: withPush,
      serverCpuMicrosPerRequest: pushCpu,
      subscriberCpuMicrosPerRequest: subscriberCpu,
      pushEventsPerSecond: pushEvents,
      rounds: rounds['full+push'],
    },
    ratio,
    cpuRatio,
    pushRatio,
    pushRatios,
    pushCpuRatio,
    paired: {
      rounds: PAIRED_ROUNDS,
      window: WINDOW,
      windowsPerRound: WINDOWS,
      ratio: pairedRatio,
      cpuRatio: pairedCpuRatio,
      pairs,
    },
    errors,
  };
  mkdirSync(join(ROOT, 'bench/results'), { recursive: true });
  writeFileSync(join(ROOT, 'bench/results/simulator.json'), JSON.stringify(result, null, 2) + '\n');
  if (errors > 0) process.exitCode = 1;
}

main().catch((e: unknown) => {
  console.error(e);
  process.exit(1);
});
