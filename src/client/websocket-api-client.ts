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
  ValidationError,
  WsApiError,
} from '../errors';
import { OPERATIONS, OPERATIONS_BY_OP, WS_KEY_MAP, type OperationSpec, type WSAPIWsKey } from '../operations';
import { WsApiCall } from '../rpc/call';
import type { CallLatency, ChannelOutlets, RateLimitState } from '../rpc/channel';
import { createIdGenerator } from '../rpc/ids';
import { prepareRequest, requestFrame, type PreparedRequest, type RejectedRequest } from '../rpc/prepare';
import { RateLimitGate } from '../rpc/rate-limit-gate';
import type { WSAPIResponse } from '../rpc/response';
import { ServerClock } from '../rest/clock';
import { lookupOrder, type LookupOrderParams } from '../rest/lookup-order';
import type { OrderSnapshot } from '../rest/order-snapshot';
import { RestClient, type RestEndpoint } from '../rest/rest-client';
import { createSigner, type Signer } from '../transport/auth';
import { MAX_TIMER_MS, safeDelay } from '../safe-delay';
import type { Connection, Endpoint, InboundMessage } from '../transport/connection';
import type { ConnectionKey, ConnectionState } from '../transport/state';
import { OrderFeed, type OrderUpdateFeed } from '../push/order-feed';
import type { OrderUpdate } from '../push/order-update';
import { isPushWsKey } from '../push/push-key';
import { defaultWebSocketFactory } from '../transport/websocket';
import { WsApiEventEmitter, type ClientEvent, type ClientEventOf } from './events';
import {
  resolveSettings,
  type ClientSettings,
  type ConnectOptions,
  type WebsocketAPIClientOptions,
} from './options';
import { attachDefaultListeners, logSink, type LogSink } from './logging';
import { createRoutes, type Route } from './routes';
import { startTestnet, type TestnetGateway } from './testnet';
import type { MethodOrOperation, RequestOf, ResponseOf } from './types';

const INSPECT = Symbol.for('nodejs.util.inspect.custom');
/**
 * The key `await using` calls. Node 20 and current browsers have Symbol.asyncDispose; where it
 * is missing, the registered symbol that polyfills use (`Symbol.for('Symbol.asyncDispose')`).
 */
const ASYNC_DISPOSE: typeof Symbol.asyncDispose = ((Symbol as { asyncDispose?: symbol }).asyncDispose ??
  Symbol.for('Symbol.asyncDispose')) as typeof Symbol.asyncDispose;
/** How much of an unusable frame an exception event carries. */
const FRAME_EXCERPT = 256;

/** What a request whose parameters throw when read becomes. */
const UNREADABLE: RejectedRequest = {
  ok: false,
  issues: [{ field: '(request)', rule: 'could not be read (a getter or toJSON threw)' }],
  clientOid: undefined,
  clientOids: undefined,
};

const hasOwn = (o: object, k: string): boolean => Object.prototype.hasOwnProperty.call(o, k);

