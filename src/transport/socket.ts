import { asyncScheduler, Observable, type SchedulerLike, type Subscriber, type Subscription } from 'rxjs';
import makeWebSocketObservable, { type WebSocketLike } from 'rxjs-websockets';
import { safeDelay } from '../safe-delay';
import { frameRead } from './pending-input';
import { corkableOf, cut, lifetimeView, markClosedByUs, type WebSocketFactory } from './websocket';
import { tickWriter, type TickWriter } from './writer';

/** How to open one socket. */
export interface SocketOptions {
  readonly url: string;
  readonly makeWebSocket: WebSocketFactory;
  readonly protocols?: string | string[];
  /**
   * An emission closes the socket: with a closing handshake once it is open (socket$ then
   * completes when the socket is gone), at once while it is still connecting (socket$ completes).
   */
  readonly close$?: Observable<unknown>;
  /** How long a closing handshake may take before the link is cut (ms, default 1000). */
  readonly closeGraceMs?: number;
  readonly scheduler?: SchedulerLike;
}

/** An open socket, as socket$ emits it. */
export interface Socket {
  /** Each frame's text as it arrives; completes when the socket is gone. */
  readonly frames$: Observable<string>;
  /** How many frames have arrived so far: the heartbeat compares it before and after a ping. */
  readonly received: number;
  /** Bytes written and not yet handed to the network (0 where the socket does not say). */
  readonly bufferedAmount: number;
  /**
   * Writes one text frame (in Node, the frames of one tick leave in one writev). False, and
   * nothing written, once the socket is closing: browsers and `ws` would drop it silently.
   */
  write(text: string): boolean;
  /** Starts the closing handshake; socket$ completes once the socket is gone (cut after the grace). */
  close(): void;
}

/** How socket$ ends when the socket closes without being asked to: the close code and reason. */
export class SocketClosedError extends Error {
  constructor(
    message: string,
    /** The close code, where a close event came (1006 for a cut link). */
    readonly code: number | undefined,
    /** The close reason as sent: the gateway puts its refusal there (`400003 KC-API-KEY not exists.`). */
    readonly reason: string | undefined,
  ) {
    super(message);
    this.name = 'SocketClosedError';
  }
}

/** WebSocket.OPEN, the same in `ws` and browsers. */
const OPEN = 1;
const CLOSE_GRACE_MS = 1_000;

/**
 * A frame's text, as String() gives it: a `ws` text frame comes as a Buffer, whose own
 * toString is called directly. String() goes through ToPrimitive first, which made it about
 * twice as slow for a 250-byte answer (0.27 against 0.13 µs, best of six runs of a million).
 */
const textOf = (data: unknown): string =>
  typeof data === 'string' ? data : data instanceof Uint8Array ? data.toString() : String(data);

/** The EventEmitter side of a `ws` socket. */
interface NodeStyle {
  on(event: 'message', listener: (data: unknown) => void): unknown;
}

/**
 * One socket's own state. The raw socket sits in a #private field: `ws` keeps the signed
 * connection URL on it, and an ordinary field would let an object walker reach it.
 */
class LiveSocket implements Socket {
  readonly frames$: Observable<string>;
  received = 0;
  closing = false;
  closeCode: number | undefined = undefined;
  closeReason: string | undefined = undefined;
  readonly #raw: WebSocketLike;
  /**
   * Who listens to frames$, replaced (never mutated) on every change so that a delivery in
   * progress is not disturbed. Not a Subject: its `next` wraps each value in a closure, and
   * an error made while handling a frame (a ProtocolError kept by an exception event) would
   * keep that closure, and the whole frame, alive through its stack trace.
   */
  #listeners: ReadonlyArray<Subscriber<string>> = [];
  #ended = false;
  #writer: TickWriter | undefined = undefined;
  #grace: Subscription | undefined = undefined;

