import { filter, merge, Subscription, type Observable } from 'rxjs';
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
import { ConfigurationError, WsApiError } from '../errors';
import { WS_KEY_MAP, type WSAPIWsKey } from '../operations';
import type { WsApiCall } from '../rpc/call';
import type { CallLatency, RateLimitState } from '../rpc/channel';
import { createIdGenerator } from '../rpc/ids';
import { startCall, type RequestContext } from '../rpc/request';
import { RateLimitGate } from '../rpc/rate-limit-gate';
import type { WSAPIResponse } from '../rpc/response';
import { ServerClock } from '../rest/clock';
import { lookupOrder, type LookupOrderParams } from '../rest/lookup-order';
import type { OrderSnapshot } from '../rest/order-snapshot';
import type { RestClient } from '../rest/rest-client';
import type { Connection, InboundMessage } from '../transport/connection';
import type { ConnectionKey, ConnectionState } from '../transport/state';
import { OrderDesk } from '../orders/desk';
import { OrderFeed, type OrderUpdateFeed } from '../push/order-feed';
import type { OrderUpdate } from '../push/order-update';
import { isPushWsKey } from '../push/push-key';
import { defaultWebSocketFactory } from '../transport/websocket';
import { checkConnectOptions, connectArguments, waitUntilReady } from './connect';
import { createRestClient, Endpoints, resyncClock } from './endpoints';
import { WsApiEventEmitter, type ClientEvent, type ClientEventOf } from './events';
import { ExceptionReporter } from './exception-reporter';
import { lifecycleEvents } from './lifecycle';
import { ClientOutlets } from './outlets';
import { attachDefaultListeners, logSink } from './logging';
import {
  resolveSettings,
  type ClientSettings,
  type ConnectOptions,
  type WebsocketAPIClientOptions,
} from './options';
import { credentialHints, INSPECT, inspectView, redactedView, type CredentialHints } from './redacted-view';
import { createRoutes, type Route } from './routes';
import { ASYNC_DISPOSE, Shutdown } from './shutdown';
import type { MethodOrOperation, OperationMethods, RequestOf, ResponseOf } from './types';

const hasOwn = (o: object, k: string): boolean => Object.prototype.hasOwnProperty.call(o, k);

/**
 * KuCoin's WebSocket order API ("WS API") as kucoin-api's `WebsocketAPIClient`, on an RxJS core.
 *
 * Each method sends its request at once and returns a {@link WsApiCall}: `await` it for the
 * `WSAPIResponse`, or use `call.response$` / `from(call)` as an Observable. One connection
 * per wsKey, opened on first use, signed afresh and re-established with backoff after a
 * drop. Requests are validated before anything is sent, every order gets a clientOid, a
 * written request is never re-sent, and every call settles.
 */
export class WebsocketAPIClient implements OperationMethods {
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
  /**
   * Every order event of the account (spot, margin and futures) from KuCoin's private push
   * channel, typed and validated. Subscribing opens the push connections (one per market,
   * token from `bullet-private`), shared by every subscriber; they close when the last one
   * leaves (unless `orderUpdates: true` keeps them open). Their states are in `state$` as
   * 'pushSpot' and 'pushFutures'. Nothing is replayed after a reconnect. Completes on `close()`.
   */
  readonly orderUpdates$: Observable<OrderUpdate>;

