import { mergeMap, pipe, scan, type OperatorFunction } from 'rxjs';
import type { WSAPIWsKey } from '../operations';
import type { ConnectionState } from '../transport/state';
import type { ClientEventOf } from './events';

/** The events a connection's states become (kucoin-api's lifecycle events). */
export type LifecycleEvent = ClientEventOf<'open' | 'authenticated' | 'reconnect' | 'reconnected' | 'close'>;

/** What the states so far say: whether the connection ever started, and ever was ready. */
export interface LifecycleHistory {
  readonly started: boolean;
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
 */
export function lifecycleStep(history: LifecycleHistory, s: ConnectionState<WSAPIWsKey>): LifecycleHistory {
  const { wsKey } = s;
  const { started, wasReady } = history;
  switch (s.status) {
    case 'idle':
      return { started, wasReady, events: [] };
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
export function lifecycleEvents(): OperatorFunction<ConnectionState<WSAPIWsKey>, LifecycleEvent> {
  return pipe(
    scan(lifecycleStep, NO_HISTORY),
    mergeMap((history) => history.events),
  );
}
