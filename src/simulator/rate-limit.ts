/** One account's fixed window. Kept on the session so the hot path does no Map lookup. */
export interface RateWindow {
  readonly limit: number;
  readonly windowMs: number;
  /** Start of the current window (gateway clock, ms). */
  start: number;
  used: number;
}

/**
 * Fixed-window quota per API key, shared by all of the key's sessions. A window opens with
 * the first request after the previous one expired (KuCoin does not say where its windows
 * start; this makes `reset` count down from the first request, like the documented example).
 */
export class RateLimiter {
  private readonly windows = new Map<string, RateWindow>();

  constructor(
    readonly limit: number,
    readonly windowMs: number,
  ) {}

  /** The window of one key, created on first use. */
  windowOf(apiKey: string): RateWindow {
    let w = this.windows.get(apiKey);
    if (w === undefined) {
      w = { limit: this.limit, windowMs: this.windowMs, start: -Infinity, used: 0 };
      this.windows.set(apiKey, w);
    }
    return w;
  }
}

/** Rolls the window forward when it has expired. */
function roll(w: RateWindow, now: number): void {
  if (now - w.start >= w.windowMs) {
    w.start = now;
    w.used = 0;
  }
}

/** Takes one request from the quota; false when the quota is spent (the request is refused). */
export function consume(w: RateWindow, now: number): boolean {
  roll(w, now);
  if (w.used >= w.limit) return false;
  w.used++;
  return true;
}

/** The envelope's `rateLimit` object as JSON text, without taking from the quota. */
export function rateLimitJson(w: RateWindow, now: number): string {
  // An expired window is reported as a fresh one; it only opens with the next request.
  if (now - w.start >= w.windowMs) return `{"limit":${w.limit},"reset":${w.windowMs},"remaining":${w.limit}}`;
  const reset = w.start + w.windowMs - now;
  return `{"limit":${w.limit},"reset":${reset},"remaining":${w.limit - w.used}}`;
}