  constructor(
    raw: WebSocketLike,
    private readonly graceMs: number,
    private readonly scheduler: SchedulerLike,
  ) {
    this.#raw = raw;
    this.frames$ = new Observable<string>((subscriber) => {
      if (this.#ended) return subscriber.complete();
      this.#listeners = [...this.#listeners, subscriber];
      return () => {
        this.#listeners = this.#listeners.filter((s) => s !== subscriber);
      };
    });
    const on = (raw as Partial<NodeStyle>).on;
    // `ws`: its own 'message' event, without the MessageEvent its `onmessage` builds per frame.
    if (typeof on === 'function') on.call(raw, 'message', (data: unknown) => this.deliver(textOf(data)));
    else raw.onmessage = (event: { data?: unknown }) => this.deliver(textOf(event.data));
  }

  private deliver(text: string): void {
    this.received++;
    frameRead();
    this.#writer?.arrived();
    const listeners = this.#listeners;
    for (let i = 0; i < listeners.length; i++) listeners[i].next(text);
  }

  get bufferedAmount(): number {
    return (this.#raw as { bufferedAmount?: number }).bufferedAmount ?? 0;
  }

  write(text: string): boolean {
    const raw = this.#raw;
    const state = (raw as { readyState?: number }).readyState;
    // Sockets that do not say (injected fakes) count as open.
    if (state !== undefined && state !== OPEN) return false;
    (this.#writer ??= tickWriter((t) => raw.send(t), corkableOf(raw))).write(text);
    return true;
  }

  close(): void {
    if (this.closing) return;
    this.closing = true;
    markClosedByUs(this.#raw);
    this.#raw.close();
    this.#grace = this.scheduler.schedule(() => cut(this.#raw), safeDelay(this.graceMs));
  }

  /** What rxjs-websockets drives (see `lifetimeView`): the close event is recorded here first. */
  lifetime(): WebSocketLike {
    return lifetimeView(this.#raw, (code, reason) => {
      this.closeCode = code;
      this.closeReason = reason;
    });
  }

  /** The socket is gone (or abandoned): no more frames, no grace timer. */
  end(): void {
    this.#grace?.unsubscribe();
    if (this.#ended) return;
    this.#ended = true;
    const listeners = this.#listeners;
    this.#listeners = [];
    for (const listener of listeners) listener.complete();
  }
}

/**
 * A cold Observable of one WebSocket (rxjs-websockets over the injected factory: `ws` in
 * Node, the native WebSocket in browsers). Subscribing opens it; it emits the open
 * {@link Socket} once, then completes after `socket.close()` (or `close$`), or errors with
 * a {@link SocketClosedError} carrying the close code and reason when the link ends on its
 * own. Unsubscribing cuts the link.
 *
 * Frames are read from the socket itself rather than through rxjs-websockets' Subject, and
 * written straight to it (corked per tick): see docs/design.md for the measured difference.
 */
export function socket$(options: SocketOptions): Observable<Socket> {
  const graceMs = options.closeGraceMs ?? CLOSE_GRACE_MS;
  const scheduler = options.scheduler ?? asyncScheduler;
  return new Observable<Socket>((subscriber) => {
    let live: LiveSocket | undefined;
    let open = false;
    const opened = makeWebSocketObservable<string>(options.url, {
      protocols: options.protocols ?? [],
      makeWebSocket: (url, protocols) => {
        live = new LiveSocket(options.makeWebSocket(url, protocols), graceMs, scheduler);
        return live.lifetime();
      },
    }).subscribe({
      next: () => {
        open = true;
        subscriber.next(live as LiveSocket);
      },
      error: (error: unknown) => {
        live?.end();
        if (live?.closing === true) subscriber.complete();
        else if (live?.closeCode === undefined) subscriber.error(error);
        else {
          const message = error instanceof Error ? error.message : String(error);
          subscriber.error(new SocketClosedError(message, live.closeCode, live.closeReason));
        }
      },
    });
    const closer = options.close$?.subscribe(() => {
      if (open) live?.close();
      else {
        opened.unsubscribe();
        live?.end();
        subscriber.complete();
      }
    });
    return () => {
      closer?.unsubscribe();
      opened.unsubscribe();
      live?.end();
    };
  });
}
