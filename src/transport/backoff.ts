import { safeDelay } from '../safe-delay';

/** How reconnect delays grow. */
export interface BackoffOptions {
  /** The ceiling of the first retry's delay (ms). */
  readonly initialDelayMs: number;
  /** The largest ceiling (ms): delays stop growing here. */
  readonly maxDelayMs: number;
}

/**
 * The upper bound of the delay before retry number `attempt` (1 for the first retry):
 * `initialDelayMs` doubled per attempt, capped at `maxDelayMs` and at what a timer can wait
 * (`maxDelayMs: Infinity` would otherwise become a 1 ms reconnect storm once the doubling passes it).
 */
export function backoffCeiling(attempt: number, options: BackoffOptions): number {
  const exponent = Math.max(0, Math.floor(attempt) - 1);
  return safeDelay(Math.min(options.maxDelayMs, options.initialDelayMs * 2 ** exponent));
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
