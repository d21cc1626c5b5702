/**
 * The offset between the exchange's clock and this machine's: `serverTime - (t0 + t1) / 2`,
 * where the server time was read between local times `t0` (request sent) and `t1` (answer
 * received). Half the round trip is taken off: the server most likely read its clock midway.
 */
export function clockOffset(t0: number, serverTime: number, t1: number): number {
  return Math.round(serverTime - (t0 + t1) / 2);
}

/**
 * A reading of the server clock whose round trip is at most this long (ms) is taken as it is:
 * its offset is off by at most half of it, a tenth of the 5 s KuCoin allows a timestamp.
 */
export const USEFUL_ROUND_TRIP_MS = 1_000;

/** How many readings one measurement takes at most, while their round trips are longer than that. */
export const MAX_CLOCK_READINGS = 3;

/**
 * The time requests are signed with: the local clock plus the offset last measured against
 * the exchange (0 until a 400002 refusal makes the client measure it). One measurement runs
 * at a time: refusals that arrive together share it.
 *
 * A reading's offset is off by at most half its round trip (the server read its clock at some
 * moment between sending and receiving). A stall of either side during the request (a GC or
 * debugger pause, CPU-bound code) makes that bound large: a reading whose round trip is longer
 * than USEFUL_ROUND_TRIP_MS is taken again, up to MAX_CLOCK_READINGS readings in all, and the one
 * with the shortest round trip is adopted.
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
   * Reads the server time with `read` (more than once when a round trip is too long, see above)
   * and adopts the offset of the reading with the shortest round trip. Resolves with the new
   * offset; rejects (keeping the old one) when the first `read` fails (a later one that fails
   * ends the measurement with the best reading so far). A call while a measurement runs shares it.
   */
  measure(read: () => Promise<number>): Promise<number> {
    if (this.measuring === undefined) {
      const run = async (): Promise<number> => {
        let best: { offset: number; roundTrip: number } | undefined = undefined;
        for (let reading = 1; reading <= MAX_CLOCK_READINGS; reading++) {
          const t0 = this.local();
          let serverTime: number;
          try {
            serverTime = await read();
          } catch (error) {
            if (best === undefined) throw error;
            break;
          }
          const t1 = this.local();
          const roundTrip = t1 - t0;
          if (best === undefined || roundTrip < best.roundTrip)
            best = { offset: clockOffset(t0, serverTime, t1), roundTrip };
          if (best.roundTrip <= USEFUL_ROUND_TRIP_MS) break;
        }
        this.offset = (best as { offset: number }).offset;
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
