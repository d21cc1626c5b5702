import {
  catchError,
  defer,
  EMPTY,
  finalize,
  from,
  map,
  merge,
  mergeMap,
  Observable,
  retry,
  share,
  Subject,
  switchMap,
  takeUntil,
  throwError,
  timer,
} from 'rxjs';
import { AuthenticationError, ConfigurationError, RateLimitError, type ProtocolError } from '../errors';
import type { BulletPrivate } from '../rest/codecs';
import { safeDelay } from '../safe-delay';
import { backoffDelay } from '../transport/backoff';
import type { ReconnectOptions } from '../transport/connection';
import type { TrackedSocket } from '../transport/tracked-socket';
import type { WebSocketFactory } from '../transport/websocket';
import type { OrderUpdate, PushMarket } from './order-update';
import { pushEndpoint } from './push-endpoint';
import { PUSH_WS_KEYS, type PushWsKey } from './push-key';
import { pushSession, PushTokenRefusedError } from './push-session';
import { pushSocket$ } from './push-socket';
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
  /** Jitter source, injectable for tests. */
  readonly random?: () => number;
}

/** How long `close()` waits for the closing handshake before cutting the socket. */
const CLOSE_GRACE_MS = 1_000;

let connectIds = 0;
/** A connectId for the push URL: unique in this process, nothing secret in it. */
const nextConnectId = (): string => `rx${Date.now().toString(36)}${(++connectIds).toString(36)}`;

/** Refusals and misconfiguration: retrying cannot help. */
const isFatal = (error: unknown): boolean =>
  error instanceof AuthenticationError || error instanceof ConfigurationError;

/**
 * The push connection of one market: `bullet-private` token → socket → welcome → subscribe
 * (ack) → order events, with a ping heartbeat, retried with the WS API's backoff and full
 * jitter, subscribing again after every reconnect. A token is reused only after a session it
 * opened was welcomed; one the server refuses (`401 token is expired`) is replaced at once.
 *
 * `updates$` is shared and refcounted: the first subscriber opens the connection, the last
 * one to leave closes it (its state goes back to `idle`). Credential refusals and
 * misconfiguration close it for good (`updates$` errors with them), as does running out of
 * `reconnect.maxAttempts`; `close()` completes it.
 */
export class PushConnection {
  readonly wsKey: PushWsKey;
  readonly state: PushStateMachine;
  /** Every order event of the account on this market, while subscribed (opens the connection). */
  readonly updates$: Observable<OrderUpdate>;
  /** Emits each time a session's subscription is acknowledged (first connect and every reconnect). */
  readonly subscribed$: Observable<PushMarket>;

  private readonly subscribedSubject = new Subject<PushMarket>();
  private readonly closing$ = new Subject<void>();
  private closed = false;
  /** Why the connection closed for good, when it did on its own. */
  private fatal: Error | undefined = undefined;
  private socket: TrackedSocket | undefined = undefined;
  /**
   * The token in use: kept while sessions it opens are welcomed. A #private field: a push token
   * reads the account's order events for a day, and util.inspect or an object walker must not
   * reach it from the client.
   */
  #bullet: Promise<BulletPrivate> | undefined = undefined;
  private retries = 0;
  private readySince: number | undefined = undefined;
  private stableAfterMs = 0;
  private subscribedNow = false;
  /** Set by a refused token after a welcomed session: the next attempt goes at once, once. */
  private renewAtOnce = false;

  constructor(private readonly config: PushConnectionConfig) {
    this.wsKey = PUSH_WS_KEYS[config.market];
    this.state = new PushStateMachine(this.wsKey);
    this.subscribed$ = this.subscribedSubject.asObservable();
    this.updates$ = defer(() => this.open()).pipe(
      share({ resetOnError: true, resetOnComplete: true, resetOnRefCountZero: true }),
    );
  }

  /** Whether a session is subscribed right now (order events flow). */
  get isSubscribed(): boolean {
    return this.subscribedNow;
  }

  /**
   * Closes for good: `updates$` completes for its subscribers, the socket closes with a closing
   * handshake (cut after a short grace period), and the state ends `closed`. Resolves once the
   * socket is gone.
   */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    const socket = this.socket;
    if (socket !== undefined) socket.graceful = true;
    this.closing$.next();
    this.closing$.complete();
    this.subscribedSubject.complete();
    this.state.to('closed');
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

