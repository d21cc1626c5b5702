import { filter, merge, Observable, Subject, Subscription } from 'rxjs';
import type {
  FuturesCancelRequest,
  FuturesCancelResponse,
  FuturesMultiCancelRequest,
  FuturesMultiCancelResponse,
  FuturesMultiOrderRequest,
  FuturesMultiOrderResponse,
  FuturesOrderRequest,
  FuturesOrderResponse,
  MarginSubmitOrderV3Response,
  ModifyHFOrderRequest,
  ModifyHFOrderResponse,
  SubmitHFMarginOrderRequest,
  SubmitHFOrderRequest,
  SubmitHFOrderSyncResponse,
  SyncCancelHFOrderResponse,
  WSAPICancelOrderRequest,
  WSAPIOrderResponse,
} from '../codecs';
import { detached } from '../codecs/report';
import {
  AuthenticationError,
  ClientClosedError,
  ConfigurationError,
  excerpt,
  TimeoutError,
  WsApiError,
} from '../errors';
import { WS_KEY_MAP, type WSAPIWsKey } from '../operations';
import { WsApiCall } from '../rpc/call';
import { RpcChannel, type CallLatency, type ChannelOutlets, type RateLimitState } from '../rpc/channel';
import { requestDetails } from '../rpc/error-details';
import { createIdGenerator } from '../rpc/ids';
import { request, type RequestContext } from '../rpc/request';
import { RateLimitGate } from '../rpc/rate-limit-gate';
import type { WSAPIResponse } from '../rpc/response';
import { ServerClock } from '../rest/clock';
import { lookupOrder, type LookupOrderParams } from '../rest/lookup-order';
import type { OrderSnapshot } from '../rest/order-snapshot';
import type { RestClient } from '../rest/rest-client';
import { MAX_TIMER_MS, safeDelay } from '../safe-delay';
import { Connection, type InboundMessage } from '../transport/connection';
import type { ConnectionState } from '../transport/state';
import { defaultWebSocketFactory } from '../transport/websocket';
import { WsApiEventEmitter, type ClientEvent, type ClientEventOf } from './events';
import {
  resolveSettings,
  type ClientSettings,
  type ConnectOptions,
  type WebsocketAPIClientOptions,
} from './options';
import { lifecycleEvents } from './lifecycle';
import { createRestClient, Endpoints, resyncClock } from './endpoints';
import { attachDefaultListeners, logSink } from './logging';
import type { MethodOrOperation, RequestOf, ResponseOf } from './types';

/** One wsKey's connection and the request layer on top of it. */
interface Route {
  readonly connection: Connection;
  readonly channel: RpcChannel;
}

const INSPECT = Symbol.for('nodejs.util.inspect.custom');
/**
 * The key `await using` calls. Node 20 and current browsers have Symbol.asyncDispose; where it
 * is missing, the registered symbol that polyfills use (`Symbol.for('Symbol.asyncDispose')`).
 */
const ASYNC_DISPOSE: typeof Symbol.asyncDispose = ((Symbol as { asyncDispose?: symbol }).asyncDispose ??
  Symbol.for('Symbol.asyncDispose')) as typeof Symbol.asyncDispose;
/** How much of an unusable frame an exception event carries. */
const FRAME_EXCERPT = 256;

const hasOwn = (o: object, k: string): boolean => Object.prototype.hasOwnProperty.call(o, k);

/**
 * Resolves when `route`'s connection is ready. Rejects with the closed state's error, with
 * `signal.reason` on abort, or with a TimeoutError after `timeoutMs`. Stops watching either way.
 */
function waitUntilReady(
  route: Route,
  signal: AbortSignal | undefined,
  timeoutMs: number | undefined,
): Promise<void> {
  const { connection, channel } = route;
  return new Promise<void>((resolve, reject) => {
    let settled = false;
    let timer: ReturnType<typeof setTimeout> | undefined;
    // A container first: the replayed state may settle during subscribe(), and adding to a
    // closed container unsubscribes at once.
    const subscription = new Subscription();
    const settle = (error?: unknown): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      signal?.removeEventListener('abort', onAbort);
      subscription.unsubscribe();
      if (error === undefined) resolve();
      else reject(error);
    };
    const onAbort = (): void => settle(signal?.reason);
    signal?.addEventListener('abort', onAbort, { once: true });
    if (timeoutMs !== undefined && timeoutMs < MAX_TIMER_MS) {
      timer = setTimeout(() => {
        const cause = channel.linkError;
        const msg = `${connection.wsKey} not ready within ${timeoutMs} ms${cause === undefined ? '' : ` (last connection error: ${excerpt(cause.message)})`}`;
        settle(new TimeoutError({ op: 'connect', timeoutMs, sent: false, cause, msg }));
      }, safeDelay(timeoutMs));
    }
    subscription.add(
      connection.state.state$.subscribe((s) => {
        if (s.status === 'ready') settle();
        else if (s.status === 'closed') settle(s.error ?? new Error(`${connection.wsKey} connection closed`));
      }),
    );
  });
}

