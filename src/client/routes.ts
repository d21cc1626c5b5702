import type { Subject } from 'rxjs';
import { WS_KEY_MAP, type WSAPIWsKey } from '../operations';
import { RpcChannel, type ChannelOutlets } from '../rpc/channel';
import type { RateLimitGate } from '../rpc/rate-limit-gate';
import type { AuthenticationError } from '../errors';
import {
  Connection,
  type Endpoint,
  type InboundMessage,
  type ReconnectOptions,
} from '../transport/connection';
import type { WebSocketFactory } from '../transport/websocket';

/** One wsKey's connection and the request layer on top of it. */
export interface Route {
  readonly connection: Connection;
  readonly channel: RpcChannel;
}

/** What every route of a client shares. */
export interface RouteConfig {
  readonly endpoint: () => Promise<Endpoint>;
  readonly makeWebSocket: WebSocketFactory;
  readonly reconnect: ReconnectOptions;
  readonly handshakeTimeoutMs: number;
  readonly maxBufferedBytes: number;
  readonly requestTimeoutMs: number;
  readonly outlets: ChannelOutlets;
  readonly gate: RateLimitGate | undefined;
  readonly messages: Subject<InboundMessage>;
  /** A connection closed for good on its own (refusal, attempts exhausted). */
  readonly onFatal: (error: Error, wsKey: WSAPIWsKey) => void;
  readonly resyncClock: (refusal: AuthenticationError) => Promise<void>;
}

/**
 * The route of one wsKey: the channel writes to the connection's ready sessions and starts it
 * on first use; the connection hands the channel its sessions, frames and losses. Both get
 * the other through their constructor.
 */
export function createRoute(wsKey: WSAPIWsKey, config: RouteConfig): Route {
  const channel = new RpcChannel(wsKey, config.requestTimeoutMs, config.outlets, config.gate, () =>
    connection.start(),
  );
  const connection = new Connection(
    {
      wsKey,
      endpoint: config.endpoint,
      makeWebSocket: config.makeWebSocket,
      reconnect: config.reconnect,
      handshakeTimeoutMs: config.handshakeTimeoutMs,
      maxBufferedBytes: config.maxBufferedBytes,
      onFatal: (error) => config.onFatal(error, wsKey),
      messages: config.messages,
      resyncClock: config.resyncClock,
    },
    channel,
  );
  return { connection, channel };
}

/** One route per wsKey. */
export function createRoutes(config: RouteConfig): Record<WSAPIWsKey, Route> {
  return {
    wsApiSpotV1: createRoute(WS_KEY_MAP.wsApiSpotV1, config),
    wsApiFuturesV1: createRoute(WS_KEY_MAP.wsApiFuturesV1, config),
  };
}
