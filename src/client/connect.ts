import { combineLatest, map, Subscription, type Observable } from 'rxjs';
import { excerpt, TimeoutError, ValidationError } from '../errors';
import { WS_KEY_MAP, type WSAPIWsKey } from '../operations';
import { MAX_TIMER_MS, safeDelay } from '../safe-delay';
import type { PushWsKey } from '../push/push-key';
import type { ConnectionState } from '../transport/state';
import type { ConnectOptions } from './options';

/** `connect()`, `connect(options)`, `connect(wsKey)` or `connect(wsKey, options)` → the wsKey and options. */
export function connectArguments(
  keyOrOptions: WSAPIWsKey | ConnectOptions,
  maybeOptions: ConnectOptions,
): [WSAPIWsKey, ConnectOptions] {
  return typeof keyOrOptions === 'object' && keyOrOptions !== null
    ? [WS_KEY_MAP.wsApiSpotV1, keyOrOptions]
    : [keyOrOptions, maybeOptions];
}

/**
 * Throws a ValidationError for options that are not an object or a `signal` that is not an
 * AbortSignal, a RangeError for a `timeoutMs` that cannot work, and `signal.reason` when it
 * has aborted.
 */
export function checkConnectOptions(options: ConnectOptions): void {
  const invalid = (field: string, rule: string): ValidationError =>
    new ValidationError([{ field, rule }], { op: 'connect' });
  if (typeof options !== 'object' || options === null) throw invalid('(options)', 'must be an object');
  const { signal, timeoutMs } = options;
  if (
    timeoutMs !== undefined &&
    (typeof timeoutMs !== 'number' || Number.isNaN(timeoutMs) || timeoutMs <= 0)
  ) {
    throw new RangeError('connect() option timeoutMs must be a number > 0');
  }
  if (signal !== undefined && !isAbortSignal(signal)) throw invalid('signal', 'must be an AbortSignal');
  signal?.throwIfAborted();
}

/** An AbortSignal by what connect() uses of it (one from another realm or a polyfill counts). */
function isAbortSignal(u: unknown): u is AbortSignal {
  const s = u as Partial<AbortSignal> | null;
  return (
    typeof u === 'object' &&
    s !== null &&
    typeof s.throwIfAborted === 'function' &&
    typeof s.addEventListener === 'function' &&
    typeof s.removeEventListener === 'function'
  );
}

/** The push connection that carries the order events of a WS API connection's market. */
export function pushKeyOf(wsKey: WSAPIWsKey): PushWsKey {
  return wsKey === WS_KEY_MAP.wsApiFuturesV1 ? 'pushFutures' : 'pushSpot';
}

/**
 * One state for two connections that must both be ready: the first one's while it is not
 * ready, then the second one's (so `closed` of either ends the wait, with its error).
 */
export function bothReady(
  first$: Observable<ConnectionState>,
  second$: Observable<ConnectionState>,
): Observable<ConnectionState> {
  return combineLatest([first$, second$]).pipe(
    map(([first, second]) => (first.status === 'ready' || second.status === 'closed' ? second : first)),
  );
}

/** A connection as `connect()` watches it. */
export interface ReadyTarget {
  readonly wsKey: WSAPIWsKey;
  /** Its states, replaying the current one. */
  readonly state$: Observable<ConnectionState>;
  /** Why its last attempt failed, while not ready. */
  linkError(): Error | undefined;
}

/**
 * Resolves when the connection is ready. Rejects with the closed state's error, with
 * `signal.reason` on abort, or with a TimeoutError after `timeoutMs`. Stops watching either way.
 */
export function waitUntilReady(target: ReadyTarget, { signal, timeoutMs }: ConnectOptions): Promise<void> {
  const { wsKey } = target;
  return new Promise<void>((resolve, reject) => {
    let settled = false;
    /** The key of the last state seen: the connection still not ready, for the timeout's message. */
    let waitingFor: string = wsKey;
    let timer: ReturnType<typeof setTimeout> | undefined;
    // A container first: the replayed state may settle during subscribe(), and adding to a
    // closed container unsubscribes at once.
    const subscription = new Subscription();
    const settle = (error?: unknown): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      signal?.removeEventListener('abort', onAbort);
      subscription.unsubscribe();
      if (error === undefined) resolve();
      else reject(error);
    };
    const onAbort = (): void => settle(signal?.reason);
    signal?.addEventListener('abort', onAbort, { once: true });
    if (timeoutMs !== undefined && timeoutMs < MAX_TIMER_MS) {
      timer = setTimeout(() => {
        const cause = target.linkError();
        const msg = `${waitingFor} not ready within ${timeoutMs} ms${cause === undefined ? '' : ` (last connection error: ${excerpt(cause.message)})`}`;
        settle(new TimeoutError({ op: 'connect', timeoutMs, sent: false, cause, msg }));
      }, safeDelay(timeoutMs));
    }
    subscription.add(
      target.state$.subscribe((s) => {
        waitingFor = s.wsKey;
        if (s.status === 'ready') settle();
        else if (s.status === 'closed') settle(s.error ?? new Error(`${s.wsKey} connection closed`));
      }),
    );
  });
}
