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

/** What can hold writes back and release them in one go: a Node TCP socket. */
export interface Corkable {
  cork(): void;
  uncork(): void;
}

/** The TCP socket under each WebSocket made by `makeNodeWebSocket`, once it has upgraded. */
const tcpSockets = new WeakMap<object, Corkable>();

/**
 * The TCP socket under `socket` when `makeNodeWebSocket` made it (undefined for browsers and
 * injected sockets): the connection corks it so that the frames written in one tick leave in
 * one writev rather than one syscall each.
 */
export function corkableOf(socket: object): Corkable | undefined {
  return tcpSockets.get(socket);
}

/**
 * Node: the `ws` package. No compression: answers are small and latency matters more than
 * bytes. This file is the only one that imports `ws` (bundlers map it to a stub in browsers).
 * The TCP socket comes from ws' public 'upgrade' event (the response's socket is the one the
 * WebSocket then runs on).
 */
export const makeNodeWebSocket: WebSocketFactory = (url, protocols) => {
  const socket = new WebSocket(url, protocols, {
    perMessageDeflate: false,
    maxPayload: MAX_INBOUND_FRAME_BYTES,
  });
  socket.once('upgrade', (response) => {
    const tcp = response.socket as Partial<Corkable> | null;
    if (tcp !== null && typeof tcp.cork === 'function' && typeof tcp.uncork === 'function')
      tcpSockets.set(socket, tcp as Corkable);
  });
  return socket;
};

/** Browsers: the global WebSocket. */
export const makeNativeWebSocket: WebSocketFactory = (url, protocols) =>
  new globalThis.WebSocket(url, protocols);

/** The factory for this runtime. */
export function defaultWebSocketFactory(): WebSocketFactory {
  return isNodeRuntime() ? makeNodeWebSocket : makeNativeWebSocket;
}
