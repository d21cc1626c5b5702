import { Heartbeat } from '../../src/transport/heartbeat';

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
    expect(dead).toHaveBeenCalledTimes(1);
  });
});
