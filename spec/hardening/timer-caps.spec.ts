/**
 * Every timer is capped, in one place. A delay above setTimeout's largest (2^31 - 1 ms) fires
 * after 1 ms: the rate-limit gate fed `reset: 3e9` by the gateway re-armed every millisecond,
 * and `reset: 1e400` (Infinity once parsed) shut the gate for good. One helper
 * (src/safe-delay.ts) now bounds every delay the client hands to a timer.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { RateLimitGate } from '../../src/rpc/rate-limit-gate';
import { MAX_TIMER_MS, safeDelay } from '../../src/safe-delay';

const SRC = join(__dirname, '../../src');

function sources(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? sources(path) : path.endsWith('.ts') ? [path] : [];
  });
}

describe('every timer is capped, in one place', () => {
  afterEach(() => jest.restoreAllMocks());

  it('safeDelay keeps a delay within what setTimeout honours', () => {
    expect(safeDelay(3e9)).toBe(MAX_TIMER_MS);
    expect(safeDelay(Number.POSITIVE_INFINITY)).toBe(MAX_TIMER_MS);
    expect(safeDelay(Number.NEGATIVE_INFINITY)).toBe(0);
    expect(safeDelay(Number.NaN, 10)).toBe(10);
    expect(safeDelay(1.2)).toBe(2);
    expect(safeDelay(0, 1)).toBe(1);
  });

  it.each([3e9, Number.parseFloat('1e400')])(
    "the rate-limit gate never arms a timer beyond setTimeout's limit (reset %s)",
    (reset) => {
      let clock = 0;
      const gate = new RateLimitGate(() => clock);
      const delays: number[] = [];
      const realSetTimeout = setTimeout;
      jest.spyOn(global, 'setTimeout').mockImplementation(((fn: () => void, ms?: number) => {
        delays.push(ms ?? 0);
        return realSetTimeout(fn, 0).unref();
      }) as typeof setTimeout);
      gate.answered({ limit: 10, remaining: 0, reset });
      expect(gate.tryAcquire()).toBe(false);
      gate.wait(() => undefined);
      expect(delays).toHaveLength(1);
      expect(delays[0]).toBeGreaterThanOrEqual(1);
      expect(delays[0]).toBeLessThanOrEqual(MAX_TIMER_MS);
      // The hold is capped too: Infinity does not shut the gate for good.
      clock += MAX_TIMER_MS + 1;
      expect(gate.tryAcquire()).toBe(true);
      gate.dispose();
    },
  );

  it("setTimeout's limit is written down once, in src/safe-delay.ts", () => {
    const holders = sources(SRC)
      .filter((file) => /2 \*\* 31|2147483647|0x7fffffff/i.test(readFileSync(file, 'utf8')))
      .map((file) => relative(SRC, file));
    expect(holders).toEqual(['safe-delay.ts']);
  });
});
