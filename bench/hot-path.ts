/**
 * `npx tsx bench/hot-path.ts`: the client's own CPU cost per call, without a network. Both
 * clients talk to the same in-process fake gateway that answers every request in a batch on
 * the next macrotask (as a socket would), so what differs between them is only their own
 * code. Interleaved repetitions, CPU time (process.cpuUsage), medians. A development tool:
 * `npm run bench` measures the real thing over TCP; this shows where the difference is.
 * Scenarios: pipelined, windowed and sequential (each call awaited); HOT_SCENARIO=<name>
 * runs one. Allocation per call, which a sampling profile only estimates, is counted exactly
 * by `node --expose-gc --min-semi-space-size=256 --max-semi-space-size=256 --import tsx
 * bench/hot-path.ts` with HOT_ALLOC=1 (HOT_WINDOW=1, the default there: sequential).
 * HOT_SPLIT=1: the sequential scenario's critical path split at the fake socket (from calling
 * the method to the frame reaching the socket; from the answer leaving the gateway to the
 * awaiting code running again), medians of both clients.
 * Note what it cannot see: the fake socket has no TCP socket under it, so the client's
 * corking path (and its end-of-tick microtask) never runs here.
 */
import { createRequire } from 'node:module';
import { PerformanceObserver } from 'node:perf_hooks';
import { getHeapSpaceStatistics, writeHeapSnapshot } from 'node:v8';
import { WebsocketAPIClient } from '../src';
import { RawClient } from './raw-client';
import { order, type Place } from './clients';
import { sequentialSamples, windowed } from './scenarios';

const ANSWER_HEAD = '{"id":"';
const ANSWER_MIDDLE =
  '","op":"spot.order","code":"200000","data":{"orderId":"6650a8f6e5e4b10007a4f1a2","clientOid":"';
const ANSWER_TAIL =
  '"},"inTime":1716000000000,"outTime":1716000000001,"rateLimit":{"limit":1000000000,"reset":30000,"remaining":999999999}}';
const CLIENT_OID_KEY = '"clientOid":"';

/** The request's clientOid, echoed as a gateway does (the client checks it). */
function clientOidIn(text: string): string {
  const start = text.indexOf(CLIENT_OID_KEY) + CLIENT_OID_KEY.length;
  return start < CLIENT_OID_KEY.length ? '' : text.slice(start, text.indexOf('"', start));
}

/** HOT_HEAP: the gateway answers nothing, so every call stays pending. */
let holdAnswers = false;
/** HOT_SPLIT: when the last frame reached the fake socket, and when the last answer left the fake gateway. */
let sentAt = 0;
let answeredAt = 0;

/** The fake gateway's work, shared by both: the id out of the frame, the answer, batched. */
class FakeGateway {
  private batch: string[] = [];
  private scheduled = false;
  constructor(private readonly deliver: (text: string) => void) {}
  request(text: string): void {
    sentAt = performance.now();
    if (holdAnswers) return;
    const id = text.slice(7, text.indexOf('"', 7));
    this.batch.push(ANSWER_HEAD + id + ANSWER_MIDDLE + clientOidIn(text) + ANSWER_TAIL);
    if (!this.scheduled) {
      this.scheduled = true;
      setImmediate(this.flush);
    }
  }
  private readonly flush = (): void => {
    const batch = this.batch;
    this.batch = [];
    this.scheduled = false;
    for (const text of batch) {
      answeredAt = performance.now();
      this.deliver(text);
    }
  };
}

/** A WebSocketLike for our client: open, challenge, welcome, then the fake gateway. */
class FakeSocket {
  onopen: ((e: unknown) => void) | null = null;
  onmessage: ((e: { data: string }) => void) | null = null;
  onerror: ((e: unknown) => void) | null = null;
  onclose: ((e: { code: number; reason: string }) => void) | null = null;
  readyState = 1;
  private authed = false;
  private readonly gateway = new FakeGateway((data) => this.onmessage?.({ data }));
  constructor() {
    setTimeout(() => {
      this.onopen?.({});
      this.onmessage?.({ data: '{"sessionId":"s1","timestamp":1716000000000}' });
    });
  }
  send(text: string): void {
    if (this.authed) return this.gateway.request(text);
    this.authed = true;
    setTimeout(() =>
      this.onmessage?.({
        data: '{"sessionId":"s1","data":"welcome","pingInterval":18000,"pingTimeout":10000}',
      }),
    );
  }
  close(): void {
    this.readyState = 3;
    setTimeout(() => this.onclose?.({ code: 1000, reason: '' }));
  }
}