/**
 * KuCoin's WebSocket order API ("WS API") as kucoin-api's `WebsocketAPIClient`, on an RxJS core.
 *
 * Each method sends its request at once and returns a {@link WsApiCall}: `await` it for the
 * `WSAPIResponse`, or use `call.response$` / `from(call)` as an Observable. One connection
 * per wsKey, opened on first use, signed afresh and re-established with backoff after a
 * drop. Requests are validated before anything is sent, every order gets a clientOid, a
 * written request is never re-sent, and every call settles.
 */
export class WebsocketAPIClient {
  /** Every connection state change (each carries its wsKey); replays the current states. */
  readonly state$: Observable<ConnectionState>;
  /** The states in which a connection became ready (replays a connection that is ready now). */
  readonly ready$: Observable<ConnectionState>;
  /** Every event (open, authenticated, reconnect, reconnected, exception, close, response). */
  readonly events$: Observable<ClientEvent>;
  /** The `exception` events only: frames the client could not use. */
  readonly exceptions$: Observable<ClientEventOf<'exception'>>;
  /** Every parsed inbound frame, handshake and pongs included (fed only while subscribed). */
  readonly messages$: Observable<InboundMessage>;
  /** The last quota per wsKey (replayed), then each new one (fed only while subscribed). */
  readonly rateLimit$: Observable<RateLimitState>;
  /** Round trip and gateway time of each answered call (fed only while subscribed). */
  readonly latency$: Observable<CallLatency>;

  private readonly settings: ClientSettings;
  private readonly apiKeyHint: string | undefined;
  private readonly hasSecrets: boolean;
  private readonly endpoints: Endpoints;
  private readonly emitter = new WsApiEventEmitter();
  private readonly routes: Record<WSAPIWsKey, Route>;
  private readonly gate: RateLimitGate | undefined;
  /** The clock requests are signed with: local time plus the offset measured after a 400002. */
  private readonly clock = new ServerClock();
  private readonly rest: RestClient;
  private readonly messages = new Subject<InboundMessage>();
  private readonly latency = new Subject<CallLatency>();
  private readonly rateLimits = new Subject<RateLimitState>();
  /** Set once the client closes: why (undefined reason = `close()`). */
  private closed: { readonly reason: Error | undefined; readonly why: string | undefined } | undefined =
    undefined;
  private closing: Promise<void> | undefined = undefined;
  /** Failed calls nobody had observed yet; reported on the next macrotask unless observed by then. */
  private unobserved: Array<{ readonly call: WsApiCall; readonly error: unknown }> = [];
  /** Errors already reported as a frame exception (a malformed answer): not reported twice. */
  private readonly reported = new WeakSet<object>();
  private readonly onUnobservedFailure = (call: WsApiCall, error: unknown): void => {
    if (this.unobserved.push({ call, error }) === 1) setTimeout(() => this.reportUnobserved(), 0);
  };
  private readonly requests: RequestContext = {
    nextId: createIdGenerator(),
    channelOf: (wsKey) => (hasOwn(this.routes, wsKey) ? this.routes[wsKey as WSAPIWsKey].channel : undefined),
    closedError: (call) => (this.closed === undefined ? undefined : this.closedError(call)),
    onUnobservedFailure: this.onUnobservedFailure,
  };

