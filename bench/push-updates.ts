/**
 * `npx tsx bench/push-updates.ts`: order events from the simulator's private push channel to
 * (a) a `client.orderUpdates$` subscriber and (b) a raw `ws` reader (JSON.parse of each frame,
 * nothing else) of the same account's stream, in the same run. Each reader runs in a process
 * of its own; the simulator and the order flow that feeds it (resting limit orders, 1,000 in
 * flight, two events each: received and open) in a third.
 *
 * Both readers usually keep up with the simulator, so the events per second they receive are
 * the simulator's rate, the same for both. What tells them apart is what each costs: the CPU
 * time each reader process spends per event, measured over the same window. A reader's capacity
 * is 1 s / (CPU per event): the events per second it could take on one core. The ratio reported
 * is ours/raw capacity (target ≥ 0.85); the received rates are printed beside it.
 *
 * BENCH_QUICK=1: one round of 20,000 orders instead of five of 40,000. BENCH_PROF_DIR=dir: a V8 CPU
 * profile of the orderUpdates$ reader.
 */
import { loadavg } from 'node:os';
import { join } from 'node:path';
import WebSocket from 'ws';
import { WebsocketAPIClient } from '../src';
import { startSimulator } from '../src/simulator';
import { bulletPrivate } from './bullet';
import { spawnLineChild, type LineChild } from './line-child';

const QUICK = process.env.BENCH_QUICK === '1';
const ROUNDS = QUICK ? 1 : 5;
const ORDERS = QUICK ? 20_000 : 40_000;
const WARMUP_ORDERS = 5_000;
const IN_FLIGHT = 1_000;
const EVENTS_PER_ORDER = 2;
const ROOT = join(__dirname, '..');

const BENCH_ACCOUNT = {
  apiKey: 'push-bench-key',
  apiSecret: 'push-bench-secret',
  apiPassphrase: 'push-bench-passphrase',
  balances: { USDT: '10000000000', BTC: '1000000' },
};

/** This file run as a child with `args` (BENCH_PROF_DIR: the orderUpdates$ reader writes a V8 CPU profile there). */
function spawnChild(args: string[]): LineChild {
  const prof = process.env.BENCH_PROF_DIR;
  return spawnLineChild(
    process.argv[1],
    args,
    ROOT,
    prof !== undefined && args[1] === 'ours' ? prof : undefined,
  );
}

// ---- the simulator and its order flow (child '--serve') ----

let orderSeq = 0;
/** A limit order far from the market, so it rests: a received and an open event. */
function restingOrder(): Record<string, string> {
  const n = orderSeq++;
  const buy = n % 2 === 0;
  const level = (n >> 1) % 1_000;
  return {
    side: buy ? 'buy' : 'sell',
    symbol: 'BTC-USDT',
    type: 'limit',
    price: buy ? `${20_000 + level}` : `${40_000 + level}`,
    size: '0.001',
  };
}

async function serve(): Promise<void> {
  const sim = await startSimulator({
    port: 0,
    seed: 1,
    accounts: [BENCH_ACCOUNT],
    rateLimit: { limit: 1_000_000_000, windowMs: 30_000 },
    referencePrices: { 'BTC-USDT': '30000' },
    maxSessionsPerKey: 100,
  });
  const placer = new WebsocketAPIClient({
    ...credentials(),
    wsBaseUrl: sim.url,
    attachEventListeners: false,
    requestTimeoutMs: 60_000,
  });
  await placer.connect();
  /** Places `n` orders with IN_FLIGHT outstanding; resolves when all are answered. */
  const place = (n: number): Promise<number> =>
    new Promise((resolve) => {
      let sent = 0;
      let done = 0;
      let failed = 0;
      const next = (): void => {
        if (sent >= n) return;
        sent++;
        placer.submitNewSpotOrder(restingOrder() as never).then(
          () => settle(),
          () => settle(++failed),
        );
      };
      const settle = (_?: number): void => {
        if (++done === n) resolve(failed);
        else next();
      };
      for (let i = 0; i < Math.min(IN_FLIGHT, n); i++) next();
    });
  process.stdout.write(JSON.stringify({ url: sim.url, restUrl: sim.restUrl }) + '\n');
  process.stdin.on('data', (d: Buffer) => {
    for (const line of d.toString().split('\n').filter(Boolean)) {
      const n = Number(line.split(' ')[1]);
      void place(n).then((failed) => process.stdout.write(`${failed}\n`));
    }
  });
  const stop = (): void => {
    void placer.close().then(() => sim.close().then(() => process.exit(0)));
  };
  process.on('SIGTERM', stop);
  process.stdin.on('end', stop);
}

