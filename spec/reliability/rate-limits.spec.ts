/**
 * Rate limits with a small quota: a 429000 becomes a RateLimitError carrying the reset time;
 * with the opt-in gate (`rateLimitGate: true`) pushing twice the quota produces no 429000 at
 * all — calls wait for the window instead — and all complete, also across both connections
 * (the quota is per API key) and across a dropped session.
 */
import { filter, firstValueFrom, type Subscription } from 'rxjs';
import { RateLimitError, type WebsocketAPIClient, type WSAPIResponse, type WsApiCall } from '../../src';
import { futuresBuy, limitBuy, stateIs, useHarness } from '../client/harness';
import { settle, until } from '../support/reliability';

const h = useHarness();

/** Counts every answer with code 429000 the client receives, on any connection. */
function count429(client: WebsocketAPIClient): { readonly n: () => number; stop(): void } {
  let n = 0;
  const sub: Subscription = client.messages$.subscribe((m) => {
    if ((m.frame as { code?: unknown }).code === '429000') n++;
  });
  return { n: () => n, stop: () => sub.unsubscribe() };
}

/** Resolves at `epochMs` (client clock). Used only to test what a reset time promises. */
const at = (epochMs: number): Promise<void> =>
  new Promise((r) => setTimeout(r, Math.max(0, epochMs - Date.now())));

const inTimes = (responses: WSAPIResponse[]): number[] =>
  responses.map((r) => r.inTime).sort((a, b) => a - b);

describe('rate limits', () => {
  it('a 429000 becomes a RateLimitError with reset and resetAt; the quota is back at resetAt', async () => {
    const WINDOW = 600;
    const { client } = await h.start({ rateLimit: { limit: 20, windowMs: WINDOW } });
    await client.connect();
    const before = Date.now();
    const outcomes = await Promise.all(
      Array.from({ length: 25 }, () => settle(client.submitNewSpotOrder(limitBuy()))),
    );
    const after = Date.now();
    const refused = outcomes.filter((o): o is RateLimitError => o instanceof RateLimitError);
    expect(refused).toHaveLength(5);
    expect(outcomes.filter((o) => (o as WSAPIResponse).code === '200000')).toHaveLength(20);
    for (const e of refused) {
      expect(e.code).toBe('429000');
      expect(e.response?.code).toBe('429000');
      expect(e.response?.rateLimit).toMatchObject({ limit: 20, remaining: 0 });
      expect(e.reset).toBe(e.response?.rateLimit?.reset);
      expect(e.reset).toBeGreaterThan(0);
      expect(e.reset).toBeLessThanOrEqual(WINDOW);
      expect(e.resetAt).toBeGreaterThanOrEqual(before + e.reset);
      expect(e.resetAt).toBeLessThanOrEqual(after + e.reset);
      expect(e.message).toMatch(/quota resets in \d+ ms/);
      expect(e.clientOid).toEqual(expect.any(String));
    }
    // Still refused before the reset …
    await expect(client.submitNewSpotOrder(limitBuy())).rejects.toBeInstanceOf(RateLimitError);
    // … and served again once the time it announced has come.
    await at(Math.max(...refused.map((e) => e.resetAt)) + 2);
    await expect(client.submitNewSpotOrder(limitBuy())).resolves.toMatchObject({ code: '200000' });
  });

  it('with rateLimitGate: twice the quota produces no 429000; calls wait for the next window and all complete', async () => {
    const WINDOW = 800;
    const { sim, client } = await h.start(
      { rateLimit: { limit: 20, windowMs: WINDOW } },
      { rateLimitGate: true, requestTimeoutMs: 10_000 },
    );
    const refusals = count429(client);
    const calls = Array.from({ length: 40 }, (_, i) =>
      client.submitNewSpotOrder(limitBuy({ clientOid: `gate-${i}` })),
    );
    const responses = await Promise.all(calls);
    refusals.stop();
    expect(refusals.n()).toBe(0);
    responses.forEach((r, i) =>
      expect(r).toMatchObject({ code: '200000', data: { clientOid: `gate-${i}` } }),
    );
    // Each went out once; the second twenty waited for the window that the first opened.
    for (const call of calls) expect(sim.countFrames((f) => f.id === call.id)).toBe(1);
    const times = inTimes(responses);
    expect(times[20] - times[0]).toBeGreaterThanOrEqual(WINDOW);
  });

  it('with rateLimitGate: the quota is shared by the spot and futures connections', async () => {
    const { client } = await h.start(
      { rateLimit: { limit: 15, windowMs: 700 } },
      { rateLimitGate: true, requestTimeoutMs: 10_000 },
    );
    const refusals = count429(client);
    const calls: Array<WsApiCall<unknown>> = [];
    for (let i = 0; i < 15; i++) {
      calls.push(client.submitNewSpotOrder(limitBuy()));
      calls.push(client.submitFuturesOrder(futuresBuy()));
    }
    const responses = (await Promise.all(calls)) as WSAPIResponse[];
    refusals.stop();
    expect(refusals.n()).toBe(0);
    expect(responses.every((r) => r.code === '200000')).toBe(true);
    const times = inTimes(responses);
    expect(times[15] - times[0]).toBeGreaterThanOrEqual(700);
  });

  it('with rateLimitGate: requests lost in a drop still count against the quota (no 429000 after the reconnect)', async () => {
    const WINDOW = 1_000;
    const { sim, client } = await h.start(
      { rateLimit: { limit: 20, windowMs: WINDOW } },
      { rateLimitGate: true, requestTimeoutMs: 10_000, reconnect: { initialDelayMs: 5, maxDelayMs: 20 } },
    );
    await client.connect();
    const refusals = count429(client);
    // The gateway answers late: it takes the requests (and their quota) but the answers are
    // still on their way when the session is cut.
    const probe = client.submitNewSpotOrder(limitBuy());
    await probe; // the gate learns the quota: 19 left
    sim.faults.delay(200);
    const cut = Array.from({ length: 19 }, () => client.submitNewSpotOrder(limitBuy()));
    const cutOutcomes = cut.map(settle);
    await until(
      () => sim.countFrames((f) => f.op === 'spot.order') === 20,
      'the 19 requests reached the gateway',
    );
    sim.faults.dropSessions();
    sim.faults.delay(0);
    await firstValueFrom(client.stateOf$('wsApiSpotV1').pipe(filter((s) => s.status === 'reconnecting')));
    await stateIs(client, 'ready');
    // The quota of this window is spent, whatever the client heard: these must wait for the next.
    const after = Array.from({ length: 10 }, () => client.submitNewSpotOrder(limitBuy()));
    const responses = await Promise.all(after);
    refusals.stop();
    expect((await Promise.all(cutOutcomes)).every((o) => (o as Error).name === 'DisconnectedError')).toBe(
      true,
    );
    expect(refusals.n()).toBe(0);
    expect(responses.every((r) => r.code === '200000')).toBe(true);
    expect(Math.min(...responses.map((r) => r.inTime)) - (await probe).inTime).toBeGreaterThanOrEqual(WINDOW);
  });
});
