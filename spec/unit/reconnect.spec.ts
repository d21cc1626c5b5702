import { defer, Observable, Subject, throwError } from 'rxjs';
import { backoffCeiling } from '../../src/transport/backoff';
import { retryWithBackoff, type RetryInfo, type RetryPolicy } from '../../src/transport/reconnect';
import { microtasks, VirtualClock } from '../support/virtual-clock';

const backoff = { initialDelayMs: 100, maxDelayMs: 800 };

/** A source that fails each subscription at once, counting them; `then` decides per attempt. */
function failing(then: (n: number) => Observable<string> = (n) => throwError(() => new Error(`drop ${n}`))) {
  let subscriptions = 0;
  const source = defer(() => then(++subscriptions));
  return { source, count: () => subscriptions };
}

function run(source: Observable<string>, policy: Partial<RetryPolicy<string>> = {}) {
  const clock = new VirtualClock();
  const retries: RetryInfo[] = [];
  const failures: string[] = [];
  const seen: string[] = [];
  let ended: Error | 'complete' | undefined;
  const subscription = source
    .pipe(
      retryWithBackoff<string>({
        ...backoff,
        maxAttempts: Infinity,
        random: () => 0.5,
        scheduler: clock,
        onRetry: (r) => retries.push(r),
        onFailure: (e) => failures.push(e.message),
        ...policy,
      }),
    )
    .subscribe({
      next: (v) => seen.push(v),
      error: (e: Error) => (ended = e),
      complete: () => (ended = 'complete'),
    });
  return { clock, retries, failures, seen, ended: () => ended, subscription };
}

describe('retryWithBackoff (virtual clock)', () => {
  it('waits the jittered backoff before each new subscription, the ceiling doubling up to maxDelayMs', () => {
    const { source, count } = failing();
    const { clock, retries, subscription } = run(source);
    expect(count()).toBe(1);
    const expected = [1, 2, 3, 4, 5, 6].map((attempt) => Math.floor(0.5 * backoffCeiling(attempt, backoff)));
    expect(expected).toEqual([50, 100, 200, 400, 400, 400]);
    for (const [i, delay] of expected.entries()) {
      expect(retries[i]).toMatchObject({ attempt: i + 1, delayMs: delay });
      clock.advance(delay - 1);
      expect(count()).toBe(i + 1); // not a millisecond early
      clock.advance(1);
      expect(count()).toBe(i + 2);
    }
    subscription.unsubscribe();
    expect(clock.pending).toBe(0);
  });

  it('full jitter: the delay is random() × the ceiling, from 0 up to just under it', () => {
    for (const [random, delay] of [
      [0, 0],
      [0.999, 99],
    ] as const) {
      const { retries, subscription } = run(failing().source, { random: () => random });
      expect(retries[0].delayMs).toBe(delay);
      subscription.unsubscribe();
    }
  });

  it('gives up after maxAttempts retries in a row with the last error', () => {
    const { source, count } = failing();
    const { clock, ended, retries } = run(source, { maxAttempts: 3 });
    clock.advance(10_000);
    expect(count()).toBe(4); // the first attempt and three retries
    expect(retries.map((r) => r.attempt)).toEqual([1, 2, 3]);
    expect((ended() as Error).message).toBe('drop 4');
  });

  it('a fatal error ends the stream at once, without a retry; every failure is reported first', () => {
    const { source, count } = failing((n) => throwError(() => new Error(n === 1 ? 'drop' : 'refused')));
    const { clock, ended, retries, failures } = run(source, { isFatal: (e) => e.message === 'refused' });
    clock.advance(10_000);
    expect(count()).toBe(2);
    expect(retries).toHaveLength(1);
    expect(failures).toEqual(['drop', 'refused']);
    expect((ended() as Error).message).toBe('refused');
  });

  it('a value that stayed current for stableAfterMs resets the count; one dropped sooner does not', () => {
    // Each attempt emits a session, which drops after `lives[n]` ms.
    const lives = [0, 10, 10, 500, 10];
    const clock = new VirtualClock();
    const source = failing(
      (n) =>
        new Observable<string>((s) => {
          s.next(`s${n}`);
          const drop = clock.schedule(() => s.error(new Error(`drop ${n}`)), lives[n - 1] ?? 10);
          return () => drop.unsubscribe();
        }),
    ).source;
    const retries: RetryInfo[] = [];
    source
      .pipe(
        retryWithBackoff<string>({
          ...backoff,
          maxAttempts: Infinity,
          random: () => 0,
          scheduler: clock,
          stableAfterMs: () => 100,
          onRetry: (r) => retries.push(r),
        }),
      )
      .subscribe();
    clock.advance(2_000);
    // Attempts 1–3 drop at once and count up; the 4th lived 500 ms, so its drop counts as the first again.
    expect(retries.slice(0, 5).map((r) => r.attempt)).toEqual([1, 2, 3, 1, 2]);
  });

  it('recover: waits for what it returns instead of the backoff and retries at once (counted as an attempt)', async () => {
    const { source, count } = failing();
    const resynced = new Subject<void>();
    const { clock, retries, subscription } = run(source, {
      recover: (_e, attempt) => (attempt === 1 ? resynced : undefined),
    });
    expect(retries[0]).toMatchObject({ attempt: 1, delayMs: 0 });
    clock.advance(10_000);
    expect(count()).toBe(1); // waits for the recovery, not for a timer
    resynced.next();
    expect(count()).toBe(2);
    expect(retries[1]).toMatchObject({ attempt: 2, delayMs: 100 });
    await microtasks();
    subscription.unsubscribe();
  });

  it('stop$ ends the wait for the next attempt: the stream completes, nothing is retried', () => {
    const { source, count } = failing();
    const stop = new Subject<void>();
    const { clock, ended } = run(source, { stop$: stop });
    clock.advance(10);
    stop.next();
    expect(ended()).toBe('complete');
    clock.advance(10_000);
    expect(count()).toBe(1);
    expect(clock.pending).toBe(0);
  });

  it('every subscriber counts its own failures', () => {
    const clock = new VirtualClock();
    const { source, count } = failing();
    const retried = source.pipe(
      retryWithBackoff<string>({ ...backoff, maxAttempts: 1, scheduler: clock, random: () => 0 }),
    );
    const errors: unknown[] = [];
    retried.subscribe({ error: (e) => errors.push(e) });
    clock.advance(0);
    expect([count(), errors.length]).toEqual([2, 1]);
    retried.subscribe({ error: (e) => errors.push(e) });
    clock.advance(0);
    // A count shared between subscribers would end the second one after its first failure.
    expect([count(), errors.length]).toEqual([4, 2]);
  });
});
