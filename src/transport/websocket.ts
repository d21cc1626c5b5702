import type { WebSocketLike } from 'rxjs-websockets';
import WebSocket from 'ws';

/** Makes a WebSocket (the rxjs-websockets factory shape): `ws` in Node, the native one in browsers. */
export type WebSocketFactory = (url: string, protocols: string | string[]) => WebSocketLike;

/** The largest frame the client accepts from the gateway; ws closes the socket (1009) above it. */
const MAX_INBOUND_FRAME_BYTES = 16 * 1024 * 1024;

/** True in Node (and runtimes that pretend to be Node), false in browsers. */
export function isNodeRuntime(): boolean {
  return typeof process !== 'undefined' && typeof process.versions?.node === 'string';
}

/**
 * Node: the `ws` package. No compression: answers are small and latency matters more than
 * bytes. This file is the only one that imports `ws` (bundlers map it to a stub in browsers).
 */
export const makeNodeWebSocket: WebSocketFactory = (url, protocols) =>
  new WebSocket(url, protocols, { perMessageDeflate: false, maxPayload: MAX_INBOUND_FRAME_BYTES });

/** Browsers: the global WebSocket. */
export const makeNativeWebSocket: WebSocketFactory = (url, protocols) =>
  new globalThis.WebSocket(url, protocols);

/** The factory for this runtime. */
export function defaultWebSocketFactory(): WebSocketFactory {
  return isNodeRuntime() ? makeNodeWebSocket : makeNativeWebSocket;
}
