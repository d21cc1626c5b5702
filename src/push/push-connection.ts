import {
  asyncScheduler,
  catchError,
  concat,
  defer,
  EMPTY,
  finalize,
  from,
  map,
  Observable,
  of,
  ReplaySubject,
  share,
  Subject,
  switchMap,
  tap,
  throwError,
} from 'rxjs';
import { MAX_TEXT_CHARS, printable } from '../codecs/report';
import { AuthenticationError, ConfigurationError, PushClosedError, type ProtocolError } from '../errors';
import type { BulletPrivate } from '../rest/codecs';
import { safeDelay } from '../safe-delay';
import { heartbeat } from '../transport/heartbeat';
import { firstWithin } from '../transport/pending-input';
import type { InboundMessage } from '../transport/inbound';
import { retryWithBackoff, type ReconnectOptions } from '../transport/reconnect';
import { session$, type Session } from '../transport/session';
import { socket$, SocketClosedError } from '../transport/socket';
import type { WebSocketFactory } from '../transport/websocket';
import type { OrderUpdate, PushMarket } from './order-update';
import { pushEndpoint, redactPushUrl, type PushEndpoint } from './push-endpoint';
import { PUSH_WS_KEYS, type PushWsKey } from './push-key';
import { orderEvents, pushHandshake, PushTokenRefusedError } from './push-session';
import { PushStateMachine } from './push-state';

export interface PushConnectionConfig {
  readonly market: PushMarket;
  /** A push token for the market (`bullet-private` on the market's REST host). */
  readonly bulletPrivate: (market: PushMarket) => Promise<BulletPrivate>;
  readonly makeWebSocket: WebSocketFactory;
  readonly reconnect: ReconnectOptions;
  /** From starting an attempt (token included) to the subscription's ack, at most (ms). */
  readonly handshakeTimeoutMs: number;
  /** A frame the connection could not use. */
  readonly exception: (wsKey: PushWsKey, error: ProtocolError, raw: string) => void;
  /** `messages$`: every parsed frame goes there while it is observed. */
  readonly messages?: Subject<InboundMessage>;
  /** Jitter source, injectable for tests. */
  readonly random?: () => number;
}

let connectIds = 0;
/** A connectId for the push URL: unique in this process, nothing secret in it. */
const nextConnectId = (): string => `rx${Date.now().toString(36)}${(++connectIds).toString(36)}`;

/** Refusals and misconfiguration: retrying cannot help. */
const isFatal = (error: Error): boolean =>
  error instanceof AuthenticationError || error instanceof ConfigurationError;

/** A readable error for a failed attempt, without the token. */
function describe(error: unknown): Error {
  if (error instanceof AuthenticationError || error instanceof ConfigurationError) return error;
  if (error instanceof PushTokenRefusedError) return error;
  if (error instanceof TypeError || error instanceof ReferenceError) {
    return new ConfigurationError(
      `the WebSocket transport failed: ${redactPushUrl(`${error.name}: ${error.message}`)}`,
    );
  }
  if (!(error instanceof SocketClosedError)) return error instanceof Error ? error : new Error(String(error));
  const reason = error.reason;
  const close = error.code === undefined ? '' : ` (close ${error.code}${reason ? ` ${reason}` : ''})`;
  const what =
    error.message === '' || error.message === 'Normal closure' ? 'push socket closed' : error.message;
  return new Error(printable(redactPushUrl(`${what}${close}`), 2 * MAX_TEXT_CHARS));
}

/** The factory, with a throw turned into a ConfigurationError that names no token. */
function guarded(makeWebSocket: WebSocketFactory): WebSocketFactory {
  return (url, protocols) => {
    try {
      return makeWebSocket(url, protocols);
    } catch (e) {
      throw new ConfigurationError(
        `cannot open a WebSocket: ${redactPushUrl(e instanceof Error ? e.message : String(e))}`,
      );
    }
  };
}

/**
 * The push connection of one market, on the transport's operators:
 *
 * `bullet-private` token → socket$ → session$ (welcome, subscribe, ack) → heartbeat →
 * order events, under retryWithBackoff (the WS API's backoff and full jitter; a session that
 * stayed subscribed for a ping interval resets the count), subscribing again after every
 * reconnect. A token is reused only after a session it opened was welcomed; one the server
 * refuses (`401 token is expired`) is replaced, at once if it expired under a working session.
 *
 * `updates$` is shared and refcounted: the first subscriber opens the connection, the last
 * one to leave cuts it (its state goes back to `idle`). Credential refusals and
 * misconfiguration close it for good (`updates$` errors with them), as does running out of
 * `reconnect.maxAttempts`; `close()` closes the socket with a closing handshake and completes it.
 */
