import type { WebSocketLike } from 'rxjs-websockets';
import type { Duplex } from 'node:stream';
import WebSocket from 'ws';

/**
 * What a WebSocket factory returns (rxjs-websockets' shape): a `ws` socket, a browser's
 * WebSocket, or anything with the same handlers and methods. Its handler parameters are `any`
 * so that both fit (a property's parameter type is not bivariant).
 */
export type { WebSocketLike };

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

/** Sockets whose closing handshake the client started (see `makeNodeWebSocket`). */
const closedByUs = new WeakSet<object>();

/** Records that the client itself starts the closing handshake of `socket`. */
export function markClosedByUs(socket: object): void {
  closedByUs.add(socket);
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
    const tcp = response.socket as (Partial<Corkable> & Partial<Pick<Duplex, 'once'>>) | null;
    if (tcp === null) return;
    if (typeof tcp.cork === 'function' && typeof tcp.uncork === 'function')
      tcpSockets.set(socket, tcp as Corkable);
    // ws ends its side of TCP once close frames went both ways, then waits up to 30 s for the
    // peer's FIN before it reports the close. When the gateway started the close, the session
    // is over at that point: one that sends a close frame and never closes TCP must not hold
    // calls, state and reconnect for that long (RFC 6455 §7.1.1 lets the client close TCP
    // after both close frames). A close of our own waits for the gateway as before.
    tcp.once?.('finish', () => {
      if (!closedByUs.has(socket)) socket.terminate();
    });
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

/** Cuts the link without a closing handshake (ws `terminate`; a plain close elsewhere). */
export function cut(raw: WebSocketLike): void {
  const terminate = (raw as { terminate?: () => void }).terminate;
  if (typeof terminate === 'function') terminate.call(raw);
  else raw.close();
}

/**
 * The socket as rxjs-websockets should drive it: open and error pass through; the close event
 * goes to `closed` first (rxjs-websockets keeps neither its code nor, for 1000, its reason);
 * its `onmessage` is never set on the socket (frames are read directly); and its `close()`,
 * on unsubscribe, cuts the link.
 */
export function lifetimeView(
  raw: WebSocketLike,
  closed: (code: number | undefined, reason: string | undefined) => void,
): WebSocketLike {
  let onclose: WebSocketLike['onclose'] = null;
  raw.onclose = (event: { code?: number; reason?: string }) => {
    closed(event.code, event.reason);
    onclose?.(event);
  };
  return {
    get onopen() {
      return raw.onopen;
    },
    set onopen(handler) {
      raw.onopen = handler;
    },
    get onerror() {
      return raw.onerror;
    },
    set onerror(handler) {
      raw.onerror = handler;
    },
    get onclose() {
      return onclose;
    },
    set onclose(handler) {
      onclose = handler;
    },
    onmessage: null,
    send: (data) => raw.send(data),
    close: () => cut(raw),
  };
}
