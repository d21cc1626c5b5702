import type { WebSocketLike } from 'rxjs-websockets';
import { corkableOf, markClosedByUs, type Corkable } from './websocket';

type Handler = WebSocketLike['onmessage'];

/** WebSocket.OPEN, the same in `ws` and browsers. */
const OPEN = 1;

/** How much a tick has written: see `TrackedSocket.send`. */
const IDLE = 0;
const WROTE = 1;
const CORKED = 2;
/** A corked tick releases its frames every this many (one writev each). */
const FLUSH_EVERY = 32;

interface Terminable {
  terminate?: () => void;
}

/** The EventEmitter side of a `ws` socket. */
interface NodeStyle {
  on(event: 'message', listener: (data: unknown, isBinary: boolean) => void): unknown;
}

/**
 * A WebSocket seen through rxjs-websockets, which keeps the socket to itself and reports a
 * normal close (1000) as "Normal closure" without its reason. The gateway puts the refusal
 * code in that reason (`400003 KC-API-KEY not exists.`), and the client must know when the
 * socket is really gone before `close()` resolves, so this wrapper records the close event
 * and exposes `closed`.
 */
export class TrackedSocket implements WebSocketLike {
  onopen: Handler = null;
  onmessage: Handler = null;
  onerror: Handler = null;
  onclose: Handler = null;
  /** The close event's code and reason, once closed. */
  closeCode: number | undefined = undefined;
  closeReason: string | undefined = undefined;
  /**
   * How rxjs-websockets' `close()` behaves: false (default) cuts the link at once, which is
   * what a dead link or a timed-out handshake needs; true sends a close frame and waits.
   */
  graceful = false;
  /** Resolves once the socket has closed. */
  readonly closed: Promise<void>;
  /**
   * Set by the connection once its session is ready: from then on every frame's text goes
   * straight here instead of through rxjs-websockets' Subject and our subscriber (the hot
   * path of every answer). Until then, frames take the `onmessage` route.
   */
  onData: ((text: string) => void) | undefined = undefined;
  private markClosed!: () => void;
  /**
   * The real socket, in a #private field: `ws` keeps the signed connection URL on it (its
   * `sign` and the signed passphrase), and an ordinary field would let util.inspect with
   * `customInspect: false`, or any object walker, reach it from the client.
   */
  readonly #socket: WebSocketLike;

  constructor(socket: WebSocketLike) {
    this.#socket = socket;
    this.closed = new Promise<void>((resolve) => (this.markClosed = resolve));
    socket.onopen = (event: unknown) => this.onopen?.(event);
    const on = (socket as Partial<NodeStyle>).on;
    if (typeof on === 'function') {
      // `ws`: its own 'message' event, without the MessageEvent object that its `onmessage`
      // builds for every frame. Text frames become strings, as `onmessage` would give them.
      on.call(socket, 'message', (data: unknown, isBinary: boolean) => {
        const text = isBinary ? undefined : String(data);
        const fast = this.onData;
        if (fast !== undefined && text !== undefined) fast(text);
        else this.onmessage?.({ data: text ?? data });
      });
    } else {
      socket.onmessage = (event: { data?: unknown }) => {
        const fast = this.onData;
        const data = event.data;
        if (fast !== undefined && typeof data === 'string') fast(data);
        else this.onmessage?.(event);
      };
    }
    socket.onerror = (event: unknown) => this.onerror?.(event);
    socket.onclose = (event: { code?: number; reason?: string }) => {
      this.closeCode = event.code;
      this.closeReason = event.reason;
      this.markClosed();
      this.onclose?.(event);
    };
  }

  /**
   * Sends one frame on the socket. Over a Node TCP socket, the first frame of a tick goes out
   * at once; a second one in the same tick corks the socket, and the end of the tick uncorks
   * it: a burst of requests (or those issued while handling one chunk of answers) leaves in
   * one writev per 32 frames instead of one syscall per frame, while a lone request is not
   * held back at all. Frames leave in order, within the tick, and a written frame counts as sent either
   * way (a frame lost with the socket fails as disconnected, outcome unknown).
   */
  send(data: string | ArrayBuffer | Blob): void {
    const tcp = (this.#tcp ??= corkableOf(this.#socket) ?? null);
    if (tcp !== null) {
      if (this.#tick === IDLE) {
        this.#tick = WROTE;
        queueMicrotask(this.#endTick);
      } else if (this.#tick === WROTE) {
        this.#tick = CORKED;
        this.#held = 0;
        tcp.cork();
      } else if (++this.#held === FLUSH_EVERY) {
        // A long burst leaves in slices, so that the gateway starts on it while the rest is
        // still being built (one corked tick of 20,000 frames would make it wait for all).
        this.#held = 0;
        tcp.uncork();
        tcp.cork();
      }
    }
    this.#socket.send(data);
  }

  /** The TCP socket to cork (null: none, e.g. in a browser); looked up on the first send. */
  #tcp: Corkable | null | undefined = undefined;
  /** What this tick has written: nothing, one frame, or more (and the socket is corked). */
  #tick: typeof IDLE | typeof WROTE | typeof CORKED = IDLE;
  /** Frames held by the cork since it was last released. */
  #held = 0;
  /**
   * The end of the tick, as a microtask: it runs after the microtasks already queued, which
   * include the reactions to every answer of the chunk being handled, so the requests they
   * issue are held by the same cork. Cheaper than process.nextTick, and not Node-only.
   */
  readonly #endTick = (): void => {
    if (this.#tick === CORKED) (this.#tcp as Corkable).uncork();
    this.#tick = IDLE;
  };

  /**
   * False once the socket is closing: `ws` (and browsers) then drop what is sent without a
   * word, so a request written now would never reach the gateway. Sockets that do not say
   * (injected fakes) count as open.
   */
  get writable(): boolean {
    const state = (this.#socket as { readyState?: number }).readyState;
    return state === undefined || state === OPEN;
  }

  /** Bytes written and not yet handed to the network (0 where the socket does not say). */
  get bufferedAmount(): number {
    return (this.#socket as { bufferedAmount?: number }).bufferedAmount ?? 0;
  }

  /** What rxjs-websockets calls on unsubscribe: a closing handshake if `graceful`, else a cut. */
  close(): void {
    if (this.graceful) {
      markClosedByUs(this.#socket);
      this.#socket.close();
    } else this.terminate();
  }

  /** Cuts the link without a closing handshake (ws `terminate`; a plain close elsewhere). */
  terminate(): void {
    const socket = this.#socket;
    const terminate = (socket as Terminable).terminate;
    if (typeof terminate === 'function') terminate.call(socket);
    else socket.close();
  }
}
