import {
  catchError,
  defer,
  from,
  map,
  Observable,
  retry,
  Subject,
  switchMap,
  throwError,
  timeout,
  timer,
  type Subscription,
} from 'rxjs';
import makeWebSocketObservable, { type GetWebSocketResponses } from 'rxjs-websockets';
import { CODES, isAuthFailureCode } from '../codecs/codes';
import { SessionChallenge, Welcome } from '../codecs/envelope';
import { MAX_TEXT_CHARS, printable } from '../codecs/report';
import { AuthenticationError, ConfigurationError, ProtocolError, type WsApiError } from '../errors';
import type { WSAPIWsKey } from '../operations';
import { createIdGenerator } from '../rpc/ids';
import { safeDelay } from '../safe-delay';
import type { Signer } from './auth';
import { backoffDelay, type BackoffOptions } from './backoff';
import { Heartbeat, welcomeTiming } from './heartbeat';
import { ConnectionStateMachine } from './state';
import { TrackedSocket } from './tracked-socket';
import { redactUrl } from './url';
import type { WebSocketFactory } from './websocket';

/** Where to connect and who signs, resolved afresh for every attempt. */
export interface Endpoint {
  readonly baseUrl: string;
  readonly signer: Signer;
}

/** Reconnect policy: exponential backoff with full jitter. */
export interface ReconnectOptions extends BackoffOptions {
  /** Reconnect attempts in a row before the client gives up and closes (default unbounded). */
  readonly maxAttempts: number;
}

/** One parsed inbound frame, for `messages$`. */
export interface InboundMessage {
  readonly wsKey: WSAPIWsKey;
  readonly frame: unknown;
}

/** What the request layer hears from its connection. */
export interface ConnectionListener {
  /** A parsed frame of a ready session with a string id (not a pong). */
  frame(frame: Record<string, unknown>, id: string, raw: string): void;
  /** The session is ready: queued requests may be written now. */
  ready(): void;
  /** The socket's send buffer went back below the high-water mark: write what waits. */
  drained(): void;
  /** The link is gone (or an attempt failed): written requests have an unknown outcome. */
  lost(error: Error): void;
  /** A frame the connection could not use. */
  exception(error: WsApiError, raw: string | undefined): void;
}

export interface ConnectionConfig {
  readonly wsKey: WSAPIWsKey;
  /** Called once per attempt: the base URL and the signer (testnet starts its simulator here). */
  readonly endpoint: () => Promise<Endpoint>;
  readonly makeWebSocket: WebSocketFactory;
  readonly reconnect: ReconnectOptions;
  /** From starting an attempt to the welcome frame, at most (ms). */
  readonly handshakeTimeoutMs: number;
  /** The high-water mark of a socket's send buffer: above it `write` refuses (bytes). */
  readonly maxBufferedBytes: number;
  /** Called when the connection closes for good on its own (refusal, attempts exhausted). */
  readonly onFatal: (error: Error) => void;
  /** Receives every parsed frame, when someone listens. */
  readonly messages?: Subject<InboundMessage>;
  /** Jitter source, injectable for tests. */
  readonly random?: () => number;
  /**
   * After a 400002 refusal (timestamp off): measures the server clock so that the next URL is
   * signed with it; rejects with the error to close with when it cannot. Without it, 400002
   * closes the connection like any refusal.
   */
  readonly resyncClock?: (refusal: AuthenticationError) => Promise<void>;
}

/** How long `close()` waits for the closing handshake before cutting the socket. */
const CLOSE_GRACE_MS = 1_000;
/** How often a socket above its high-water mark is checked for having drained. */
const DRAIN_CHECK_MS = 10;

/** Ping ids; request ids are plain numbers, so the two never meet. */
const PING_ID_PREFIX = 'ping-';

const HANDSHAKE_CHALLENGE = 0;
const HANDSHAKE_WELCOME = 1;
const SESSION_READY = 2;

/** A gateway close reason such as "400003 KC-API-KEY not exists.". */
const CODED_REASON = /^(\d{3,7}) (.*)$/s;

/** Auth refusals and misconfiguration: retrying cannot help. */
function isFatal(error: unknown): boolean {
  return error instanceof AuthenticationError || error instanceof ConfigurationError;
}

/** An error frame without an id: the gateway refusing the connection or the session. */
function refusal(code: string, msg: string): Error {
  return isAuthFailureCode(code)
    ? new AuthenticationError({ code, msg })
    : new Error(`gateway refused the session: ${printable(code)} ${printable(msg)}`.trimEnd());
}