  private readonly settings: ClientSettings;
  private readonly credentials: CredentialHints;
  private readonly endpoints: Endpoints;
  private readonly emitter = new WsApiEventEmitter();
  private readonly exceptions = new ExceptionReporter(this.emitter);
  private readonly outlets = new ClientOutlets(this.emitter, this.exceptions);
  private readonly routes: Record<WSAPIWsKey, Route>;
  private readonly gate: RateLimitGate | undefined;
  /** The clock requests are signed with: local time plus the offset measured after a 400002. */
  private readonly clock = new ServerClock();
  private readonly rest: RestClient;
  private readonly shutdown: Shutdown;
  /** The push connections behind orderUpdates$ (also what the order tracker reads). */
  private readonly orderFeed: OrderUpdateFeed & OrderFeed;
  /** Order calls and, with `reconcile: true`, the lookups of those whose answer was lost. */
  private readonly orders: OrderDesk;
  private readonly requests: RequestContext = {
    nextId: createIdGenerator(),
    channelOf: (wsKey) => (hasOwn(this.routes, wsKey) ? this.routes[wsKey as WSAPIWsKey].channel : undefined),
    closedError: (call) => (this.shutdown.done ? this.shutdown.closedError(call) : undefined),
    onUnobservedFailure: this.exceptions.unobservedFailure,
    makeCall: (id, spec, wsKey, prepared) =>
      this.orders.makeCall(id, spec, wsKey, prepared, performance.now(), this.exceptions.unobservedFailure),
  };

