import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Duplex } from 'node:stream';
import { CODES } from '../codecs/codes';
import { ClientOid, Identifier } from '../codecs/primitives';
import { UrlVerifier, type SignedFields } from './auth';
import { MESSAGES } from './codes';
import type { AccountConfig, ExchangeApi, OrderView } from './exchange/types';
import type { FaultState } from './faults';
import type { ResolvedOptions } from './options';
import type { PushTokens } from './push-tokens';
import { consume, RateLimiter, type RateWindow } from './rate-limit';
import { safeDelay } from '../safe-delay';

/** What the REST side needs from the gateway that owns the HTTP server. */
export interface RestHost {
  readonly options: ResolvedOptions;
  readonly faults: FaultState;
  clock(): number;
  /** The push endpoint handed out with tokens: 'ws://host:port/…'. */
  pushEndpoint(): string;
}

/** REST codes beyond the WS API's (KuCoin's REST error pages). */
export const REST_CODES = {
  HEADERS_MISSING: '400001',
  BAD_REQUEST: '400000',
  NOT_FOUND: '404000',
  METHOD_NOT_ALLOWED: '405000',
  TIMEOUT: '408000',
  TOO_LARGE: '413000',
  HEADERS_TOO_LARGE: '431000',
  UNAVAILABLE: '503000',
} as const;

const HEADERS_MISSING_MSG =
  'Please check the header of your request for KC-API-KEY, KC-API-SIGN, KC-API-TIMESTAMP, KC-API-PASSPHRASE and KC-API-KEY-VERSION';

/** The five headers of a private request (lower case, as Node hands them over). */
const AUTH_HEADERS = [
  'kc-api-key',
  'kc-api-sign',
  'kc-api-timestamp',
  'kc-api-passphrase',
  'kc-api-key-version',
] as const;
/** Headers that must not come twice: a proxy that joins them would change what was signed. */
const SINGLE_HEADERS = [...AUTH_HEADERS, 'kc-api-partner', 'kc-api-partner-sign'] as const;

/**
 * CORS: any origin may call the simulator, so that a page served from elsewhere (a dev server,
 * a test page) can fetch its REST endpoints. A preflight is answered for the signed headers;
 * answers expose the rate-limit headers. Nothing here is a cookie: credentials are headers.
 */
const CORS_HEADERS = {
  'access-control-allow-origin': '*',
  'access-control-expose-headers': 'gw-ratelimit-limit, gw-ratelimit-remaining, gw-ratelimit-reset',
} as const;
const PREFLIGHT: Answer = {
  status: 204,
  body: '',
  headers: {
    'access-control-allow-methods': 'GET, POST',
    'access-control-allow-headers': [...SINGLE_HEADERS, 'content-type'].join(', '),
    'access-control-max-age': '600',
  },
};

/** Key versions whose passphrase is sent signed (version 1 sent it in clear; KuCoin retired it). */
const KEY_VERSIONS = new Set(['2', '3']);

type Line = 'spot' | 'margin' | 'futures';

interface Answer {
  readonly status: number;
  readonly body: string;
  readonly headers?: Record<string, string>;
}

const json = (status: number, code: string, msg: string): Answer => ({
  status,
  body: `{"code":"${code}","msg":${JSON.stringify(msg)}}`,
});
const success = (data: unknown): Answer => ({
  status: 200,
  body: `{"code":"${CODES.SUCCESS}","data":${JSON.stringify(data)}}`,
});

const notFound = (): Answer => json(404, REST_CODES.NOT_FOUND, 'Url Not Found');
const badParam = (msg: string): Answer => json(400, CODES.SPOT_PARAM_ERROR, msg);

/** What a lookup path names the order by. */
type LookupKey = 'clientOid' | 'orderId';

/**
 * Order lookups with the order's reference in the path: path prefix → product line and what
 * the reference is. The clientOid prefixes come first: the orderId ones are their prefixes.
 */
