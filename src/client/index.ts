export { WebsocketAPIClient } from './websocket-api-client';
export { WsApiEventEmitter } from './events';
export type {
  ClientEvent,
  ClientEventHandler,
  ClientEventMap,
  ClientEventOf,
  ClientEventType,
} from './events';
export type { ClientSettings, ConnectOptions, Logger, WebsocketAPIClientOptions } from './options';
export type { MethodOf, MethodOrOperation, RequestOf, ResponseOf } from './types';
