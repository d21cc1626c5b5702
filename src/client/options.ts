import { ConfigurationError } from '../errors';
import { restBaseOfWsUrl, restBaseUrl, wsBaseUrl } from '../rest/base-url';
import {
  DEFAULT_FUTURES_REST_BASE_URL,
  DEFAULT_REST_BASE_URL,
  type FetchFunction,
} from '../rest/rest-client';
import { safeDelay } from '../safe-delay';
import type { ReconnectOptions } from '../transport/connection';
import { DEFAULT_WS_BASE_URL } from '../transport/url';
import type { WebSocketFactory } from '../transport/websocket';

/**
 * Where lifecycle events are logged when `attachEventListeners` is on (console fits; so does
 * winston). Each line is `(message, fields)`: fields such as `wsKey`, `attempt`, `code` come
 * as an object in the second argument. `warn` and `debug` are used where the logger has them,
 * `info` otherwise.
 */
export interface Logger {
  info(...args: unknown[]): void;
  error(...args: unknown[]): void;
  warn?(...args: unknown[]): void;
  debug?(...args: unknown[]): void;
}

/** The constructor options: kucoin-api's, plus the reactive client's own (all optional). */
export interface WebsocketAPIClientOptions {
  /** API key. Optional with `testnet: true` and no `wsBaseUrl` (the simulator's demo account is used). */
  apiKey?: string;
  /** API secret. Only the signer ever sees it. */
  apiSecret?: string;
  /** API passphrase (the plain one; the client signs it). */
  apiPassphrase?: string;
  /** Gateway base URL (default 'wss://wsapi.kucoin.com'); the client appends `/v1/private?…`. */
  wsBaseUrl?: string;
  /**
   * Test against the bundled simulator: in Node without `wsBaseUrl`, the client starts one
   * in-process on a free port on first connect, signs with its demo account (credentials
   * given here are not used then), and stops it on `close()`. In a browser it needs `wsBaseUrl`.
   */
  testnet?: boolean;
  /**
   * Log the connection's life (open, authenticated, reconnect, reconnected, close), exceptions and
   * failed calls nobody observed, and the testnet simulator's start (default true, as in kucoin-api).
   */
  attachEventListeners?: boolean;
  /** Where those logs go (default console). Never receives credentials. */
  logger?: Logger;
  /** How long a call may wait for its answer, queueing included (default 10 000 ms). */
  requestTimeoutMs?: number;
  /** Reconnect policy: exponential backoff with full jitter. */
  reconnect?: Partial<ReconnectOptions>;
  /** From starting a connection attempt to the welcome frame, at most (default 10 000 ms). */
  handshakeTimeoutMs?: number;
  /** The WebSocket constructor (rxjs-websockets' factory shape); default `ws` in Node, native in browsers. */
  makeWebSocket?: WebSocketFactory;
  /** Hold requests while the quota is spent instead of getting 429000 (default false). */
  rateLimitGate?: boolean;
  /**
   * How many bytes may wait in a socket's send buffer (its `bufferedAmount`) before further
   * requests are held back, unwritten, until it drains (default 4 MiB). Held requests time
   * out as not sent (`sent: false`) if the buffer never drains: a gateway that stops reading
   * cannot make the client buffer without bound.
   */
  maxBufferedBytes?: number;
  /**
   * KuCoin's REST host for spot and margin (default 'https://api.kucoin.com'): server time
   * (clock-skew correction) and `lookupOrder`. With `testnet: true`: the simulator's.
   */
  restBaseUrl?: string;
  /** KuCoin's REST host for futures (default 'https://api-futures.kucoin.com'). With `testnet: true`: the simulator's. */
  futuresRestBaseUrl?: string;
  /** From sending a REST request to having read its answer, at most (default 10 000 ms). */
  restTimeoutMs?: number;
  /** The fetch function for REST (default the global `fetch` of Node 20 and browsers). */
  fetch?: FetchFunction;
  /**
   * Open the private push channel (order events, `orderUpdates$`) together with the WS API
   * sessions, and keep it open until `close()` (default false: it opens while `orderUpdates$`
   * has subscribers).
   */
  orderUpdates?: boolean;
  /**
   * Reconcile order requests whose answer was lost (default false): instead of rejecting with
   * DisconnectedError / TimeoutError `sent: true`, look the order up by clientOid over REST and
   * resolve with what the exchange shows (`reconciled: true`), or reject with a definite
   * OrderNotPlacedError / CancelNotAppliedError / ModifyNotAppliedError. Nothing is re-sent.
   * See docs/delivery.md.
   */
  reconcile?: boolean;
  /** With `reconcile`: how long to wait before the second lookup of an order not found (default 3 000 ms). */
  reconcileGraceMs?: number;
}