  /** Creates a client; nothing connects until the first call (or `connect()`). */
  constructor(options: WebsocketAPIClientOptions = {}) {
    this.settings = resolveSettings(options);
    const { apiKey, apiSecret, apiPassphrase } = options;
    this.hasSecrets = apiSecret !== undefined || apiPassphrase !== undefined;
    this.apiKeyHint = apiKey === undefined ? undefined : `${apiKey.slice(0, 4)}…`;
    // The default listeners' logger (attachEventListeners), also told about testnet and clock corrections.
    const log = this.settings.attachEventListeners ? logSink(options.logger ?? console) : undefined;
    this.endpoints = new Endpoints(this.settings, options, this.clock, log);
    this.rest = createRestClient(this.endpoints, this.clock, this.settings, options.fetch, log);
    this.gate = this.settings.rateLimitGate ? new RateLimitGate() : undefined;

    const makeWebSocket = options.makeWebSocket ?? defaultWebSocketFactory();
    const outlets: ChannelOutlets = {
      latency: this.latency,
      rateLimit: this.rateLimits,
      wantsResponses: () => this.emitter.wants('response'),
      response: (response) => this.emitter.emit({ type: 'response', wsKey: response.wsKey, response }),
      exception: (wsKey, error, raw) => {
        if (error.requestId !== undefined) this.reported.add(error);
        this.emitter.emit({
          type: 'exception',
          wsKey,
          error,
          // A copy: a slice would keep the whole frame (up to 16 MiB) alive with the event.
          frame:
            raw === undefined || raw.length <= FRAME_EXCERPT
              ? raw
              : `${detached(raw.slice(0, FRAME_EXCERPT))}…`,
        });
      },
    };
    const route = (wsKey: WSAPIWsKey): Route => {
      const channel = new RpcChannel(wsKey, this.settings.requestTimeoutMs, outlets, this.gate);
      const connection = new Connection({
        wsKey,
        endpoint: () => this.endpoints.ws(),
        makeWebSocket,
        reconnect: this.settings.reconnect,
        handshakeTimeoutMs: this.settings.handshakeTimeoutMs,
        maxBufferedBytes: this.settings.maxBufferedBytes,
        onFatal: (error) => void this.shutdown(error, wsKey),
        messages: this.messages,
        resyncClock: (refusal) => resyncClock(this.rest, refusal),
      });
      connection.listener = channel;
      channel.attach(connection);
      this.forwardLifecycle(connection);
      return { connection, channel };
    };
    this.routes = {
      wsApiSpotV1: route(WS_KEY_MAP.wsApiSpotV1),
      wsApiFuturesV1: route(WS_KEY_MAP.wsApiFuturesV1),
    };

    this.state$ = merge(...Object.values(this.routes).map((r) => r.connection.state.state$));
    this.ready$ = this.state$.pipe(filter((s) => s.status === 'ready'));
    this.events$ = this.emitter.events$;
    this.exceptions$ = this.emitter.eventsOf$('exception');
    this.messages$ = this.messages.asObservable();
    this.latency$ = this.latency.asObservable();
    this.rateLimit$ = new Observable<RateLimitState>((subscriber) => {
      for (const { channel } of Object.values(this.routes)) {
        if (channel.lastRateLimit !== undefined)
          subscriber.next({ wsKey: channel.wsKey, ...channel.lastRateLimit });
      }
      return this.rateLimits.subscribe(subscriber);
    });

    if (log !== undefined) {
      attachDefaultListeners(this.emitter, log, (wsKey, error) => this.closeReason(wsKey, error));
    }
  }

  // ---- spot ----

  /** Places a new HF spot order (`spot.order`): `data` is `{ orderId, clientOid }`. */
  submitNewSpotOrder(params: SubmitHFOrderRequest, wsKey?: WSAPIWsKey): WsApiCall<WSAPIOrderResponse> {
    return this.request('submitNewSpotOrder', params, wsKey);
  }

  /** Places a spot order and waits for matching (`spot.sync_order`): `data` has status and fill sizes. */
  submitSyncSpotOrder(
    params: SubmitHFOrderRequest,
    wsKey?: WSAPIWsKey,
  ): WsApiCall<SubmitHFOrderSyncResponse> {
    return this.request('submitSyncSpotOrder', params, wsKey);
  }

  /** Changes an open spot order's price or size (`spot.modify`, cancel-and-replace): `data` is `{ newOrderId, clientOid }`. */
  modifySpotOrder(params: ModifyHFOrderRequest, wsKey?: WSAPIWsKey): WsApiCall<ModifyHFOrderResponse> {
    return this.request('modifySpotOrder', params, wsKey);
  }