function credentials(): { apiKey: string; apiSecret: string; apiPassphrase: string } {
  const { apiKey, apiSecret, apiPassphrase } = BENCH_ACCOUNT;
  return { apiKey, apiSecret, apiPassphrase };
}

// ---- the readers (child '--read raw|ours') ----

interface ReaderSample {
  events: number;
  /** CPU time of the reader process so far (µs). */
  cpuMicros: number;
  /** When the last event arrived (ms, performance.now of the reader). */
  lastEventAt: number;
  firstEventAt: number;
}

/** The raw reader: bullet-private by hand, a `ws` socket, JSON.parse per frame, a count. */
async function rawReader(restUrl: string, onEvent: () => void): Promise<() => void> {
  const bullet = await bulletPrivate(restUrl, BENCH_ACCOUNT);
  const server = bullet.instanceServers[0];
  const ws = new WebSocket(`${server.endpoint}?token=${bullet.token}&connectId=raw`, {
    perMessageDeflate: false,
  });
  const ping = setInterval(() => ws.send('{"id":"p","type":"ping"}'), server.pingInterval);
  await new Promise<void>((resolve, reject) => {
    ws.on('error', reject);
    ws.on('message', (data) => {
      const frame = JSON.parse(String(data)) as { type: string };
      if (frame.type === 'message') onEvent();
      else if (frame.type === 'welcome')
        ws.send('{"id":"s","type":"subscribe","topic":"/spotMarket/tradeOrdersV2","response":true}');
      else if (frame.type === 'ack') resolve();
    });
  });
  return () => {
    clearInterval(ping);
    ws.terminate();
  };
}

/** Ours: a client's orderUpdates$, one subscriber that counts. */
async function oursReader(url: string, restUrl: string, onEvent: () => void): Promise<() => void> {
  const client = new WebsocketAPIClient({
    ...credentials(),
    wsBaseUrl: url,
    restBaseUrl: restUrl,
    futuresRestBaseUrl: restUrl,
    attachEventListeners: false,
  });
  client.orderUpdates$.subscribe(() => onEvent());
  await new Promise<void>((resolve) => {
    const sub = client.stateOf$('pushSpot').subscribe((s) => {
      if (s.status !== 'ready') return;
      resolve();
      queueMicrotask(() => sub.unsubscribe());
    });
  });
  return () => void client.close();
}

async function read(kind: string, url: string, restUrl: string): Promise<void> {
  const sample: ReaderSample = { events: 0, cpuMicros: 0, lastEventAt: 0, firstEventAt: 0 };
  const onEvent = (): void => {
    if (sample.events++ === 0) sample.firstEventAt = performance.now();
    sample.lastEventAt = performance.now();
  };
  const stop = kind === 'raw' ? await rawReader(restUrl, onEvent) : await oursReader(url, restUrl, onEvent);
  process.stdout.write('ready\n');
  process.stdin.on('data', () => {
    const { user, system } = process.cpuUsage();
    process.stdout.write(JSON.stringify({ ...sample, cpuMicros: user + system }) + '\n');
  });
  process.stdin.on('end', () => {
    stop();
    process.exit(0);
  });
}

// ---- the parent ----

const median = (xs: number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 === 1 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};
const round2 = (x: number): number => Math.round(x * 100) / 100;

async function sampleOf(reader: { ask: (l: string) => Promise<string> }): Promise<ReaderSample> {
  return JSON.parse(await reader.ask('sample')) as ReaderSample;
}

