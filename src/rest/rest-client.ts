import { isLeft } from 'fp-ts/lib/Either.js';
import type * as t from 'io-ts';
import { AUTH_FAILURE_CODES, CODES, isAuthFailureCode } from '../codecs/codes';
import { formatIssues, toIssues } from '../codecs/report';
import {
  AuthenticationError,
  excerpt,
  GatewayError,
  NetworkError,
  ProtocolError,
  RateLimitError,
  TimeoutError,
  type WsApiError,
} from '../errors';
import { requestDetails } from '../rpc/error-details';
import type { Signer } from '../transport/auth';
import type { ServerClock } from './clock';
import { BulletPrivate, RestAnswer, ServerTime } from './codecs';
import { RestDeadline } from './deadline';

/** KuCoin's REST hosts (spot and margin share one). */
export const DEFAULT_REST_BASE_URL = 'https://api.kucoin.com';
export const DEFAULT_FUTURES_REST_BASE_URL = 'https://api-futures.kucoin.com';

/**
 * The largest REST answer the client reads (bytes): KuCoin's answers to the calls it makes (an
 * order, a push token, the server time) are a few KiB. A larger one is refused with a
 * ProtocolError as soon as its size is known (Content-Length) or read, never buffered whole.
 */
export const MAX_REST_ANSWER_BYTES = 1024 * 1024;

/** Which REST host a request goes to: spot and margin share the spot one. */
export type RestBase = 'spot' | 'futures';

/** The fetch function the client calls (Node 20's global fetch and the browser's fit). */
export type FetchFunction = (input: string, init: RequestInit) => Promise<Response>;

/** Where REST requests go and who signs them, resolved for every request (testnet starts its simulator). */
export interface RestEndpoint {
  readonly spotBaseUrl: string;
  readonly futuresBaseUrl: string;
  readonly signer: Signer;
}

export interface RestClientConfig {
  readonly endpoint: () => Promise<RestEndpoint>;
  /** The clock requests are signed with; a 400002 refusal measures it again. */
  readonly clock: ServerClock;
  readonly fetch: FetchFunction;
  /** From sending a request to having read its whole answer, at most (ms). */
  readonly timeoutMs: number;
  /** Told the new offset each time a 400002 refusal made the client measure the server clock. */
  readonly onClockCorrected?: (offsetMs: number) => void;
}

/** One REST request. */
export interface RestRequest {
  /** What errors name the request by, e.g. 'lookupOrder'. */
  readonly op: string;
  readonly base: RestBase;
  readonly method: 'GET' | 'POST';
  /** The path with its query, exactly as signed and sent. */
  readonly target: string;
  readonly body?: string;
  /** A private request, signed with the KC-API headers. */
  readonly signed: boolean;
  /** The order the request is about, for errors. */
  readonly clientOid?: string;
}

/** An answer that parsed as `{ code, data?, msg? }`. */
export interface RestReply {
  readonly status: number;
  readonly code: `${number}`;
  readonly msg: string | undefined;
  readonly data: unknown;
  readonly headers: Headers;
  /** When it was read (ms since the epoch, local clock). */
  readonly receivedAt: number;
}

/** Codes that are never an order's "not found": credentials, quota, the server itself. */
const REFUSAL_CODES: ReadonlySet<string> = new Set([
  ...AUTH_FAILURE_CODES,
  '400000', // bad request
  '400001', // KC-API headers missing
  CODES.SESSION_TIMEOUT,
  CODES.TOO_MANY_REQUESTS,
]);

/**
 * Whether a refusal says "no such order": an answer with a 2xx HTTP status (a business
 * answer, as KuCoin gives for an unknown order) whose code is not about credentials, quota or
 * the server (5xxxxx). A refusal with an HTTP error status is an error, never "not found":
 * taking an outage for "not found" would make a caller think an order was never placed.
 */
export function isNotFound(reply: RestReply): boolean {
  if (reply.code === CODES.SUCCESS) return reply.data === null || reply.data === undefined;
  return (
    reply.status >= 200 && reply.status < 300 && !REFUSAL_CODES.has(reply.code) && !reply.code.startsWith('5')
  );
}

/** What a fetch failure says, on one line, without anything but the error's own messages. */
function describeFailure(error: unknown): string {
  if (!(error instanceof Error)) return excerpt(String(error));
  const cause = error.cause instanceof Error ? `: ${error.cause.message}` : '';
  return excerpt(`${error.message}${cause}`);
}

/**
 * The few signed REST calls the WS API needs beside it (server time, push tokens, order
 * lookups), over `fetch` with a timeout per request. A signed request refused with 400002
 * (timestamp off) makes the client measure the server clock (`GET /api/v1/timestamp`) and
 * send it once more, signed with the corrected time; a second 400002 is final.
 *
 * Headers, signatures and credentials never appear in what it throws: errors are built from
 * the request's op and path and the server's code and message only, the message scrubbed of
 * echoed signatures and secrets (Signer.scrub).
 */
