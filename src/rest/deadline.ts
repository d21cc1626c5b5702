import { safeDelay } from '../safe-delay';
import { nextTurn } from '../transport/pending-input';

/**
 * A timer that fires this much later than due (ms) says this process's event loop was blocked
 * at the deadline (CPU-bound code, a GC or debugger pause), not that the server is slow.
 */
export const LATE_TIMER_MS = 100;

/**
 * How many loop turns the verdict of a due deadline may be put off while the answer keeps
 * moving on (its head, then each chunk of its body, read during the turn before).
 */
export const MAX_VERDICT_TURNS = 16;

export interface RestDeadlineOptions {
  /** Runs a function in the next loop turn, after its poll phase; returns a canceller (default `nextTurn`). */
  readonly afterInput?: (fn: () => void) => () => void;
  /** A monotonic clock (ms). */
  readonly now?: () => number;
}

/**
 * The timeout of one REST request, which a stall of this process does not turn into a timeout:
 *
 * - Node runs due timers before it reads sockets, so after a stall the answer may be waiting,
 *   unread, when the timer fires. The verdict therefore waits for the next loop turn, after its
 *   poll phase (`nextTurn`), and again, up to MAX_VERDICT_TURNS turns, as long as the answer
 *   moved on (`progress()`) in the turn before. (The WS API's deadlines follow the frames their
 *   sockets read instead, with `afterPendingInput`; one wait inside the other would multiply
 *   their bounds.)
 * - A timer that fires more than LATE_TIMER_MS late means the loop was blocked at the deadline:
 *   the request may not even have been written (fetch writes it from the event loop). It then
 *   gets its `timeoutMs` once more, from the moment the loop runs again; once per request.
 *
 * So a server that says nothing times out `timeoutMs` and one loop turn after the request, or,
 * when this process stalled over the deadline, `timeoutMs` and one turn after the stall.
 */
export class RestDeadline {
  private timer: ReturnType<typeof setTimeout> | undefined;
  private cancelVerdict: (() => void) | undefined = undefined;
  private dueAt: number;
  private extended = false;
  private progressCount = 0;
  private readonly afterInput: (fn: () => void) => () => void;
  private readonly now: () => number;

  constructor(
    private readonly timeoutMs: number,
    private readonly timeOut: () => void,
    options: RestDeadlineOptions = {},
  ) {
    this.afterInput = options.afterInput ?? nextTurn;
    this.now = options.now ?? (() => performance.now());
    this.dueAt = this.now() + timeoutMs;
    this.timer = setTimeout(this.due, safeDelay(timeoutMs));
  }

  /** The answer moved on (its head arrived, a chunk of its body was read). */
  progress(): void {
    this.progressCount++;
  }

  /** The request ended (answered or failed): no verdict. */
  stop(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
    this.cancelVerdict?.();
    this.cancelVerdict = undefined;
  }

  private readonly due = (): void => {
    this.timer = undefined;
    const now = this.now();
    if (!this.extended && now - this.dueAt > LATE_TIMER_MS) {
      this.extended = true;
      this.dueAt = now + this.timeoutMs;
      this.timer = setTimeout(this.due, safeDelay(this.timeoutMs));
      return;
    }
    this.judge(1, this.progressCount);
  };

  private judge(turn: number, seen: number): void {
    this.cancelVerdict = this.afterInput(() => {
      this.cancelVerdict = undefined;
      if (this.progressCount !== seen && turn < MAX_VERDICT_TURNS) this.judge(turn + 1, this.progressCount);
      else this.timeOut();
    });
  }
}
