import {
  asyncScheduler,
  catchError,
  defer,
  Observable,
  ReplaySubject,
  share,
  Subscription,
  switchMap,
  throwError,
  type SchedulerLike,
  type Subject,
} from 'rxjs';
import { CODES } from '../codecs/codes';
import { AuthenticationError, ConfigurationError, ProtocolError } from '../errors';
import type { WSAPIWsKey } from '../operations';
import { wsApiAttempt, type Endpoint } from './handshake';
import { heartbeat, heartbeatTiming, type HeartbeatOptions } from './heartbeat';
import { describeFailure, frameParser, wsApiPing, type InboundMessage } from './inbound';
import { readySession, type ConnectionListener, type WsApiSession } from './ready-session';
import { retryWithBackoff, type ReconnectOptions } from './reconnect';
import { ConnectionStateMachine } from './state';
import type { WebSocketFactory } from './websocket';

export type { Endpoint } from './handshake';
export type { InboundMessage } from './inbound';
export type { ConnectionListener, SessionLink } from './ready-session';
export type { ReconnectOptions } from './reconnect';

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
  /** Every timer of the connection (tests inject a virtual clock), and the heartbeat's verdict. */
  readonly scheduler?: SchedulerLike;
  readonly afterInput?: HeartbeatOptions['afterInput'];
  /**
   * After a 400002 refusal (timestamp off): measures the server clock so that the next URL is
   * signed with it; rejects with the error to close with when it cannot. Without it, 400002
   * closes the connection like any refusal.
   */
  readonly resyncClock?: (refusal: AuthenticationError) => Promise<void>;
}

/** Auth refusals and misconfiguration: retrying cannot help. */
const isFatal = (error: Error): boolean =>
  error instanceof AuthenticationError || error instanceof ConfigurationError;

/**
 * One WebSocket connection of one wsKey, for the life of the client, as one shared stream:
 *
 * `defer(endpoint → sign URL) → socket$ → handshake → session → heartbeat`, retried with
 * exponential backoff and full jitter (`retryWithBackoff`), `share()`d between the request
 * layer and state$. A fresh URL is signed for every attempt. Auth refusals and
 * misconfiguration end it at once; so does running out of attempts. Only transport/ touches
 * sockets.
 */
export class Connection {
  readonly wsKey: WSAPIWsKey;
  readonly state: ConnectionStateMachine;
  /** Emits once, on close(): the live socket closes gracefully, a pending attempt or wait ends. */
  private readonly closing$ = new ReplaySubject<void>(1);
  private readonly sessions$: Observable<WsApiSession>;
  private running: { readonly subscription: Subscription; readonly ended: Promise<void> } | undefined;

  constructor(
    private readonly config: ConnectionConfig,
    private readonly listener: ConnectionListener,
  ) {
    this.wsKey = config.wsKey;
    this.state = new ConnectionStateMachine(config.wsKey);
    this.sessions$ = this.connect().pipe(share());
  }

  /** Starts connecting, once; later calls do nothing. */
  start(): void {
    if (this.running !== undefined || this.state.status !== 'idle') return;
    const subscription = new Subscription();
    const ended = new Promise<void>((resolve) => {
      // The request layer first: queued requests go out before anyone who watches state$ can add new ones.
      // (Failures reach it through `onFailure` in the retry policy; the end, through the state.)
      subscription.add(
        this.sessions$.subscribe({ next: (session) => this.listener.ready(session), error: () => undefined }),
      );
      subscription.add(
        this.sessions$.subscribe({
          next: () => this.state.to('ready'),
          error: (error: Error) => {
            resolve();
            this.finish(error);
          },
          complete: resolve,
        }),
      );
    });
    this.running = { subscription, ended };
  }

  /**
   * Closes for good: stops reconnecting, closes a live socket with a closing handshake, and
   * resolves once it is gone (cut after a short grace period). Clears every timer.
   */
  async close(error?: Error): Promise<void> {
    this.state.to('closed', error === undefined ? {} : { error });
    this.closing$.next();
    await this.running?.ended;
    this.running?.subscription.unsubscribe();
  }

  private finish(error: Error): void {
    if (this.state.status === 'closed') return;
    this.state.to('closed', { error });
    this.config.onFatal(error);
  }

  /** Every attempt in turn: the stream `sessions$` shares. */
  private connect(): Observable<WsApiSession> {
    const { config, listener, closing$ } = this;
    const scheduler = config.scheduler ?? asyncScheduler;
    const parse = frameParser(config.wsKey, listener, config.messages);
    return defer(() => {
      // Set by a clock correction, cleared by a session that became ready: one correction per refusal.
      let clockCorrected = false;
      let pings = 0;
      return wsApiAttempt({
        endpoint: config.endpoint,
        makeWebSocket: config.makeWebSocket,
        handshakeTimeoutMs: config.handshakeTimeoutMs,
        close$: closing$,
        scheduler,
        afterInput: config.afterInput,
        frames: {
          parse,
          unexpected: (raw) =>
            listener.exception(new ProtocolError('unexpected frame during the session handshake'), raw),
        },
        onConnecting: () => this.state.to('connecting'),
        onOpen: () => this.state.to('authenticating'),
      }).pipe(
        switchMap((session) => {
          clockCorrected = false;
          return readySession(session, {
            parse,
            listener,
            maxBufferedBytes: config.maxBufferedBytes,
            scheduler,
          });
        }),
        heartbeat(
          (session: WsApiSession) => ({
            socket: session.socket,
            intervalMs: session.welcome.pingIntervalMs,
            timeoutMs: session.welcome.pingTimeoutMs,
            ping: () => wsApiPing(++pings),
          }),
          { scheduler, afterInput: config.afterInput },
        ),
        catchError((error: unknown) => throwError(() => describeFailure(error))),
        retryWithBackoff<WsApiSession>({
          ...config.reconnect,
          isFatal,
          random: config.random,
          scheduler,
          stop$: closing$,
          // A welcome alone does not reset the count; a session that stayed ready for a ping interval does.
          stableAfterMs: (s) => heartbeatTiming(s.welcome.pingIntervalMs, s.welcome.pingTimeoutMs).intervalMs,
          onFailure: (error) => listener.lost(error),
          recover: (error) => {
            const resync = config.resyncClock;
            if (resync === undefined || clockCorrected) return undefined;
            if (!(error instanceof AuthenticationError) || error.code !== CODES.TIMESTAMP_OFF)
              return undefined;
            // The clock is off, not the credentials: sign with the server's time and try again
            // at once. A second 400002 right after this is final.
            clockCorrected = true;
            return resync(error);
          },
          onRetry: ({ attempt, error, delayMs }) =>
            this.state.to('reconnecting', { attempt, error, retryInMs: delayMs }),
        }),
      );
    });
  }
}
