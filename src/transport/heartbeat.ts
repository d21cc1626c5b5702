import {
  asyncScheduler,
  Observable,
  type MonoTypeOperatorFunction,
  type SchedulerLike,
  type Subscription,
} from 'rxjs';
import { safeDelay } from '../safe-delay';
import { afterPendingInput } from './pending-input';
import type { Socket } from './socket';

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

/** The ping interval and pong timeout in use, after defaults and caps (ms). */
export function heartbeatTiming(
  intervalMs: number,
  timeoutMs: number,
): { intervalMs: number; timeoutMs: number } {
  return {
    intervalMs: safeTimerMs(intervalMs, DEFAULT_PING_INTERVAL_MS, MIN_PING_INTERVAL_MS),
    timeoutMs: safeTimerMs(timeoutMs, DEFAULT_PING_TIMEOUT_MS),
  };
}

/** How one session keeps its link alive. */
export interface HeartbeatConfig {
  /** The session's socket: pings are written to it, and any frame it receives proves the link alive. */
  readonly socket: Pick<Socket, 'received' | 'write'>;
  /** Ping every this many ms, and give up when nothing arrives within `timeoutMs` of a ping (as sent by the gateway; unusable values get the defaults). */
  readonly intervalMs: number;
  readonly timeoutMs: number;
  /** The next ping frame's text. */
  readonly ping: () => string;
}

export interface HeartbeatOptions {
  readonly scheduler?: SchedulerLike;
  /**
   * Runs the verdict once the input already waiting has been read (returns a canceller).
   * Default: setImmediate in Node, a zero timeout elsewhere. Tests on a virtual clock inject one.
   */
  readonly afterInput?: (fn: () => void) => () => void;
}

/** The error a dead link ends its session with. */
export function linkDead(timeoutMs: number): Error {
  return new Error(`no frame within ${timeoutMs} ms of a ping: link presumed dead`);
}

/**
 * Keep-alive as an operator on a stream of sessions: each session the source emits is pinged
 * every interval (docs/protocol.md §3) until the next one or the end of the stream; when no
 * frame at all arrives within the timeout of a ping, the stream errors (a retry operator
 * after it then opens a new socket). Any frame proves the link alive, and the hot path only
 * counts frames (`socket.received`): no timer is touched per frame.
 *
 * A stalled event loop (a GC pause, CPU-bound code) must not kill a healthy link: Node runs
 * due timers before it reads sockets, so when the deadline fires the pong may be waiting,
 * unread. The verdict therefore waits until the input waiting then has been read
 * (`afterPendingInput`), and the link is dead only if nothing was heard by then either.
 */
export function heartbeat<S>(
  configOf: (session: S) => HeartbeatConfig,
  options: HeartbeatOptions = {},
): MonoTypeOperatorFunction<S> {
  const scheduler = options.scheduler ?? asyncScheduler;
  const afterInput = options.afterInput ?? afterPendingInput;
  return (source) =>
    new Observable<S>((subscriber) => {
      let watching: Subscription | undefined;
      const subscription = source.subscribe({
        next: (session) => {
          watching?.unsubscribe();
          const config = configOf(session);
          subscriber.next(session);
          if (!subscriber.closed)
            watching = watch(config, scheduler, afterInput).subscribe({ error: (e) => subscriber.error(e) });
        },
        error: (error: unknown) => subscriber.error(error),
        complete: () => subscriber.complete(),
      });
      return () => {
        subscription.unsubscribe();
        watching?.unsubscribe();
      };
    });
}

/** Pings one session; errors when the link is dead, never emits. */
function watch(
  config: HeartbeatConfig,
  scheduler: SchedulerLike,
  afterInput: (fn: () => void) => () => void,
): Observable<never> {
  const { intervalMs, timeoutMs } = heartbeatTiming(config.intervalMs, config.timeoutMs);
  const socket = config.socket;
  return new Observable<never>((subscriber) => {
    /** Frames received when the unanswered ping went out. */
    let mark = 0;
    let deadline: Subscription | undefined;
    let verdict: (() => void) | undefined;
    const check = (): void => {
      deadline = undefined;
      if (socket.received !== mark) return;
      verdict = afterInput(() => {
        verdict = undefined;
        if (socket.received === mark) subscriber.error(linkDead(timeoutMs));
      });
    };
    const pings = scheduler.schedule(function tick() {
      if (deadline === undefined && verdict === undefined) {
        mark = socket.received;
        deadline = scheduler.schedule(check, timeoutMs);
      }
      socket.write(config.ping());
      this.schedule(undefined, intervalMs);
    }, intervalMs);
    return () => {
      pings.unsubscribe();
      deadline?.unsubscribe();
      verdict?.();
    };
  });
}
