/**
 * setTimeout's largest delay (2^31 - 1 ms, about 24.8 days). A longer delay, Infinity
 * included, makes Node fire the timer after 1 ms (with a TimeoutOverflowWarning), and rxjs'
 * `timer` and `timeout` inherit that: a backoff, a heartbeat or a rate-limit hold read from a
 * hostile or careless value would turn into a 1 ms loop.
 */
export const MAX_TIMER_MS = 2 ** 31 - 1;

/**
 * The one place where the library turns a wanted delay into one that timers honour: every
 * setTimeout, setInterval, rxjs `timer` and `timeout` in the client goes through here.
 * Rounds up to whole milliseconds, keeps the result within [`minMs`, {@link MAX_TIMER_MS}];
 * NaN counts as `minMs` (the caller decides what an unusable value falls back to beforehand).
 */
export function safeDelay(ms: number, minMs = 0): number {
  if (Number.isNaN(ms)) return minMs;
  return Math.min(MAX_TIMER_MS, Math.max(minMs, Math.ceil(ms)));
}