/**
 * One WebSocket connection of one wsKey, for the life of the client:
 *
 * `defer(sign URL) → rxjs-websockets → handshake → heartbeat`, retried with exponential
 * backoff and full jitter (reset once a session has stayed ready for a ping interval). A
 * fresh URL is signed for every attempt. Auth refusals and misconfiguration end it at once; so does running
 * out of attempts. Only this layer touches sockets.
 *
 * Hot path: each inbound frame is parsed once, pongs are dropped, and everything with a
 * string id goes to the listener (the request layer routes it through its Map).
 */
export class Connection {
  readonly wsKey: WSAPIWsKey;
  readonly state: ConnectionStateMachine;
  /** The request layer; set once, right after construction. */
  listener!: ConnectionListener;

  private subscription: Subscription | undefined = undefined;
  /** The ready session's socket; writes go straight to it (rxjs-websockets owns its lifetime). */
  private sink: TrackedSocket | undefined = undefined;
  private failSession: ((error: Error) => void) | undefined = undefined;
  private socket: TrackedSocket | undefined = undefined;
  /** Failed attempts in a row; reset only by a session that stayed ready (see `afterFailure`). */
  private retries = 0;
  /** When the current session became ready, and how long it must last to count as stable. */
  private readySince: number | undefined = undefined;
  private stableAfterMs = 0;
  private readonly pingIds = createIdGenerator(PING_ID_PREFIX);
  /** Set by a clock correction, cleared by a session that became ready: one correction per refusal. */
  private clockCorrected = false;
  /** Armed while the ready socket is above its high-water mark. */
  private drainCheck: ReturnType<typeof setTimeout> | undefined = undefined;

  constructor(private readonly config: ConnectionConfig) {
    this.wsKey = config.wsKey;
    this.state = new ConnectionStateMachine(config.wsKey);
  }

  /** True while a session is ready: `write` goes straight to the socket. */
  get ready(): boolean {
    return this.sink !== undefined;
  }

  /**
   * Writes one text frame; only while `ready`. The frame goes to the socket directly rather
   * than through rxjs-websockets' input Subject: same socket, one hop less per request.
   * False (nothing written) when the socket is already closing: the frame would be dropped
   * silently, so the caller keeps the request for the next session instead. False too while
   * the socket's send buffer is above `maxBufferedBytes` (a gateway that does not read):
   * the caller keeps the request and hears `drained()` once it may write again.
   */
  write(frame: string): boolean {
    const sink = this.sink as TrackedSocket;
    if (!sink.writable) return false;
    if (sink.bufferedAmount >= this.config.maxBufferedBytes) {
      this.watchDrain(sink);
      return false;
    }
    sink.send(frame);
    return true;
  }

  /** Checks every few ms until `sink` drains below the mark (or stops being the session's). */
  private watchDrain(sink: TrackedSocket): void {
    if (this.drainCheck !== undefined) return;
    this.drainCheck = setTimeout(() => {
      this.drainCheck = undefined;
      if (this.sink !== sink) return; // a new session writes its queue when it is ready
      if (sink.bufferedAmount >= this.config.maxBufferedBytes) this.watchDrain(sink);
      else this.listener.drained();
    }, safeDelay(DRAIN_CHECK_MS));
  }

  private stopDrainCheck(): void {
    if (this.drainCheck !== undefined) clearTimeout(this.drainCheck);
    this.drainCheck = undefined;
  }

  /** Starts connecting, once; later calls do nothing. */
  start(): void {
    if (this.subscription !== undefined || this.state.status !== 'idle') return;
    this.subscription = defer(() => this.attempt())
      .pipe(
        retry({
          delay: (error: unknown) => this.afterFailure(error as Error),
        }),
      )
      .subscribe({ error: (error: unknown) => this.finish(error as Error) });
  }