/** How long `connect()` waits, at most. */
export interface ConnectOptions {
  /** Stop waiting when this aborts: `connect()` rejects with `signal.reason`. */
  readonly signal?: AbortSignal;
  /** Stop waiting after this many ms: `connect()` rejects with a TimeoutError (op 'connect'). */
  readonly timeoutMs?: number;
}

/** The options after defaults, without credentials. */
export interface ClientSettings {
  readonly wsBaseUrl: string | undefined;
  readonly testnet: boolean;
  readonly attachEventListeners: boolean;
  readonly requestTimeoutMs: number;
  readonly reconnect: ReconnectOptions;
  readonly handshakeTimeoutMs: number;
  readonly rateLimitGate: boolean;
  readonly maxBufferedBytes: number;
  /** undefined: the testnet simulator's (known once it runs). */
  readonly restBaseUrl: string | undefined;
  readonly futuresRestBaseUrl: string | undefined;
  readonly restTimeoutMs: number;
  readonly orderUpdates: boolean;
  readonly reconcile: boolean;
  readonly reconcileGraceMs: number;
}

export const DEFAULTS = {
  requestTimeoutMs: 10_000,
  handshakeTimeoutMs: 10_000,
  maxBufferedBytes: 4 * 1024 * 1024,
  restTimeoutMs: 10_000,
  reconcileGraceMs: 3_000,
} as const;

function positive(name: string, value: number | undefined, fallback: number, allowZero = false): number {
  const v = value ?? fallback;
  if (typeof v !== 'number' || Number.isNaN(v) || (allowZero ? v < 0 : v <= 0))
    throw new RangeError(`WebsocketAPIClient option ${name} must be a number ${allowZero ? '≥' : '>'} 0`);
  return v;
}

/** Every option, by its kind: what the constructor checks before using any of them. */
const OPTION_KINDS: Record<
  keyof WebsocketAPIClientOptions,
  'string' | 'boolean' | 'number' | 'object' | 'function'
> = {
  apiKey: 'string',
  apiSecret: 'string',
  apiPassphrase: 'string',
  wsBaseUrl: 'string',
  testnet: 'boolean',
  attachEventListeners: 'boolean',
  logger: 'object',
  requestTimeoutMs: 'number',
  reconnect: 'object',
  handshakeTimeoutMs: 'number',
  makeWebSocket: 'function',
  rateLimitGate: 'boolean',
  maxBufferedBytes: 'number',
  restBaseUrl: 'string',
  futuresRestBaseUrl: 'string',
  restTimeoutMs: 'number',
  fetch: 'function',
  orderUpdates: 'boolean',
  reconcile: 'boolean',
  reconcileGraceMs: 'number',
};

/**
 * kucoin-api's options this client has no use for, accepted and ignored: their work is done
 * another way here (heartbeat from the welcome frame, `reconnect`, Node's HMAC, `fetch`), or
 * not at all. `wsUrl` and a regional `apiRegion` are refused instead (see `checkOptions`).
 */
export const IGNORED_KUCOIN_API_OPTIONS: readonly string[] = [
  'recvWindow',
  'pingInterval',
  'pongTimeout',
  'reconnectTimeout',
  'restOptions',
  'requestOptions',
  'wsOptions',
  'customSignMessageFn',
  'reauthWSAPIOnReconnect',
];

const refuse = (why: string): ConfigurationError =>
  new ConfigurationError(`WebsocketAPIClient option ${why}`);

/**
 * Refuses options that would not do what their name says: an unknown name (a typo, such as
 * `reconcille`, would otherwise be ignored), a value of the wrong type (`testnet: 'true'` from a
 * config file must not mean production), and kucoin-api's `wsUrl` or a regional `apiRegion`,
 * which would otherwise leave the client on KuCoin's global production hosts. Values are never
 * quoted: a credential could be among them.
 */
