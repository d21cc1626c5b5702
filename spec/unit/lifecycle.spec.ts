import { Subject } from 'rxjs';
import { TestScheduler } from 'rxjs/testing';
import type { ClientEvent } from '../../src/client/events';
import { lifecycleEvents, lifecycleStep, NO_HISTORY, type LifecycleEvent } from '../../src/client/lifecycle';
import type { ConnectionState, ConnectionStatus } from '../../src/transport/state';

const wsKey = 'wsApiSpotV1' as const;
const drop = new Error('connection closed (close 1006)');
const refused = new Error('authentication refused: 400003 KC-API-KEY not exists.');

const state = (
  status: ConnectionStatus,
  extra: Partial<ConnectionState<typeof wsKey>> = {},
): ConnectionState<typeof wsKey> => ({
  status,
  wsKey,
  attempt: 0,
  since: 0,
  ...extra,
});

const S = {
  i: state('idle'),
  c: state('connecting'),
  a: state('authenticating'),
  r: state('ready'),
  w: state('reconnecting', { attempt: 1, retryInMs: 250, error: drop }),
  d: state('connecting', { attempt: 1 }),
  b: state('authenticating', { attempt: 1 }),
  R: state('ready', { attempt: 1 }),
  x: state('closed'),
  X: state('closed', { error: refused }),
};

const E: Record<string, LifecycleEvent> = {
  o: { type: 'open', wsKey },
  A: { type: 'authenticated', wsKey },
  w: { type: 'reconnect', wsKey, attempt: 1, retryInMs: 250, error: drop },
  n: { type: 'reconnected', wsKey, attempt: 1 },
  x: { type: 'close', wsKey, error: undefined },
  X: { type: 'close', wsKey, error: refused },
};

function scheduler(): TestScheduler {
  return new TestScheduler((actual, expected) => expect(actual).toEqual(expected));
}

describe('lifecycleEvents(): a connection state stream becomes kucoin-api lifecycle events', () => {
  it('first connection: open when authenticating, authenticated when ready, nothing for idle/connecting', () => {
    scheduler().run(({ cold, expectObservable }) => {
      expectObservable(cold('i-c-a-r', S).pipe(lifecycleEvents())).toBe('----o-A', E);
    });
  });

  it('a drop and a recovery: reconnect with attempt, delay and cause, then authenticated and reconnected', () => {
    scheduler().run(({ cold, expectObservable }) => {
      const states = cold('i-c-a-r-w-d-b-R', S);
      expectObservable(states.pipe(lifecycleEvents())).toBe('----o-A-w---o-(An)', E);
    });
  });

  it('reconnected only after a connection that had been ready (a failed first attempt is not a reconnect)', () => {
    scheduler().run(({ cold, expectObservable }) => {
      const states = cold('i-c-w-d-b-R', S);
      expectObservable(states.pipe(lifecycleEvents())).toBe('----w---o-A', E);
    });
  });

  it('close (with the error that closed it) only for a connection that started', () => {
    scheduler().run(({ cold, expectObservable }) => {
      expectObservable(cold('i-c-a-X|', S).pipe(lifecycleEvents())).toBe('----o-X|', E);
      expectObservable(cold('i-c-a-r-x|', S).pipe(lifecycleEvents())).toBe('----o-A-x|', E);
      // Closed before anything connected: no event at all.
      expectObservable(cold('i-x|', S).pipe(lifecycleEvents())).toBe('---|', E);
    });
  });

  it('each subscription has its own history', () => {
    scheduler().run(({ cold, expectObservable }) => {
      const events = cold('c-a-r-w-d-b-R', S).pipe(lifecycleEvents());
      expectObservable(events).toBe('--o-A-w---o-(An)', E);
      expectObservable(events).toBe('--o-A-w---o-(An)', E);
    });
  });

  it('the step is pure: the same history and state give the same events, the input untouched', () => {
    const after = lifecycleStep(lifecycleStep(NO_HISTORY, S.c), S.r);
    expect(lifecycleStep(after, S.R).events).toEqual([E.A, E.n]);
    expect(lifecycleStep(after, S.R).events).toEqual([E.A, E.n]);
    expect(after).toEqual({ started: true, wasReady: true, events: [E.A] });
    expect(NO_HISTORY).toEqual({ started: false, wasReady: false, events: [] });
  });

  it('a handler that closes the connection while an event is delivered sees close at once, as before', () => {
    const states = new Subject<ConnectionState<typeof wsKey>>();
    const seen: string[] = [];
    states.pipe(lifecycleEvents()).subscribe((e: ClientEvent) => {
      seen.push(e.type);
      // As a user's 'authenticated' handler calling close() does: the closed state arrives
      // while the ready state's events are being delivered.
      if (e.type === 'authenticated' && seen.length > 2) states.next(S.x);
    });
    for (const s of [S.c, S.a, S.r, S.w, S.d, S.b, S.R]) states.next(s);
    expect(seen).toEqual([
      'open',
      'authenticated',
      'reconnect',
      'open',
      'authenticated',
      'close',
      'reconnected',
    ]);
  });
});

