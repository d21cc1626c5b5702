import { startSimulator, type Simulator, type SimulatorOptions } from '../../src/simulator';
import { consume, RateLimiter, rateLimitJson } from '../../src/simulator/rate-limit';
import { connect, RawClient, signedUrl, spotOrder } from './raw-client';

let sim: Simulator | undefined;
const clients: RawClient[] = [];

async function start(o: SimulatorOptions = {}): Promise<Simulator> {
  sim = await startSimulator(o);
  return sim;
}
async function session(s: Simulator, creds = s.demoAccount): Promise<RawClient> {
  const { client } = await connect(s.url, creds);
  clients.push(client);
  return client;
}

afterEach(async () => {
  for (const c of clients.splice(0)) c.close();
  await sim?.close();
  sim = undefined;
});

const second = {
  apiKey: 'key-2',
  apiSecret: 'secret-2',
  apiPassphrase: 'pass-2',
  balances: { USDT: '100000' },
};

describe('rate limit (fixed window per API key)', () => {
  it('answers 429000 "Too many requests" past the quota, still with the envelope and rateLimit', async () => {
    const s = await start({ rateLimit: { limit: 3, windowMs: 60_000 } });
    const c = await session(s);
    const answers = [];
    const ids: string[] = [];
    for (let i = 0; i < 5; i++) {
      ids.push(c.request('spot.order', spotOrder()));
      answers.push(await c.answerTo(ids[i]));
    }
    expect(answers.map((a) => a.code)).toEqual(['200000', '200000', '200000', '429000', '429000']);
    expect(answers.map((a) => a.rateLimit.remaining)).toEqual([2, 1, 0, 0, 0]);
    const refused = answers[3];
    expect(refused).toMatchObject({ op: 'spot.order', msg: 'Too many requests', rateLimit: { limit: 3 } });
    expect(refused.id).toBe(ids[3]);
    expect(refused.data).toBeUndefined();
    expect(refused.rateLimit.reset).toBeGreaterThan(0);
    expect(refused.rateLimit.reset).toBeLessThanOrEqual(60_000);
    expect(typeof refused.inTime).toBe('number');
    expect(typeof refused.outTime).toBe('number');
    // Refused requests never reached the exchange.
    expect(s.exchange.allOrders().length).toBeLessThanOrEqual(3);
  });

  it('counts invalid and unknown requests too, but not malformed frames', async () => {
    const s = await start({ rateLimit: { limit: 10, windowMs: 60_000 } });
    const c = await session(s);
    await c.answerTo(c.request('spot.order', { side: 'buy' }));
    await c.answerTo(c.request('spot.nothing', {}));
    c.send('not json');
    await c.waitFor((j) => j?.code === '4001002');
    const a = await c.answerTo(c.request('spot.order', spotOrder()));
    expect(a.rateLimit.remaining).toBe(7);
  });

  it('shares the quota among the sessions of one key, and not across keys', async () => {
    const s = await start({
      rateLimit: { limit: 2, windowMs: 60_000 },
      accounts: [
        { apiKey: 'key-1', apiSecret: 's-1', apiPassphrase: 'p-1', balances: { USDT: '100000' } },
        second,
      ],
    });
    const [a, b] = [await session(s, s.demoAccount), await session(s, s.demoAccount)];
    const other = await session(s, second);
    expect((await a.answerTo(a.request('spot.order', spotOrder()))).code).toBe('200000');
    expect((await b.answerTo(b.request('spot.order', spotOrder()))).code).toBe('200000');
    expect((await a.answerTo(a.request('spot.order', spotOrder()))).code).toBe('429000');
    expect((await other.answerTo(other.request('spot.order', spotOrder()))).rateLimit.remaining).toBe(1);
  });

  it('opens a new window once the old one has expired (pure, with an explicit clock)', () => {
    const w = new RateLimiter(2, 1_000).windowOf('k');
    expect(JSON.parse(rateLimitJson(w, 5_000))).toEqual({ limit: 2, reset: 1_000, remaining: 2 });
    expect(consume(w, 5_000)).toBe(true);
    expect(consume(w, 5_400)).toBe(true);
    expect(consume(w, 5_999)).toBe(false);
    expect(JSON.parse(rateLimitJson(w, 5_999))).toEqual({ limit: 2, reset: 1, remaining: 0 });
    expect(consume(w, 6_000)).toBe(true);
    expect(JSON.parse(rateLimitJson(w, 6_250))).toEqual({ limit: 2, reset: 750, remaining: 1 });
  });
});

describe('session limit (509)', () => {
  async function expect509(s: Simulator, max: number): Promise<void> {
    const c = await RawClient.open(signedUrl(s.url, s.demoAccount));
    clients.push(c);
    const f = await c.waitFor((j) => j?.code !== undefined);
    expect(f.json).toMatchObject({ code: '509', msg: `exceed max session count limitation of ${max}` });
    expect((await c.waitClosed()).code).toBe(1000);
    expect(c.frames.some((x) => x.json?.sessionId !== undefined)).toBe(false);
  }

  it('refuses the session past maxSessionsPerKey, per key, and admits again after one closes', async () => {
    const s = await start({
      maxSessionsPerKey: 2,
      accounts: [{ apiKey: 'key-1', apiSecret: 's-1', apiPassphrase: 'p-1' }, second],
    });
    const first = await session(s);
    await session(s);
    await expect509(s, 2);
    // Another key is not affected.
    await session(s, second);
    first.close();
    await first.closed;
    // The server notices the close asynchronously: wait for its session list to shrink.
    await waitUntil(() => s.sessions().filter((x) => x.apiKey === 'key-1').length === 1);
    await session(s);
    expect(s.sessions().filter((x) => x.apiKey === 'key-1')).toHaveLength(2);
  });

  it('counts sessions still in the handshake', async () => {
    const s = await start({ maxSessionsPerKey: 1 });
    const pending = await RawClient.open(signedUrl(s.url, s.demoAccount));
    clients.push(pending);
    await pending.waitFor((j) => j?.sessionId !== undefined);
    await expect509(s, 1);
  });

  it('admits 50 sessions per key by default and refuses the 51st', async () => {
    const s = await start();
    await Promise.all(Array.from({ length: 50 }, () => session(s)));
    expect(s.sessions().filter((x) => x.state === 'ready')).toHaveLength(50);
    await expect509(s, 50);
  });
});

async function waitUntil(cond: () => boolean, timeoutMs = 2_000): Promise<void> {
  const started = Date.now();
  while (!cond()) {
    if (Date.now() - started > timeoutMs) throw new Error('condition not met in time');
    await new Promise<void>((r) => setTimeout(r, 5));
  }
}