/** Method name or op name → its operation. */
function operationOf(name: string): OperationSpec | undefined {
  return hasOwn(OPERATIONS, name) ? OPERATIONS[name as keyof typeof OPERATIONS] : OPERATIONS_BY_OP.get(name);
}

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
  /**
   * Every order event of the account (spot, margin and futures) from KuCoin's private push
   * channel, typed and validated. Subscribing opens the push connections (one per market,
   * token from `bullet-private`), shared by every subscriber; they close when the last one
   * leaves (unless `orderUpdates: true` keeps them open). Their states are in `state$` as
   * 'pushSpot' and 'pushFutures'. Nothing is replayed after a reconnect. Completes on `close()`.
   */
  readonly orderUpdates$: Observable<OrderUpdate>;

  private readonly settings: ClientSettings;
  private readonly apiKeyHint: string | undefined;
  private readonly hasSecrets: boolean;
  /** The names of the credentials given (never their values): testnet says it ignores them. */
  private readonly credentialsGiven: readonly string[];
  /** The default listeners' logger (attachEventListeners), also told about the testnet simulator. */
  private readonly log: LogSink | undefined = undefined;
  private readonly signer: Signer | undefined;
  private readonly emitter = new WsApiEventEmitter();
  private readonly routes: Record<WSAPIWsKey, Route>;
  private readonly ids = createIdGenerator();
  private readonly gate: RateLimitGate | undefined;
  /** The clock requests are signed with: local time plus the offset measured after a 400002. */
  private readonly clock = new ServerClock();
  private readonly rest: RestClient;
  private readonly messages = new Subject<InboundMessage>();
  private readonly latency = new Subject<CallLatency>();
  private readonly rateLimits = new Subject<RateLimitState>();
  /** The push connections behind orderUpdates$ (also what the order tracker reads). */
  private readonly orderFeed: OrderUpdateFeed & OrderFeed;
  private testnet: Promise<TestnetGateway> | undefined = undefined;
  private testnetEndpoint: Promise<Endpoint> | undefined = undefined;
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

  /** Creates a client; nothing connects until the first call (or `connect()`). */
  constructor(options: WebsocketAPIClientOptions = {}) {
    this.settings = resolveSettings(options);
    const { apiKey, apiSecret, apiPassphrase } = options;
    this.hasSecrets = apiSecret !== undefined || apiPassphrase !== undefined;
    this.credentialsGiven = (['apiKey', 'apiSecret', 'apiPassphrase'] as const).filter(
      (name) => options[name] !== undefined,
    );
    this.apiKeyHint = apiKey === undefined ? undefined : `${apiKey.slice(0, 4)}…`;
    // The credentials go into the signer's closure and are not kept anywhere else.
    this.signer =
      apiKey && apiSecret && apiPassphrase
        ? createSigner({ apiKey, apiSecret, apiPassphrase }, () => this.clock.now())
        : undefined;
    const fetchFn = options.fetch ?? ((input: string, init: RequestInit) => globalThis.fetch(input, init));
    this.rest = new RestClient({
      endpoint: () => this.restEndpoint(),
      clock: this.clock,
      fetch: fetchFn,
      timeoutMs: this.settings.restTimeoutMs,
      onClockCorrected: (offsetMs) =>
        this.log?.(
          'warn',
          `clock: the exchange refused a timestamp (400002); signing with the server clock, ${offsetMs} ms from this one`,
          { code: '400002', clockOffsetMs: offsetMs },
        ),
    });
    this.gate = this.settings.rateLimitGate ? new RateLimitGate() : undefined;

    const makeWebSocket = options.makeWebSocket ?? defaultWebSocketFactory();
    const exception = (wsKey: ConnectionKey, error: WsApiError, raw: string | undefined): void => {
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
    };
    const outlets: ChannelOutlets = {
      latency: this.latency,
      rateLimit: this.rateLimits,
      wantsResponses: () => this.emitter.wants('response'),
      response: (response) => this.emitter.emit({ type: 'response', wsKey: response.wsKey, response }),
      exception,
    };
    this.routes = createRoutes({
      endpoint: () => this.endpoint(),
      makeWebSocket,
      reconnect: this.settings.reconnect,
      handshakeTimeoutMs: this.settings.handshakeTimeoutMs,
      maxBufferedBytes: this.settings.maxBufferedBytes,
      requestTimeoutMs: this.settings.requestTimeoutMs,
      outlets,
      gate: this.gate,
      messages: this.messages,
      onFatal: (error, wsKey) => void this.shutdown(error, wsKey),
      resyncClock: (refusal) => this.resyncClock(refusal),
    });
    for (const { connection } of Object.values(this.routes)) this.forwardLifecycle(connection);

    this.orderFeed = new OrderFeed({
      bulletPrivate: (market) => this.rest.bulletPrivate(market),
      makeWebSocket,
      reconnect: this.settings.reconnect,
      handshakeTimeoutMs: this.settings.handshakeTimeoutMs,
      exception,
    });
    this.orderUpdates$ = this.orderFeed.updates$;
    if (this.settings.orderUpdates) this.holdOrderUpdates();

    this.state$ = merge(
      ...Object.values(this.routes).map((r) => r.connection.state.state$),
      this.orderFeed.state$,
    );
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

    if (this.settings.attachEventListeners) {
      this.log = logSink(options.logger ?? console);
      attachDefaultListeners(this.emitter, this.log, (wsKey, error) => this.closeReason(wsKey, error));
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
    const id = this.ids();
    const spec = operationOf(name);
    if (spec === undefined) {
      return this.invalid(id, { op: name } as OperationSpec, WS_KEY_MAP.wsApiSpotV1, {
        field: 'op',
        rule: `unknown operation ${JSON.stringify(String(name)).slice(0, 60)}`,
      });
    }
    const key = wsKey ?? spec.wsKey;
    const route = hasOwn(this.routes, key) ? this.routes[key] : undefined;
    if (route === undefined) {
      return this.invalid(id, spec, spec.wsKey, {
        field: 'wsKey',
        rule: `must be one of ${Object.keys(WS_KEY_MAP).join(', ')}`,
      });
    }
    let prepared: PreparedRequest | RejectedRequest;
    let frame = '';
    try {
      prepared = prepareRequest(spec, params);
      if (prepared.ok) frame = requestFrame(id, spec.op, prepared.args);
    } catch {
      // Hostile input (a throwing getter or toJSON) is a validation failure, not a crash.
      prepared = UNREADABLE;
    }
    const call = new WsApiCall(
      id,
      spec,
      key,
      prepared.clientOid,
      prepared.clientOids,
      performance.now(),
      this.onUnobservedFailure,
    );
    if (!prepared.ok) {
      call.reject(
        new ValidationError(prepared.issues, {
          op: spec.op,
          requestId: id,
          clientOid: prepared.clientOid,
          clientOids: prepared.clientOids,
        }),
      );
    } else if (this.closed !== undefined) {
      call.reject(this.closedError(call));
    } else {
      route.channel.submit(call, frame);
    }
    return call;
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

  /** The base URL and signer for a connection attempt (testnet: the simulator, started once). */
  private endpoint(): Promise<Endpoint> {
    const s = this.settings;
    if (s.testnet && s.wsBaseUrl === undefined) {
      // The local simulator only knows its demo account: given credentials are not used here.
      this.testnetEndpoint ??= (this.testnet = startTestnet(undefined, undefined, () =>
        this.clock.now(),
      )).then(
        (gateway) => {
          this.log?.(
            'info',
            `testnet: started the bundled simulator in-process on ${gateway.url} (close() stops it)`,
            {
              url: gateway.url,
            },
          );
          if (this.credentialsGiven.length > 0) {
            this.log?.(
              'warn',
              `testnet: the ${this.credentialsGiven.join(', ')} given are not used: the in-process simulator ` +
                'signs with its demo account (pass wsBaseUrl to use your own credentials)',
              { ignored: this.credentialsGiven },
            );
          }
          return { baseUrl: gateway.url, signer: gateway.signer };
        },
        (error: unknown) => {
          // Let the next attempt try again rather than replaying this failure forever.
          this.testnet = this.testnetEndpoint = undefined;
          throw error;
        },
      );
      return this.testnetEndpoint;
    }
    if (this.signer === undefined) {
      return Promise.reject(
        new ConfigurationError('apiKey, apiSecret and apiPassphrase are required (or testnet: true)'),
      );
    }
    return Promise.resolve({ baseUrl: s.wsBaseUrl ?? '', signer: this.signer });
  }

  /**
   * The REST hosts and signer: the options', or the testnet simulator's (started once, shared
   * with the WS API). Rejects with a ConfigurationError without credentials.
   */
  private async restEndpoint(): Promise<RestEndpoint> {
    const s = this.settings;
    const { signer } = await this.endpoint();
    let simulator: string | undefined;
    if (s.restBaseUrl === undefined || s.futuresRestBaseUrl === undefined) {
      const testnet = s.testnet && s.wsBaseUrl === undefined ? this.testnet : undefined;
      if (testnet === undefined) {
        throw new ConfigurationError(
          'testnet: true with this wsBaseUrl needs restBaseUrl and futuresRestBaseUrl (the simulator serves REST on its WebSocket port)',
        );
      }
      simulator = (await testnet).restUrl;
    }
    return {
      spotBaseUrl: s.restBaseUrl ?? (simulator as string),
      futuresBaseUrl: s.futuresRestBaseUrl ?? (simulator as string),
      signer,
    };
  }

  /**
   * After a 400002 refusal of the WS API: measures the server clock on the spot REST host so
   * that the next attempt is signed with it. Rejects with the refusal (the measurement's
   * failure as cause) when it cannot, which closes the client as before.
   */
  private resyncClock(refusal: AuthenticationError): Promise<void> {
    return this.rest.correctClock('spot').then(
      () => undefined,
      (cause: unknown) => {
        throw new AuthenticationError({
          code: refusal.code,
          msg: `${refusal.msg} (the server clock could not be read to correct it)`,
          cause,
        });
      },
    );
  }

  /** A call rejected before anything was sent. */
  private invalid(
    id: string,
    spec: OperationSpec,
    wsKey: WSAPIWsKey,
    issue: { field: string; rule: string },
  ): WsApiCall<unknown> {
    const call = new WsApiCall(
      id,
      spec,
      wsKey,
      undefined,
      undefined,
      performance.now(),
      this.onUnobservedFailure,
    );
    call.reject(new ValidationError([issue], { op: spec.op, requestId: id }));
    return call;
  }

  /** The error for a call that meets a closed client. */
  private closedError(call?: WsApiCall): WsApiError {
    const reason = this.closed?.reason;
    return new ClientClosedError({
      op: call?.op,
      requestId: call?.id,
      clientOid: call?.clientOid,
      clientOids: call?.clientOids,
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
        shared ??
        new ClientClosedError({ op: request.op, clientOid: request.clientOid, reason: why, cause: reason }),
    );
    void (async () => {
      try {
        await Promise.all([
          ...routes.map(({ connection }) => connection.close(reason)),
          this.orderFeed.close(),
        ]);
        const testnet = this.testnet;
        if (testnet !== undefined) {
          const gateway = await testnet.catch(() => undefined);
          await gateway?.close();
        }
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
        if (this.closed === undefined) this.orderFeed.hold();
      }),
    );
  }

  /** Turns one connection's state changes into kucoin-api's lifecycle events. */
  private forwardLifecycle(connection: Connection): void {
    const wsKey = connection.wsKey;
    let wasReady = false;
    let started = false;
    connection.state.state$.subscribe((s) => {
      switch (s.status) {
        case 'connecting':
          started = true;
          break;
        case 'authenticating':
          this.emitter.emit({ type: 'open', wsKey });
          break;
        case 'ready':
          this.emitter.emit({ type: 'authenticated', wsKey });
          if (wasReady) this.emitter.emit({ type: 'reconnected', wsKey, attempt: s.attempt });
          wasReady = true;
          break;
        case 'reconnecting':
          this.emitter.emit({
            type: 'reconnect',
            wsKey,
            attempt: s.attempt,
            retryInMs: s.retryInMs,
            error: s.error,
          });
          break;
        case 'closed':
          if (started) this.emitter.emit({ type: 'close', wsKey, error: s.error });
          break;
      }
    });
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
