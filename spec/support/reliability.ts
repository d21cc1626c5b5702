/**
 * Helpers shared by the reliability suites (spec/reliability): outcomes of calls, recorded
 * states, and bounded polling of facts only the simulator knows.
 * Nothing here sleeps: waiting is on events, or on the event loop for a bounded number of turns.
 */
import type { Observable, Subscription } from 'rxjs';
import type { ConnectionState } from '../../src';

/** A call's outcome without throwing: the response, or the error it rejected with. */
export const settle = <T>(call: PromiseLike<T>): Promise<T | unknown> =>
  new Promise((resolve) => call.then(resolve, resolve));

/**
 * Yields to the event loop (setImmediate, so sockets and timers run in between) until
 * `condition` holds; fails after `maxTurns` turns. For facts only the simulator can tell.
 */
export async function until(condition: () => boolean, what: string, maxTurns = 20_000): Promise<void> {
  for (let i = 0; i < maxTurns; i++) {
    if (condition()) return;
    await new Promise((r) => setImmediate(r));
  }
  throw new Error(`never happened within ${maxTurns} event-loop turns: ${what}`);
}

/** Every state of `state$` from now on (the replayed current one first), until `stop()`. */
export function recordStates(state$: Observable<ConnectionState>): {
  readonly states: ConnectionState[];
  stop(): void;
} {
  const states: ConnectionState[] = [];
  const sub: Subscription = state$.subscribe((s) => states.push(s));
  return { states, stop: () => sub.unsubscribe() };
}

/** The statuses of recorded states, for readable expectations. */
export const statuses = (states: readonly ConnectionState[]): string[] => states.map((s) => s.status);
