import { startSimulator, type Simulator, type SimulatorOptions } from '../../src/simulator';
import { connect, hmac, RawClient, signedUrl, spotOrder } from './raw-client';

let sim: Simulator | undefined;
const clients: RawClient[] = [];

async function start(o: SimulatorOptions = {}): Promise<Simulator> {
  sim = await startSimulator(o);
  return sim;
}
async function session(s: Simulator): Promise<RawClient> {
  const { client } = await connect(s.url, s.demoAccount);
  clients.push(client);
  return client;
}

afterEach(async () => {
  for (const c of clients.splice(0)) c.close();
  await sim?.close();
  sim = undefined;
});

/** Waits until the simulator has received (and recorded) a frame with this id. */
async function received(s: Simulator, id: string, timeoutMs = 2_000): Promise<void> {
  const started = Date.now();
  while (s.countFrames((f) => f.id === id) === 0) {
    if (Date.now() - started > timeoutMs) throw new Error(`frame ${id} never reached the simulator`);
    await new Promise<void>((r) => setTimeout(r, 2));
  }
}

describe('faults.dropSessions', () => {
  it('terminates every session at once, without a close frame, and returns the count', async () => {
    const s = await start();
    const a = await session(s);
    const b = await session(s);
    expect(s.faults.dropSessions()).toBe(2);
    // Gone at once, and not counted again while their sockets finish closing.
    expect(s.sessions()).toEqual([]);
    expect(s.faults.dropSessions()).toBe(0);
    const [ca, cb] = await Promise.all([a.waitClosed(), b.waitClosed()]);
    // 1006: the socket ended without a close handshake, as a network drop does.
    expect(ca.code).toBe(1006);
    expect(cb.code).toBe(1006);
    const again = await session(s);
    expect((await again.answerTo(again.request('spot.order', spotOrder()))).code).toBe('200000');
  });
});

describe('faults.pause / resume', () => {
  it('stops answering requests and pings while sockets stay open; drops what arrived meanwhile', async () => {
    const s = await start();
    const c = await session(s);
    s.faults.pause();
    c.request('spot.order', spotOrder({ clientOid: 'paused-1' }), 'during-pause');
    c.send({ id: 'ping-during-pause', op: 'ping', timestamp: Date.now() });
    await received(s, 'ping-during-pause');
    expect(c.isOpen).toBe(true);
    s.faults.resume();
    const after = await c.answerTo(c.request('spot.order', spotOrder(), 'after-resume'));
    expect(after.code).toBe('200000');
    // Answers on one socket keep their order: had the paused frames been answered, it would be by now.
    expect(c.frames.some((f) => f.json?.id === 'during-pause' || f.json?.id === 'ping-during-pause')).toBe(
      false,
    );
    expect(s.exchange.ledger('paused-1')).toBeUndefined();
    expect(s.countFrames((f) => f.id === 'during-pause')).toBe(1);
  });

  it('holds the handshake of connections opened while paused until resume', async () => {
    const s = await start();
    s.faults.pause();
    const c = await RawClient.open(signedUrl(s.url, s.demoAccount));
    clients.push(c);
    // The upgrade completed (the socket is open) but no session was admitted.
    expect(s.sessions()).toEqual([]);
    s.faults.resume();
    const challenge = await c.waitFor((j) => j?.sessionId !== undefined);
    expect(c.frames.indexOf(challenge)).toBe(0);
    expect(s.sessions()).toHaveLength(1);
  });

  it('welcomes on resume a session whose signature was being checked when the pause came', async () => {
    const s = await start();
    const c = await RawClient.open(signedUrl(s.url, s.demoAccount));
    clients.push(c);
    const challenge = await c.waitFor((j) => typeof j?.sessionId === 'string' && j.data === undefined);
    /** Resolves in the first turn (after the poll phase) where `test` holds. */
    const when = (test: () => boolean): Promise<void> =>
      new Promise((resolve) => {
        const look = (): void => (test() ? resolve() : void setImmediate(look));
        setImmediate(look);
      });
    const gateway = () => s.sessions()[0];
    // The pause lands in the turn the gateway read the reply, while its check (Web Crypto,
    // asynchronous) runs.
    const reading = when(() => gateway()?.state === 'handshake' && gateway().framesReceived >= 1);
    c.send(hmac(s.demoAccount.apiSecret, challenge.text));
    await reading;
    s.faults.pause();
    await when(() => gateway()?.state === 'ready');
    // Checked during the pause: nothing was sent, and the session waits for the resume.
    expect(c.frames.map((f) => f.json as unknown)).toEqual([challenge.json]);
    s.faults.resume();
    await c.waitFor((j) => j?.data === 'welcome');
    expect((await c.answerTo(c.request('spot.order', spotOrder()))).code).toBe('200000');
  });

  it('checks the URL of a connection held by the pause against the time it arrived, not the resume', async () => {
    const s = await start();
    // Signed 3.5 s ago: inside the 5 s tolerance when it arrives (1.5 s of slack for a loaded machine),
    // stale by the time the pause ends.
    const signedAt = Date.now() - 3_500;
    s.faults.pause();
    const c = await RawClient.open(signedUrl(s.url, s.demoAccount, { timestamp: signedAt }));
    clients.push(c);
    // The gateway stays silent until the URL would be stale at resume time.
    await new Promise((r) => setTimeout(r, Math.max(0, signedAt + 5_000 - Date.now()) + 50));
    s.faults.resume();
    const first = await c.waitFor(() => true);
    expect(first.json).toMatchObject({ sessionId: expect.any(String), timestamp: expect.any(Number) });
  });
});

