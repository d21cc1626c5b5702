/**
 * `npx tsx bench/hot-path.ts`: the client's own CPU cost per call, without a network. Both
 * clients talk to the same in-process fake gateway that answers every request in a batch on
 * the next macrotask (as a socket would), so what differs between them is only their own
 * code. Interleaved repetitions, CPU time (process.cpuUsage), medians. A development tool:
 * `npm run bench` measures the real thing over TCP; this shows where the difference is.
 */
import { createRequire } from 'node:module';
import { writeHeapSnapshot } from 'node:v8';
import { WebsocketAPIClient } from '../src';
import { RawClient } from './raw-client';
import { order, type Place } from './clients';
import { windowed } from './scenarios';

const ANSWER_HEAD = '{"id":"';
const ANSWER_TAIL =
  '","op":"spot.order","code":"200000","data":{"orderId":"6650a8f6e5e4b10007a4f1a2","clientOid":"c"},' +
  '"inTime":1716000000000,"outTime":1716000000001,"rateLimit":{"limit":1000000000,"reset":30000,"remaining":999999999}}';

/** HOT_HEAP: the gateway answers nothing, so every call stays pending. */
let holdAnswers = false;

/** The fake gateway's work, shared by both: the id out of the frame, the answer, batched. */
class FakeGateway {
  private batch: string[] = [];
  private scheduled = false;
  constructor(private readonly deliver: (text: string) => void) {}
  request(text: string): void {
    if (holdAnswers) return;
    const id = text.slice(7, text.indexOf('"', 7));
    this.batch.push(ANSWER_HEAD + id + ANSWER_TAIL);
    if (!this.scheduled) {
      this.scheduled = true;
      setImmediate(this.flush);
    }
  }
  private readonly flush = (): void => {
    const batch = this.batch;
    this.batch = [];
    this.scheduled = false;
    for (const text of batch) this.deliver(text);
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

/** What RawClient's constructor needs of a `ws` socket: `on('message')` and `send`. */
class FakeWs {
  private listener: (data: string) => void = () => undefined;
  private readonly gateway = new FakeGateway((data) => this.listener(data));
  on(_event: 'message', listener: (data: string) => void): void {
    this.listener = listener;
  }
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
  await windowed(place, n, window);
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
  // HOT_ONLY=ours|raw: one client only, for a CPU profile (node --cpu-prof) of its own code.
  const only = process.env.HOT_ONLY;
  if (only === 'ours' || only === 'raw') {
    for (let i = 0; i < 30; i++)
      await windowed(clients[only], 20_000, Number(process.env.HOT_WINDOW ?? '20000'));
    process.exit(0);
  }
  const scenarios = [
    { name: 'pipelined 20,000', n: 20_000, window: 20_000 },
    { name: 'windowed 100', n: 20_000, window: 100 },
  ];
  for (const place of Object.values(clients))
    for (const s of scenarios) await windowed(place, s.n * 3, s.window);
  for (const s of scenarios) {
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
