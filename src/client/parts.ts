import { merge, type Observable } from 'rxjs';
import type { WSAPIWsKey } from '../operations';
import { createIdGenerator } from '../rpc/ids';
import type { RequestContext } from '../rpc/request';
import { RateLimitGate } from '../rpc/rate-limit-gate';
import { ServerClock } from '../rest/clock';
import { lookupOrder } from '../rest/lookup-order';
import type { RestClient } from '../rest/rest-client';
import { OrderDesk } from '../orders/desk';
import { reconcileClock } from '../orders/reconcile';
import { OrderFeed } from '../push/order-feed';
import { PUSH_WS_KEYS } from '../push/push-key';
import type { ConnectionState } from '../transport/state';
import { defaultWebSocketFactory } from '../transport/websocket';
import { createRestClient, Endpoints, resyncClock } from './endpoints';
import { WsApiEventEmitter } from './events';
import { ExceptionReporter } from './exception-reporter';
import { lifecycleEvents } from './lifecycle';
import { attachDefaultListeners, logSink } from './logging';
import { resolveSettings, type ClientSettings, type WebsocketAPIClientOptions } from './options';
import { ClientOutlets } from './outlets';
import { credentialHints, type CredentialHints } from './redacted-view';
import { createRoutes, type Route } from './routes';
import { Shutdown } from './shutdown';

const hasOwn = (o: object, k: string): boolean => Object.prototype.hasOwnProperty.call(o, k);

/** Everything a client is made of, built once from its options. */
export interface ClientParts {
  readonly settings: ClientSettings;
  /** The credentials as the client shows them (never their values). */
  readonly credentials: CredentialHints;
  /** The clock requests are signed with: local time plus the offset measured after a 400002. */
  readonly clock: ServerClock;
  readonly emitter: WsApiEventEmitter;
  readonly outlets: ClientOutlets;
  /** One connection and request channel per wsKey. */
  readonly routes: Record<WSAPIWsKey, Route>;
  /** The WS API connections' states. */
  readonly wsApiStates$: Observable<ConnectionState>;
  readonly rest: RestClient;
  /** The push connections behind orderUpdates$ (also what the order tracker reads). */
  readonly orderFeed: OrderFeed;
  /** Order calls and, with `reconcile: true`, the lookups of those whose answer was lost. */
  readonly orders: OrderDesk;
  readonly shutdown: Shutdown;
  /** What the request core needs (rpc/request.ts). */
  readonly requests: RequestContext;
}

/**
 * The composition root of a client: settings, signer and endpoints, REST, the routes, the
 * push feed, the order desk and shutdown, wired to each other; lifecycle events and the
 * default listeners attached. Nothing connects until the first call.
 */
export function assembleClient(options: WebsocketAPIClientOptions): ClientParts {
  const settings = resolveSettings(options);
  const clock = new ServerClock();
  const emitter = new WsApiEventEmitter();
  const exceptions = new ExceptionReporter(emitter);
  const outlets = new ClientOutlets(emitter, exceptions);
  // The default listeners' logger (attachEventListeners), also told about testnet and clock corrections.
  const log = settings.attachEventListeners ? logSink(options.logger ?? console) : undefined;
  const endpoints = new Endpoints(settings, options, clock, log);
  const rest = createRestClient(endpoints, clock, settings, options.fetch, log);
  const gate = settings.rateLimitGate ? new RateLimitGate() : undefined;
  const makeWebSocket = options.makeWebSocket ?? defaultWebSocketFactory();

  const routes = createRoutes({
    endpoint: () => endpoints.ws(),
    makeWebSocket,
    reconnect: settings.reconnect,
    handshakeTimeoutMs: settings.handshakeTimeoutMs,
    maxBufferedBytes: settings.maxBufferedBytes,
    requestTimeoutMs: settings.requestTimeoutMs,
    outlets,
    gate,
    messages: outlets.messages,
    onFatal: (error, wsKey) => void shutdown.run(error, wsKey),
    resyncClock: (refusal) => resyncClock(rest, refusal),
  });
  for (const { connection } of Object.values(routes)) {
    connection.state.state$.pipe(lifecycleEvents()).subscribe((event) => emitter.emit(event));
  }
  const orderFeed = new OrderFeed({
    bulletPrivate: (market) => rest.bulletPrivate(market),
    makeWebSocket,
    reconnect: settings.reconnect,
    handshakeTimeoutMs: settings.handshakeTimeoutMs,
    exception: (wsKey, error, raw) => outlets.exception(wsKey, error, raw),
    messages: outlets.messages,
  });
  // The push connections raise the same lifecycle events, each under its own key (from its first use on).
  for (const wsKey of Object.values(PUSH_WS_KEYS)) {
    orderFeed
      .connection(wsKey)
      .state.state$.pipe(lifecycleEvents())
      .subscribe((event) => emitter.emit(event));
  }
  const orders = new OrderDesk({
    reconcile: settings.reconcile,
    graceMs: settings.reconcileGraceMs,
    lookup: (params) => lookupOrder(rest, params),
    clock: reconcileClock(() => rest.serverTime()),
    feed: orderFeed,
    trackFromSend: settings.orderUpdates,
  });
  const shutdown = new Shutdown({
    routes: Object.values(routes),
    orders,
    feed: orderFeed,
    gate,
    rest,
    stopTestnet: () => endpoints.stopTestnet(),
    closed: () => {
      emitter.complete();
      outlets.complete();
    },
    maxAttempts: settings.reconnect.maxAttempts,
  });
  const requests: RequestContext = {
    nextId: createIdGenerator(),
    channelOf: (wsKey) => (hasOwn(routes, wsKey) ? routes[wsKey as WSAPIWsKey].channel : undefined),
    closed: () => shutdown.done,
    closedError: (call) => shutdown.closedError(call),
    onUnobservedFailure: exceptions.unobservedFailure,
    makeCall: (id, spec, wsKey, args) =>
      orders.makeCall(id, spec, wsKey, args, performance.now(), exceptions.unobservedFailure),
  };

  const wsApiStates$ = merge(...Object.values(routes).map((r) => r.connection.state.state$));
  // `orderUpdates: true`: the push connections open with the first WS API connection, until close().
  if (settings.orderUpdates) orderFeed.holdFrom(wsApiStates$, () => shutdown.done);
  if (log !== undefined) {
    attachDefaultListeners(emitter, log, (wsKey, error) => shutdown.closeReason(wsKey, error));
  }
  const credentials = credentialHints(options);
  return {
    settings,
    credentials,
    clock,
    emitter,
    outlets,
    routes,
    wsApiStates$,
    rest,
    orderFeed,
    orders,
    shutdown,
    requests,
  };
}
