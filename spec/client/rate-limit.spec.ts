/** 429000 becomes a RateLimitError with the reset time; the opt-in gate holds calls instead. */
import { RateLimitError, type WsApiCall } from '../../src';
import { limitBuy, useHarness } from './harness';

const h = useHarness();

const settle = (call: WsApiCall<unknown>) =>
  call.then(
    (r) => r,
    (e: unknown) => e,
  );

describe('rate limits', () => {
  it('over the quota: RateLimitError with reset and resetAt, the rest of the burst succeeds', async () => {
    const { client } = await h.start({ rateLimit: { limit: 5, windowMs: 30_000 } });
    await client.connect();
    const before = Date.now();
    const results = await Promise.all(
      Array.from({ length: 8 }, () => settle(client.submitNewSpotOrder(limitBuy()))),
    );
    const refused = results.filter((r): r is RateLimitError => r instanceof RateLimitError);
    expect(refused).toHaveLength(3);
    for (const e of refused) {
      expect(e.code).toBe('429000');
      expect(e.reset).toBeGreaterThan(0);
      expect(e.reset).toBeLessThanOrEqual(30_000);
      expect(e.resetAt).toBeGreaterThanOrEqual(before + e.reset);
      expect(e.resetAt).toBeLessThanOrEqual(Date.now() + e.reset);
      expect(e.response?.rateLimit?.remaining).toBe(0);
    }
  });

  it('with rateLimitGate: twice the quota, no 429000 — calls wait for the window and all complete', async () => {
    const { client, sim } = await h.start(
      { rateLimit: { limit: 10, windowMs: 300 } },
      { rateLimitGate: true, requestTimeoutMs: 5_000 },
    );
    const started = performance.now();
    const calls = Array.from({ length: 20 }, () => client.submitNewSpotOrder(limitBuy()));
    const responses = await Promise.all(calls);
    expect(responses.every((r) => r.code === '200000')).toBe(true);
    // The second half had to wait for the next window.
    expect(performance.now() - started).toBeGreaterThanOrEqual(250);
    expect(sim.countFrames((f) => f.op === 'spot.order')).toBe(20);
  });
});