export class PushConnection {
  readonly wsKey: PushWsKey;
  readonly state: PushStateMachine;
  /** Every order event of the account on this market, while subscribed (opens the connection). */
  readonly updates$: Observable<OrderUpdate>;
  /** Emits each time a session's subscription is acknowledged (first connect and every reconnect). */
  readonly subscribed$: Observable<PushMarket>;

  private readonly subscribedSubject = new Subject<PushMarket>();
  /**
   * Emits once on close() and replays it: the socket closes gracefully and every wait ends,
   * also those that start after close() (a token fetch under way then).
   */
  private readonly closing$ = new ReplaySubject<void>(1);
  private closed = false;
  /** Why the connection closed for good, when it did on its own. */
  private fatal: Error | undefined = undefined;
  /** Resolves when the current subscription's stream has ended (its socket gone). */
  private ended: Promise<void> | undefined = undefined;
  /**
   * The token in use: kept while sessions it opens are welcomed. A #private field: a push token
   * reads the account's order events for a day, and util.inspect or an object walker must not
   * reach it from the client.
   */
  #bullet: Promise<BulletPrivate> | undefined = undefined;
  /** Whether a session opened with the token in use was welcomed (then failed attempts keep it). */
  private bulletWelcomed = false;
  /** Failures in a row, as the last retry counted them (0 until the first). */
  private attempts = 0;
  private subscribedNow = false;
  /** Set by a token refused under a welcomed session: the next attempt goes at once, once. */
  private renewAtOnce = false;
  /** Told each event before the subscribers of `updates$` (the client's order tracker). */
  private first: ((update: OrderUpdate) => void) | undefined = undefined;

  constructor(private readonly config: PushConnectionConfig) {
    this.wsKey = PUSH_WS_KEYS[config.market];
    this.state = new PushStateMachine(this.wsKey);
    this.subscribed$ = this.subscribedSubject.asObservable();
    this.updates$ = defer(() => this.open()).pipe(
      share({ resetOnError: true, resetOnComplete: true, resetOnRefCountZero: true }),
    );
  }

  /** Why the connection closed for good on its own (credentials refused, misconfiguration). */
  get failure(): Error | undefined {
    return this.fatal;
  }

  /** Whether a session is subscribed right now (order events flow). */
  get isSubscribed(): boolean {
    return this.subscribedNow;
  }

  /**
   * `listener` is told each event before any subscriber of `updates$` is: the order tracker, so
   * that an order's stream has its event even when an earlier subscriber of `orderUpdates$`
   * closes the client on it. It only listens: subscribing to `updates$` is what opens the
   * connection.
   */
  tellFirst(listener: (update: OrderUpdate) => void): void {
    this.first = listener;
  }