const PATH_LOOKUPS: ReadonlyArray<readonly [string, Line, LookupKey]> = [
  ['/api/v1/hf/orders/client-order/', 'spot', 'clientOid'],
  ['/api/v3/hf/margin/orders/client-order/', 'margin', 'clientOid'],
  ['/api/v1/hf/orders/', 'spot', 'orderId'],
  ['/api/v3/hf/margin/orders/', 'margin', 'orderId'],
  ['/api/v1/orders/', 'futures', 'orderId'],
];
const FIXED_ROUTES: ReadonlyMap<string, string> = new Map([
  ['/api/v1/timestamp', 'GET'],
  ['/api/v1/bullet-private', 'POST'],
  ['/api/v1/orders/byClientOid', 'GET'],
]);

/**
 * The simulator's REST API (the few endpoints of KuCoin's that the WS API needs beside it):
 * server time, push tokens and order lookups by clientOid or orderId, on the WS API's port. Private
 * requests are authenticated by the KC-API headers with the WS API handshake's checks and
 * codes; answers are `{ code, data }` or `{ code, msg }`. Nothing a client sends can make it
 * answer 500, throw or hang: sizes and times are bounded.
 */
export class RestApi {
  private readonly verifier: UrlVerifier;
  private readonly limiter: RateLimiter;

  constructor(
    private readonly host: RestHost,
    accounts: readonly AccountConfig[],
    private readonly exchange: ExchangeApi,
    private readonly tokens: PushTokens,
  ) {
    this.verifier = new UrlVerifier(accounts, host.options.partners);
    const { limit, windowMs } = host.options.rateLimit;
    this.limiter = new RateLimiter(limit, windowMs);
  }

  /** The HTTP server's request handler. */
  handle(req: IncomingMessage, res: ServerResponse): void {
    res.on('error', () => undefined);
    req.on('error', () => undefined);
    const inTime = this.host.clock();
    if (this.host.faults.restDown) {
      return this.finish(req, res, json(503, REST_CODES.UNAVAILABLE, 'Service unavailable'));
    }
    if (req.method === 'OPTIONS') return this.finish(req, res, PREFLIGHT);
    const max = this.host.options.maxFrameBytes;
    const declared = Number(req.headers['content-length'] ?? 0);
    if (!(declared <= max)) return this.finish(req, res, tooLarge(max), true);
    const chunks: Buffer[] = [];
    let size = 0;
    let done = false;
    const timer = setTimeout(() => {
      done = true;
      this.finish(req, res, json(408, REST_CODES.TIMEOUT, 'Request body not received in time'), true);
    }, safeDelay(this.host.options.restTimeoutMs));
    const stop = (): void => {
      done = true;
      clearTimeout(timer);
    };
    req.on('data', (chunk: Buffer) => {
      if (done) return;
      size += chunk.length;
      if (size > max) {
        stop();
        this.finish(req, res, tooLarge(max), true);
        return;
      }
      chunks.push(chunk);
    });
    req.on('end', () => {
      if (done) return;
      stop();
      this.route(req, Buffer.concat(chunks).toString('utf8'), inTime).then(
        (answer) => this.finish(req, res, answer),
        // A bug must not take the server down; say so the way KuCoin does.
        () => this.finish(req, res, json(500, CODES.INTERNAL_ERROR, MESSAGES[CODES.INTERNAL_ERROR])),
      );
    });
    req.on('close', stop);
  }

  private finish(req: IncomingMessage, res: ServerResponse, a: Answer, closeAfter = false): void {
    if (res.headersSent || res.destroyed) return;
    res.writeHead(a.status, {
      ...(a.body === '' ? {} : { 'content-type': 'application/json' }),
      'content-length': Buffer.byteLength(a.body),
      ...CORS_HEADERS,
      ...(closeAfter ? { connection: 'close' } : {}),
      ...a.headers,
    });
    res.end(a.body);
    // The client may still be sending a body nobody will read: cut it once the answer is out.
    if (closeAfter) res.on('finish', () => req.destroy());
  }