function checkOptions(o: WebsocketAPIClientOptions): void {
  if (typeof o !== 'object' || o === null)
    throw new ConfigurationError('WebsocketAPIClient options must be an object');
  const options = o as Record<string, unknown>;
  // Every option by reading it, as the client will (an inherited value or a getter counts).
  for (const key of Object.keys(OPTION_KINDS) as Array<keyof WebsocketAPIClientOptions>) {
    const value = options[key];
    if (value === undefined) continue;
    const kind = OPTION_KINDS[key];
    const actual = value === null ? 'null' : typeof value;
    // Numbers are checked with their range (RangeError, as before).
    if (kind !== 'number' && actual !== kind)
      throw refuse(`${key} must be ${EXPECTED[kind]} (got ${actual})`);
  }
  if (options.wsUrl !== undefined)
    throw refuse("wsUrl is kucoin-api's: here the gateway is wsBaseUrl (without /v1/private)");
  if (options.apiRegion !== undefined && options.apiRegion !== 'global')
    throw refuse(
      'apiRegion: only the global hosts are built in; for another region set wsBaseUrl, restBaseUrl and futuresRestBaseUrl',
    );
  // Names: own and inherited enumerable ones (a class's getters are not enumerable; they were read above).
  for (const key in options) {
    if (options[key] === undefined || Object.prototype.hasOwnProperty.call(OPTION_KINDS, key)) continue;
    if (key === 'wsUrl' || key === 'apiRegion' || IGNORED_KUCOIN_API_OPTIONS.includes(key)) continue;
    throw refuse(`${JSON.stringify(key.slice(0, 40))} is not an option of this client (see docs/api.md)`);
  }
  const reconnect = options.reconnect as Record<string, unknown> | undefined;
  if (reconnect !== undefined) {
    for (const key in reconnect) {
      if (reconnect[key] !== undefined && !RECONNECT_OPTIONS.includes(key))
        throw refuse(
          `reconnect.${JSON.stringify(key.slice(0, 40))} is not a reconnect option (${RECONNECT_OPTIONS.join(', ')})`,
        );
    }
  }
}

/** The names `reconnect` takes. */
const RECONNECT_OPTIONS: readonly string[] = [
  'initialDelayMs',
  'maxDelayMs',
  'maxAttempts',
] satisfies ReadonlyArray<keyof ReconnectOptions>;

/** What a value of each kind of option must be, as a refusal says it. */
const EXPECTED = {
  string: 'a string',
  boolean: 'true or false',
  object: 'an object',
  function: 'a function',
} as const;

/** Fills in defaults and rejects values that cannot work, at construction time. */
export function resolveSettings(o: WebsocketAPIClientOptions): ClientSettings {
  checkOptions(o);
  const reconnect: ReconnectOptions = {
    initialDelayMs: positive('reconnect.initialDelayMs', o.reconnect?.initialDelayMs, 250, true),
    maxDelayMs: positive('reconnect.maxDelayMs', o.reconnect?.maxDelayMs, 10_000, true),
    maxAttempts: positive('reconnect.maxAttempts', o.reconnect?.maxAttempts, Infinity, true),
  };
  const testnet = o.testnet === true;
  return {
    wsBaseUrl:
      o.wsBaseUrl !== undefined
        ? wsBaseUrl('wsBaseUrl', o.wsBaseUrl)
        : testnet
          ? undefined
          : DEFAULT_WS_BASE_URL,
    testnet,
    attachEventListeners: o.attachEventListeners ?? true,
    requestTimeoutMs: positive('requestTimeoutMs', o.requestTimeoutMs, DEFAULTS.requestTimeoutMs),
    reconnect,
    // Capped at setTimeout's largest delay: a longer one (Infinity too) would fire after 1 ms
    // and fail every handshake at once.
    handshakeTimeoutMs: safeDelay(
      positive('handshakeTimeoutMs', o.handshakeTimeoutMs, DEFAULTS.handshakeTimeoutMs),
    ),
    rateLimitGate: o.rateLimitGate === true,
    maxBufferedBytes: positive('maxBufferedBytes', o.maxBufferedBytes, DEFAULTS.maxBufferedBytes),
    ...restSettings(o, testnet),
    orderUpdates: o.orderUpdates === true,
    reconcile: o.reconcile === true,
    reconcileGraceMs: safeDelay(
      positive('reconcileGraceMs', o.reconcileGraceMs, DEFAULTS.reconcileGraceMs, true),
    ),
  };
}

/**
 * The REST hosts and timeout. `testnet: true` points both hosts at the simulator: the one given
 * as `wsBaseUrl` (it serves REST on the same port), or the in-process one (undefined here).
 */
function restSettings(
  o: WebsocketAPIClientOptions,
  testnet: boolean,
): Pick<ClientSettings, 'restBaseUrl' | 'futuresRestBaseUrl' | 'restTimeoutMs'> {
  const simulator = testnet && o.wsBaseUrl !== undefined ? restBaseOfWsUrl(o.wsBaseUrl) : undefined;
  const base = (option: 'restBaseUrl' | 'futuresRestBaseUrl', fallback: string): string | undefined =>
    o[option] !== undefined ? restBaseUrl(option, o[option]) : testnet ? simulator : fallback;
  return {
    restBaseUrl: base('restBaseUrl', DEFAULT_REST_BASE_URL),
    futuresRestBaseUrl: base('futuresRestBaseUrl', DEFAULT_FUTURES_REST_BASE_URL),
    restTimeoutMs: safeDelay(positive('restTimeoutMs', o.restTimeoutMs, DEFAULTS.restTimeoutMs)),
  };
}
