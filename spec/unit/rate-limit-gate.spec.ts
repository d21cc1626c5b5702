import { MAX_GATE_HOLD_MS, RateLimitGate } from '../../src/rpc/rate-limit-gate';

describe('RateLimitGate', () => {
  let clock = 0;
  const gate = () => new RateLimitGate(() => clock);
  beforeEach(() => {
    clock = 0;
    jest.useFakeTimers();
  });
  afterEach(() => jest.useRealTimers());

  it('probes with one request until the first answer', () => {
    const g = gate();
    expect(g.tryAcquire()).toBe(true);
    expect(g.tryAcquire()).toBe(false);
    g.answered({ limit: 10, reset: 1_000, remaining: 9 });
    expect(g.tryAcquire()).toBe(true);
  });

  it('does not throttle once answers came without a quota (rateLimit is optional)', () => {
    const g = gate();
    g.tryAcquire();
    g.answered(undefined);
    expect(Array.from({ length: 1_000 }, () => g.tryAcquire()).every(Boolean)).toBe(true);
    for (let i = 0; i < 1_000; i++) g.answered(undefined);
    expect(g.tryAcquire()).toBe(true);
    g.answered({ limit: 10, reset: 1_000, remaining: 9 });
    expect(Array.from({ length: 10 }, () => g.tryAcquire()).filter(Boolean)).toHaveLength(9);
  });

  it('a zero quota holds requests until its reset, then lets them through', () => {
    const g = gate();
    g.tryAcquire();
    g.answered({ limit: 0, reset: 500, remaining: 0 });
    expect(g.tryAcquire()).toBe(false);
    clock = 500;
    expect([g.tryAcquire(), g.tryAcquire()]).toEqual([true, true]);
  });

  it('a reset beyond MAX_GATE_HOLD_MS holds for that long only', () => {
    const g = gate();
    g.tryAcquire();
    g.answered({ limit: 5, reset: 3e9, remaining: 0 });
    expect(g.tryAcquire()).toBe(false);
    clock = MAX_GATE_HOLD_MS;
    expect(g.tryAcquire()).toBe(true);
  });

  it('lets through exactly what remains, counting requests in flight', () => {
    const g = gate();
    g.tryAcquire();
    g.answered({ limit: 5, reset: 1_000, remaining: 3 });
    expect([g.tryAcquire(), g.tryAcquire(), g.tryAcquire(), g.tryAcquire()]).toEqual([
      true,
      true,
      true,
      false,
    ]);
    // Answers to those three take from `remaining` as they free `inFlight`: still nothing left.
    g.answered({ limit: 5, reset: 900, remaining: 2 });
    expect(g.tryAcquire()).toBe(false);
  });

  it('opens again when the window resets, and wakes its waiters then', () => {
    const g = gate();
    g.tryAcquire();
    g.answered({ limit: 2, reset: 500, remaining: 0 });
    expect(g.tryAcquire()).toBe(false);
    const woke = jest.fn();
    g.wait(woke);
    clock = 499;
    jest.advanceTimersByTime(499);
    expect(woke).not.toHaveBeenCalled();
    clock = 502;
    jest.advanceTimersByTime(3);
    expect(woke).toHaveBeenCalledTimes(1);
    expect([g.tryAcquire(), g.tryAcquire(), g.tryAcquire()]).toEqual([true, true, false]);
  });

  it('a probe that will never be answered gives its place back', () => {
    const g = gate();
    g.tryAcquire();
    expect(g.tryAcquire()).toBe(false);
    const woke = jest.fn();
    g.wait(woke);
    g.released();
    expect(woke).toHaveBeenCalledTimes(1);
    expect(g.tryAcquire()).toBe(true);
  });

  it('a request that will never be answered wakes the waiters', () => {
    const g = gate();
    g.tryAcquire();
    g.answered({ limit: 1, reset: 1_000, remaining: 1 });
    g.tryAcquire();
    expect(g.tryAcquire()).toBe(false);
    const woke = jest.fn();
    g.wait(woke);
    g.released();
    expect(woke).toHaveBeenCalledTimes(1);
  });

  it('a written request lost once the quota is known stays counted until the window resets', () => {
    const g = gate();
    g.tryAcquire();
    g.answered({ limit: 3, reset: 1_000, remaining: 2 });
    expect([g.tryAcquire(), g.tryAcquire()]).toEqual([true, true]);
    // Both lost (drop or timeout): the gateway may have counted them, so nothing is left.
    g.released();
    g.released();
    expect(g.tryAcquire()).toBe(false);
    clock = 1_001;
    expect([g.tryAcquire(), g.tryAcquire(), g.tryAcquire(), g.tryAcquire()]).toEqual([
      true,
      true,
      true,
      false,
    ]);
  });

  it('after the reset, with the whole quota in flight, waits for answers without polling a timer', () => {
    const g = gate();
    g.tryAcquire();
    g.answered({ limit: 2, reset: 100, remaining: 1 });
    clock = 200; // the window has reset: the whole limit is available
    expect([g.tryAcquire(), g.tryAcquire(), g.tryAcquire()]).toEqual([true, true, false]);
    const woke = jest.fn();
    g.wait(woke);
    // Only an answer (or a lost request) can free a unit now: a timer would fire every ms
    // for as long as the gateway stays silent.
    expect(jest.getTimerCount()).toBe(0);
    g.answered({ limit: 2, reset: 1_000, remaining: 1 });
    expect(woke).toHaveBeenCalledTimes(1);
  });

  it('dispose() clears the timer and forgets waiters', () => {
    const g = gate();
    g.tryAcquire();
    g.answered({ limit: 1, reset: 10_000, remaining: 0 });
    const woke = jest.fn();
    g.wait(woke);
    expect(jest.getTimerCount()).toBe(1);
    g.dispose();
    expect(jest.getTimerCount()).toBe(0);
    g.answered(undefined);
    expect(woke).not.toHaveBeenCalled();
  });
});
