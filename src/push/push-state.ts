import { ReplaySubject, type Observable } from 'rxjs';
import type { ConnectionState, ConnectionStatus } from '../transport/state';
import type { PushWsKey } from './push-key';

/**
 * Which status may follow which on a push connection: the WS API's, plus a way back to `idle`
 * from anywhere but `closed` (the last subscriber of `orderUpdates$` left, the socket closed;
 * the next one opens it again).
 */
const NEXT: Readonly<Record<ConnectionStatus, readonly ConnectionStatus[]>> = {
  idle: ['connecting', 'closed'],
  connecting: ['authenticating', 'reconnecting', 'idle', 'closed'],
  authenticating: ['ready', 'reconnecting', 'idle', 'closed'],
  ready: ['reconnecting', 'idle', 'closed'],
  reconnecting: ['connecting', 'idle', 'closed'],
  closed: [],
};

/**
 * The states of one push connection. Nothing is emitted until the connection is first used
 * (`idle` then), so a client that never reads order updates shows only its WS API keys in
 * `state$`; from then on the current state is replayed to new subscribers. Completes after
 * `closed`.
 */
export class PushStateMachine {
  private state: ConnectionState;
  private used = false;
  private readonly subject = new ReplaySubject<ConnectionState>(1);
  readonly state$: Observable<ConnectionState> = this.subject.asObservable();
  /** Every state from the first (`idle`) on, for `current$`. */
  private readonly all: ReplaySubject<ConnectionState>;
  /**
   * `state$` for whoever asks for this connection by its key (`stateOf$`): it replays the
   * current state even before the first use (`idle`, or `closed` once the client closed a
   * connection it never used), as `current` gives it, so that a view bound to it shows a state
   * at once. Completes after `closed`.
   */
  readonly current$: Observable<ConnectionState>;

  constructor(
    readonly wsKey: PushWsKey,
    private readonly clock: () => number = Date.now,
  ) {
    this.state = { status: 'idle', wsKey, attempt: 0, since: clock() };
    this.all = new ReplaySubject<ConnectionState>(1);
    this.all.next(this.state);
    this.current$ = this.all.asObservable();
  }

  get current(): ConnectionState {
    return this.state;
  }

  get status(): ConnectionStatus {
    return this.state.status;
  }

  /**
   * Moves to `status` (ignored once closed; an illegal transition throws: it is a bug). The
   * first move of a connection never used emits its `idle` first.
   */
  to(status: ConnectionStatus, details: { attempt?: number; error?: Error; retryInMs?: number } = {}): void {
    const from = this.state.status;
    if (from === 'closed') return;
    if (!NEXT[from].includes(status))
      throw new Error(`illegal push connection transition ${from} → ${status}`);
    if (!this.used && status !== 'closed') {
      this.used = true;
      this.subject.next(this.state);
    }
    const next: { -readonly [K in keyof ConnectionState]: ConnectionState[K] } = {
      status,
      wsKey: this.wsKey,
      attempt: details.attempt ?? this.state.attempt,
      since: this.clock(),
    };
    if (details.error !== undefined) next.error = details.error;
    if (details.retryInMs !== undefined) next.retryInMs = details.retryInMs;
    this.state = next;
    if (this.used) this.subject.next(next);
    this.all.next(next);
    if (status === 'closed') {
      this.subject.complete();
      this.all.complete();
    }
  }
}