  /** Resolves once ready; rejects if the connection closes first. */
  whenReady(): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      let done = false;
      const subscription: Subscription = this.state.state$.subscribe((s) => {
        if (done) return;
        if (s.status === 'ready') resolve();
        else if (s.status === 'closed') reject(s.error ?? new Error(`${this.wsKey} connection closed`));
        else return;
        done = true;
        queueMicrotask(() => subscription?.unsubscribe());
      });
    });
  }

  /**
   * Closes for good: stops reconnecting, closes the socket with a closing handshake, and
   * resolves once it is gone (cut after a short grace period). Clears every timer.
   */
  async close(error?: Error): Promise<void> {
    const socket = this.socket;
    if (socket !== undefined) socket.graceful = true;
    this.sink = undefined;
    this.stopDrainCheck();
    this.failSession = undefined;
    const subscription = this.subscription;
    this.subscription = undefined;
    subscription?.unsubscribe();
    this.state.to('closed', error === undefined ? {} : { error });
    if (socket === undefined) return;
    let grace: ReturnType<typeof setTimeout> | undefined;
    await Promise.race([
      socket.closed,
      new Promise<void>((resolve) => {
        grace = setTimeout(() => {
          socket.terminate();
          resolve();
        }, CLOSE_GRACE_MS);
      }),
    ]);
    clearTimeout(grace);
  }

  private attempt(): Observable<void> {
    this.state.to('connecting', { attempt: this.retries });
    let socket: TrackedSocket | undefined;
    const makeWebSocket: WebSocketFactory = (url, protocols) => {
      let raw;
      try {
        raw = this.config.makeWebSocket(url, protocols);
      } catch (e) {
        throw new ConfigurationError(
          `cannot open a WebSocket: ${redactUrl(e instanceof Error ? e.message : String(e))}`,
        );
      }
      socket = this.socket = new TrackedSocket(raw);
      return socket;
    };
    const ms = safeDelay(this.config.handshakeTimeoutMs, 1);
    return from(this.config.endpoint()).pipe(
      switchMap((endpoint) =>
        from(endpoint.signer.signedUrl(endpoint.baseUrl)).pipe(
          switchMap((url) => makeWebSocketObservable<string>(url, { protocols: [], makeWebSocket })),
          switchMap((getResponses) => this.session(getResponses, endpoint.signer, socket as TrackedSocket)),
        ),
      ),
      timeout({ first: ms, with: () => throwError(() => new Error(`handshake timed out after ${ms} ms`)) }),
      catchError((error: unknown) => throwError(() => this.describe(error, socket))),
    );
  }

  /** One session on an open socket: challenge, signature, welcome, then frames. */
  private session(
    getResponses: GetWebSocketResponses<string>,
    signer: Signer,
    socket: TrackedSocket,
  ): Observable<void> {
    return new Observable<void>((subscriber) => {
      this.state.to('authenticating');
      const outbound = new Subject<string>();
      let phase = HANDSHAKE_CHALLENGE;
      let live = true;
      let heartbeat: Heartbeat | undefined;
      const fail = (error: Error): void => {
        if (live) subscriber.error(error);
      };

      const handshake = (raw: string): void => {
        const frame = this.parse(raw);
        if (frame === undefined) return;
        if (typeof frame.code === 'string' && frame.id === undefined) {
          fail(refusal(frame.code, typeof frame.msg === 'string' ? frame.msg : ''));
        } else if (phase === HANDSHAKE_CHALLENGE && SessionChallenge.is(frame)) {
          phase = HANDSHAKE_WELCOME;
          // The signature covers the challenge text exactly as received, byte for byte.
          signer.signChallenge(raw).then((signature) => {
            if (live) outbound.next(signature);
          }, fail);
        } else if (phase === HANDSHAKE_WELCOME && Welcome.is(frame)) {
          phase = SESSION_READY;
          const beat: Heartbeat = new Heartbeat(
            welcomeTiming(frame.pingInterval),
            welcomeTiming(frame.pingTimeout),
            () => outbound.next(`{"id":"${this.pingIds()}","op":"ping","timestamp":${Date.now()}}`),
            () => fail(new Error(`no frame within ${beat.timeoutMs} ms of a ping: link presumed dead`)),
          );
          heartbeat = beat;
          beat.start();
          this.sink = socket;
          this.failSession = fail;
          // From now on frames skip rxjs-websockets' Subject and come straight here.
          socket.onData = (text) => {
            beat.heard = true;
            this.receive(text);
          };
          this.clockCorrected = false;
          // Queued requests go out before anyone who watches state$ can add new ones.
          this.listener.ready();
          this.state.to('ready', { attempt: this.retries });
          this.readySince = performance.now();
          this.stableAfterMs = beat.intervalMs;
          subscriber.next();
        } else {
          this.listener.exception(new ProtocolError('unexpected frame during the session handshake'), raw);
        }
      };

      const subscription = getResponses(outbound).subscribe((data: unknown) => {
        const raw = typeof data === 'string' ? data : String(data);
        if (phase === SESSION_READY) {
          (heartbeat as Heartbeat).heard = true;
          this.receive(raw);
        } else {
          handshake(raw);
        }
      });

      return () => {
        live = false;
        socket.onData = undefined;
        heartbeat?.stop();
        if (this.sink === socket) {
          this.sink = undefined;
          this.failSession = undefined;
          this.stopDrainCheck();
        }
        subscription.unsubscribe();
      };
    });
  }

  /** The hot path: one JSON.parse, then hand the frame over by its id. */
  private receive(raw: string): void {
    const frame = this.parse(raw);
    if (frame === undefined) return;
    const id = frame.id;
    if (typeof id === 'string') {
      // Only a pong to one of our pings is dropped; anything else with an id is routed by it
      // (a "pong" carrying a request's id fails that request instead of vanishing).
      if (frame.op !== 'pong' || !id.startsWith(PING_ID_PREFIX)) this.listener.frame(frame, id, raw);
      return;
    }
    if (typeof frame.code === 'string' && id === undefined) {
      // An error about the connection itself rather than a request.
      const msg = typeof frame.msg === 'string' ? frame.msg : '';
      if (isAuthFailureCode(frame.code)) {
        this.failSession?.(new AuthenticationError({ code: frame.code, msg }));
        return;
      }
      this.listener.exception(
        new ProtocolError(`gateway error without a request id: ${printable(frame.code)} ${printable(msg)}`),
        raw,
      );
      return;
    }
    this.listener.exception(new ProtocolError('frame without a string id'), raw);
  }

  /** JSON.parse once; a frame that is not a JSON object becomes an exception. */
  private parse(raw: string): Record<string, unknown> | undefined {
    let frame: unknown;
    try {
      frame = JSON.parse(raw);
    } catch {
      this.listener.exception(new ProtocolError('frame is not JSON'), raw);
      return undefined;
    }
    const messages = this.config.messages;
    if (messages !== undefined && messages.observed) messages.next({ wsKey: this.wsKey, frame });
    if (typeof frame !== 'object' || frame === null || Array.isArray(frame)) {
      this.listener.exception(new ProtocolError('frame is not a JSON object'), raw);
      return undefined;
    }
    return frame as Record<string, unknown>;
  }

  /** After a failed attempt: tell the request layer, then wait or give up. */
  private afterFailure(error: Error): Observable<number> {
    // A welcome alone does not reset the count: a gateway that drops every session right
    // after it would otherwise be hammered at the first retry's delay for ever, and
    // maxAttempts would never apply. A session that stayed ready for a ping interval does.
    const readySince = this.readySince;
    this.readySince = undefined;
    if (readySince !== undefined && performance.now() - readySince >= this.stableAfterMs) this.retries = 0;
    const count = this.retries + 1;
    this.sink = undefined;
    this.stopDrainCheck();
    this.failSession = undefined;
    this.listener.lost(error);
    const resync = this.config.resyncClock;
    const skewed = error instanceof AuthenticationError && error.code === CODES.TIMESTAMP_OFF;
    if (skewed && resync !== undefined && !this.clockCorrected) {
      // The clock is off, not the credentials: sign with the server's time and try again at
      // once. A second 400002 right after this is final.
      this.clockCorrected = true;
      this.retries = count;
      this.state.to('reconnecting', { attempt: count, error, retryInMs: 0 });
      return from(resync(error)).pipe(map(() => 0));
    }
    if (isFatal(error) || count > this.config.reconnect.maxAttempts) return throwError(() => error);
    const delay = backoffDelay(count, this.config.reconnect, this.config.random);
    this.retries = count;
    this.state.to('reconnecting', { attempt: count, error, retryInMs: delay });
    return timer(safeDelay(delay));
  }

  private finish(error: Error): void {
    this.subscription = undefined;
    this.sink = undefined;
    this.stopDrainCheck();
    if (this.state.status === 'closed') return;
    this.state.to('closed', { error });
    this.config.onFatal(error);
  }

  /** A readable, credential-free error for a failed attempt. */
  private describe(error: unknown, socket: TrackedSocket | undefined): Error {
    if (error instanceof AuthenticationError || error instanceof ConfigurationError) return error;
    // Socket failures reach us as plain Errors (rxjs-websockets wraps them); a TypeError or
    // ReferenceError comes from code — a broken WebSocket factory or module interop — and
    // reconnecting would repeat it forever, so it closes the client like a bad configuration.
    if (error instanceof TypeError || error instanceof ReferenceError) {
      return new ConfigurationError(
        `the WebSocket transport failed: ${redactUrl(`${error.name}: ${error.message}`)}`,
      );
    }
    const reason = socket?.closeReason;
    const coded = reason === undefined ? null : CODED_REASON.exec(reason);
    if (coded !== null) return refusal(coded[1], coded[2]);
    const message = error instanceof Error ? error.message : String(error);
    const close =
      socket?.closeCode === undefined ? '' : ` (close ${socket.closeCode}${reason ? ` ${reason}` : ''})`;
    const what = message === '' || message === 'Normal closure' ? 'connection closed' : message;
    // Redacted before it is cut, so that a cut can never leave part of a signature behind.
    return new Error(printable(redactUrl(`${what}${close}`), 2 * MAX_TEXT_CHARS));
  }
}