  private async route(req: IncomingMessage, body: string, now: number): Promise<Answer> {
    const raw = req.url ?? '';
    if (!raw.startsWith('/')) return json(400, REST_CODES.BAD_REQUEST, 'Bad request target');
    const q = raw.indexOf('?');
    const path = q === -1 ? raw : raw.slice(0, q);
    // Paths are matched as sent, never normalised: a dot segment names no endpoint.
    if (path.split('/').some((s) => s === '.' || s === '..' || s.toLowerCase().includes('%2e%2e')))
      return notFound();
    const method = req.method ?? '';
    const fixed = FIXED_ROUTES.get(path);
    let lookup: readonly [string, Line, LookupKey] | undefined;
    let refText = '';
    if (fixed === undefined) {
      lookup = PATH_LOOKUPS.find(([prefix]) => path.startsWith(prefix));
      if (lookup === undefined) return notFound();
      refText = path.slice(lookup[0].length);
      if (refText === '' || refText.includes('/')) return notFound();
    }
    const allowed = fixed ?? 'GET';
    if (method !== allowed)
      return {
        ...json(405, REST_CODES.METHOD_NOT_ALLOWED, 'Method Not Allowed'),
        headers: { allow: allowed },
      };
    const query = new URLSearchParams(q === -1 ? '' : raw.slice(q + 1));

    if (path === '/api/v1/timestamp') return success(this.host.clock());

    const auth = await this.authenticate(req, method, raw, body, now);
    if ('status' in auth) return auth;
    const { apiKey, rate } = auth;
    if (!consume(rate, now))
      return { ...json(429, CODES.TOO_MANY_REQUESTS, 'Too Many Requests'), headers: rateHeaders(rate, now) };
    const headers = rateHeaders(rate, now);

    for (const [name, values] of groupQuery(query))
      if (values > 1) return { ...badParam(`query parameter ${name} is repeated`), headers };

    if (path === '/api/v1/bullet-private') {
      if (body !== '' && !isJsonObject(body))
        return { ...badParam('the body must be empty or a JSON object'), headers };
      return { ...success(this.bullet(apiKey, now)), headers };
    }
    if (lookup === undefined) {
      const clientOid = query.get('clientOid');
      if (clientOid === null)
        return { ...json(400, CODES.FUTURES_PARAM_ERROR, 'clientOid is required'), headers };
      if (!ClientOid.is(clientOid))
        return { ...json(400, CODES.FUTURES_PARAM_ERROR, CLIENT_OID_RULE), headers };
      const view = this.exchange.findOrder?.(apiKey, 'futures', clientOid);
      // KuCoin's futures API answers an unknown clientOid with success and no data.
      return { ...success(view === undefined ? null : futuresDetail(view)), headers };
    }
    const [, line, key] = lookup;
    let ref: string;
    try {
      ref = decodeURIComponent(refText);
    } catch {
      return { ...badParam(`the ${key} in the path is not valid percent-encoding`), headers };
    }
    if (key === 'clientOid' && !ClientOid.is(ref)) return { ...badParam(CLIENT_OID_RULE), headers };
    if (key === 'orderId' && !Identifier.is(ref))
      return {
        ...json(400, line === 'futures' ? CODES.FUTURES_PARAM_ERROR : CODES.SPOT_PARAM_ERROR, ORDER_ID_RULE),
        headers,
      };
    if (line === 'futures') {
      const view = this.exchange.findOrderById?.(apiKey, 'futures', ref);
      // As for a clientOid: an unknown orderId is success with no data.
      return { ...success(view === undefined ? null : futuresDetail(view)), headers };
    }
    const symbol = query.get('symbol');
    if (symbol === null || symbol === '') return { ...badParam('symbol is required'), headers };
    const view =
      key === 'clientOid'
        ? this.exchange.findOrder?.(apiKey, line, ref)
        : this.exchange.findOrderById?.(apiKey, line, ref);
    if (view === undefined || view.symbol !== symbol)
      // A business refusal: HTTP 200 with a non-success code, as KuCoin answers it.
      return { status: 200, body: `{"code":"${CODES.SPOT_PARAM_ERROR}","msg":"order not exist."}`, headers };
    return { ...success(hfDetail(view)), headers };
  }