describe('faults.delay', () => {
  it('delays every answer by the given ms, keeps the order, and turns off with 0', async () => {
    const s = await start();
    const c = await session(s);
    // A delay far above any scheduling noise of a loaded machine, so the bounds can be wide.
    s.faults.delay(1_000);
    const t0 = Date.now();
    const ids = [c.request('spot.order', spotOrder()), c.request('spot.order', spotOrder())];
    c.send({ id: 'p', op: 'ping', timestamp: t0 });
    const first = await c.answerTo(ids[0]);
    expect(Date.now() - t0).toBeGreaterThanOrEqual(990);
    // outTime is when the gateway answered, not when the delayed frame left.
    expect(first.outTime - first.inTime).toBeLessThan(500);
    await c.answerTo('p');
    const order = c.frames
      .filter((f) => ids.includes(f.json?.id) || f.json?.id === 'p')
      .map((f) => f.json.id);
    expect(order).toEqual([...ids, 'p']);
    s.faults.delay(0);
    const t1 = Date.now();
    await c.answerTo(c.request('spot.order', spotOrder()));
    expect(Date.now() - t1).toBeLessThan(500);
  });

  it('rejects a negative delay', async () => {
    const s = await start();
    expect(() => s.faults.delay(-1)).toThrow(RangeError);
  });
});

