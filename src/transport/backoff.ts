/** How reconnect delays grow. */
export interface BackoffOptions {
  /** The ceiling of the first retry's delay (ms). */
  readonly initialDelayMs: number;
  /** The largest ceiling (ms): delays stop growing here. */
  readonly maxDelayMs: number;
}

/**
 * setTimeout's largest delay: a longer one (rxjs `timer` included) fires after 1 ms, which
 * would turn `maxDelayMs: Infinity` into a reconnect storm once the doubling passes it.
 */
export const MAX_TIMER_MS = 2 ** 31 - 1;

/**
 * The upper bound of the delay before retry number `attempt` (1 for the first retry):
 * `initialDelayMs` doubled per attempt, capped at `maxDelayMs` and at {@link MAX_TIMER_MS}.
 */
export function backoffCeiling(attempt: number, options: BackoffOptions): number {
  const exponent = Math.max(0, Math.floor(attempt) - 1);
  return Math.min(options.maxDelayMs, MAX_TIMER_MS, options.initialDelayMs * 2 ** exponent);
}

/**
 * The delay before retry number `attempt`, with full jitter: uniform in [0, ceiling). Full
 * jitter spreads many clients that lost the gateway at the same moment across the whole
 * window instead of reconnecting in waves. `random` is injectable for tests.
 */
export function backoffDelay(
  attempt: number,
  options: BackoffOptions,
  random: () => number = Math.random,
): number {
  return Math.floor(random() * backoffCeiling(attempt, options));
}
