/**
 * The WS API connection on a fake socket and a virtual clock: the handshake timeout, a
 * silent gateway, refusals, backoff between refused attempts and the states they go
 * through, closing, and back-pressure. No real socket and no wall-clock wait: time moves
 * only when the test says so, so every delay is checked to the millisecond. (The
 * spec/reliability and spec/hardening suites cover the same behaviours once each over real
 * sockets against the simulator.)
 */
import type { WebSocketLike } from 'rxjs-websockets';
import { AuthenticationError } from '../../src/errors';
import type { Signer } from '../../src/transport/auth';
import { Connection, type ConnectionListener, type SessionLink } from '../../src/transport/connection';
import type { ConnectionState } from '../../src/transport/state';
import { microtasks, VirtualClock } from '../support/virtual-clock';

class FakeWebSocket implements WebSocketLike {
  onopen: ((e: unknown) => void) | null = null;
  onmessage: ((e: { data: unknown }) => void) | null = null;
  onerror: ((e: { message?: string }) => void) | null = null;
  onclose: ((e: { code: number; reason: string }) => void) | null = null;
  readyState = 0;
  bufferedAmount = 0;
  readonly sent: string[] = [];
  closes = 0;
  terminated = false;
  constructor(readonly url: string) {}
  send(data: string): void {
    this.sent.push(data);
  }
  close(): void {
    this.closes++;
    this.readyState = 2;
  }
  terminate(): void {
    this.terminated = true;
    this.closed(1006, '');
  }
  open(): void {
    this.readyState = 1;
    this.onopen?.({});
  }
  receive(frame: unknown): void {
    this.onmessage?.({ data: typeof frame === 'string' ? frame : JSON.stringify(frame) });
  }
  closed(code: number, reason: string): void {
    if (this.readyState === 3) return;
    this.readyState = 3;
    this.onclose?.({ code, reason });
  }
  /** Pings written so far. */
  pings(): number {
    return this.sent.filter((f) => f.includes('"op":"ping"')).length;
  }
}

const signer: Signer = {
  signedUrl: async (base) => `${base}/v1/private?apikey=k&sign=s`,
  signChallenge: async (text) => `signed:${text.length}`,
  restHeaders: async () => ({}),
  scrub: (text) => text,
};

const CHALLENGE = '{"sessionId":"s-1","timestamp":1716000000000}';

function setup(options: { maxAttempts?: number; handshakeTimeoutMs?: number } = {}) {
  const clock = new VirtualClock();
  const made: FakeWebSocket[] = [];
  const events: string[] = [];
  const lost: Error[] = [];
  const fatal: Error[] = [];
  let session: SessionLink | undefined;
  let drained = 0;
  const listener: ConnectionListener = {
    ready: (s) => {
      events.push('listener ready');
      session = s;
    },
    drained: () => drained++,
    lost: (e) => lost.push(e),
    frame: (_frame, id) => events.push(`frame ${id}`),
    exception: (e) => events.push(`exception ${e.message}`),
  };
  const connection = new Connection(
    {
      wsKey: 'wsApiSpotV1',
      endpoint: async () => ({ baseUrl: 'ws://gateway', signer }),
      makeWebSocket: (url) => {
        const ws = new FakeWebSocket(url);
        made.push(ws);
        return ws;
      },
      reconnect: { initialDelayMs: 100, maxDelayMs: 800, maxAttempts: options.maxAttempts ?? Infinity },
      handshakeTimeoutMs: options.handshakeTimeoutMs ?? 1_000,
      maxBufferedBytes: 1_000,
      onFatal: (e) => fatal.push(e),
      random: () => 0.5,
      scheduler: clock,
      // The verdict's loop turn, on the virtual clock.
      afterInput: (fn) => {
        const action = clock.schedule(fn, 0);
        return () => action.unsubscribe();
      },
    },
    listener,
  );
  const states: ConnectionState[] = [];
  connection.state.state$.subscribe((s) => {
    states.push(s);
    events.push(`state ${s.status}`);
  });
  /** Starts (once) and lets the endpoint and URL signing resolve: the socket exists then. */
  const attempt = async (): Promise<FakeWebSocket> => {
    connection.start();
    await microtasks();
    return made[made.length - 1];
  };
  /** Opens `ws` and runs the handshake through to the welcome. */
  const greet = async (ws: FakeWebSocket, pingInterval = 1_000, pingTimeout = 500): Promise<void> => {
    ws.open();
    ws.receive(CHALLENGE);
    await microtasks();
    expect(ws.sent).toEqual([`signed:${CHALLENGE.length}`]);
    ws.receive({ sessionId: 's-1', data: 'welcome', pingInterval, pingTimeout });
  };
  return {
    clock,
    made,
    events,
    lost,
    fatal,
    states,
    connection,
    attempt,
    greet,
    session: () => session,
    drained: () => drained,
  };
}

