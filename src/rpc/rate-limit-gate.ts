import type { RateLimit } from '../codecs/envelope';
import { safeDelay } from '../safe-delay';

type TimerHandle = ReturnType<typeof setTimeout>;

/**
 * The opt-in send gate (`rateLimitGate: true`): holds requests instead of letting the gateway
 * refuse them with 429000.
 *
 * The last answer's `remaining` already counts every request the gateway had processed; the
 * requests written since and not yet answered will take from it too. So the client may write
 * while `remaining - inFlight > 0`, and once `reset` has passed the whole `limit` is back.
 * Until the first answer tells the quota, one request at a time probes it. One gate serves
 * every connection of a client, because the gateway counts the quota per API key.
 */
export class RateLimitGate {
  private limit = 0;
  private remaining = 1;
  private resetAt = 0;
  private inFlight = 0;
  private timer: TimerHandle | undefined = undefined;
  private readonly waiters = new Set<() => void>();

  constructor(private readonly now: () => number = () => performance.now()) {}

  /** Takes one request's worth of quota; false means hold the request. */
  tryAcquire(): boolean {
    const now = this.now();
    const budget = (now >= this.resetAt && this.limit > 0 ? this.limit : this.remaining) - this.inFlight;
    if (budget <= 0) return false;
    this.inFlight++;
    return true;
  }

  /** A written request was answered; `rateLimit` is the answer's quota, when it had one. */
  answered(rateLimit: RateLimit | undefined): void {
    if (this.inFlight > 0) this.inFlight--;
    if (rateLimit !== undefined) {
      this.limit = rateLimit.limit;
      this.remaining = rateLimit.remaining;
      this.resetAt = this.now() + safeDelay(rateLimit.reset);
    }
    this.wake();
  }

  /**
   * A written request will never be answered (timed out, or its connection died). The
   * gateway may well have counted it — answers come in order, so it is not in the last
   * `remaining` yet — so its unit stays spent until the window resets: giving it back would
   * let the next request through into a 429000. While the quota is still unknown (the probe),
   * it is given back, or nothing could ever be sent again.
   */
  released(): void {
    if (this.inFlight > 0) this.inFlight--;
    if (this.limit > 0 && this.remaining > 0) this.remaining--;
    this.wake();
  }

  /** Calls `waiter` when quota may be available again (after an answer or the window reset). */
  wait(waiter: () => void): void {
    this.waiters.add(waiter);
    // Once the reset has passed, only requests in flight hold the quota, and each of them
    // ends in `answered` or `released`, which wake the waiters: a timer would only poll.
    if (this.timer === undefined && this.limit > 0 && this.resetAt > this.now()) {
      this.timer = setTimeout(
        () => {
          this.timer = undefined;
          this.wake();
        },
        safeDelay(this.resetAt - this.now() + 1, 1),
      );
    }
  }

  /** Forgets the waiters and stops the timer (client closed). */
  dispose(): void {
    this.waiters.clear();
    if (this.timer !== undefined) clearTimeout(this.timer);
    this.timer = undefined;
  }

  private wake(): void {
    if (this.waiters.size === 0) return;
    const waiters = [...this.waiters];
    this.waiters.clear();
    for (const w of waiters) w();
  }
}