  /** The KC-API headers checked in the WS API handshake's order, with its codes. */
  private async authenticate(
    req: IncomingMessage,
    method: string,
    target: string,
    body: string,
    now: number,
  ): Promise<Answer | { apiKey: string; rate: RateWindow }> {
    const distinct = req.headersDistinct;
    for (const name of SINGLE_HEADERS) {
      if ((distinct[name]?.length ?? 0) > 1)
        return json(
          401,
          REST_CODES.HEADERS_MISSING,
          `${HEADERS_MISSING_MSG} (${name} was sent more than once)`,
        );
    }
    const h = (name: string): string | undefined => distinct[name]?.[0];
    if (AUTH_HEADERS.some((name) => h(name) === undefined))
      return json(401, REST_CODES.HEADERS_MISSING, HEADERS_MISSING_MSG);
    if (!KEY_VERSIONS.has(h('kc-api-key-version') ?? ''))
      return json(401, REST_CODES.HEADERS_MISSING, `${HEADERS_MISSING_MSG} (KC-API-KEY-VERSION must be 2)`);
    const timestamp = h('kc-api-timestamp') ?? '';
    const fields: SignedFields = {
      timestamp,
      apiKey: h('kc-api-key') ?? '',
      sign: h('kc-api-sign') ?? '',
      passphrase: h('kc-api-passphrase') ?? '',
      partner: h('kc-api-partner') ?? null,
      partnerSign: h('kc-api-partner-sign') ?? '',
    };
    const outcome = await this.verifier.verifyFields(fields, timestamp + method + target + body, now);
    if (!outcome.ok) return json(401, outcome.code, outcome.msg);
    return { apiKey: outcome.account.apiKey, rate: this.limiter.windowOf(outcome.account.apiKey) };
  }

  private bullet(apiKey: string, now: number) {
    const { pingInterval, pingTimeout } = this.host.options;
    return {
      token: this.tokens.issue(apiKey, now),
      instanceServers: [
        {
          endpoint: this.host.pushEndpoint(),
          encrypt: false,
          protocol: 'websocket',
          pingInterval,
          pingTimeout,
        },
      ],
    };
  }
}

const CLIENT_OID_RULE = 'clientOid must be 1 to 40 characters of letters, digits, "_" or "-"';
const ORDER_ID_RULE = 'orderId must be 1 to 64 characters without spaces';

function tooLarge(max: number): Answer {
  return json(413, REST_CODES.TOO_LARGE, `Request body larger than ${max} bytes`);
}

function isJsonObject(text: string): boolean {
  try {
    const v: unknown = JSON.parse(text);
    return typeof v === 'object' && v !== null && !Array.isArray(v);
  } catch {
    return false;
  }
}

function groupQuery(query: URLSearchParams): Map<string, number> {
  const counts = new Map<string, number>();
  for (const [name] of query) counts.set(name, (counts.get(name) ?? 0) + 1);
  return counts;
}

/** KuCoin's rate-limit headers. */
function rateHeaders(w: RateWindow, now: number): Record<string, string> {
  const expired = now - w.start >= w.windowMs;
  return {
    'gw-ratelimit-limit': String(w.limit),
    'gw-ratelimit-remaining': String(expired ? w.limit : w.limit - w.used),
    'gw-ratelimit-reset': String(expired ? w.windowMs : w.start + w.windowMs - now),
  };
}