/** What RawClient's constructor needs of a `ws` socket: `on('message')`, `once('close')` and `send`. */
class FakeWs {
  private listener: (data: string) => void = () => undefined;
  private readonly gateway = new FakeGateway((data) => this.listener(data));
  on(_event: 'message', listener: (data: string) => void): void {
    this.listener = listener;
  }
  /** The fake never closes. */
  once(_event: 'close', _listener: () => void): void {}
  send(text: string): void {
    this.gateway.request(text);
  }
}

async function makeOurs(): Promise<Place> {
  // HOT_CLIENT=<path>: our client from a built bundle instead of src/ (tsx, module by module).
  const Client =
    process.env.HOT_CLIENT === undefined
      ? WebsocketAPIClient
      : (
          createRequire(__filename)(process.env.HOT_CLIENT) as {
            WebsocketAPIClient: typeof WebsocketAPIClient;
          }
        ).WebsocketAPIClient;
  const client = new Client({
    apiKey: 'k',
    apiSecret: 's',
    apiPassphrase: 'p',
    wsBaseUrl: 'ws://fake',
    attachEventListeners: false,
    requestTimeoutMs: 60_000,
    makeWebSocket: () => new FakeSocket(),
  });
  await client.connect();
  return () => client.submitNewSpotOrder(order());
}

function makeRaw(): Place {
  // The constructor is private: the benchmark's raw client is only ever made by connect().
  const raw = new (RawClient as any)(new FakeWs()) as RawClient;
  return () => raw.request('spot.order', order());
}

async function cpuPerCall(place: Place, n: number, window: number): Promise<number> {
  const t0 = process.cpuUsage();
  // A window of 1 is the sequential scenario: each call awaited, as the benchmark does.
  if (window === 1) await sequentialSamples(place, n);
  else await windowed(place, n, window);
  const t = process.cpuUsage(t0);
  return (t.user + t.system) / n;
}

const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