  /** Creates a client; nothing connects until the first call (or `connect()`). */
  constructor(options: WebsocketAPIClientOptions = {}) {
    this.settings = resolveSettings(options);
    this.credentials = credentialHints(options);
    // The default listeners' logger (attachEventListeners), also told about testnet and clock corrections.
    const log = this.settings.attachEventListeners ? logSink(options.logger ?? console) : undefined;
    this.endpoints = new Endpoints(this.settings, options, this.clock, log);
    this.rest = createRestClient(this.endpoints, this.clock, this.settings, options.fetch, log);
    this.gate = this.settings.rateLimitGate ? new RateLimitGate() : undefined;

    const makeWebSocket = options.makeWebSocket ?? defaultWebSocketFactory();
    const outlets = this.outlets;
    this.routes = createRoutes({
      endpoint: () => this.endpoints.ws(),
      makeWebSocket,
      reconnect: this.settings.reconnect,
      handshakeTimeoutMs: this.settings.handshakeTimeoutMs,
      maxBufferedBytes: this.settings.maxBufferedBytes,
      requestTimeoutMs: this.settings.requestTimeoutMs,
      outlets,
      gate: this.gate,
      messages: outlets.messages,
      onFatal: (error, wsKey) => void this.shutdown.run(error, wsKey),
      resyncClock: (refusal) => resyncClock(this.rest, refusal),
    });
    for (const { connection } of Object.values(this.routes)) this.forwardLifecycle(connection);

    this.orderFeed = new OrderFeed({
      bulletPrivate: (market) => this.rest.bulletPrivate(market),
      makeWebSocket,
      reconnect: this.settings.reconnect,
      handshakeTimeoutMs: this.settings.handshakeTimeoutMs,
      exception: (wsKey, error, raw) => outlets.exception(wsKey, error, raw),
    });
    this.orderUpdates$ = this.orderFeed.updates$;
    this.orders = new OrderDesk({
      reconcile: this.settings.reconcile,
      graceMs: this.settings.reconcileGraceMs,
      lookup: (params) => lookupOrder(this.rest, params),
      feed: this.orderFeed,
      trackFromSend: this.settings.orderUpdates,
    });

    this.shutdown = new Shutdown({
      routes: Object.values(this.routes),
      orders: this.orders,
      feed: this.orderFeed,
      gate: this.gate,
      rest: this.rest,
      stopTestnet: () => this.endpoints.stopTestnet(),
      closed: () => this.emitter.complete(),
      maxAttempts: this.settings.reconnect.maxAttempts,
    });

    if (this.settings.orderUpdates) this.holdOrderUpdates();
    this.state$ = merge(
      ...Object.values(this.routes).map((r) => r.connection.state.state$),
      this.orderFeed.state$,
    );
    this.ready$ = this.state$.pipe(filter((s) => s.status === 'ready'));
    this.events$ = this.emitter.events$;
    this.exceptions$ = this.emitter.eventsOf$('exception');
    this.messages$ = outlets.messages.asObservable();
    this.latency$ = outlets.latency.asObservable();
    this.rateLimit$ = outlets.rateLimit$(Object.values(this.routes).map((r) => r.channel));

    if (log !== undefined) {
      attachDefaultListeners(this.emitter, log, (wsKey, error) => this.shutdown.closeReason(wsKey, error));
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
    return startCall(this.requests, name, params, wsKey);
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
    const [wsKey, options] = connectArguments(keyOrOptions, maybeOptions);
    if (this.shutdown.done) throw this.shutdown.closedError();
    const { connection, channel } = this.routeOf(wsKey);
    checkConnectOptions(options);
    connection.start();
    try {
      await waitUntilReady(
        { wsKey, state$: connection.state.state$, linkError: () => channel.linkError },
        options,
      );
    } catch (error) {
      if (error === options.signal?.reason || error instanceof WsApiError) throw error;
      throw this.shutdown.closedError();
    }
  }

  /**
   * Closes the client: rejects every pending call with ClientClosedError, closes the sockets
   * (waiting for them), clears every timer, stops a testnet simulator, and leaves every
   * state `closed`. Later calls reject with ClientClosedError. Idempotent.
   */
  close(): Promise<void> {
    return this.shutdown.run(undefined);
  }

  /** `await using client = new WebsocketAPIClient(…)`: closes the client when the block ends, as `close()`. */
  [ASYNC_DISPOSE](): Promise<void> {
    return this.close();
  }

  /** kucoin-api's event emitter: `getWSClient().on('authenticated', handler)` and friends. */
  getWSClient(): WsApiEventEmitter {
    return this.emitter;
  }

  /**
   * One connection's states (replays the current one): a WS API wsKey, or a push connection
   * ('pushSpot', 'pushFutures'; nothing until it is first used).
   */
  stateOf$(wsKey: ConnectionKey): Observable<ConnectionState> {
    if (isPushWsKey(wsKey)) return this.orderFeed.connection(wsKey).state.state$;
    return this.routeOf(wsKey).connection.state.state$;
  }

  /** The current state of one connection (a push connection never used is `idle`). */
  stateOf(wsKey: ConnectionKey): ConnectionState {
    if (isPushWsKey(wsKey)) return this.orderFeed.connection(wsKey).state.current;
    return this.routeOf(wsKey).connection.state.current;
  }

  /** The options without credentials (JSON.stringify uses this). */
  toJSON(): Record<string, unknown> {
    const states = Object.values(this.routes).map((r) => [r.connection.wsKey, r.connection.state.status]);
    return redactedView(this.settings, this.credentials, this.clock.offsetMs, Object.fromEntries(states));
  }

  /** util.inspect / console.log show the redacted options, never the credentials. */
  [INSPECT](
    _depth: number,
    options: unknown,
    inspect?: (value: unknown, options: unknown) => string,
  ): string {
    return inspectView('WebsocketAPIClient', this.toJSON(), options, inspect);
  }

  // ---- internals ----

  /** The route of `wsKey`; an unknown key (inherited names such as 'toString' included) is a ConfigurationError. */
  private routeOf(wsKey: WSAPIWsKey): Route {
    if (!hasOwn(this.routes, wsKey)) throw new ConfigurationError(`unknown wsKey ${String(wsKey)}`);
    return this.routes[wsKey];
  }

  /**
   * `orderUpdates: true`: the push connections open as soon as a WS API connection starts, and
   * stay open until the client closes.
   */
  private holdOrderUpdates(): void {
    const routes = Object.values(this.routes);
    const starts = merge(...routes.map((r) => r.connection.state.state$)).pipe(
      filter((s) => s.status === 'connecting'),
    );
    const watch = new Subscription();
    watch.add(
      starts.subscribe(() => {
        if (watch.closed) return;
        watch.unsubscribe();
        if (!this.shutdown.done) this.orderFeed.hold();
      }),
    );
  }

  /** Turns one connection's state changes into kucoin-api's lifecycle events. */
  private forwardLifecycle(connection: Connection): void {
    connection.state.state$.pipe(lifecycleEvents()).subscribe((event) => this.emitter.emit(event));
  }
}

export type { WSAPIResponse };
