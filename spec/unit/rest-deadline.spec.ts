/**
 * RestDeadline (a REST request's timeout), a pure unit: jest's fake timers, a clock and the
 * "after pending input" turns driven by hand.
 */
import { LATE_TIMER_MS, MAX_VERDICT_TURNS, RestDeadline } from '../../src/rest/deadline';

function rig(timeoutMs: number) {
  // The loop's clock: jest's fake time plus the time the loop was blocked (timers could not run).
  let blocked = 0;
  const turns: Array<() => void> = [];
  let timedOut = 0;
  const deadline = new RestDeadline(timeoutMs, () => timedOut++, {
    now: () => jest.now() + blocked,
    afterInput: (fn) => {
      turns.push(fn);
      return () => turns.splice(turns.indexOf(fn), 1);
    },
  });
  return {
    deadline,
    turns,
    timedOut: () => timedOut,
    /** Advances the clock and the timers by `ms` (the loop ran all along). */
    advance: (ms: number) => jest.advanceTimersByTime(ms),
    /** The loop is blocked for `ms`: the clock moves on, the timers run that much later. */
    block: (ms: number) => {
      blocked += ms;
    },
    /** One loop turn after the input waiting was read. */
    turn: () => (turns.shift() as () => void)(),
  };
}

beforeEach(() => jest.useFakeTimers());
afterEach(() => jest.useRealTimers());

describe('RestDeadline', () => {
  it('nothing heard: times out one turn after the timer, not before', () => {
    const r = rig(1_000);
    r.advance(999);
    expect(r.turns).toHaveLength(0);
    r.advance(1);
    expect(r.timedOut()).toBe(0);
    expect(r.turns).toHaveLength(1);
    r.turn();
    expect(r.timedOut()).toBe(1);
    expect(r.turns).toHaveLength(0);
  });

  it('an answer read in the turn after the timer stops it (no time-out)', () => {
    const r = rig(1_000);
    r.advance(1_000);
    r.deadline.progress(); // the head arrived during the poll phase
    r.deadline.stop(); // and the whole answer was read
    expect(r.turns).toHaveLength(0);
    jest.runAllTimers();
    expect(r.timedOut()).toBe(0);
  });

  it('waits more turns while the answer moves on, at most MAX_VERDICT_TURNS', () => {
    const r = rig(1_000);
    r.advance(1_000);
    for (let turn = 1; turn < MAX_VERDICT_TURNS; turn++) {
      r.deadline.progress();
      r.turn();
      expect(r.timedOut()).toBe(0);
    }
    r.deadline.progress();
    r.turn();
    expect(r.timedOut()).toBe(1);
  });

  it('a turn without progress ends the wait', () => {
    const r = rig(1_000);
    r.advance(1_000);
    r.deadline.progress();
    r.turn();
    expect(r.timedOut()).toBe(0);
    r.turn();
    expect(r.timedOut()).toBe(1);
  });

  it('a timer that fires late (this process stalled) gives the request its timeout once more, once', () => {
    const r = rig(1_000);
    r.advance(500);
    r.block(500 + LATE_TIMER_MS + 1); // the loop stalls over the deadline
    r.advance(500); // the timer runs, LATE_TIMER_MS + 1 ms late
    expect(r.turns).toHaveLength(0);
    r.advance(999);
    expect(r.turns).toHaveLength(0);
    r.advance(1);
    expect(r.turns).toHaveLength(1);
    r.turn();
    expect(r.timedOut()).toBe(1);

    const again = rig(1_000);
    again.block(LATE_TIMER_MS + 1);
    again.advance(1_000);
    expect(again.turns).toHaveLength(0);
    again.block(LATE_TIMER_MS + 1); // late again: no second extension
    again.advance(1_000);
    expect(again.turns).toHaveLength(1);
    again.turn();
    expect(again.timedOut()).toBe(1);
  });

  it('a timer late by no more than LATE_TIMER_MS is no stall', () => {
    const r = rig(1_000);
    r.block(LATE_TIMER_MS);
    r.advance(1_000);
    expect(r.turns).toHaveLength(1);
    r.turn();
    expect(r.timedOut()).toBe(1);
  });

  it('stop() cancels a verdict that is waiting for its turn', () => {
    const r = rig(1_000);
    r.advance(1_000);
    expect(r.turns).toHaveLength(1);
    r.deadline.stop();
    expect(r.turns).toHaveLength(0);
    expect(r.timedOut()).toBe(0);
  });
});
