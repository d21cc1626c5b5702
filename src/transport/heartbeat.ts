type TimerHandle = ReturnType<typeof setTimeout>;

/**
 * Keep-alive of one session (PROTOCOL.md §3): a ping every `intervalMs`; if no frame at all
 * arrives within `timeoutMs` of a ping, the link is dead. Any inbound frame proves the link
 * alive, so the hot path only sets `heard = true`: no timer is touched per frame.
 */
export class Heartbeat {
  /** Set by the connection on every inbound frame. */
  heard = true;
  private interval: TimerHandle | undefined = undefined;
  private deadline: TimerHandle | undefined = undefined;

  constructor(
    private readonly intervalMs: number,
    private readonly timeoutMs: number,
    private readonly ping: () => void,
    private readonly dead: () => void,
  ) {}

  /** Starts pinging (once the session is ready). */
  start(): void {
    if (this.interval === undefined) this.interval = setInterval(this.tick, this.intervalMs);
  }

  /** Stops pinging and watching; clears both timers. */
  stop(): void {
    if (this.interval !== undefined) clearInterval(this.interval);
    if (this.deadline !== undefined) clearTimeout(this.deadline);
    this.interval = this.deadline = undefined;
  }

  private readonly tick = (): void => {
    if (this.deadline === undefined) {
      this.heard = false;
      this.deadline = setTimeout(this.check, this.timeoutMs);
    }
    this.ping();
  };

  private readonly check = (): void => {
    this.deadline = undefined;
    if (!this.heard) {
      this.stop();
      this.dead();
    }
  };
}