export class RestClient {
  private readonly inFlight = new Set<AbortController>();
  private closedBy: ((request: RestRequest) => Error) | undefined = undefined;

  constructor(private readonly config: RestClientConfig) {}

  /** The server clock (`GET /api/v1/timestamp`, public), ms since the epoch. */
  async serverTime(base: RestBase = 'spot'): Promise<number> {
    const request: RestRequest = {
      op: 'serverTime',
      base,
      method: 'GET',
      target: '/api/v1/timestamp',
      signed: false,
    };
    return this.successData(request, await this.send(request), ServerTime);
  }

  /** Measures the server clock and adopts its offset for signing; resolves with the offset (ms). */
  measureClock(base: RestBase = 'spot'): Promise<number> {
    return this.config.clock.measure(() => this.serverTime(base));
  }

  /** After a 400002 refusal: measures the server clock (as `measureClock`) and says so. */
  async correctClock(base: RestBase): Promise<number> {
    const offsetMs = await this.measureClock(base);
    this.config.onClockCorrected?.(offsetMs);
    return offsetMs;
  }

  /**
   * A token for the private push channel (`POST /api/v1/bullet-private`): the spot host's for
   * spot and margin topics, the futures host's for futures topics.
   */
  async bulletPrivate(base: RestBase): Promise<BulletPrivate> {
    const request: RestRequest = {
      op: 'bulletPrivate',
      base,
      method: 'POST',
      target: '/api/v1/bullet-private',
      body: '',
      signed: true,
    };
    return this.successData(request, await this.request(request), BulletPrivate);
  }

  /**
   * Sends `request` and resolves with the parsed answer, whatever its code. A signed request
   * refused with 400002 is sent once more after the clock was measured.
   */
  async request(request: RestRequest): Promise<RestReply> {
    const reply = await this.send(request);
    if (!request.signed || reply.code !== CODES.TIMESTAMP_OFF) return reply;
    try {
      await this.correctClock(request.base);
    } catch (cause) {
      throw new AuthenticationError({
        code: CODES.TIMESTAMP_OFF,
        msg: `${reply.msg ?? 'timestamp out of range'} (the server clock could not be read to correct it)`,
        ...requestDetails(request),
        cause,
      });
    }
    return this.send(request);
  }

  /** The typed error for an answer that is not a success. */
  failure(request: RestRequest, reply: RestReply): WsApiError {
    const details = requestDetails(request);
    const msg = reply.msg ?? `HTTP ${reply.status}`;
    if (reply.code === CODES.TOO_MANY_REQUESTS) {
      return new RateLimitError({
        code: CODES.TOO_MANY_REQUESTS,
        msg,
        ...details,
        reset: RateLimitError.cappedReset(Number(reply.headers.get('gw-ratelimit-reset') ?? NaN)),
        receivedAt: reply.receivedAt,
      });
    }
    if (isAuthFailureCode(reply.code)) return new AuthenticationError({ code: reply.code, msg, ...details });
    return new GatewayError({ code: reply.code, msg, ...details });
  }

  /** `data` of a successful answer, checked by `codec`; anything else is an error. */
  successData<A>(request: RestRequest, reply: RestReply, codec: t.Decoder<unknown, A>): A {
    if (reply.code !== CODES.SUCCESS) throw this.failure(request, reply);
    return this.decode(request, reply.data, codec);
  }

  /** `data` checked by `codec`, or a ProtocolError naming the fields that are wrong. */
  decode<A>(request: RestRequest, data: unknown, codec: t.Decoder<unknown, A>): A {
    const decoded = codec.decode(data);
    if (isLeft(decoded)) {
      throw new ProtocolError(
        `${request.method} ${request.target.split('?', 1)[0]} answered data that does not fit: ${formatIssues(toIssues(decoded.left))}`,
        requestDetails(request),
      );
    }
    return decoded.right;
  }

  /**
   * Stops: requests under way are aborted and they, and every later one, reject with the
   * error `closedBy` makes.
   */
  close(closedBy: (request: RestRequest) => Error): void {
    this.closedBy ??= closedBy;
    for (const controller of this.inFlight) controller.abort();
    this.inFlight.clear();
  }

  private throwIfClosed(request: RestRequest): void {
    const closedBy = this.closedBy;
    if (closedBy !== undefined) throw closedBy(request);
  }

