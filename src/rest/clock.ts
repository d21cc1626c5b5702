/**
 * The offset between the exchange's clock and this machine's: `serverTime - (t0 + t1) / 2`,
 * where the server time was read between local times `t0` (request sent) and `t1` (answer
 * received). Half the round trip is taken off: the server most likely read its clock midway.
 */
export function clockOffset(t0: number, serverTime: number, t1: number): number {
  return Math.round(serverTime - (t0 + t1) / 2);
}

/**
 * The time requests are signed with: the local clock plus the offset last measured against
 * the exchange (0 until a 400002 refusal makes the client measure it). One measurement runs
 * at a time: refusals that arrive together share it.
 */
export class ServerClock {
  private offset = 0;
  private measuring: Promise<number> | undefined = undefined;

  constructor(private readonly local: () => number = Date.now) {}

  /** The offset in use (ms; positive when the exchange's clock is ahead of this machine's). */
  get offsetMs(): number {
    return this.offset;
  }

  /** Now, by the exchange's clock as last measured (ms since the epoch). */
  now(): number {
    return this.local() + this.offset;
  }

  /**
   * Reads the server time with `read` and adopts the offset it gives. Resolves with the new
   * offset; rejects (keeping the old one) when `read` fails. A call while a measurement runs
   * shares it.
   */
  measure(read: () => Promise<number>): Promise<number> {
    if (this.measuring === undefined) {
      const run = async (): Promise<number> => {
        const t0 = this.local();
        const serverTime = await read();
        this.offset = clockOffset(t0, serverTime, this.local());
        return this.offset;
      };
      // `.finally` runs its callback asynchronously, after the assignment below, whatever `read` does.
      const measuring: Promise<number> = run().finally(() => {
        if (this.measuring === measuring) this.measuring = undefined;
      });
      this.measuring = measuring;
    }
    return this.measuring;
  }
}
