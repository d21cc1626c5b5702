/**
 * The transport, for the clients built on it (the WS API connection, the private push
 * channel): sockets as Observables and the operators that keep them alive.
 */
export { socket$, SocketClosedError, type Socket, type SocketOptions } from './socket';
export { session$, type Session } from './session';
export {
  heartbeat,
  heartbeatTiming,
  linkDead,
  welcomeTiming,
  type HeartbeatConfig,
  type HeartbeatOptions,
} from './heartbeat';
export { retryWithBackoff, type ReconnectOptions, type RetryInfo, type RetryPolicy } from './reconnect';
export { backoffCeiling, backoffDelay, type BackoffOptions } from './backoff';
export { tickWriter, drained$, type TickWriter } from './writer';
export { ConnectionStateMachine, type ConnectionState, type ConnectionStatus } from './state';
export { defaultWebSocketFactory, type WebSocketFactory } from './websocket';
