import { filter, map, take, timer, type Observable, type SchedulerLike, asyncScheduler } from 'rxjs';
import { safeDelay } from '../safe-delay';
import type { Corkable } from './websocket';

/** A corked tick releases its frames every this many (one writev each). */
const FLUSH_EVERY = 32;
/** How much a tick has written: nothing, one frame, or more (and the TCP socket is corked). */
const IDLE = 0;
const WROTE = 1;
const CORKED = 2;
/** Queues the end of a tick as a microtask: see corkedWriter. */
const RESOLVED = Promise.resolve();

/**
 * Wraps `send` so that the frames written in one tick leave together. Over a Node TCP socket
 * the first frame of a tick goes out at once; a second one in the same tick corks the socket,
 * and the end of the tick uncorks it: a burst of requests (or those issued while handling one
 * chunk of answers) leaves in one writev per 32 frames instead of one syscall per frame, while
 * a lone request is not held back at all. Without a TCP socket (browsers, fakes) it is `send`.
 *
 * The end of the tick is a microtask: it runs after the microtasks already queued, which
 * include the reactions to every answer of the chunk being handled, so the requests they
 * issue are held by the same cork. Cheaper than process.nextTick, and not Node-only. It is
 * queued with `then` on a resolved promise rather than `queueMicrotask`: the same microtask at
 * the same point, but Node's queueMicrotask makes an AsyncResource and a bound function per
 * call, about 4 µs of CPU and 250 B on the sequential path (bench/profile.ts; docs/benchmarks.md).
 * `endTick` only uncorks, so it cannot turn into an unhandled rejection.
 */
export function corkedWriter(
  send: (text: string) => void,
  tcp: Corkable | undefined,
): (text: string) => void {
  if (tcp === undefined) return send;
  let tick: typeof IDLE | typeof WROTE | typeof CORKED = IDLE;
  let held = 0;
  const endTick = (): void => {
    if (tick === CORKED) tcp.uncork();
    tick = IDLE;
  };
  return (text) => {
    if (tick === IDLE) {
      tick = WROTE;
      void RESOLVED.then(endTick);
    } else if (tick === WROTE) {
      tick = CORKED;
      held = 0;
      tcp.cork();
    } else if (++held === FLUSH_EVERY) {
      // A long burst leaves in slices, so that the gateway starts on it while the rest is
      // still being built (one corked tick of 20,000 frames would make it wait for all).
      held = 0;
      tcp.uncork();
      tcp.cork();
    }
    send(text);
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
