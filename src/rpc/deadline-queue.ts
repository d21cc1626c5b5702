import { safeDelay } from '../safe-delay';

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
 */
export class DeadlineQueue<V extends Timed> {
  private readonly entries = new Map<string, V>();
  private timer: TimerHandle | undefined = undefined;

  constructor(
    readonly timeoutMs: number,
    private readonly onExpire: (value: V) => void,
    private readonly now: () => number = performanceNow,
  ) {}

  /** How many entries are waiting. */
  get size(): number {
    return this.entries.size;
  }

  /** Adds an entry; its `createdAt` must not be older than the last added entry's. */
  add(key: string, value: V): void {
    this.entries.set(key, value);
    if (this.timer === undefined) this.arm(value.createdAt + this.timeoutMs);
  }

  /** The entry under `key`, left in place. */
  get(key: string): V | undefined {
    return this.entries.get(key);
  }

  /** Removes and returns the entry under `key` (one lookup, one delete). */
  take(key: string): V | undefined {
    const value = this.entries.get(key);
    if (value !== undefined) this.entries.delete(key);
    return value;
  }

  /** Removes the entry under `key`; true if there was one. */
  delete(key: string): boolean {
    return this.entries.delete(key);
  }

  /** The entries, oldest first. */
  values(): IterableIterator<V> {
    return this.entries.values();
  }

  /** Removes every entry and returns them, oldest first; stops the timer. */
  drain(): V[] {
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
  }

  private arm(deadline: number): void {
    // Capped: an `Infinity` timeout waits in steps of the largest delay a timer takes.
    this.timer = setTimeout(this.expire, safeDelay(deadline - this.now(), 1));
  }

  private readonly expire = (): void => {
    this.timer = undefined;
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