/** Asks until the reader has `events` events (it may still be reading what was sent). */
async function waitFor(
  reader: { ask: (l: string) => Promise<string> },
  events: number,
): Promise<ReaderSample> {
  for (;;) {
    const s = await sampleOf(reader);
    if (s.events >= events) return s;
    await new Promise((r) => setTimeout(r, 20));
  }
}

async function main(): Promise<void> {
  const sim = spawnChild(['--serve']);
  const { url, restUrl } = JSON.parse(await sim.ask('')) as { url: string; restUrl: string };
  const readers = {
    raw: spawnChild(['--read', 'raw', url, restUrl]),
    ours: spawnChild(['--read', 'ours', url, restUrl]),
  };
  await Promise.all([readers.raw.ask(''), readers.ours.ask('')]);
  console.log(
    `push-updates: ${ROUNDS} round(s) of ${ORDERS.toLocaleString('en')} resting orders (${(ORDERS * EVENTS_PER_ORDER).toLocaleString('en')} events), ` +
      `${IN_FLIGHT} in flight; load average ${loadavg()
        .map((l) => l.toFixed(2))
        .join(' ')}`,
  );
  let expected = 0;
  const place = async (n: number): Promise<void> => {
    const failed = Number(await sim.ask(`place ${n}`));
    if (failed > 0) throw new Error(`${failed} orders failed`);
    expected += (n - failed) * EVENTS_PER_ORDER;
  };
  await place(WARMUP_ORDERS);
  await Promise.all([waitFor(readers.raw, expected), waitFor(readers.ours, expected)]);

  const rows: Array<{ raw: number; ours: number; rawRate: number; oursRate: number }> = [];
  for (let round = 1; round <= ROUNDS; round++) {
    const before = { raw: await sampleOf(readers.raw), ours: await sampleOf(readers.ours) };
    const start = performance.now();
    await place(ORDERS);
    const after = {
      raw: await waitFor(readers.raw, expected),
      ours: await waitFor(readers.ours, expected),
    };
    const wall = (performance.now() - start) / 1_000;
    const cpuPerEvent = (k: 'raw' | 'ours'): number =>
      (after[k].cpuMicros - before[k].cpuMicros) / (after[k].events - before[k].events);
    const received = (k: 'raw' | 'ours'): number => Math.round((after[k].events - before[k].events) / wall);
    const row = {
      raw: cpuPerEvent('raw'),
      ours: cpuPerEvent('ours'),
      rawRate: received('raw'),
      oursRate: received('ours'),
    };
    rows.push(row);
    console.log(
      `  round ${round}: received ${row.oursRate.toLocaleString('en')} ev/s (ours) / ${row.rawRate.toLocaleString('en')} ev/s (raw); ` +
        `CPU per event ${row.ours.toFixed(2)} µs (ours) / ${row.raw.toFixed(2)} µs (raw); ` +
        `capacity ${Math.round(1e6 / row.ours).toLocaleString('en')} / ${Math.round(1e6 / row.raw).toLocaleString('en')} ev/s per core; ratio ${round2(row.raw / row.ours)}`,
    );
  }
  const ratio = round2(median(rows.map((r) => r.raw / r.ours)));
  const receivedRatio = round2(median(rows.map((r) => r.oursRate / r.rawRate)));
  console.log(
    `orderUpdates$ / raw ws: capacity ratio ${ratio} (median of per-round ratios; target ≥ 0.85), ` +
      `received-rate ratio ${receivedRatio}; CPU per event ${median(rows.map((r) => r.ours)).toFixed(2)} µs vs ${median(rows.map((r) => r.raw)).toFixed(2)} µs`,
  );
  for (const c of [readers.raw, readers.ours, sim]) c.child.stdin!.end();
}

if (process.argv[2] === '--serve') void serve();
else if (process.argv[2] === '--read') void read(process.argv[3], process.argv[4], process.argv[5]);
else
  main().catch((error: unknown) => {
    console.error(error);
    process.exit(1);
  });
