import { concat, NEVER, of, Subject } from 'rxjs';
import { heartbeat, heartbeatTiming, safeTimerMs, type HeartbeatConfig } from '../../src/transport/heartbeat';
import { LoopTurns, VirtualClock } from '../support/virtual-clock';

/** What the heartbeat sees of a socket: the frames counted, the pings written. */
class FakeSocket {
  received = 0;
  readonly written: string[] = [];
  write(text: string): boolean {
    this.written.push(text);
    return true;
  }
}

function setup(intervalMs: number, timeoutMs: number) {
  const clock = new VirtualClock();
  const turns = new LoopTurns();
  const socket = new FakeSocket();
  let n = 0;
  const config: HeartbeatConfig = { socket, intervalMs, timeoutMs, ping: () => `ping-${++n}` };
  const errors: Error[] = [];
  // A session that stays open: the heartbeat ends with the stream.
  const subscription = concat(of(config), NEVER)
    .pipe(heartbeat((c: HeartbeatConfig) => c, { scheduler: clock, afterInput: turns.afterInput }))
    .subscribe({ error: (e: Error) => errors.push(e) });
  return { clock, turns, socket, errors, subscription };
}

describe('heartbeat (virtual clock)', () => {
  it('pings every interval and ends the session when nothing arrives within the timeout, after one loop turn', () => {
    const { clock, turns, socket, errors } = setup(1_000, 300);
    clock.advance(999);
    expect(socket.written).toEqual([]);
    clock.advance(1);
    expect(socket.written).toEqual(['ping-1']);
    clock.advance(299);
    expect(turns.pending).toBe(0);
    clock.advance(1);
    // The verdict waits one loop turn, so that input already in the socket is read first.
    expect(errors).toEqual([]);
    expect(turns.pending).toBe(1);
    turns.turn();
    expect(errors.map((e) => e.message)).toEqual(['no frame within 300 ms of a ping: link presumed dead']);
    // Dead means stopped: no more pings, no timers left behind.
    expect(clock.pending).toBe(0);
  });

  it('any frame after the ping keeps the link alive, round after round', () => {
    const { clock, turns, socket, errors, subscription } = setup(1_000, 300);
    clock.advance(1_000); // the first ping goes out
    for (let i = 0; i < 5; i++) {
      clock.advance(250);
      socket.received++; // any frame within pingTimeout of the ping
      clock.advance(750); // the check passes; the next ping goes out
    }
    expect(turns.pending).toBe(0);
    expect(errors).toEqual([]);
    expect(socket.written).toHaveLength(6);
    subscription.unsubscribe();
    expect(clock.pending).toBe(0);
  });

  it('a frame heard before the ping does not count for it', () => {
    const { clock, turns, socket, errors } = setup(1_000, 300);
    socket.received++;
    clock.advance(1_300);
    turns.turn();
    expect(errors).toHaveLength(1);
  });

  it('a frame read in the turn after the deadline (a stalled loop) keeps the link alive', () => {
    const { clock, turns, socket, errors, subscription } = setup(1_000, 300);
    clock.advance(1_300); // ping, then the deadline: nothing heard yet
    socket.received++; // the pong, read in the poll phase before the verdict
    turns.turn();
    expect(errors).toEqual([]);
    clock.advance(700);
    expect(socket.written).toHaveLength(2);
    subscription.unsubscribe();
    expect(clock.pending).toBe(0);
    expect(turns.pending).toBe(0);
  });

  it('pings each new session from its own start, and stops with the source', () => {
    const clock = new VirtualClock();
    const sessions = new Subject<HeartbeatConfig>();
    const a = new FakeSocket();
    const b = new FakeSocket();
    const done: string[] = [];
    sessions
      .pipe(heartbeat((c: HeartbeatConfig) => c, { scheduler: clock }))
      .subscribe({ complete: () => done.push('complete') });
    sessions.next({ socket: a, intervalMs: 100, timeoutMs: 1_000, ping: () => 'a' });
    clock.advance(150);
    sessions.next({ socket: b, intervalMs: 100, timeoutMs: 1_000, ping: () => 'b' });
    clock.advance(250);
    expect([a.written.length, b.written.length]).toEqual([1, 2]);
    sessions.complete();
    expect(done).toEqual(['complete']);
    expect(clock.pending).toBe(0);
  });

  it('never pings a session that the stream has not emitted (an open source without sessions)', () => {
    const clock = new VirtualClock();
    NEVER.pipe(heartbeat((c: HeartbeatConfig) => c, { scheduler: clock })).subscribe();
    clock.advance(60_000);
    expect(clock.pending).toBe(0);
  });
});

describe('heartbeat timing from the gateway', () => {
  it.each([0, -5, Number.NaN, Number.POSITIVE_INFINITY])(
    'an unusable pingInterval (%s) falls back to 18 s instead of pinging in a tight loop',
    (interval) => {
      const { clock, socket, subscription } = setup(interval, 10_000);
      clock.advance(17_999);
      expect(socket.written).toEqual([]);
      clock.advance(1);
      expect(socket.written).toHaveLength(1);
      subscription.unsubscribe();
    },
  );

  it('more than setTimeout can hold is capped rather than turned into 1 ms', () => {
    expect(safeTimerMs(2 ** 40, 18_000)).toBe(2 ** 31 - 1);
    expect(safeTimerMs(1, 18_000)).toBe(10);
    expect(safeTimerMs(200, 18_000)).toBe(200);
    expect(heartbeatTiming(5, Number.NaN)).toEqual({ intervalMs: 100, timeoutMs: 10_000 });
  });
});