describe('faults.sendMalformed', () => {
  it("'not-json' sends a frame that does not parse", async () => {
    const s = await start();
    const c = await session(s);
    s.faults.sendMalformed('not-json');
    const f = await c.waitFor((j, text) => j === undefined && text.length > 0);
    expect(() => JSON.parse(f.text)).toThrow();
  });

  it("'wrong-shape' sends JSON that is not an envelope (numeric code, non-string id)", async () => {
    const s = await start();
    const c = await session(s);
    s.faults.sendMalformed('wrong-shape');
    const f = await c.waitFor((j) => j !== undefined && typeof j.code === 'number');
    expect(typeof f.json.id).not.toBe('string');
  });

  it("'unknown-id' sends a well-formed answer to a request nobody made", async () => {
    const s = await start();
    const c = await session(s);
    s.faults.sendMalformed('unknown-id');
    const f = await c.waitFor((j) => typeof j?.id === 'string' && j.id.startsWith('sim-unknown-'));
    expect(f.json).toMatchObject({ code: '200000', op: 'spot.order', rateLimit: expect.any(Object) });
  });

  it("'duplicate' re-sends each session's last answer byte for byte", async () => {
    const s = await start();
    const a = await session(s);
    const b = await session(s);
    const ida = a.request('spot.order', spotOrder());
    const first = await a.waitFor((j) => j?.id === ida);
    const idb = b.request('spot.order', spotOrder());
    const firstB = await b.waitFor((j) => j?.id === idb);
    s.faults.sendMalformed('duplicate');
    expect((await a.waitFor((j) => j?.id === ida)).text).toBe(first.text);
    expect((await b.waitFor((j) => j?.id === idb)).text).toBe(firstB.text);
  });

  it("'oversized' sends a frame of at least 1 MiB", async () => {
    const s = await start();
    const c = await session(s);
    s.faults.sendMalformed('oversized');
    const f = await c.waitFor((_j, text) => text.length > 1024 * 1024, 5_000);
    expect(f.json.id).toMatch(/^sim-oversized-/);
  });

  it('reaches only ready sessions, and sessions stay usable', async () => {
    const s = await start();
    const ready = await session(s);
    const pending = await RawClient.open(signedUrl(s.url, s.demoAccount));
    clients.push(pending);
    await pending.waitFor((j) => j?.sessionId !== undefined);
    s.faults.sendMalformed('unknown-id');
    await ready.waitFor((j) => j?.id?.startsWith?.('sim-unknown-'));
    expect(pending.frames).toHaveLength(1);
    expect((await ready.answerTo(ready.request('spot.order', spotOrder()))).code).toBe('200000');
  });
});

describe("faults.sendMalformed('bad-data')", () => {
  it('sends nothing at once, then corrupts the data of the next success answer only', async () => {
    const s = await start();
    const c = await session(s);
    s.faults.sendMalformed('bad-data');
    // A refused request does not use the fault up: its answer is left as it is.
    const refusedId = c.request('spot.cancel', { symbol: 'BTC-USDT', orderId: 'no-such-order' });
    const refused = await c.answerTo(refusedId);
    expect(refused.code).not.toBe('200000');
    expect(refused.data).not.toBe('sim-bad-data');
    const bad = await c.answerTo(c.request('spot.order', spotOrder({ clientOid: 'bad-data-1' })));
    expect(bad).toMatchObject({ code: '200000', op: 'spot.order', data: 'sim-bad-data' });
    expect(bad.rateLimit).toEqual(expect.any(Object));
    // The exchange did act on it: only the answer is corrupted.
    expect(s.exchange.ledger('bad-data-1')).toBeDefined();
    const next = await c.answerTo(c.request('spot.order', spotOrder()));
    expect(next.data).toMatchObject({ orderId: expect.any(String) });
    expect(c.frames.map((f) => f.text).filter((t) => t.includes('sim-bad-data'))).toHaveLength(1);
  });
});

describe('faults.refuseConnections', () => {
  it('rejects new upgrades with HTTP 503 while on; open sessions are unaffected', async () => {
    const s = await start();
    const c = await session(s);
    s.faults.refuseConnections(true);
    await expect(RawClient.open(signedUrl(s.url, s.demoAccount))).rejects.toThrow('HTTP 503');
    expect((await c.answerTo(c.request('spot.order', spotOrder()))).code).toBe('200000');
    s.faults.refuseConnections(false);
    await session(s);
  });
});

describe('faults.reset', () => {
  it('turns pause, delay and refusal off together', async () => {
    const s = await start();
    const c = await session(s);
    s.faults.pause();
    s.faults.delay(5_000);
    s.faults.refuseConnections(true);
    s.faults.reset();
    const t0 = Date.now();
    expect((await c.answerTo(c.request('spot.order', spotOrder()))).code).toBe('200000');
    expect(Date.now() - t0).toBeLessThan(1_000);
    await session(s);
  });
});
