import { Heartbeat, safeTimerMs } from '../../src/transport/heartbeat';

describe('Heartbeat', () => {
  beforeEach(() => jest.useFakeTimers());
  afterEach(() => jest.useRealTimers());

  it('pings every interval and declares the link dead when nothing arrives within the timeout', () => {
    const ping = jest.fn();
    const dead = jest.fn();
    const hb = new Heartbeat(1_000, 300, ping, dead);
    hb.start();
    jest.advanceTimersByTime(999);
    expect(ping).not.toHaveBeenCalled();
    jest.advanceTimersByTime(1);
    expect(ping).toHaveBeenCalledTimes(1);
    jest.advanceTimersByTime(299);
    expect(dead).not.toHaveBeenCalled();
    jest.advanceTimersByTime(1);
    // The verdict waits one loop turn, so that input already in the socket is read first.
    expect(dead).not.toHaveBeenCalled();
    jest.advanceTimersByTime(1);
    expect(dead).toHaveBeenCalledTimes(1);
    // Dead means stopped: no more pings, no timers left behind.
    expect(jest.getTimerCount()).toBe(0);
  });

  it('any frame after the ping keeps it alive', () => {
    const dead = jest.fn();
    const hb = new Heartbeat(1_000, 300, () => undefined, dead);
    hb.start();
    jest.advanceTimersByTime(1_000); // the first ping goes out
    for (let i = 0; i < 5; i++) {
      jest.advanceTimersByTime(250);
      hb.heard = true; // any frame within pingTimeout of the ping
      jest.advanceTimersByTime(750); // the check passes; the next ping goes out
    }
    expect(dead).not.toHaveBeenCalled();
    hb.stop();
    expect(jest.getTimerCount()).toBe(0);
  });

  it('a frame heard before the ping does not count for it', () => {
    const dead = jest.fn();
    const hb = new Heartbeat(1_000, 300, () => undefined, dead);
    hb.start();
    hb.heard = true;
    jest.advanceTimersByTime(1_300);
    jest.advanceTimersByTime(1); // the verdict's turn
    expect(dead).toHaveBeenCalledTimes(1);
  });

  it('a frame read in the turn after the deadline (a stalled loop) keeps the link alive', () => {
    const dead = jest.fn();
    const ping = jest.fn();
    const hb = new Heartbeat(1_000, 300, ping, dead);
    hb.start();
    jest.advanceTimersByTime(1_300); // ping, then the deadline: nothing heard yet
    hb.heard = true; // the pong, read in the poll phase before the verdict
    jest.advanceTimersByTime(1);
    expect(dead).not.toHaveBeenCalled();
    jest.advanceTimersByTime(700);
    expect(ping).toHaveBeenCalledTimes(2);
    hb.stop();
    expect(jest.getTimerCount()).toBe(0);
  });
});

describe('Heartbeat timing from the gateway', () => {
  beforeEach(() => jest.useFakeTimers());
  afterEach(() => jest.useRealTimers());

  it.each([0, -5, Number.NaN, Number.POSITIVE_INFINITY])(
    'an unusable pingInterval (%s) falls back to 18 s instead of pinging in a tight loop',
    (interval) => {
      const ping = jest.fn();
      const hb = new Heartbeat(interval, 10_000, ping, () => undefined);
      hb.start();
      jest.advanceTimersByTime(17_999);
      expect(ping).not.toHaveBeenCalled();
      jest.advanceTimersByTime(1);
      expect(ping).toHaveBeenCalledTimes(1);
      hb.stop();
    },
  );

  it('more than setTimeout can hold is capped rather than turned into 1 ms', () => {
    expect(safeTimerMs(2 ** 40, 18_000)).toBe(2 ** 31 - 1);
    expect(safeTimerMs(1, 18_000)).toBe(10);
    expect(safeTimerMs(200, 18_000)).toBe(200);
  });
});