async function main(): Promise<void> {
  const rounds = Number(process.env.HOT_ROUNDS ?? '9');
  const clients: Record<'raw' | 'ours', Place> = { raw: makeRaw(), ours: await makeOurs() };
  // HOT_HEAP=1 (with --expose-gc): retained heap per pending call, against a gateway that
  // holds every answer, each client in turn in this one process.
  if (process.env.HOT_HEAP === '1') {
    const gc = (globalThis as { gc?: () => void }).gc as () => void;
    holdAnswers = true;
    for (const kind of ['raw', 'ours', 'raw', 'ours'] as const) {
      gc();
      const before = process.memoryUsage().heapUsed;
      const calls = new Array<PromiseLike<unknown>>(10_000);
      if (process.env.HOT_SNAP === kind) writeHeapSnapshot('/tmp/before.heapsnapshot');
      for (let i = 0; i < calls.length; i++) calls[i] = clients[kind]();
      gc();
      if (process.env.HOT_SNAP === kind) {
        writeHeapSnapshot('/tmp/after.heapsnapshot');
        process.env.HOT_SNAP = '';
      }
      console.log(
        `${kind} ${((process.memoryUsage().heapUsed - before) / calls.length).toFixed(0)} B/pending`,
      );
      calls.length = 0;
    }
    process.exit(0);
  }
  // HOT_ALLOC=1 (with --max-semi-space-size=256): bytes allocated per call, each client in
  // turn. With a young generation that large, no GC runs during a repetition, so the growth of
  // the heap's used size is what was allocated (repetitions a GC ran in are left out).
  if (process.env.HOT_ALLOC === '1') {
    const gcTimes: number[] = [];
    new PerformanceObserver((list) => {
      for (const e of list.getEntries()) gcTimes.push(e.startTime);
    }).observe({ entryTypes: ['gc'] });
    const used = (): number => getHeapSpaceStatistics().reduce((sum, s) => sum + s.space_used_size, 0);
    const n = 5_000;
    const window = Number(process.env.HOT_WINDOW ?? '1');
    const perCall: Record<'raw' | 'ours', number[]> = { raw: [], ours: [] };
    for (const kind of ['raw', 'ours'] as const) await cpuPerCall(clients[kind], 20_000, window);
    for (let r = 0; r < rounds; r++) {
      for (const kind of ['raw', 'ours'] as const) {
        // A GC now, so that the repetition starts with an empty young generation.
        (globalThis as { gc?: () => void }).gc?.();
        await new Promise((resolve) => setImmediate(resolve));
        const t0 = performance.now();
        const before = used();
        await cpuPerCall(clients[kind], n, window);
        const bytes = (used() - before) / n;
        const t1 = performance.now();
        await new Promise((resolve) => setTimeout(resolve, 10)); // let the observer report
        if (!gcTimes.some((t) => t >= t0 && t <= t1)) perCall[kind].push(bytes);
      }
    }
    for (const kind of ['raw', 'ours'] as const)
      console.log(
        `${kind} ${median(perCall[kind]).toFixed(0)} B/call allocated (window ${window}, ` +
          `${perCall[kind].length} repetitions without a GC, min ${Math.min(...perCall[kind]).toFixed(0)})`,
      );
    process.exit(0);
  }
  // HOT_SPLIT=1: sequential calls, split at the fake socket: the median time from calling the
  // method to the frame reaching the socket, and from the answer leaving the gateway to the
  // awaiting code running again (µs), alternating blocks of both clients.
  if (process.env.HOT_SPLIT === '1') {
    const split = {
      raw: { before: [] as number[], after: [] as number[] },
      ours: { before: [] as number[], after: [] as number[] },
    };
    for (const kind of ['raw', 'ours'] as const) await windowed(clients[kind], 20_000, 1);
    for (let r = 0; r < rounds * 4; r++) {
      for (const kind of r % 2 === 0 ? (['raw', 'ours'] as const) : (['ours', 'raw'] as const)) {
        const place = clients[kind];
        for (let i = 0; i < 2_000; i++) {
          const t0 = performance.now();
          const answer = await place();
          const t1 = performance.now();
          if (answer.code !== '200000') throw new Error(answer.code);
          split[kind].before.push((sentAt - t0) * 1000);
          split[kind].after.push((t1 - answeredAt) * 1000);
        }
      }
    }
    for (const what of ['before', 'after'] as const) {
      const raw = median(split.raw[what]);
      const ours = median(split.ours[what]);
      console.log(
        `${what.padEnd(6)} raw ${raw.toFixed(2)} µs, ours ${ours.toFixed(2)} µs, ours − raw ${(ours - raw).toFixed(2)} µs`,
      );
    }
    process.exit(0);
  }
  // HOT_ONLY=ours|raw: one client only, for a CPU profile (node --cpu-prof) of its own code.
  const only = process.env.HOT_ONLY;
  if (only === 'ours' || only === 'raw') {
    // HOT_WINDOW=1: the sequential scenario.
    for (let i = 0; i < 30; i++)
      await cpuPerCall(clients[only], 20_000, Number(process.env.HOT_WINDOW ?? '20000'));
    process.exit(0);
  }
  const scenarios = [
    { name: 'pipelined 20,000', n: 20_000, window: 20_000 },
    { name: 'windowed 100', n: 20_000, window: 100 },
    // One at a time: the whole round trip of a call is on the critical path.
    { name: 'sequential', n: 5_000, window: 1 },
  ];
  // HOT_SCENARIO=sequential (or pipelined, windowed): that one only.
  const chosen = scenarios.filter((s) => s.name.startsWith(process.env.HOT_SCENARIO ?? ''));
  for (const place of Object.values(clients))
    for (const s of chosen) await windowed(place, s.n * 3, s.window);
  for (const s of chosen) {
    const samples: Record<'raw' | 'ours', number[]> = { raw: [], ours: [] };
    for (let r = 0; r < rounds; r++) {
      const kinds = r % 2 === 0 ? (['raw', 'ours'] as const) : (['ours', 'raw'] as const);
      for (const kind of kinds) samples[kind].push(await cpuPerCall(clients[kind], s.n, s.window));
    }
    // The minimum is the least disturbed by other processes; the median is printed too.
    for (const [what, pick] of [
      ['min', (xs: number[]) => Math.min(...xs)],
      ['median', median],
    ] as const) {
      const raw = pick(samples.raw);
      const ours = pick(samples.ours);
      console.log(
        `${s.name.padEnd(17)} ${what.padEnd(6)} raw ${raw.toFixed(2)} µs/call, ours ${ours.toFixed(2)} µs/call, ` +
          `ours − raw ${(ours - raw).toFixed(2)} µs`,
      );
    }
  }
  process.exit(0);
}

main().catch((e: unknown) => {
  console.error(e);
  process.exit(1);
});
