import { safeDelay } from '../safe-delay';

type TimerHandle = ReturnType<typeof setTimeout>;

/** docs/protocol.md §2's welcome values, used when a gateway sends unusable ones. */
export const DEFAULT_PING_INTERVAL_MS = 18_000;
export const DEFAULT_PING_TIMEOUT_MS = 10_000;
const MIN_TIMER_MS = 10;
/** Never more than 10 pings a second, whatever the gateway asks for. */
export const MIN_PING_INTERVAL_MS = 100;

/**
 * The gateway's timing values are input: 0, a negative, NaN or more than setTimeout can hold
 * (which Node turns into 1 ms) would make the client ping in a tight loop.
 */
export function safeTimerMs(value: number, fallback: number, minMs = MIN_TIMER_MS): number {
  if (!Number.isFinite(value) || value <= 0) return fallback;
  return safeDelay(value, minMs);
}

const NUMERIC = /^\s*\d+(\.\d+)?\s*$/;

/**
 * A welcome's `pingInterval` / `pingTimeout` as a number: a number as it is, a numeric string
 * read, anything else (missing, null, text) NaN, which the heartbeat replaces by its default.
 */
export function welcomeTiming(value: unknown): number {
  if (typeof value === 'number') return value;
  if (typeof value === 'string' && NUMERIC.test(value)) return Number(value);
  return Number.NaN;
}

/**
 * Keep-alive of one session (docs/protocol.md §3): a ping every `intervalMs`; if no frame at all
 * arrives within `timeoutMs` of a ping, the link is dead. Any inbound frame proves the link
 * alive, so the hot path only sets `heard = true`: no timer is touched per frame.
 *
 * A stalled event loop (a GC pause, CPU-bound code) must not kill a healthy link: Node runs
 * due timers before it reads sockets, so when the deadline fires the pong may be waiting,
 * unread. The verdict is therefore deferred by one turn (setImmediate: after the poll phase),
 * and the link is dead only if nothing was heard by then either.
 */
export class Heartbeat {
  /** Set by the connection on every inbound frame. */
  heard = true;
  private interval: TimerHandle | undefined = undefined;
  private deadline: TimerHandle | undefined = undefined;
  /** Set while the verdict waits for the socket to be read; cancels it. */
  private verdict: (() => void) | undefined = undefined;

  /** The ping interval and pong timeout in use, after defaults and caps (ms). */
  readonly intervalMs: number;
  readonly timeoutMs: number;

  constructor(
    intervalMs: number,
    timeoutMs: number,
    private readonly ping: () => void,
    private readonly dead: () => void,
  ) {
    this.intervalMs = safeTimerMs(intervalMs, DEFAULT_PING_INTERVAL_MS, MIN_PING_INTERVAL_MS);
    this.timeoutMs = safeTimerMs(timeoutMs, DEFAULT_PING_TIMEOUT_MS);
  }

  /** Starts pinging (once the session is ready). */
  start(): void {
    if (this.interval === undefined) this.interval = setInterval(this.tick, this.intervalMs);
  }

  /** Stops pinging and watching; clears both timers. */
  stop(): void {
    if (this.interval !== undefined) clearInterval(this.interval);
    if (this.deadline !== undefined) clearTimeout(this.deadline);
    this.verdict?.();
    this.interval = this.deadline = this.verdict = undefined;
  }

  private readonly tick = (): void => {
    if (this.deadline === undefined && this.verdict === undefined) {
      this.heard = false;
      this.deadline = setTimeout(this.check, this.timeoutMs);
    }
    this.ping();
  };

  private readonly check = (): void => {
    this.deadline = undefined;
    if (this.heard) return;
    this.verdict = afterPendingInput(() => {
      this.verdict = undefined;
      if (this.heard) return;
      this.stop();
      this.dead();
    });
  };
}

/**
 * Runs `fn` once the input that is already waiting has been read: Node's setImmediate runs
 * after the poll phase of the current loop turn. Elsewhere (browsers) a zero timeout is the
 * nearest: queued socket messages are older tasks. Returns a function that cancels it.
 */
function afterPendingInput(fn: () => void): () => void {
  if (typeof setImmediate === 'function') {
    const handle = setImmediate(fn);
    return () => clearImmediate(handle);
  }
  const handle = setTimeout(fn, 0);
  return () => clearTimeout(handle);
}