  /** Cancels a spot order by orderId or clientOid (`spot.cancel`): `data` is `{ orderId, clientOid }`. */
  cancelSpotOrder(params: WSAPICancelOrderRequest, wsKey?: WSAPIWsKey): WsApiCall<WSAPIOrderResponse> {
    return this.request('cancelSpotOrder', params, wsKey);
  }

  /** Cancels a spot order and returns its final sizes and status (`spot.sync_cancel`). */
  cancelSyncSpotOrder(
    params: WSAPICancelOrderRequest,
    wsKey?: WSAPIWsKey,
  ): WsApiCall<SyncCancelHFOrderResponse> {
    return this.request('cancelSyncSpotOrder', params, wsKey);
  }

  // ---- margin ----

  /** Places a cross or isolated HF margin order (`margin.order`): `data` has `borrowSize`, `loanApplyId`. */
  submitMarginOrder(
    params: SubmitHFMarginOrderRequest,
    wsKey?: WSAPIWsKey,
  ): WsApiCall<MarginSubmitOrderV3Response> {
    return this.request('submitMarginOrder', params, wsKey);
  }

  /** Cancels a margin order by orderId or clientOid (`margin.cancel`). */
  cancelMarginOrder(params: WSAPICancelOrderRequest, wsKey?: WSAPIWsKey): WsApiCall<WSAPIOrderResponse> {
    return this.request('cancelMarginOrder', params, wsKey);
  }

  // ---- futures ----

  /** Places a futures order (`futures.order`, default wsKey `wsApiFuturesV1`). */
  submitFuturesOrder(params: FuturesOrderRequest, wsKey?: WSAPIWsKey): WsApiCall<FuturesOrderResponse> {
    return this.request('submitFuturesOrder', params, wsKey);
  }

  /** Cancels a futures order by `{ orderId }` or `{ clientOid, symbol }` (`futures.cancel`). */
  cancelFuturesOrder(params: FuturesCancelRequest, wsKey?: WSAPIWsKey): WsApiCall<FuturesCancelResponse> {
    return this.request('cancelFuturesOrder', params, wsKey);
  }

  /** Places up to 20 futures orders at once (`futures.multi_order`); each item succeeds or fails alone. */
  submitMultipleFuturesOrders(
    params: FuturesMultiOrderRequest,
    wsKey?: WSAPIWsKey,
  ): WsApiCall<FuturesMultiOrderResponse> {
    return this.request('submitMultipleFuturesOrders', params, wsKey);
  }

  /** Cancels futures orders by `orderIdsList` and/or `clientOidsList` (`futures.multi_cancel`). */
  cancelMultipleFuturesOrders(
    params: FuturesMultiCancelRequest,
    wsKey?: WSAPIWsKey,
  ): WsApiCall<FuturesMultiCancelResponse> {
    return this.request('cancelMultipleFuturesOrders', params, wsKey);
  }

  // ---- REST ----

  /**
   * Looks an order up by clientOid over KuCoin's signed REST API (`restBaseUrl` for spot and
   * margin, `futuresRestBaseUrl` for futures): what the exchange knows of it now, or null when
   * it has no such order for this account (on this symbol). `symbol` is required for spot and
   * margin. Rejects with ValidationError (nothing sent), GatewayError (the REST code),
   * RateLimitError (429000), AuthenticationError, TimeoutError (`restTimeoutMs`), NetworkError,
   * ProtocolError, or ClientClosedError. Does not need the WS API connection.
   */
  lookupOrder(params: LookupOrderParams): Promise<OrderSnapshot | null> {
    return lookupOrder(this.rest, params);
  }

  /**
   * The offset (ms) added to this machine's clock when signing: 0 until the gateway refuses a
   * timestamp (400002); then the server clock, as measured with `GET /api/v1/timestamp`
   * (half the round trip taken off), minus the local one. Positive: the server is ahead.
   */
  get clockOffsetMs(): number {
    return this.clock.offsetMs;
  }

  // ---- the core ----

