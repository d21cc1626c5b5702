import { filter, map, take, timer, type Observable, type SchedulerLike, asyncScheduler } from 'rxjs';
import { safeDelay } from '../safe-delay';
import type { Corkable } from './websocket';

/** A corked tick releases its frames every this many (one writev each). */
const FLUSH_EVERY = 32;
/**
 * What has been written since the last inbound frame or the end of the last corked tick:
 * nothing, one frame (sent at once), or more (the TCP socket is corked until the tick ends).
 */
const IDLE = 0;
const WROTE = 1;
const CORKED = 2;
/** Queues the end of a corked tick as a microtask: see TickWriter. */
const RESOLVED = Promise.resolve();

/** A socket's writes, with the frames written together leaving together. */
export interface TickWriter {
  /** Writes one frame. */
  write(text: string): void;
  /** An inbound frame arrived: a tick of its own, so the next frame written goes out at once. */
  arrived(): void;
}

/**
 * Writes through `send` so that frames written together leave together. Over a Node TCP
 * socket a frame written on its own goes out at once; a second one before the next inbound
 * frame corks the socket, and the end of that tick uncorks it: a burst of requests (or those
 * issued while handling one chunk of answers) leaves in one writev per 32 frames instead of
 * one syscall per frame, while a lone request is not held back at all.
 * Without a TCP socket (browsers, fakes) it is `send`.
 *
 * Only a corked tick is marked with a microtask, so the request-answer-request rhythm of
 * sequential calls costs none: the inbound frame (a tick of its own) clears the mark the
 * write before it left, instead of a microtask queued per write (one promise reaction and
 * about 100 B per call, bench/hot-path.ts). A frame written in a later tick with no inbound
 * frame between is corked with any others of that tick and leaves when its microtasks are
 * done, never later.
 *
 * The end of the tick is a microtask: it runs after the microtasks already queued, which
 * include the reactions to every answer of the chunk being handled, so the requests they
 * issue are held by the same cork. Cheaper than process.nextTick, and not Node-only. It is
 * queued with `then` on a resolved promise rather than `queueMicrotask`: the same microtask at
 * the same point, but Node's queueMicrotask makes an AsyncResource and a bound function per
 * call, about 4 µs of CPU and 250 B on the sequential path (bench/profile.ts; docs/benchmarks.md).
 * `endTick` only uncorks, so it cannot turn into an unhandled rejection.
 */
export function tickWriter(send: (text: string) => void, tcp: Corkable | undefined): TickWriter {
  if (tcp === undefined) return { write: send, arrived: () => undefined };
  let tick: typeof IDLE | typeof WROTE | typeof CORKED = IDLE;
  let held = 0;
  const endTick = (): void => {
    tcp.uncork();
    tick = IDLE;
  };
  return {
    write: (text) => {
      if (tick === IDLE) tick = WROTE;
      else if (tick === WROTE) {
        tick = CORKED;
        held = 0;
        tcp.cork();
        void RESOLVED.then(endTick);
      } else if (++held === FLUSH_EVERY) {
        // A long burst leaves in slices, so that the gateway starts on it while the rest is
        // still being built (one corked tick of 20,000 frames would make it wait for all).
        held = 0;
        tcp.uncork();
        tcp.cork();
      }
      send(text);
    },
    arrived: () => {
      // A corked tick is left to its own end, which uncorks.
      if (tick === WROTE) tick = IDLE;
    },
  };
}

/** How often a socket above its high-water mark is checked for having drained (ms). */
export const DRAIN_CHECK_MS = 10;

/**
 * Emits once, then completes, when `bufferedAmount()` is back below `highWaterMark`: checked
 * every {@link DRAIN_CHECK_MS} (sockets do not say when they drain). Unsubscribe to stop.
 */
export function drained$(
  bufferedAmount: () => number,
  highWaterMark: number,
  scheduler: SchedulerLike = asyncScheduler,
): Observable<void> {
  const every = safeDelay(DRAIN_CHECK_MS);
  return timer(every, every, scheduler).pipe(
    filter(() => bufferedAmount() < highWaterMark),
    take(1),
    map(() => undefined),
  );
}
