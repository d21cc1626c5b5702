import { Observable, type MonoTypeOperatorFunction, type SchedulerLike } from 'rxjs';

/**
 * Waiting for the input that a stalled event loop left unread. After a stall (CPU-bound code,
 * a GC or debugger pause, a descheduled process) Node runs due timers before it reads sockets,
 * so a deadline that fires then may have its answer waiting, unread. Each read takes at most
 * 64 KB per socket and turn, and what did not fit in the socket's receive buffer still sits on
 * the sender's side behind TCP flow control: after a stall of seconds with thousands of
 * answers in flight, reading them takes several turns.
 */

/** Frames read so far by every socket of the clients in this process (socket.ts counts them). */
let framesRead = 0;

/** One inbound frame was read (any WS API or push socket). */
export function frameRead(): void {
  framesRead++;
}

/** A flood must not put a verdict off for ever: at most this many turns… */
const MAX_TURNS = 10_000;
/** …and this long (ms) after the first. */
const MAX_WAIT_MS = 10_000;
/**
 * A turn that read nothing is confirmed after this long (ms): the sender may be refilling the
 * socket (it was held back by flow control until the last read made room).
 */
const QUIET_MS = 2;
/**
 * …at most this many times per verdict. A steady stream of frames (a busy push channel) brings
 * one now and then, within any pause: it must not put the verdict off until MAX_WAIT_MS.
 */
const MAX_PAUSES = 3;

/**
 * Runs `fn` once the input already waiting has been read: after the next turn's poll phase
 * (Node's setImmediate; elsewhere, as browsers have no such phase, a zero timeout, which runs
 * after the socket messages queued before it), and then again after each turn that still read
 * frames, until a turn read none and no frame came in a pause of {@link QUIET_MS} after it
 * (at most {@link MAX_PAUSES} pauses per verdict, {@link MAX_TURNS} turns or {@link MAX_WAIT_MS}). Without
 * a stall that is one turn and a couple of ms (under a steady stream of frames, a few); a
 * verdict on a deadline (a request's timeout, a handshake's, a heartbeat's) waits for it, so
 * that an answer that came in time is read first. Returns a function that cancels it.
 */
export function afterPendingInput(fn: () => void): () => void {
  const started = performance.now();
  let seen = framesRead;
  let turns = 0;
  let pauses = 0;
  let paused = false;
  let cancel: () => void;
  const turn = (): void => {
    const more = framesRead !== seen;
    seen = framesRead;
    if (++turns < MAX_TURNS && performance.now() - started < MAX_WAIT_MS) {
      // Frames came: another turn at once. None: once more after a short pause, unless this
      // was the pause (nothing came in it) or the pauses are used up.
      paused = !more && !paused && pauses < MAX_PAUSES;
      if (more || paused) {
        if (paused) pauses++;
        cancel = later(turn, paused ? QUIET_MS : -1);
        return;
      }
    }
    fn();
  };
  cancel = later(turn, -1);
  return () => cancel();
}

/**
 * Runs `fn` in the next loop turn, after its poll phase (one read of each socket), and no
 * later: for a verdict that follows its own sign of progress, as a REST request's does.
 * Returns a canceller.
 */
export function nextTurn(fn: () => void): () => void {
  return later(fn, -1);
}

/** Runs `fn` after `ms`, or (-1) in the next turn after its poll phase; returns a canceller. */
function later(fn: () => void, ms: number): () => void {
  if (ms < 0 && typeof setImmediate === 'function') {
    const handle = setImmediate(fn);
    return () => clearImmediate(handle);
  }
  const handle = setTimeout(fn, Math.max(ms, 0));
  return () => clearTimeout(handle);
}

/**
 * As rxjs' `timeout({ first: ms })`: errors with `error()` unless the source emits within `ms`
 * of being subscribed to (later values, errors and completion pass through). But the verdict
 * waits until the input waiting when the time is up has been read (`afterInput`), so a value
 * that came in time, unread because the event loop was stalled, still counts: a handshake's
 * welcome, a push subscription's ack.
 */
export function firstWithin<T>(
  ms: number,
  error: () => Error,
  scheduler: SchedulerLike,
  afterInput: (fn: () => void) => () => void = afterPendingInput,
): MonoTypeOperatorFunction<T> {
  return (source) =>
    new Observable<T>((subscriber) => {
      let emitted = false;
      let verdict: (() => void) | undefined;
      const timer = scheduler.schedule(() => {
        verdict = afterInput(() => {
          verdict = undefined;
          if (!emitted) subscriber.error(error());
        });
      }, ms);
      const subscription = source.subscribe({
        next: (value) => {
          if (!emitted) {
            emitted = true;
            timer.unsubscribe();
            verdict?.();
            verdict = undefined;
          }
          subscriber.next(value);
        },
        error: (e: unknown) => subscriber.error(e),
        complete: () => subscriber.complete(),
      });
      return () => {
        timer.unsubscribe();
        verdict?.();
        subscription.unsubscribe();
      };
    });
}