  /**
   * Sends any operation, by method name (`'submitNewSpotOrder'`) or op name (`'spot.order'`),
   * on `wsKey` (default: the operation's). Every method above is a shortcut for this.
   * Fills in a missing clientOid, validates, and sends once (or queues until the connection
   * is ready). Invalid input rejects with a ValidationError and sends nothing.
   */
  request<N extends MethodOrOperation>(
    name: N,
    params: RequestOf<N>,
    wsKey?: WSAPIWsKey,
  ): WsApiCall<ResponseOf<N>>;
  request(name: string, params: unknown, wsKey?: WSAPIWsKey): WsApiCall<unknown>;
  request(name: string, params: unknown, wsKey?: WSAPIWsKey): WsApiCall<unknown> {
    return request(this.requests, name, params, wsKey);
  }

  /**
   * Connects and authenticates `wsKey` (default 'wsApiSpotV1') ahead of the first call.
   * Resolves when ready. Rejects with AuthenticationError when the gateway refuses the
   * credentials, ConfigurationError when the client cannot work as configured, or
   * ClientClosedError when the client closes first (also when `reconnect.maxAttempts` is spent).
   *
   * `timeoutMs`: reject with a TimeoutError (op 'connect', the last connection error as cause)
   * if not ready by then. `signal`: reject with `signal.reason` when it aborts. Either only stops
   * this wait: the connection keeps trying (calls queued meanwhile still go out once it is
   * ready, within their own timeout); `close()` is what stops it.
   */
  connect(options?: ConnectOptions): Promise<void>;
  connect(wsKey: WSAPIWsKey, options?: ConnectOptions): Promise<void>;
  async connect(
    keyOrOptions: WSAPIWsKey | ConnectOptions = WS_KEY_MAP.wsApiSpotV1,
    maybeOptions: ConnectOptions = {},
  ): Promise<void> {
    const [wsKey, options] =
      typeof keyOrOptions === 'object' && keyOrOptions !== null
        ? [WS_KEY_MAP.wsApiSpotV1, keyOrOptions]
        : [keyOrOptions, maybeOptions];
    if (this.closed !== undefined) throw this.closedError();
    const route = this.routeOf(wsKey);
    const { signal, timeoutMs } = options;
    if (
      timeoutMs !== undefined &&
      (typeof timeoutMs !== 'number' || Number.isNaN(timeoutMs) || timeoutMs <= 0)
    ) {
      throw new RangeError('connect() option timeoutMs must be a number > 0');
    }
    signal?.throwIfAborted();
    route.connection.start();
    try {
      await waitUntilReady(route, signal, timeoutMs);
    } catch (error) {
      if (error === signal?.reason || error instanceof WsApiError) throw error;
      throw this.closedError();
    }
  }

  /**
   * Closes the client: rejects every pending call with ClientClosedError, closes the sockets
   * (waiting for them), clears every timer, stops a testnet simulator, and leaves every
   * state `closed`. Later calls reject with ClientClosedError. Idempotent.
   */
  close(): Promise<void> {
    return this.shutdown(undefined);
  }

  /** `await using client = new WebsocketAPIClient(…)`: closes the client when the block ends, as `close()`. */
  [ASYNC_DISPOSE](): Promise<void> {
    return this.close();
  }

  /** kucoin-api's event emitter: `getWSClient().on('authenticated', handler)` and friends. */
  getWSClient(): WsApiEventEmitter {
    return this.emitter;
  }

  /** One connection's states (replays the current one). */
  stateOf$(wsKey: WSAPIWsKey): Observable<ConnectionState> {
    return this.routeOf(wsKey).connection.state.state$;
  }

  /** The current state of one connection. */
  stateOf(wsKey: WSAPIWsKey): ConnectionState {
    return this.routeOf(wsKey).connection.state.current;
  }

  /** The options without credentials (JSON.stringify uses this). */
  toJSON(): Record<string, unknown> {
    const s = this.settings;
    return {
      wsBaseUrl: s.wsBaseUrl,
      testnet: s.testnet,
      apiKey: this.apiKeyHint,
      apiSecret: this.hasSecrets ? '[redacted]' : undefined,
      apiPassphrase: this.hasSecrets ? '[redacted]' : undefined,
      attachEventListeners: s.attachEventListeners,
      requestTimeoutMs: s.requestTimeoutMs,
      handshakeTimeoutMs: s.handshakeTimeoutMs,
      reconnect: s.reconnect,
      rateLimitGate: s.rateLimitGate,
      maxBufferedBytes: s.maxBufferedBytes,
      restBaseUrl: s.restBaseUrl,
      futuresRestBaseUrl: s.futuresRestBaseUrl,
      restTimeoutMs: s.restTimeoutMs,
      clockOffsetMs: this.clock.offsetMs,
      state: Object.fromEntries(
        Object.values(this.routes).map((r) => [r.connection.wsKey, r.connection.state.status]),
      ),
    };
  }