/** A spot or margin HF order's detail, with KuCoin's field names. */
export function hfDetail(v: OrderView) {
  return {
    id: v.id,
    clientOid: v.clientOid,
    symbol: v.symbol,
    opType: 'DEAL',
    type: v.type,
    side: v.side,
    price: v.price,
    size: v.size,
    funds: v.funds,
    dealSize: v.dealSize,
    dealFunds: v.dealFunds,
    fee: '0',
    feeCurrency: v.settleCurrency,
    stp: v.stp,
    timeInForce: v.timeInForce,
    postOnly: v.postOnly,
    hidden: v.hidden,
    iceberg: v.iceberg,
    visibleSize: v.visibleSize,
    cancelAfter: v.cancelAfter ?? 0,
    channel: 'API',
    remark: null,
    tags: null,
    cancelExist: v.cancelExist ?? v.canceledSize !== '0',
    createdAt: v.createdAt,
    lastUpdatedAt: v.updatedAt,
    tradeType: v.line === 'spot' ? 'TRADE' : v.isolated ? 'MARGIN_ISOLATED_TRADE' : 'MARGIN_TRADE',
    inOrderBook: v.inOrderBook,
    cancelledSize: v.canceledSize,
    cancelledFunds: v.cancelledFunds ?? '0',
    remainSize: v.remainSize,
    remainFunds: v.remainFunds ?? '0',
    active: v.status === 'open',
  };
}

/** A futures order's detail, with KuCoin's field names (sizes in lots, as numbers). */
export function futuresDetail(v: OrderView) {
  return {
    id: v.id,
    symbol: v.symbol,
    type: v.type,
    side: v.side,
    price: v.price,
    size: Number(v.size),
    value: v.value ?? '0',
    dealValue: v.dealValue ?? '0',
    dealSize: Number(v.dealSize),
    stp: v.stp,
    stop: '',
    stopPriceType: '',
    stopTriggered: false,
    stopPrice: null,
    timeInForce: v.timeInForce,
    postOnly: v.postOnly,
    hidden: v.hidden,
    iceberg: v.iceberg,
    leverage: v.leverage ?? '1',
    forceHold: v.forceHold ?? false,
    closeOrder: v.closeOrder ?? false,
    visibleSize: Number(v.visibleSize),
    clientOid: v.clientOid,
    remark: null,
    tags: null,
    isActive: v.status === 'open',
    cancelExist: v.canceledSize !== '0',
    createdAt: v.createdAt,
    updatedAt: v.updatedAt,
    endAt: v.status === 'done' ? v.updatedAt : null,
    orderTime: v.createdAt * 1_000_000,
    settleCurrency: v.settleCurrency,
    marginMode: v.marginMode ?? 'ISOLATED',
    status: v.status,
    filledSize: Number(v.dealSize),
    filledValue: v.dealValue ?? '0',
    reduceOnly: v.reduceOnly ?? false,
  };
}

/**
 * Answers what the HTTP parser refused before any handler ran (header too large, malformed
 * request, headers not received in time) with a KuCoin-style body, then closes the socket.
 */
export function answerClientError(err: NodeJS.ErrnoException, socket: Duplex): void {
  if (!socket.writable) return void socket.destroy();
  const [status, text, code, msg] =
    err.code === 'HPE_HEADER_OVERFLOW'
      ? [431, 'Request Header Fields Too Large', REST_CODES.HEADERS_TOO_LARGE, 'Request headers too large']
      : err.code === 'ERR_HTTP_REQUEST_TIMEOUT'
        ? [408, 'Request Timeout', REST_CODES.TIMEOUT, 'Request not received in time']
        : [400, 'Bad Request', REST_CODES.BAD_REQUEST, 'Malformed HTTP request'];
  const body = `{"code":"${code}","msg":"${msg}"}`;
  socket.end(
    `HTTP/1.1 ${status} ${text}\r\nContent-Type: application/json\r\nContent-Length: ${body.length}\r\nConnection: close\r\n\r\n${body}`,
  );
  socket.once('finish', () => socket.destroy());
}
