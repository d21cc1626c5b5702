import { safeDelay } from '../safe-delay';

/** A session the sweeper may close. */
export interface IdleSession {
  /** When its last frame was read (the gateway's clock, ms). */
  readonly lastActivity: number;
  closeIdle(): void;
}

/**
 * Closes the sessions that sent no frame for `limit` ms (pingInterval + pingTimeout), looking
 * every quarter of it (at most every second). A stalled process (a GC pause, a blocked loop, a
 * descheduled process: the simulator shares one with the client in tests and with `testnet`)
 * runs due timers before it reads its sockets, so a session whose next frame already waits,
 * unread, looks idle when the timer fires. A session that looks idle is therefore closed only
 * if it still does once the input already waiting has been read: one setImmediate (after the
 * poll phase of this turn) per look that finds any, none otherwise. The client's own heartbeat
 * waits the same way before it declares a gateway dead.
 */
export class IdleSweeper<S extends IdleSession> {
  private readonly timer: NodeJS.Timeout;
  private deferred: NodeJS.Immediate | undefined = undefined;

  constructor(
    private readonly sessions: () => Iterable<S>,
    private readonly limit: number,
    private readonly clock: () => number,
    /** Sessions the sweeper may close at all (default: every one). */
    private readonly eligible: (session: S) => boolean = () => true,
  ) {
    this.timer = setInterval(() => this.look(), safeDelay(Math.min(1_000, Math.floor(limit / 4)), 5));
    this.timer.unref();
  }

  /** Stops looking (the gateway closes). */
  stop(): void {
    clearInterval(this.timer);
    if (this.deferred !== undefined) clearImmediate(this.deferred);
    this.deferred = undefined;
  }

  private idle(now: number): S[] {
    const idle: S[] = [];
    for (const s of this.sessions()) if (this.eligible(s) && now - s.lastActivity > this.limit) idle.push(s);
    return idle;
  }

  private look(): void {
    if (this.deferred !== undefined || this.idle(this.clock()).length === 0) return;
    this.deferred = setImmediate(() => {
      this.deferred = undefined;
      for (const s of this.idle(this.clock())) s.closeIdle();
    });
  }
}
