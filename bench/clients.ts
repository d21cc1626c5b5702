/**
 * The two clients the benchmarks compare, behind one shape, so that every scenario drives
 * them the same way and both send byte-identical frames: the same order object (clientOid
 * given, same key order) and the same `{"id","op","args"}` layout with counter ids from 1.
 */
import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import { RawClient, type Credentials } from './raw-client';
import type { WebsocketAPIClient as SourceClient } from '../src';

/**
 * Our client as the benchmarks run it: the built package when BENCH_PACKAGE names its
 * CommonJS entry (bench/package-build.ts; `npm run bench` and bench/ab-latency.ts build it
 * first, since the package is what users run), `dist/index.js` with BENCH_CLIENT=dist (what
 * `npm run build` made), else from src/ through tsx, module by module (BENCH_CLIENT=src).
 */
function ourClient(): typeof SourceClient {
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- chosen at run time
  return (require(ourClientModule()) as { WebsocketAPIClient: typeof SourceClient }).WebsocketAPIClient;
}

/** Where `ourClient` loads the client from. */
function ourClientModule(): string {
  switch (process.env.BENCH_CLIENT) {
    case 'src':
      return '../src';
    case 'dist':
      return join(__dirname, '../dist/index.js');
    default:
      return process.env.BENCH_PACKAGE ?? '../src';
  }
}

/** The simulator a worker talks to, as bench/sim-child.ts prints it. */
export interface Target {
  url: string;
  credentials: Credentials;
  control: string;
}

/** What each client's request returns: its own handle (a Promise, or our WsApiCall). */
export type Place = () => PromiseLike<{ code: string }>;

export interface Bench {
  place: Place;
  close: () => Promise<void>;
}

export type Kind = 'raw' | 'ours';

/**
 * The order both clients send. The caller gives the clientOid, so our client neither copies
 * the object nor fills one in, and the frame text is the raw client's exactly.
 */
export function order(): {
  clientOid: string;
  side: 'buy';
  symbol: string;
  type: 'limit';
  price: string;
  size: string;
} {
  return {
    clientOid: randomUUID(),
    side: 'buy',
    symbol: 'BTC-USDT',
    type: 'limit',
    price: '20000',
    size: '0.0001',
  };
}

export async function open(kind: Kind, target: Target): Promise<Bench> {
  if (kind === 'raw') {
    const raw = await RawClient.connect(target.url, target.credentials);
    return { place: () => raw.request('spot.order', order()), close: () => raw.close() };
  }
  return openOurs(ourClient(), target);
}

/** `Client` (ours, from this checkout or another) connected to `target`, as the benchmarks drive it. */
export async function openOurs(Client: typeof SourceClient, target: Target): Promise<Bench> {
  const client = new Client({
    ...target.credentials,
    wsBaseUrl: target.url,
    attachEventListeners: false,
    requestTimeoutMs: 60_000,
  });
  await client.connect();
  return { place: () => client.submitNewSpotOrder(order()), close: () => client.close() };
}

/**
 * Fails the round on an error answer. The raw client resolves with error answers (it tells
 * nothing apart); ours rejects them. Both pay for this one check on the same path.
 */
export function check(r: { code: string }): void {
  if (r.code !== '200000') throw new Error(`answer ${r.code}`);
}