  /** One subscription's life of the connection: attempts, retried, until unsubscribed or closed. */
  private open(): Observable<OrderUpdate> {
    if (this.closed) return EMPTY;
    if (this.fatal !== undefined) {
      const fatal = this.fatal;
      return throwError(() => fatal);
    }
    this.retries = 0;
    return defer(() => this.attempt()).pipe(
      retry({ delay: (error: unknown) => this.afterFailure(error as Error) }),
      catchError((error: unknown) => {
        this.fatal = error as Error;
        this.subscribedNow = false;
        this.state.to('closed', { error: error as Error });
        return throwError(() => error);
      }),
      takeUntil(this.closing$),
      (source) =>
        new Observable<OrderUpdate>((subscriber) => {
          const subscription = source.subscribe(subscriber);
          return () => {
            // The last subscriber left (or the client closes): a closing handshake, not a cut.
            const socket = this.socket;
            if (socket !== undefined) socket.graceful = true;
            subscription.unsubscribe();
          };
        }),
      finalize(() => {
        this.subscribedNow = false;
        this.readySince = undefined;
        if (!this.closed && this.fatal === undefined) this.state.to('idle', { attempt: 0 });
      }),
    );
  }

  private token(): Promise<BulletPrivate> {
    this.#bullet ??= this.config.bulletPrivate(this.config.market);
    return this.#bullet;
  }

  private attempt(): Observable<OrderUpdate> {
    const { market, handshakeTimeoutMs } = this.config;
    this.state.to('connecting', { attempt: this.retries });
    let subscribed = false;
    let welcomed = false;
    const session$ = from(this.token()).pipe(
      map((bullet) => pushEndpoint(bullet, nextConnectId())),
      switchMap((endpoint) =>
        pushSocket$(endpoint.url, this.config.makeWebSocket, (socket) => (this.socket = socket)).pipe(
          switchMap((live) => {
            this.state.to('authenticating');
            return pushSession(live, market, endpoint, {
              welcomed: () => {
                welcomed = true;
              },
              subscribed: () => {
                subscribed = true;
                this.subscribedNow = true;
                this.renewAtOnce = false;
                this.readySince = performance.now();
                this.stableAfterMs = endpoint.pingIntervalMs;
                this.state.to('ready', { attempt: this.retries });
                this.subscribedSubject.next(market);
              },
              exception: (error, raw) => this.config.exception(this.wsKey, error, raw),
            });
          }),
        ),
      ),
      catchError((error: unknown) => {
        this.subscribedNow = false;
        // A token that opened no session (or was refused) is not used again.
        if (!welcomed || error instanceof PushTokenRefusedError) this.#bullet = undefined;
        if (error instanceof PushTokenRefusedError && welcomed) this.renewAtOnce = true;
        return throwError(() => error);
      }),
    );
    const ms = safeDelay(handshakeTimeoutMs, 1);
    const deadline$ = timer(ms).pipe(
      mergeMap(() =>
        subscribed
          ? EMPTY
          : throwError(() => new Error(`push ${this.wsKey}: not subscribed within ${ms} ms of connecting`)),
      ),
    );
    return merge(session$, deadline$);
  }

  /** After a failed attempt: wait (backoff with full jitter) or give up. */
  private afterFailure(error: Error): Observable<number> {
    // As on the WS API: only a session that stayed subscribed for a ping interval resets the
    // count, so a server that drops every session at once is not hammered.
    const readySince = this.readySince;
    this.readySince = undefined;
    if (readySince !== undefined && performance.now() - readySince >= this.stableAfterMs) this.retries = 0;
    const count = this.retries + 1;
    this.retries = count;
    if (this.closed || isFatal(error) || count > this.config.reconnect.maxAttempts)
      return throwError(() => error);
    let delay = backoffDelay(count, this.config.reconnect, this.config.random);
    if (this.renewAtOnce) {
      // The token expired under a working session: fetch a new one now, once.
      this.renewAtOnce = false;
      delay = 0;
    }
    if (error instanceof RateLimitError) delay = Math.max(delay, error.reset);
    this.state.to('reconnecting', { attempt: count, error, retryInMs: delay });
    return timer(safeDelay(delay));
  }
}