const statuses = (states: ConnectionState[]) => states.map((s) => s.status);

describe('Connection (fake socket, virtual clock)', () => {
  it('idle → connecting → authenticating → ready; the request layer hears of the session before state$ says ready', async () => {
    const t = setup();
    const ws = await t.attempt();
    expect(ws.url).toBe('ws://gateway/v1/private?apikey=k&sign=s');
    expect(statuses(t.states)).toEqual(['idle', 'connecting']);
    await t.greet(ws);
    expect(statuses(t.states)).toEqual(['idle', 'connecting', 'authenticating', 'ready']);
    expect(t.events.slice(-2)).toEqual(['listener ready', 'state ready']);
    ws.receive({ id: '7', op: 'spot.order', code: '200000' });
    expect(t.events.at(-1)).toBe('frame 7');
    void t.connection.close();
  });

  it('handshake timeout: a gateway that opens but never greets is cut at handshakeTimeoutMs, then retried after the backoff', async () => {
    const t = setup({ handshakeTimeoutMs: 1_000 });
    const ws = await t.attempt();
    ws.open();
    t.clock.advance(999);
    expect(t.connection.state.status).toBe('authenticating');
    t.clock.advance(1);
    expect(t.connection.state.current).toMatchObject({ status: 'reconnecting', attempt: 1, retryInMs: 50 });
    expect(t.connection.state.current.error?.message).toBe('handshake timed out after 1000 ms');
    expect(ws.terminated).toBe(true);
    expect(t.lost.map((e) => e.message)).toEqual(['handshake timed out after 1000 ms']);
    t.clock.advance(49);
    expect(t.made).toHaveLength(1);
    t.clock.advance(1);
    await microtasks();
    expect(t.made).toHaveLength(2);
    expect(t.connection.state.current).toMatchObject({ status: 'connecting', attempt: 1 });
    void t.connection.close();
  });

  it('silent gateway: no frame within pingTimeout of a ping ends the session; any frame keeps it', async () => {
    const t = setup();
    const ws = await t.attempt();
    await t.greet(ws, 1_000, 500);
    // Healthy rounds: a pong (any frame) within the timeout of each ping.
    t.clock.advance(1_000);
    for (let round = 1; round <= 3; round++) {
      expect(ws.pings()).toBe(round);
      t.clock.advance(200);
      ws.receive({ id: `ping-${round}`, op: 'pong', timestamp: 1 });
      t.clock.advance(800); // the deadline passes quietly; the next ping goes out
    }
    expect(t.events.filter((e) => e.startsWith('frame'))).toEqual([]); // our pongs are not routed
    expect(t.connection.state.status).toBe('ready');
    // Then silence: the fourth ping goes unanswered.
    expect(ws.pings()).toBe(4);
    const pingedAt = t.clock.now();
    t.clock.advance(499);
    expect(t.connection.state.status).toBe('ready');
    t.clock.advance(1);
    expect(t.clock.now() - pingedAt).toBe(500);
    expect(t.connection.state.current).toMatchObject({ status: 'reconnecting', attempt: 1 });
    expect(t.lost[0].message).toBe('no frame within 500 ms of a ping: link presumed dead');
    expect(ws.terminated).toBe(true);
    void t.connection.close();
  });

  it('refused connections: every attempt waits the jittered backoff, the ceiling doubling to maxDelayMs; maxAttempts ends it', async () => {
    const t = setup({ maxAttempts: 5 });
    let ws = await t.attempt();
    const delays: number[] = [];
    for (let attempt = 1; attempt <= 5; attempt++) {
      ws.onerror?.({ message: 'Unexpected server response: 503' });
      ws.closed(1006, '');
      const s = t.connection.state.current;
      expect(s).toMatchObject({ status: 'reconnecting', attempt });
      expect(s.error?.message).toBe('Unexpected server response: 503');
      delays.push(s.retryInMs as number);
      t.clock.advance((s.retryInMs as number) - 1);
      await microtasks();
      expect(t.made).toHaveLength(attempt);
      t.clock.advance(1);
      await microtasks();
      expect(t.made).toHaveLength(attempt + 1);
      ws = t.made[attempt];
    }
    expect(delays).toEqual([50, 100, 200, 400, 400]);
    ws.closed(1006, '');
    expect(t.connection.state.current).toMatchObject({ status: 'closed' });
    expect(t.fatal).toHaveLength(1);
    t.clock.advance(60_000);
    await microtasks();
    expect(t.made).toHaveLength(6);
    expect(t.clock.pending).toBe(0);
  });

  it.each([
    ['a close reason', (ws: FakeWebSocket) => ws.closed(1000, '400003 KC-API-KEY not exists.'), '400003'],
    [
      'an error frame without an id',
      (ws: FakeWebSocket) => ws.receive({ code: '400005', msg: 'Signature verification failed' }),
      '400005',
    ],
  ])('an authentication refusal in %s closes it after one attempt', async (_what, refuse, code) => {
    const t = setup();
    const ws = await t.attempt();
    ws.open();
    refuse(ws);
    const s = t.connection.state.current;
    expect(s.status).toBe('closed');
    expect(s.error).toBeInstanceOf(AuthenticationError);
    expect(s.error).toMatchObject({ code });
    expect(t.fatal).toEqual([s.error]);
    t.clock.advance(60_000);
    await microtasks();
    expect(t.made).toHaveLength(1);
    expect(statuses(t.states)).toEqual(['idle', 'connecting', 'authenticating', 'closed']);
  });

  it('a session dropped right after its welcome counts on; one that stayed ready for a ping interval resets the count', async () => {
    const t = setup();
    let ws = await t.attempt();
    await t.greet(ws);
    ws.closed(1001, 'going away');
    expect(t.connection.state.current).toMatchObject({ status: 'reconnecting', attempt: 1 });
    expect(t.connection.state.current.error?.message).toBe('going away (close 1001 going away)');
    t.clock.advance(50);
    await microtasks();
    ws = t.made[1];
    await t.greet(ws);
    ws.closed(1001, 'going away');
    expect(t.connection.state.current).toMatchObject({ status: 'reconnecting', attempt: 2, retryInMs: 100 });
    t.clock.advance(100);
    await microtasks();
    ws = t.made[2];
    await t.greet(ws);
    expect(t.connection.state.current).toMatchObject({ status: 'ready', attempt: 2 });
    t.clock.advance(1_000);
    ws.receive({ id: 'ping-1', op: 'pong', timestamp: 1 });
    ws.closed(1001, 'going away');
    expect(t.connection.state.current).toMatchObject({ status: 'reconnecting', attempt: 1 });
    void t.connection.close();
  });

  it('close(): a closing handshake on the live socket, resolved once it is gone; nothing reconnects', async () => {
    const t = setup();
    const ws = await t.attempt();
    await t.greet(ws);
    let done = false;
    const closing = t.connection.close().then(() => (done = true));
    expect(t.connection.state.status).toBe('closed');
    expect(ws.closes).toBe(1);
    await microtasks();
    expect(done).toBe(false);
    ws.closed(1000, '');
    await closing;
    t.clock.advance(60_000);
    await microtasks();
    expect(t.made).toHaveLength(1);
    expect(t.clock.pending).toBe(0);
  });

  it('close() during the handshake closes the socket and resolves once it is gone', async () => {
    const t = setup();
    const ws = await t.attempt();
    ws.open();
    ws.receive(CHALLENGE);
    const closing = t.connection.close();
    expect(ws.closes).toBe(1);
    ws.closed(1000, '');
    await closing;
    expect(t.lost).toEqual([]);
    t.clock.advance(60_000);
    await microtasks();
    expect(t.made).toHaveLength(1);
    expect(t.clock.pending).toBe(0);
  });

  it('close() while waiting to retry ends the wait at once', async () => {
    const t = setup();
    const ws = await t.attempt();
    ws.closed(1006, '');
    expect(t.connection.state.status).toBe('reconnecting');
    await t.connection.close();
    t.clock.advance(60_000);
    await microtasks();
    expect(t.made).toHaveLength(1);
    expect(t.clock.pending).toBe(0);
  });

  it('back-pressure: above maxBufferedBytes writes are refused, and drained() follows once the buffer is below it', async () => {
    const t = setup();
    const ws = await t.attempt();
    await t.greet(ws);
    const session = t.session() as SessionLink;
    expect(session.write('a')).toBe(true);
    ws.bufferedAmount = 5_000;
    expect(session.write('b')).toBe(false);
    expect(session.write('c')).toBe(false);
    t.clock.advance(30);
    expect(t.drained()).toBe(0);
    ws.bufferedAmount = 10;
    t.clock.advance(10);
    expect(t.drained()).toBe(1); // one drain watch, however many refusals
    expect(ws.sent.slice(1)).toEqual(['a']);
    void t.connection.close();
  });
});
