// The public API. The codec building blocks (Str, Num, OneOf, strictObject, toIssues, the
// envelope codecs …) are internals, published for advanced use as 'kucoin-wsapi-rx/codecs'.
export { CODES } from './codecs/codes';
export type { AuthFailureCode } from './codecs/codes';
export type { RateLimit } from './codecs/envelope';
export type { ValidationIssue } from './codecs/report';
// Each request and response shape is an io-ts codec and the type of the same name.
export {
  FuturesCancelRequest,
  FuturesMultiCancelRequest,
  FuturesMultiOrderRequest,
  FuturesOrderRequest,
  ModifyHFOrderRequest,
  SubmitHFMarginOrderRequest,
  SubmitHFOrderRequest,
  WSAPICancelOrderRequest,
} from './codecs/requests';
export {
  FuturesCancelResponse,
  FuturesMultiCancelItem,
  FuturesMultiCancelResponse,
  FuturesMultiOrderItem,
  FuturesMultiOrderResponse,
  FuturesOrderResponse,
  MarginSubmitOrderV3Response,
  ModifyHFOrderResponse,
  SubmitHFOrderSyncResponse,
  SyncCancelHFOrderResponse,
  WSAPIOrderResponse,
} from './codecs/responses';
export { OPERATIONS, OPERATIONS_BY_OP, WS_KEY_MAP } from './operations';
export type {
  ClientOidMode,
  MethodName,
  OperationName,
  OperationSpec,
  OrderRole,
  WSAPIWsKey,
} from './operations';

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
export type { ConnectionKey, ConnectionState, ConnectionStatus } from './transport/state';
export type { InboundMessage, ReconnectOptions } from './transport/connection';
export type { WebSocketFactory, WebSocketLike } from './transport/websocket';
export type {
  FuturesOrderEvent,
  FuturesOrderUpdate,
  OrderUpdate,
  PushMarket,
  SpotOrderEvent,
  SpotOrderUpdate,
  UpdateSource,
} from './push/order-update';
export type { PushWsKey } from './push/push-key';
export { isPushWsKey } from './push/push-key';
export type { LookupOrderParams } from './rest/lookup-order';
export type { FuturesOrderDetail, HfOrderDetail } from './rest/codecs';
export type { OrderMarket, OrderSnapshot } from './rest/order-snapshot';
export type { FetchFunction } from './rest/rest-client';
export {
  AuthenticationError,
  CancelNotAppliedError,
  CLIENT_ERROR_CODES,
  ClientClosedError,
  ConfigurationError,
  DisconnectedError,
  GatewayError,
  LateAnswerError,
  ModifyNotAppliedError,
  NetworkError,
  OrderNotPlacedError,
  ProtocolError,
  PushClosedError,
  RateLimitError,
  TimeoutError,
  ValidationError,
  WsApiError,
  isGatewayErrorCode,
} from './errors';
export type { ClientErrorCode, GatewayErrorCode, KucoinWsApiError, WsApiErrorDetails } from './errors';
