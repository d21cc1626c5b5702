export * from './codecs';
export { OPERATIONS, OPERATIONS_BY_OP, WS_KEY_MAP } from './operations';
export type { ClientOidMode, MethodName, OperationName, OperationSpec, WSAPIWsKey } from './operations';

export { WebsocketAPIClient, WsApiEventEmitter } from './client';
export type {
  ClientEvent,
  ClientEventHandler,
  ClientEventMap,
  ClientEventOf,
  ClientEventType,
  ConnectOptions,
  Logger,
  MethodOf,
  MethodOrOperation,
  RequestOf,
  ResponseOf,
  WebsocketAPIClientOptions,
} from './client';
export { WsApiCall } from './rpc/call';
export type { CallStatus } from './rpc/call';
export type { WSAPIResponse } from './rpc/response';
export type { CallLatency, RateLimitState } from './rpc/channel';
export type { ConnectionState, ConnectionStatus } from './transport/state';
export type { InboundMessage, ReconnectOptions } from './transport/connection';
export type { WebSocketFactory } from './transport/websocket';
export {
  AuthenticationError,
  CLIENT_ERROR_CODES,
  ClientClosedError,
  ConfigurationError,
  DisconnectedError,
  GatewayError,
  ProtocolError,
  RateLimitError,
  TimeoutError,
  ValidationError,
  WsApiError,
} from './errors';
export type { WsApiErrorDetails } from './errors';
