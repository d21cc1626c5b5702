import { backoffCeiling, backoffDelay } from '../../src/transport/backoff';

const policy = { initialDelayMs: 250, maxDelayMs: 10_000 };

describe('backoff (exponential, full jitter)', () => {
  it('doubles the ceiling per attempt from initialDelayMs and caps it at maxDelayMs', () => {
    expect([1, 2, 3, 4, 5, 6, 7, 8].map((n) => backoffCeiling(n, policy))).toEqual([
      250, 500, 1000, 2000, 4000, 8000, 10_000, 10_000,
    ]);
  });

  it('stays at the cap for huge attempt numbers (no overflow to Infinity or NaN)', () => {
    expect(backoffCeiling(5_000, policy)).toBe(10_000);
    expect(backoffDelay(5_000, policy, () => 0.5)).toBe(5_000);
  });

  it('never exceeds what setTimeout can wait (a longer delay would fire after 1 ms), even with maxDelayMs: Infinity', () => {
    const unbounded = { initialDelayMs: 250, maxDelayMs: Infinity };
    expect(backoffCeiling(40, unbounded)).toBe(2 ** 31 - 1);
    expect(backoffDelay(40, unbounded, () => 0.999_999)).toBeLessThanOrEqual(2 ** 31 - 1);
    expect(backoffCeiling(3, unbounded)).toBe(1000);
  });

  it('treats attempt 0 or less like the first retry', () => {
    expect(backoffCeiling(0, policy)).toBe(250);
    expect(backoffCeiling(-3, policy)).toBe(250);
  });

  it('draws uniformly in [0, ceiling): random() scales the ceiling', () => {
    expect(backoffDelay(3, policy, () => 0)).toBe(0);
    expect(backoffDelay(3, policy, () => 0.25)).toBe(250);
    expect(backoffDelay(3, policy, () => 0.999999)).toBe(999);
    expect(backoffDelay(10, policy, () => 0.5)).toBe(5_000);
  });

  it('never exceeds the ceiling with the real Math.random', () => {
    for (let attempt = 1; attempt < 12; attempt++) {
      for (let i = 0; i < 200; i++) {
        const d = backoffDelay(attempt, policy);
        expect(d).toBeGreaterThanOrEqual(0);
        expect(d).toBeLessThan(backoffCeiling(attempt, policy));
      }
    }
  });

  it('a zero initial delay retries at once', () => {
    expect(backoffDelay(4, { initialDelayMs: 0, maxDelayMs: 1_000 }, () => 0.9)).toBe(0);
  });
});
