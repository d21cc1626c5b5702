import { mergeMap, pipe, scan, type OperatorFunction } from 'rxjs';
import type { ConnectionState } from '../transport/state';
import type { ClientEventOf } from './events';

/** The events a connection's states become (kucoin-api's lifecycle events). */
export type LifecycleEvent = ClientEventOf<'open' | 'authenticated' | 'reconnect' | 'reconnected' | 'close'>;

/** What the states so far say: whether the connection ever started, and was ready since it last started. */
export interface LifecycleHistory {
  readonly started: boolean;
  /** Ready since the connection last left `idle`: the next `ready` is a reconnect. */
  readonly wasReady: boolean;
  /** The events the last state raised, in order. */
  readonly events: readonly LifecycleEvent[];
}

export const NO_HISTORY: LifecycleHistory = { started: false, wasReady: false, events: [] };

/**
 * One state on top of the history: the events it raises and the history after it. Pure.
 * `open` when the socket is up and the handshake starts, `authenticated` when ready (plus
 * `reconnected` when it had been ready before), `reconnect` on every wait before a retry,
 * and `close` when a connection that ever started closes for good.
 *
 * `idle` raises nothing. A WS API connection is idle only before it first starts; a push
 * connection also goes back to `idle` when the last subscriber of `orderUpdates$` leaves
 * (its socket closes, but not for good: that is `closed`). The next start after it is a
 * first connection again (`open`, `authenticated`, no `reconnected`), and a connection that
 * started once still raises `close` when it closes for good from `idle`.
 */
export function lifecycleStep(history: LifecycleHistory, s: ConnectionState): LifecycleHistory {
  const { wsKey } = s;
  const { started, wasReady } = history;
  switch (s.status) {
    case 'idle':
      return { started, wasReady: false, events: [] };
    case 'connecting':
      return { started: true, wasReady, events: [] };
    case 'authenticating':
      return { started, wasReady, events: [{ type: 'open', wsKey }] };
    case 'ready':
      return {
        started,
        wasReady: true,
        events: wasReady
          ? [
              { type: 'authenticated', wsKey },
              { type: 'reconnected', wsKey, attempt: s.attempt },
            ]
          : [{ type: 'authenticated', wsKey }],
      };
    case 'reconnecting':
      return {
        started,
        wasReady,
        events: [{ type: 'reconnect', wsKey, attempt: s.attempt, retryInMs: s.retryInMs, error: s.error }],
      };
    case 'closed':
      return { started, wasReady, events: started ? [{ type: 'close', wsKey, error: s.error }] : [] };
  }
}

/**
 * One connection's states (`state$` of one wsKey, from its first state on) → its lifecycle
 * events. `mergeMap`, not `concatMap`: a handler that closes the client while an event is
 * being delivered gets the `close` at once, before the rest of the current state's events,
 * as a handler of any synchronous emitter would.
 */
export function lifecycleEvents(): OperatorFunction<ConnectionState, LifecycleEvent> {
  return pipe(
    scan(lifecycleStep, NO_HISTORY),
    mergeMap((history) => history.events),
  );
}
