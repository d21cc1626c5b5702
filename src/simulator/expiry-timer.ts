import { safeDelay } from '../safe-delay';
import type { ExchangeApi } from './exchange/types';

/**
 * Expires the exchange's GTT orders when they are due. The exchange itself has no timers (it is
 * deterministic for a sequence of requests and applies due expiries at the start of each); the
 * gateway arms this after every request, so that an order placed with `cancelAfter` on an
 * otherwise idle simulator is cancelled on time, its `canceled` event pushed. One timer, for
 * the earliest expiry.
 */
export class ExpiryTimer {
  private timer: ReturnType<typeof setTimeout> | undefined = undefined;
  /** When the armed timer fires (the gateway's clock, ms). */
  private at: number | undefined = undefined;
  private stopped = false;
  /** The timer fired while the gateway was paused: the expiry waits for `resumed`. */
  private held = false;

  constructor(
    private readonly exchange: ExchangeApi,
    private readonly clock: () => number,
    /** Whether the gateway is paused (`faults.pause()`): nothing changes then, expiries included. */
    private readonly paused: () => boolean = () => false,
  ) {}

  /** Arms for the earliest expiry, unless none is due or the armed timer comes first. */
  arm(): void {
    const next = this.exchange.nextExpiry?.();
    if (next === undefined || this.stopped) return;
    if (this.timer !== undefined) {
      if ((this.at as number) <= next) return;
      clearTimeout(this.timer);
    }
    this.at = next;
    this.timer = setTimeout(this.fire, safeDelay(next - this.clock() + 1, 1));
  }

  /** The gateway answers again: what came due during the pause expires now. */
  resumed(): void {
    if (!this.held || this.stopped) return;
    this.held = false;
    this.fire();
  }

  /** Stops for good (the gateway is closing). */
  stop(): void {
    this.stopped = true;
    if (this.timer !== undefined) clearTimeout(this.timer);
    this.timer = undefined;
  }

  private readonly fire = (): void => {
    this.timer = undefined;
    this.at = undefined;
    // A paused gateway changes nothing (its push events would be dropped, and nobody could
    // tell the order had ended): the expiry waits for the resume.
    if (this.paused()) {
      this.held = true;
      return;
    }
    this.exchange.expire?.(this.clock());
    this.arm();
  };
}
