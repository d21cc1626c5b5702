import { VirtualTimeScheduler } from 'rxjs';

/**
 * A virtual clock for transport unit tests: inject it as the `scheduler`, then move time on
 * with `advance` (every action due runs, in time order). Nothing waits for real time.
 */
export class VirtualClock extends VirtualTimeScheduler {
  /** Runs every action due within `ms` from now, in order, and leaves the clock at now + ms. */
  advance(ms: number): void {
    const target = this.frame + ms;
    this.maxFrames = target;
    this.flush();
    this.frame = target;
  }

  /** Scheduled actions not run yet (0: nothing left behind). */
  get pending(): number {
    return this.actions.length;
  }
}

/**
 * Stands in for "after the input already waiting has been read" (setImmediate in Node): the
 * verdicts queue up until the test says a loop turn has passed.
 */
export class LoopTurns {
  private queue: Array<() => void> = [];
  readonly afterInput = (fn: () => void): (() => void) => {
    this.queue.push(fn);
    return () => {
      this.queue = this.queue.filter((f) => f !== fn);
    };
  };
  /** One loop turn: runs what waited for it. */
  turn(): void {
    const due = this.queue;
    this.queue = [];
    for (const fn of due) fn();
  }
  get pending(): number {
    return this.queue.length;
  }
}

/** Lets promise reactions (a signer, an endpoint) run. */
export const microtasks = async (): Promise<void> => {
  for (let i = 0; i < 10; i++) await Promise.resolve();
};
