import { filter, merge, type Observable } from 'rxjs';
import { ConfigurationError, WsApiError } from '../errors';
import { WS_KEY_MAP, type WSAPIWsKey } from '../operations';
import type { WsApiCall } from '../rpc/call';
import type { CallLatency, RateLimitState } from '../rpc/channel';
import { startCall } from '../rpc/request';
import type { WSAPIResponse } from '../rpc/response';
import { lookupOrder, type LookupOrderParams } from '../rest/lookup-order';
import type { OrderSnapshot } from '../rest/order-snapshot';
import type { OrderUpdate } from '../push/order-update';
import { isPushWsKey } from '../push/push-key';
import type { InboundMessage } from '../transport/connection';
import type { ConnectionKey, ConnectionState } from '../transport/state';
import { bothReady, checkConnectOptions, connectArguments, pushKeyOf, waitUntilReady } from './connect';
import type { ClientEvent, ClientEventOf, WsApiEventEmitter } from './events';
import { WsApiMethods } from './methods';
import type { ConnectOptions, WebsocketAPIClientOptions } from './options';
import { assembleClient, type ClientParts } from './parts';
import { INSPECT, inspectView, redactedView } from './redacted-view';
import type { Route } from './routes';
import { ASYNC_DISPOSE } from './shutdown';
import type { MethodOrOperation, RequestOf, ResponseOf } from './types';

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
export class WebsocketAPIClient extends WsApiMethods {
  /** Every connection state change (each carries its wsKey); replays the current states. */
  readonly state$: Observable<ConnectionState>;
  /** The states in which a connection became ready (replays a connection that is ready now). */
  readonly ready$: Observable<ConnectionState>;
  /** Every event (open, authenticated, reconnect, reconnected, exception, close, response). */
  readonly events$: Observable<ClientEvent>;
  /** The `exception` events only: frames the client could not use. */
  readonly exceptions$: Observable<ClientEventOf<'exception'>>;
  /**
   * Every parsed inbound frame, handshake and pongs included (fed only while subscribed): the WS
   * API connections' and, once used, the push connections' ('pushSpot', 'pushFutures').
   */
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

  private readonly parts: ClientParts;

  /** Creates a client; nothing connects until the first call (or `connect()`). */
  constructor(options: WebsocketAPIClientOptions = {}) {
    super();
    const parts = (this.parts = assembleClient(options));
    const { emitter, outlets } = parts;
    this.orderUpdates$ = parts.orderFeed.updates$;
    this.state$ = merge(parts.wsApiStates$, parts.orderFeed.state$);
    this.ready$ = this.state$.pipe(filter((s) => s.status === 'ready'));
    this.events$ = emitter.events$;
    this.exceptions$ = emitter.eventsOf$('exception');
    this.messages$ = outlets.messages.asObservable();
    this.latency$ = outlets.latency.asObservable();
    this.rateLimit$ = outlets.rateLimit$(Object.values(parts.routes).map((r) => r.channel));
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
    return lookupOrder(this.parts.rest, params);
  }

  /**
   * The offset (ms) added to this machine's clock when signing: 0 until the gateway refuses a
   * timestamp (400002); then the server clock, as measured with `GET /api/v1/timestamp`
   * (half the round trip taken off), minus the local one. Positive: the server is ahead.
   */
  get clockOffsetMs(): number {
    return this.parts.clock.offsetMs;
  }

  // ---- the core ----

  /**
   * Sends any operation, by method name (`'submitNewSpotOrder'`) or op name (`'spot.order'`),
   * on `wsKey` (default: the operation's). Every order method (WsApiMethods) is a shortcut for this.
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
    return startCall(this.parts.requests, name, params, wsKey);
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
    const { shutdown } = this.parts;
    if (shutdown.done) throw shutdown.closedError();
    const { connection, channel } = this.routeOf(wsKey);
    checkConnectOptions(options);
    connection.start();
    const { settings, orderFeed } = this.parts;
    // With `orderUpdates: true`, ready also means the market's push channel is subscribed: an
    // order placed after connect() has its every event on the push channel.
    const push = settings.orderUpdates ? orderFeed.connection(pushKeyOf(wsKey)) : undefined;
    try {
      await waitUntilReady(
        push === undefined
          ? { wsKey, state$: connection.state.state$, linkError: () => channel.linkError }
          : {
              wsKey,
              state$: bothReady(connection.state.state$, push.state.state$),
              linkError: () => channel.linkError ?? push.state.current.error,
            },
        options,
      );
    } catch (error) {
      if (error === options.signal?.reason || error instanceof WsApiError) throw error;
      throw shutdown.closedError();
    }
  }

  /**
   * Closes the client: rejects every pending call with ClientClosedError, closes the sockets
   * (waiting for them), clears every timer, stops a testnet simulator, and leaves every
   * state `closed`. Later calls reject with ClientClosedError. Idempotent.
   */
  close(): Promise<void> {
    return this.parts.shutdown.run(undefined);
  }

  /** `await using client = new WebsocketAPIClient(…)`: closes the client when the block ends, as `close()`. */
  [ASYNC_DISPOSE](): Promise<void> {
    return this.close();
  }

  /** kucoin-api's event emitter: `getWSClient().on('authenticated', handler)` and friends. */
  getWSClient(): WsApiEventEmitter {
    return this.parts.emitter;
  }

  /**
   * One connection's states (replays the current one): a WS API wsKey, or a push connection
   * ('pushSpot', 'pushFutures'; `idle` until it is first used, as `stateOf` says).
   */
  stateOf$(wsKey: ConnectionKey): Observable<ConnectionState> {
    if (isPushWsKey(wsKey)) return this.parts.orderFeed.connection(wsKey).state.current$;
    return this.routeOf(wsKey).connection.state.state$;
  }

  /** The current state of one connection (a push connection never used is `idle`). */
  stateOf(wsKey: ConnectionKey): ConnectionState {
    if (isPushWsKey(wsKey)) return this.parts.orderFeed.connection(wsKey).state.current;
    return this.routeOf(wsKey).connection.state.current;
  }

  /** The options without credentials (JSON.stringify uses this). */
  toJSON(): Record<string, unknown> {
    const { routes, settings, credentials, clock } = this.parts;
    const states = Object.values(routes).map((r) => [r.connection.wsKey, r.connection.state.status]);
    return redactedView(settings, credentials, clock.offsetMs, Object.fromEntries(states));
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
    const { routes } = this.parts;
    if (!hasOwn(routes, wsKey)) throw new ConfigurationError(`unknown wsKey ${String(wsKey)}`);
    return routes[wsKey];
  }
}

export type { WSAPIResponse };