describe('lifecycleEvents() on a push connection (pushSpot): its states have a way back to idle', () => {
  const key = 'pushSpot' as const;
  const push = (status: ConnectionStatus, extra: Partial<ConnectionState<typeof key>> = {}) =>
    ({ status, wsKey: key, attempt: 0, since: 0, ...extra }) as ConnectionState<typeof key>;
  const P = {
    i: push('idle'),
    c: push('connecting'),
    a: push('authenticating'),
    r: push('ready'),
    w: push('reconnecting', { attempt: 1, retryInMs: 250, error: drop }),
    d: push('connecting', { attempt: 1 }),
    b: push('authenticating', { attempt: 1 }),
    R: push('ready', { attempt: 1 }),
    x: push('closed'),
    X: push('closed', { error: refused }),
  };
  const PE: Record<string, LifecycleEvent> = {
    o: { type: 'open', wsKey: key },
    A: { type: 'authenticated', wsKey: key },
    w: { type: 'reconnect', wsKey: key, attempt: 1, retryInMs: 250, error: drop },
    n: { type: 'reconnected', wsKey: key, attempt: 1 },
    x: { type: 'close', wsKey: key, error: undefined },
    X: { type: 'close', wsKey: key, error: refused },
  };

  it('the events carry the push key; a drop and a recovery read as on the WS API', () => {
    scheduler().run(({ cold, expectObservable }) => {
      const states = cold('i-c-a-r-w-d-b-R', P);
      expectObservable(states.pipe(lifecycleEvents())).toBe('----o-A-w---o-(An)', PE);
    });
  });

  it('idle (the last subscriber left) is not a close; opening again later is a first connection, not a reconnect', () => {
    scheduler().run(({ cold, expectObservable }) => {
      const states = cold('i-c-a-r-i-c-a-r', P);
      expectObservable(states.pipe(lifecycleEvents())).toBe('----o-A-----o-A', PE);
    });
  });

  it('idle while waiting to reconnect: the next start is a first connection too', () => {
    scheduler().run(({ cold, expectObservable }) => {
      const states = cold('i-c-a-r-w-i-c-a-r', P);
      expectObservable(states.pipe(lifecycleEvents())).toBe('----o-A-w-----o-A', PE);
    });
  });

  it('close() while idle, after it was used: close once, without an error', () => {
    scheduler().run(({ cold, expectObservable }) => {
      expectObservable(cold('i-c-a-r-i-x|', P).pipe(lifecycleEvents())).toBe('----o-A---x|', PE);
    });
  });

  it('a fatal refusal (bullet-private refused the credentials) closes with its error, also before any socket', () => {
    scheduler().run(({ cold, expectObservable }) => {
      expectObservable(cold('i-c-X|', P).pipe(lifecycleEvents())).toBe('----X|', PE);
      // After a refcounted reopen, and after reconnects ran out.
      expectObservable(cold('i-c-a-r-i-c-X|', P).pipe(lifecycleEvents())).toBe('----o-A-----X|', PE);
      expectObservable(cold('c-a-r-w-d-X|', P).pipe(lifecycleEvents())).toBe('--o-A-w---X|', PE);
    });
  });

  it('a push connection never used emits no state and raises nothing, even when it closes', () => {
    scheduler().run(({ cold, expectObservable }) => {
      expectObservable(cold<ConnectionState>('---|').pipe(lifecycleEvents())).toBe('---|', PE);
    });
  });
});
