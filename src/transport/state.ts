import { ReplaySubject, type Observable } from 'rxjs';
import type { WSAPIWsKey } from '../operations';
import type { PushWsKey } from '../push/push-key';

/** What `state$` names a connection by: a WS API wsKey, or a push connection ('pushSpot', 'pushFutures'). */
export type ConnectionKey = WSAPIWsKey | PushWsKey;

/**
 * Where a connection stands. `idle → connecting → authenticating → ready`, then
 * `ready → reconnecting → connecting …` after a drop, and `closed` for good (after
 * `close()`, an authentication refusal, or exhausted reconnect attempts).
 */
export type ConnectionStatus = 'idle' | 'connecting' | 'authenticating' | 'ready' | 'reconnecting' | 'closed';

/** One state of one connection, as `state$` emits it. Never carries credentials. */
export interface ConnectionState {
  readonly status: ConnectionStatus;
  readonly wsKey: ConnectionKey;
  /** Reconnect attempt: 0 for the first connection, 1 for the first retry, … (reset when ready). */
  readonly attempt: number;
  /** When this state began (ms since the epoch). */
  readonly since: number;
  /** What caused this state, where an error did (a drop, a refusal). */
  readonly error?: Error;
  /** In `reconnecting`: how long the client waits before connecting again (ms). */
  readonly retryInMs?: number;
}

/** Which status may follow which; anything else is a bug in the transport. */
const NEXT: Readonly<Record<ConnectionStatus, readonly ConnectionStatus[]>> = {
  idle: ['connecting', 'closed'],
  connecting: ['authenticating', 'reconnecting', 'closed'],
  authenticating: ['ready', 'reconnecting', 'closed'],
  ready: ['reconnecting', 'closed'],
  reconnecting: ['connecting', 'closed'],
  closed: [],
};

/** Whether `to` may follow `from`. */
export function canTransition(from: ConnectionStatus, to: ConnectionStatus): boolean {
  return NEXT[from].includes(to);
}

/**
 * The state machine of one connection, feeding `state$` (which replays the current state to
 * new subscribers, also after the connection closed).
 */
export class ConnectionStateMachine {
  private state: ConnectionState;
  private readonly subject = new ReplaySubject<ConnectionState>(1);
  /** Every state, the current one first. Completes after `closed`. */
  readonly state$: Observable<ConnectionState> = this.subject.asObservable();

  constructor(
    readonly wsKey: WSAPIWsKey,
    private readonly clock: () => number = Date.now,
  ) {
    this.state = { status: 'idle', wsKey, attempt: 0, since: clock() };
    this.subject.next(this.state);
  }

  /** The current state. */
  get current(): ConnectionState {
    return this.state;
  }

  /** The current status. */
  get status(): ConnectionStatus {
    return this.state.status;
  }

  /**
   * Moves to `status`. A transition out of `closed` is ignored (closing races with a socket
   * that is going away); any other illegal transition throws, because it is a bug.
   */
  to(
    status: ConnectionStatus,
    details: { attempt?: number; error?: Error; retryInMs?: number } = {},
  ): ConnectionState | undefined {
    const from = this.state.status;
    if (from === 'closed') return undefined;
    if (!canTransition(from, status)) throw new Error(`illegal connection transition ${from} → ${status}`);
    const next: {
      status: ConnectionStatus;
      wsKey: WSAPIWsKey;
      attempt: number;
      since: number;
      error?: Error;
      retryInMs?: number;
    } = { status, wsKey: this.wsKey, attempt: details.attempt ?? this.state.attempt, since: this.clock() };
    if (details.error !== undefined) next.error = details.error;
    if (details.retryInMs !== undefined) next.retryInMs = details.retryInMs;
    this.state = next;
    this.subject.next(next);
    if (status === 'closed') this.subject.complete();
    return next;
  }
}
