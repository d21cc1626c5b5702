import { safeDelay } from '../safe-delay';
import { afterPendingInput } from '../transport/pending-input';

/** Something that started at `createdAt` (ms, on the queue's clock) and may time out. */
export interface Timed {
  readonly createdAt: number;
}

type TimerHandle = ReturnType<typeof setTimeout>;

const performanceNow = (): number => performance.now();

/**
 * A keyed store whose entries expire `timeoutMs` after their `createdAt`, with ONE timer.
 *
 * Every entry shares the same timeout and entries are added in creation order, so the
 * Map's insertion order is also deadline order: the oldest entry is the first to expire.
 * The timer is armed for the oldest entry only; when it fires it expires the head of the
 * Map and re-arms for the next. Settling an entry early is a plain Map delete, O(1), and
 * never touches the timer (it simply finds nothing to expire when it fires). No per-entry
 * setTimeout, no per-entry wrapper object.
 *
 * The newest entry waits in a slot of its own, outside the Map, until the next one is added:
 * with one call at a time (a caller that awaits each call), the answer takes it back from the
 * slot with one string comparison, and the Map is never touched. A Map insert, lookup and
 * delete of a string key cost a few hundred ns together (the keys are hashed, and a Map whose
 * only live entry keeps changing rehashes every few inserts); that was the largest JavaScript
 * frame of the sequential path (bench/profile.ts). Any other operation first moves the slot's
 * entry to the end of the Map (it is the newest), so the Map's order stays deadline order.
 *
 * A stalled event loop (CPU-bound user code, a GC or debugger pause) must not turn answered
 * calls into timeouts: Node runs due timers before it reads sockets, so when the timer fires
 * after a stall the answers may be waiting, unread (after a long stall, more than one turn can
 * read). When the head is due, the sweep therefore waits until the input waiting then has been
 * read (`afterPendingInput`: after the next turn, and each further turn that still read
 * frames, as the heartbeat's verdict does), and only what is still waiting then expires. One
 * deferral per sweep, none per entry.
 */
export class DeadlineQueue<V extends Timed> {
  /** Every entry but the newest, oldest first. */
  private readonly entries = new Map<string, V>();
  /** The newest entry's key and value, while it is in the slot (see above). */
  private slotKey: string | undefined = undefined;
  private slotValue: V | undefined = undefined;
  private timer: TimerHandle | undefined = undefined;
  /** Cancels the sweep deferred until pending input is read, while one is. */
  private deferred: (() => void) | undefined = undefined;

  constructor(
    readonly timeoutMs: number,
    private readonly onExpire: (value: V) => void,
    private readonly now: () => number = performanceNow,
    /** Runs a function once the input already waiting has been read; returns a canceller. */
    private readonly afterInput: (fn: () => void) => () => void = afterPendingInput,
  ) {}

  /** How many entries are waiting. */
  get size(): number {
    return this.entries.size + (this.slotKey === undefined ? 0 : 1);
  }

  /**
   * Adds an entry; its `createdAt` must not be older than the last added entry's, and `key`
   * must not be waiting already (request ids never repeat).
   */
  add(key: string, value: V): void {
    if (this.slotKey === key) {
      this.slotValue = value;
    } else {
      this.spill();
      this.slotKey = key;
      this.slotValue = value;
    }
    if (this.timer === undefined && this.deferred === undefined) this.arm(value.createdAt + this.timeoutMs);
  }

  /** The entry under `key`, left in place. */
  get(key: string): V | undefined {
    return this.slotKey === key ? this.slotValue : this.entries.get(key);
  }

  /** Removes and returns the entry under `key` (the slot, or one Map lookup and one delete). */
  take(key: string): V | undefined {
    if (this.slotKey === key) {
      const value = this.slotValue;
      this.slotKey = undefined;
      this.slotValue = undefined;
      return value;
    }
    const value = this.entries.get(key);
    if (value !== undefined) this.entries.delete(key);
    return value;
  }

  /** Removes the entry under `key`; true if there was one. */
  delete(key: string): boolean {
    return this.take(key) !== undefined;
  }

  /** The entries, oldest first. */
  values(): IterableIterator<V> {
    this.spill();
    return this.entries.values();
  }

  /** Removes every entry and returns them, oldest first; stops the timer. */
  drain(): V[] {
    this.spill();
    const all = [...this.entries.values()];
    this.entries.clear();
    this.stop();
    return all;
  }

  /** Stops the timer (entries stay). Adding an entry arms it again. */
  stop(): void {
    if (this.timer !== undefined) {
      clearTimeout(this.timer);
      this.timer = undefined;
    }
    if (this.deferred !== undefined) {
      this.deferred();
      this.deferred = undefined;
    }
  }

  /** Moves the slot's entry (the newest) to the end of the Map. */
  private spill(): void {
    const key = this.slotKey;
    if (key === undefined) return;
    this.entries.set(key, this.slotValue as V);
    this.slotKey = undefined;
    this.slotValue = undefined;
  }

  private arm(deadline: number): void {
    // Capped: an `Infinity` timeout waits in steps of the largest delay a timer takes.
    this.timer = setTimeout(this.expire, safeDelay(deadline - this.now(), 1));
  }

  private readonly expire = (): void => {
    this.timer = undefined;
    this.spill();
    const head = this.entries.values().next();
    if (head.done === true) return;
    // The old head was settled and the new one is younger: re-arm for its deadline.
    if (head.value.createdAt > this.now() - this.timeoutMs)
      return this.arm(head.value.createdAt + this.timeoutMs);
    // Due: let the socket be read first, then expire what is still waiting.
    this.deferred = this.afterInput(this.sweep);
  };

  private readonly sweep = (): void => {
    this.deferred = undefined;
    this.spill();
    const limit = this.now() - this.timeoutMs;
    for (const [key, value] of this.entries) {
      if (value.createdAt > limit) {
        // onExpire may have run user code that added entries (and armed the timer for a
        // later deadline): the head's deadline is the earliest, so re-arm for it.
        this.stop();
        this.arm(value.createdAt + this.timeoutMs);
        return;
      }
      this.entries.delete(key);
      this.onExpire(value);
    }
  };
}