  /**
   * Closes for good: the socket closes with a closing handshake (cut after a grace period),
   * `updates$` completes for its subscribers, and the state ends `closed`, with `error` when
   * given (why the client closed, when it was not `close()`). Resolves once the socket is gone.
   */
  async close(error?: Error): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.closing$.next();
    this.subscribedSubject.complete();
    this.state.to('closed', error === undefined ? {} : { error });
    await this.ended;
  }

  /** One shared subscription's life: attempts, retried, until unsubscribed, closed or fatal. */
  private open(): Observable<OrderUpdate> {
    if (this.closed) return EMPTY;
    const fatal = this.fatal;
    if (fatal !== undefined) return throwError(() => fatal);
    let end!: () => void;
    this.ended = new Promise<void>((resolve) => (end = resolve));
    this.attempts = 0;
    // The sessions go through the retry operator; their events go straight to the subscriber.
    return new Observable<OrderUpdate>((subscriber) =>
      this.sessions((update) => {
        this.first?.(update);
        subscriber.next(update);
      }).subscribe({
        error: (error: unknown) => subscriber.error(error),
        complete: () => subscriber.complete(),
      }),
    ).pipe(
      finalize(() => {
        this.subscribedNow = false;
        if (!this.closed && this.fatal === undefined) this.state.to('idle', { attempt: 0 });
        end();
      }),
    );
  }

  /** The subscribed sessions, one per attempt, retried; each passes its events to `emit`. */
  private sessions(emit: (update: OrderUpdate) => void): Observable<Session<PushEndpoint>> {
    return defer(() => this.attempt(emit)).pipe(
      retryWithBackoff<Session<PushEndpoint>>({
        ...this.config.reconnect,
        isFatal,
        stableAfterMs: (session) => session.welcome.pingIntervalMs,
        recover: () => {
          if (!this.renewAtOnce) return undefined;
          // The token expired under a working session: fetch a new one now, once.
          this.renewAtOnce = false;
          return of(0);
        },
        onFailure: () => {
          this.subscribedNow = false;
        },
        onRetry: ({ attempt, error, delayMs }) => {
          this.attempts = attempt;
          this.state.to('reconnecting', { attempt, error, retryInMs: delayMs });
        },
        stop$: this.closing$,
        random: this.config.random,
      }),
      catchError((thrown: unknown) => {
        // A refusal or misconfiguration ends it as it is; any other error only after the
        // retries ran out (the policy retries everything else), said in a typed error.
        const error = isFatal(thrown as Error)
          ? (thrown as Error)
          : new PushClosedError({
              wsKey: this.wsKey,
              attempts: this.config.reconnect.maxAttempts,
              cause: thrown as Error,
            });
        this.fatal = error;
        this.subscribedNow = false;
        this.state.to('closed', { error });
        return throwError(() => error);
      }),
    );
  }

  private token(): Promise<BulletPrivate> {
    if (this.#bullet === undefined) {
      this.bulletWelcomed = false;
      this.#bullet = this.config.bulletPrivate(this.config.market);
    }
    return this.#bullet;
  }

  /** One attempt: token, socket, handshake, heartbeat; emits the subscribed session, then its events go to `emit`. */
  private attempt(emit: (update: OrderUpdate) => void): Observable<Session<PushEndpoint>> {
    const { market, handshakeTimeoutMs } = this.config;
    if (this.closed) return EMPTY;
    this.state.to('connecting', { attempt: this.attempts });
    let welcomed = false;
    let pings = 0;
    const exception = (error: ProtocolError, raw: string): void =>
      this.config.exception(this.wsKey, error, raw);
    const ms = safeDelay(handshakeTimeoutMs, 1);
    return from(this.token()).pipe(
      map((bullet) => pushEndpoint(bullet, nextConnectId())),
      switchMap((endpoint) =>
        this.closed
          ? EMPTY
          : session$(
              socket$({
                url: endpoint.url,
                makeWebSocket: guarded(this.config.makeWebSocket),
                close$: this.closing$,
              }),
              (socket) => {
                this.state.to('authenticating');
                return pushHandshake(socket, market, endpoint, {
                  welcomed: () => {
                    welcomed = true;
                    this.bulletWelcomed = true;
                  },
                  exception,
                  messages: this.config.messages,
                });
              },
            ),
      ),
      firstWithin(
        ms,
        () => new Error(`push ${this.wsKey}: not subscribed within ${ms} ms of connecting`),
        asyncScheduler,
      ),
      heartbeat((session: Session<PushEndpoint>) => ({
        socket: session.socket,
        intervalMs: session.welcome.pingIntervalMs,
        timeoutMs: session.welcome.pingTimeoutMs,
        ping: () => `{"id":"${session.welcome.connectId}-ping-${++pings}","type":"ping"}`,
      })),
      tap(() => {
        this.subscribedNow = true;
        this.renewAtOnce = false;
        this.state.to('ready', { attempt: this.attempts });
        this.subscribedSubject.next(market);
      }),
      switchMap((session) =>
        concat(of(session), orderEvents(session.socket, market, emit, exception, this.config.messages)),
      ),
      catchError((error: unknown) => {
        this.subscribedNow = false;
        // A token that never opened a welcomed session, or that the server refused, is not
        // used again; one that did is kept across failures that never reached a refusal of
        // it (socket refused, handshake timed out): no token fetch per retry.
        if (!this.bulletWelcomed || error instanceof PushTokenRefusedError) this.#bullet = undefined;
        if (error instanceof PushTokenRefusedError && welcomed) this.renewAtOnce = true;
        return throwError(() => describe(error));
      }),
    );
  }
}