  /** util.inspect / console.log show the redacted options, never the credentials. */
  [INSPECT](
    _depth: number,
    options: unknown,
    inspect?: (value: unknown, options: unknown) => string,
  ): string {
    const body =
      typeof inspect === 'function' ? inspect(this.toJSON(), options) : JSON.stringify(this.toJSON());
    return `WebsocketAPIClient ${body}`;
  }

  // ---- internals ----

  /** The route of `wsKey`; an unknown key (inherited names such as 'toString' included) is a ConfigurationError. */
  private routeOf(wsKey: WSAPIWsKey): Route {
    if (!hasOwn(this.routes, wsKey)) throw new ConfigurationError(`unknown wsKey ${String(wsKey)}`);
    return this.routes[wsKey];
  }

  /** The error for a call that meets a closed client. */
  private closedError(call?: WsApiCall): WsApiError {
    const reason = this.closed?.reason;
    return new ClientClosedError({
      ...(call === undefined ? undefined : requestDetails(call)),
      reason: this.closed?.why,
      cause: reason,
      sent: call?.sent,
    });
  }

  /**
   * Closes everything, once. `reason` is the error that forced it (auth refusal, bad
   * configuration, exhausted reconnects), undefined for `close()`.
   */
  private shutdown(reason: Error | undefined, wsKey?: WSAPIWsKey): Promise<void> {
    if (this.closing !== undefined) return this.closing;
    // Assigned before anything runs: rejecting calls runs user code, which may call close().
    let done!: () => void;
    this.closing = new Promise<void>((resolve) => (done = resolve));
    // A refusal is what every pending call should see; anything else is "closed" with a cause.
    const shared =
      reason instanceof AuthenticationError || reason instanceof ConfigurationError ? reason : undefined;
    // A connection closes on its own for a refusal, or when its reconnect attempts are spent.
    const why =
      reason === undefined || wsKey === undefined ? reason?.message : this.closeReason(wsKey, reason);
    this.closed = { reason, why };
    const routes = Object.values(this.routes);
    for (const { channel } of routes) channel.failAll((call) => shared ?? this.closedError(call));
    this.gate?.dispose();
    this.rest.close(
      (request) =>
        shared ?? new ClientClosedError({ ...requestDetails(request), reason: why, cause: reason }),
    );
    void (async () => {
      try {
        await Promise.all(routes.map(({ connection }) => connection.close(reason)));
        await this.endpoints.stopTestnet();
      } catch {
        // Sockets and the testnet simulator are closed as far as they can be; a failure to stop
        // must not become an unhandled rejection that takes the user's process down.
      } finally {
        this.emitter.complete();
        done();
      }
    })();
    return this.closing;
  }

  /**
   * Reports the failed calls that nobody has awaited or subscribed to by now (a macrotask after
   * they failed, so a caller that attaches in the same turn counts): one `exception` event each.
   */
  private reportUnobserved(): void {
    const failed = this.unobserved;
    this.unobserved = [];
    for (const { call, error } of failed) {
      if (call.observed || this.reported.has(error as object)) continue;
      this.emitter.emit({
        type: 'exception',
        wsKey: call.wsKey,
        error: error instanceof Error ? error : new Error(String(error)),
        frame: undefined,
        unobserved: true,
      });
    }
  }

  /** Turns one connection's state changes into kucoin-api's lifecycle events. */
  private forwardLifecycle(connection: Connection): void {
    connection.state.state$.pipe(lifecycleEvents()).subscribe((event) => this.emitter.emit(event));
  }

  /** Why a connection closed for good, in words: a refusal's message, or the attempts it gave up after. */
  private closeReason(wsKey: WSAPIWsKey, error: Error): string {
    const closed = this.closed;
    if (closed !== undefined && closed.reason === error && closed.why !== undefined) return closed.why;
    return error instanceof AuthenticationError || error instanceof ConfigurationError
      ? error.message
      : `${wsKey} gave up after ${this.settings.reconnect.maxAttempts} reconnect attempts ` +
          `(reconnect.maxAttempts): ${error.message}`;
  }
}

export type { WSAPIResponse };