  /** One HTTP exchange: sign, fetch within the timeout, read and parse the answer. */
  private async send(request: RestRequest): Promise<RestReply> {
    this.throwIfClosed(request);
    const endpoint = await this.config.endpoint();
    const body = request.body ?? '';
    const headers: Record<string, string> = request.signed
      ? await endpoint.signer.restHeaders(request.method, request.target, body)
      : {};
    if (request.method !== 'GET') headers['Content-Type'] = 'application/json';
    this.throwIfClosed(request);
    const base = request.base === 'futures' ? endpoint.futuresBaseUrl : endpoint.spotBaseUrl;

    const controller = new AbortController();
    const details = requestDetails(request);
    const timeoutMs = this.config.timeoutMs;
    const deadline = new RestDeadline(timeoutMs, () =>
      controller.abort(
        new TimeoutError({
          ...details,
          timeoutMs,
          sent: true,
          msg: `no answer to ${request.method} ${request.target.split('?', 1)[0]} within ${timeoutMs} ms`,
        }),
      ),
    );
    this.inFlight.add(controller);
    let response: Response;
    let text: string;
    try {
      response = await untilAborted(
        this.config.fetch(base + request.target, {
          method: request.method,
          headers,
          body: request.method === 'GET' ? undefined : body,
          signal: controller.signal,
          // A redirect would carry the signed headers to another URL; a cached answer is stale.
          redirect: 'error',
          cache: 'no-store',
          credentials: 'omit',
        }),
        controller.signal,
      );
      deadline.progress();
      text = await untilAborted(readCapped(response, request, deadline), controller.signal);
    } catch (error) {
      this.throwIfClosed(request);
      if (error instanceof ProtocolError) throw error;
      if (controller.signal.aborted && controller.signal.reason instanceof TimeoutError)
        throw controller.signal.reason;
      throw new NetworkError({ ...details, msg: describeFailure(error) });
    } finally {
      deadline.stop();
      this.inFlight.delete(controller);
    }
    return this.parse(request, response, text, endpoint.signer);
  }

  private parse(request: RestRequest, response: Response, text: string, signer: Signer): RestReply {
    const what = `HTTP ${response.status} answer to ${request.method} ${request.target.split('?', 1)[0]}`;
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch {
      // The body is not quoted: a proxy that echoes the request would echo its signed headers.
      throw new ProtocolError(`${what} is not JSON (${text.length} characters)`, requestDetails(request));
    }
    const answer = RestAnswer.decode(json);
    if (isLeft(answer)) {
      throw new ProtocolError(
        `${what} is not { code, data | msg }: ${formatIssues(toIssues(answer.left))}`,
        requestDetails(request),
      );
    }
    const { code, msg, data } = answer.right;
    return {
      status: response.status,
      code,
      // A refusal's message may echo the signed headers (a proxy, a debugging gateway): it is
      // scrubbed here, once, before any error, event or log line can quote it.
      msg: msg === undefined || code === CODES.SUCCESS ? msg : signer.scrub(msg),
      data,
      headers: response.headers,
      receivedAt: Date.now(),
    };
  }
}

/**
 * `promise`, or its signal's reason once that aborts, whichever comes first: a `fetch` of the
 * user's that ignores the signal (or a body that never ends) must not keep a request, its
 * deadline timer and the caller waiting after a timeout or `close()`.
 */
function untilAborted<T>(promise: Promise<T>, signal: AbortSignal): Promise<T> {
  if (signal.aborted) {
    // Its own outcome is dropped, never left unhandled.
    promise.catch(() => undefined);
    return Promise.reject(signal.reason as Error);
  }
  return new Promise<T>((resolve, reject) => {
    const aborted = (): void => reject(signal.reason as Error);
    signal.addEventListener('abort', aborted, { once: true });
    promise.then(
      (value) => {
        signal.removeEventListener('abort', aborted);
        resolve(value);
      },
      (error: unknown) => {
        signal.removeEventListener('abort', aborted);
        reject(error);
      },
    );
  });
}

/**
 * The answer's body as text, read as a stream of at most MAX_REST_ANSWER_BYTES: a larger one
 * (by its Content-Length, or once that many bytes were read) is cancelled and refused with a
 * ProtocolError, having buffered no more than the limit.
 */
async function readCapped(response: Response, request: RestRequest, deadline: RestDeadline): Promise<string> {
  const tooLarge = (size: string): ProtocolError =>
    new ProtocolError(
      `HTTP ${response.status} answer to ${request.method} ${request.target.split('?', 1)[0]} is larger than ${MAX_REST_ANSWER_BYTES} bytes (${size}): not read`,
      { op: request.op, clientOid: request.clientOid },
    );
  const body = response.body;
  if (body === null) return '';
  const declared = Number(response.headers.get('content-length') ?? NaN);
  if (declared > MAX_REST_ANSWER_BYTES) {
    await body.cancel().catch(() => undefined);
    throw tooLarge(`Content-Length ${declared}`);
  }
  const reader = body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > MAX_REST_ANSWER_BYTES) {
      await reader.cancel().catch(() => undefined);
      throw tooLarge(`${size} bytes read so far`);
    }
    chunks.push(value);
    deadline.progress();
  }
  const decoder = new TextDecoder();
  let text = '';
  for (const chunk of chunks) text += decoder.decode(chunk, { stream: true });
  return text + decoder.decode();
}
