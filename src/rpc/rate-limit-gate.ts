import type { RateLimit } from '../codecs/envelope';
import { MAX_RATE_LIMIT_RESET_MS } from '../errors';
import { safeDelay } from '../safe-delay';

type TimerHandle = ReturnType<typeof setTimeout>;

/**
 * The longest a gateway's `reset` may hold the gate shut (ms): the cap a RateLimitError's
 * `reset` has too. A hostile or broken value (3e9, 1e400) must not close it for weeks: after
 * this the gate lets requests through again, and the gateway's next answer says what the
 * quota really is.
 */
export const MAX_GATE_HOLD_MS = MAX_RATE_LIMIT_RESET_MS;

/**
 * The opt-in send gate (`rateLimitGate: true`): holds requests instead of letting the gateway
 * refuse them with 429000.
 *
 * The last answer's `remaining` already counts every request the gateway had processed; the
 * requests written since and not yet answered will take from it too. So the client may write
 * while `remaining - inFlight > 0`, and once `reset` has passed the whole `limit` is back.
 * Until the first answer, one request at a time probes the quota (a burst on a fresh client
 * would otherwise run into 429000 before anything is known). After that the gate never
 * throttles for lack of information: while no answer has reported a quota (`rateLimit` is
 * optional in the envelope) requests pass freely, and a quota of zero (`limit: 0`) holds
 * them only until its reset. One gate serves every connection of a client, because the
 * gateway counts the quota per API key.
 */
export class RateLimitGate {
  /** The last reported quota; undefined until an answer reports one. */
  private limit: number | undefined = undefined;
  /** Whether any answer has come back (until then, one request at a time probes). */
  private answeredOnce = false;
  private remaining = 0;
  private resetAt = 0;
  private inFlight = 0;
  private timer: TimerHandle | undefined = undefined;
  private readonly waiters = new Set<() => void>();

  constructor(private readonly now: () => number = () => performance.now()) {}

  /** Takes one request's worth of quota; false means hold the request. */
  tryAcquire(): boolean {
    const limit = this.limit;
    if (limit === undefined) {
      if (!this.answeredOnce && this.inFlight > 0) return false;
    } else {
      // After the reset the whole limit is back; a limit of 0 says nothing about the next window.
      const budget = this.now() >= this.resetAt ? (limit > 0 ? limit : Infinity) : this.remaining;
      if (budget - this.inFlight <= 0) return false;
    }
    this.inFlight++;
    return true;
  }

  /** A written request was answered; `rateLimit` is the answer's quota, when it had one. */
  answered(rateLimit: RateLimit | undefined): void {
    if (this.inFlight > 0) this.inFlight--;
    this.answeredOnce = true;
    if (rateLimit !== undefined) {
      this.limit = rateLimit.limit;
      this.remaining = rateLimit.remaining;
      this.resetAt = this.now() + safeDelay(Math.min(rateLimit.reset, MAX_GATE_HOLD_MS));
    }
    this.wake();
  }

  /**
   * A written request will never be answered (timed out, or its connection died). The
   * gateway may well have counted it — answers come in order, so it is not in the last
   * `remaining` yet — so its unit stays spent until the window resets: giving it back would
   * let the next request through into a 429000. (The probe's unit is simply given back.)
   */
  released(): void {
    if (this.inFlight > 0) this.inFlight--;
    if (this.remaining > 0) this.remaining--;
    this.wake();
  }

  /** Calls `waiter` when quota may be available again (after an answer or the window reset). */
  wait(waiter: () => void): void {
    this.waiters.add(waiter);
    // Once the reset has passed, only requests in flight hold the quota, and each of them
    // ends in `answered` or `released`, which wake the waiters: a timer would only poll.
    if (this.timer === undefined && this.limit !== undefined && this.resetAt > this.now()) {
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
