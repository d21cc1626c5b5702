import {
  asyncScheduler,
  defer,
  from,
  map,
  retry,
  takeUntil,
  tap,
  throwError,
  timer,
  type MonoTypeOperatorFunction,
  type Observable,
  type ObservableInput,
  type SchedulerLike,
} from 'rxjs';
import { safeDelay } from '../safe-delay';
import { backoffDelay, type BackoffOptions } from './backoff';

/** Reconnect policy: exponential backoff with full jitter. */
export interface ReconnectOptions extends BackoffOptions {
  /** Reconnect attempts in a row before the client gives up and closes (default unbounded). */
  readonly maxAttempts: number;
}

/** One retry about to happen, as `onRetry` hears it. */
export interface RetryInfo {
  /** Failures in a row, this one included: 1 for the first retry. */
  readonly attempt: number;
  readonly error: Error;
  /** How long it waits before subscribing again (ms; 0 after a `recover`). */
  readonly delayMs: number;
}

export interface RetryPolicy<T> extends ReconnectOptions {
  /** Errors that no retry can help (auth refusals, bad configuration): they end the stream at once. */
  readonly isFatal?: (error: Error) => boolean;
  /**
   * How long (ms) a value must have been the latest before a failure no longer counts as one
   * more in a row. A session that is dropped right after its welcome does not reset the count,
   * so a gateway that does that forever still meets `maxAttempts`. Default 0.
   */
  readonly stableAfterMs?: (value: T) => number;
  /** Tried first for every failure: an Observable to wait for instead of the backoff (then retry at once), or undefined. */
  readonly recover?: (error: Error, attempt: number) => ObservableInput<unknown> | undefined;
  /** Every failure, before the policy decides (the request layer fails what was written). */
  readonly onFailure?: (error: Error) => void;
  /** Every retry, before its wait (state$ reports it). */
  readonly onRetry?: (retry: RetryInfo) => void;
  /** An emission ends the stream (completes) instead of the wait for the next attempt. */
  readonly stop$?: Observable<unknown>;
  /** Jitter source, injectable for tests. */
  readonly random?: () => number;
  readonly scheduler?: SchedulerLike;
}

/**
 * Reconnection as an operator: `retry({ delay })` with exponential backoff and full jitter
 * (see backoff.ts). On each error it counts the failures in a row (reset by a value that
 * stayed current for `stableAfterMs`), then ends the stream with the error if it is fatal or
 * the count passes `maxAttempts`, else waits the jittered delay and subscribes to the source
 * again. The count lives in the subscription: every subscriber has its own.
 */
export function retryWithBackoff<T>(policy: RetryPolicy<T>): MonoTypeOperatorFunction<T> {
  const scheduler = policy.scheduler ?? asyncScheduler;
  const stopped = <V>(wait: Observable<V>): Observable<V> =>
    policy.stop$ === undefined ? wait : wait.pipe(takeUntil(policy.stop$));
  return (source) =>
    defer(() => {
      let failures = 0;
      let currentSince: number | undefined;
      let stableAfterMs = 0;
      return source.pipe(
        tap((value) => {
          currentSince = scheduler.now();
          stableAfterMs = policy.stableAfterMs?.(value) ?? 0;
        }),
        retry({
          delay: (thrown: unknown) => {
            const error = thrown instanceof Error ? thrown : new Error(String(thrown));
            if (currentSince !== undefined && scheduler.now() - currentSince >= stableAfterMs) failures = 0;
            currentSince = undefined;
            const attempt = failures + 1;
            policy.onFailure?.(error);
            const recovery = policy.recover?.(error, attempt);
            if (recovery !== undefined) {
              failures = attempt;
              policy.onRetry?.({ attempt, error, delayMs: 0 });
              return stopped(from(recovery).pipe(map(() => 0)));
            }
            if (policy.isFatal?.(error) === true || attempt > policy.maxAttempts)
              return throwError(() => error);
            failures = attempt;
            const delayMs = backoffDelay(attempt, policy, policy.random);
            policy.onRetry?.({ attempt, error, delayMs });
            return stopped(timer(safeDelay(delayMs), scheduler));
          },
        }),
      );
    });
}
