import type { AccountConfig, SymbolConfig } from './exchange/types';
import { demoAccount } from './accounts';

/** How to start a simulator. Every field is optional; defaults match KuCoin's gateway. */
export interface SimulatorOptions {
  /** TCP port; 0 (default) picks a free one. */
  port?: number;
  /** Interface to listen on (default '127.0.0.1'). */
  host?: string;
  /** Seed of liquidity, ids and demo credentials (default 1). */
  seed?: number;
  /** Accounts that may connect; the first is `demoAccount` (default: one funded demo account). */
  accounts?: AccountConfig[];
  /** Quota per API key, a fixed window (default 1600 per 30 s). */
  rateLimit?: { limit: number; windowMs: number };
  /** Symbols of the exchange (default: the exchange's own list). */
  symbols?: SymbolConfig[];
  /** Symbol → mid price of the seeded liquidity. */
  referencePrices?: Record<string, string>;
  /**
   * 'full' (default): the matching engine answers. 'ack': handshake, validation and envelope,
   * but every valid request succeeds at once with data shaped like the real answer.
   */
  mode?: 'full' | 'ack';
  /** Sent in the welcome frame (default 18000 ms). */
  pingInterval?: number;
  /** Sent in the welcome frame (default 10000 ms); a session silent for interval + timeout is closed. */
  pingTimeout?: number;
  /** How long the client has to answer the challenge before 400012 (default 30000 ms). */
  handshakeTimeoutMs?: number;
  /** The gateway clock is Date.now() + this (default 0); tests of 400002 move it. */
  clockOffsetMs?: number;
  /** Sessions per API key before 509 (default 50). */
  maxSessionsPerKey?: number;
  /** Frames above this many bytes are answered with a 4001002 error (default 64 KiB). */
  maxFrameBytes?: number;
  /** Partner → partner key; when set, `partner`/`partner_sign` are verified when present. */
  partners?: Record<string, string>;
  /** How many received frames `framesReceived()` keeps (default 100000; 0 keeps none). */
  frameLogSize?: number;
  /**
   * REST: how long a client may take to send a request's headers, and then its body, before
   * it gets 408 and is disconnected (default 10000 ms).
   */
  restTimeoutMs?: number;
}

export interface ResolvedOptions {
  readonly port: number;
  readonly host: string;
  readonly seed: number;
  readonly accounts: readonly AccountConfig[];
  readonly rateLimit: { readonly limit: number; readonly windowMs: number };
  readonly symbols: readonly SymbolConfig[] | undefined;
  readonly referencePrices: Readonly<Record<string, string>> | undefined;
  readonly mode: 'full' | 'ack';
  readonly pingInterval: number;
  readonly pingTimeout: number;
  readonly handshakeTimeoutMs: number;
  readonly clockOffsetMs: number;
  readonly maxSessionsPerKey: number;
  readonly maxFrameBytes: number;
  readonly partners: Readonly<Record<string, string>> | undefined;
  readonly frameLogSize: number;
  readonly restTimeoutMs: number;
}

function count(name: string, value: number | undefined, fallback: number, min: number, max?: number): number {
  const v = value ?? fallback;
  if (!Number.isSafeInteger(v) || v < min || (max !== undefined && v > max))
    throw new RangeError(
      max === undefined
        ? `simulator option ${name} must be an integer ≥ ${min}`
        : `simulator option ${name} must be an integer from ${min} to ${max}`,
    );
  return v;
}

/**
 * The frame log is a ring allocated whole at start (about 20 bytes a slot before any frame):
 * a bound keeps a mistyped size from taking the process's heap (1e8 ran it out of memory).
 */
const MAX_FRAME_LOG_SIZE = 1_000_000;

/** Fills in defaults and rejects options that cannot work, before anything listens. */
export function resolveOptions(o: SimulatorOptions = {}): ResolvedOptions {
  const seed = o.seed ?? 1;
  if (!Number.isSafeInteger(seed)) throw new RangeError('simulator option seed must be an integer');
  const accounts = o.accounts ?? [demoAccount(seed)];
  if (accounts.length === 0) throw new RangeError('simulator option accounts must name at least one account');
  const keys = new Set<string>();
  for (const a of accounts) {
    if (keys.has(a.apiKey)) throw new RangeError('simulator option accounts has a duplicate apiKey');
    keys.add(a.apiKey);
    // Signatures are HMAC-SHA256 through Web Crypto, which has no zero-length keys.
    if (a.apiSecret === '') throw new RangeError('simulator option accounts has an empty apiSecret');
  }
  if (o.partners !== undefined && Object.values(o.partners).some((key) => key === ''))
    throw new RangeError('simulator option partners has an empty partner key');
  const clockOffsetMs = o.clockOffsetMs ?? 0;
  if (!Number.isFinite(clockOffsetMs))
    throw new RangeError('simulator option clockOffsetMs must be a finite number');
  const host = o.host ?? '127.0.0.1';
  // An empty host would listen on every interface and make URLs such as `ws://:1234`.
  if (typeof host !== 'string' || host.trim() === '')
    throw new RangeError('simulator option host must be a host name or address');
  const mode = o.mode ?? 'full';
  if (mode !== 'full' && mode !== 'ack')
    throw new RangeError("simulator option mode must be 'full' or 'ack'");
  return {
    port: count('port', o.port, 0, 0),
    host,
    seed,
    accounts,
    rateLimit: {
      limit: count('rateLimit.limit', o.rateLimit?.limit, 1600, 1),
      windowMs: count('rateLimit.windowMs', o.rateLimit?.windowMs, 30_000, 1),
    },
    symbols: o.symbols,
    referencePrices: o.referencePrices,
    mode,
    pingInterval: count('pingInterval', o.pingInterval, 18_000, 1),
    pingTimeout: count('pingTimeout', o.pingTimeout, 10_000, 1),
    handshakeTimeoutMs: count('handshakeTimeoutMs', o.handshakeTimeoutMs, 30_000, 1),
    clockOffsetMs,
    maxSessionsPerKey: count('maxSessionsPerKey', o.maxSessionsPerKey, 50, 1),
    maxFrameBytes: count('maxFrameBytes', o.maxFrameBytes, 64 * 1024, 64),
    partners: o.partners,
    frameLogSize: count('frameLogSize', o.frameLogSize, 100_000, 0, MAX_FRAME_LOG_SIZE),
    restTimeoutMs: count('restTimeoutMs', o.restTimeoutMs, 10_000, 1),
  };
}
