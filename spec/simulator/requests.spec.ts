import fc from 'fast-check';
import WebSocket from 'ws';
import { OPERATIONS_BY_OP } from '../../src/operations';
import { startSimulator, type Simulator, type SimulatorOptions } from '../../src/simulator';
import { connect, type RawClient, spotOrder } from './raw-client';

let sim: Simulator | undefined;
let client: RawClient | undefined;

async function ready(o: SimulatorOptions = {}): Promise<RawClient> {
  sim = await startSimulator(o);
  client = (await connect(sim.url, sim.demoAccount)).client;
  return client;
}

afterEach(async () => {
  client?.close();
  client = undefined;
  await sim?.close();
  sim = undefined;
});

/** The envelope fields every answer to a request carries (docs/protocol.md §4). */
function expectEnvelope(a: any): void {
  expect(typeof a.code).toBe('string');
  expect(Number.isInteger(a.inTime)).toBe(true);
  expect(Number.isInteger(a.outTime)).toBe(true);
  expect(a.outTime).toBeGreaterThanOrEqual(a.inTime);
  expect(Math.abs(a.inTime - Date.now())).toBeLessThan(5_000);
  expect(a.rateLimit).toEqual({
    limit: expect.any(Number),
    reset: expect.any(Number),
    remaining: expect.any(Number),
  });
  expect(a.code === '200000' ? 'data' in a : typeof a.msg === 'string').toBe(true);
}

/** Sends raw text and returns the next answer (frames without an id included). */
async function answerToText(c: RawClient, text: string): Promise<any> {
  const before = c.frames.length;
  c.send(text);
  const f = await c.waitFor((j, _t) => j?.code !== undefined && c.frames.indexOf(f0(c, j)) >= before);
  return f.json;
}
const f0 = (c: RawClient, j: unknown) => c.frames.find((x) => x.json === j)!;

describe('keep-alive (docs/protocol.md §3)', () => {
  it('answers a ping with a pong echoing the id and carrying the gateway time', async () => {
    const c = await ready({ clockOffsetMs: 2_000 });
    c.send({ id: 'ping-123', op: 'ping', timestamp: 1 });
    const pong = await c.answerTo('ping-123');
    expect(Object.keys(pong)).toEqual(['id', 'op', 'timestamp']);
    expect(pong.op).toBe('pong');
    // The gateway's clock, not the client's timestamp echoed.
    expect(pong.timestamp).toBeGreaterThan(Date.now() + 1_000);
  });

  it('answers a ping without id with 4001002', async () => {
    const c = await ready();
    const a = await answerToText(c, JSON.stringify({ op: 'ping', timestamp: Date.now() }));
    expect(a.code).toBe('4001002');
  });

  it('pings cost no quota', async () => {
    const c = await ready({ rateLimit: { limit: 2, windowMs: 60_000 } });
    for (let i = 0; i < 5; i++) {
      c.send({ id: `p${i}`, op: 'ping', timestamp: Date.now() });
      expect((await c.answerTo(`p${i}`)).op).toBe('pong');
    }
    const a = await c.answerTo(c.request('spot.order', spotOrder({ clientOid: 'q1' })));
    expect(a.rateLimit.remaining).toBe(1);
  });

  it('closes a session that stays silent longer than pingInterval + pingTimeout', async () => {
    // Taken before the session exists: the gateway's idle clock starts later, so a stall after
    // the handshake (a loaded machine) cannot make the wait look shorter.
    const opened = Date.now();
    const c = await ready({ pingInterval: 100, pingTimeout: 100 });
    const closed = await c.waitClosed(3_000);
    expect(Date.now() - opened).toBeGreaterThanOrEqual(180);
    expect(closed.code).toBe(1000);
    expect(closed.reason).toMatch(/idle/);
    expect(sim!.sessions()).toEqual([]);
  });

  it('a stalled process does not close a session whose frame waits unread', async () => {
    // A GC pause or a blocked loop in the process the simulator shares (tests, testnet): Node
    // runs the due idle sweep before it reads the ping that arrived during the stall.
    const c = await ready({ pingInterval: 40, pingTimeout: 40 });
    c.send({ id: 'before', op: 'ping', timestamp: Date.now() });
    await c.answerTo('before');
    c.send({ id: 'during', op: 'ping', timestamp: Date.now() });
    const stalled = Date.now();
    while (Date.now() - stalled < 250); // the stall: three idle limits
    expect((await c.answerTo('during')).op).toBe('pong');
    expect(c.isOpen).toBe(true);
    expect(sim!.sessions()).toHaveLength(1);
  });

  it('keeps a session open while the client pings, and any frame counts as activity', async () => {
    const c = await ready({ pingInterval: 60, pingTimeout: 60 });
    const started = Date.now();
    let n = 0;
    while (Date.now() - started < 500) {
      // Alternate pings and requests: both keep the session alive.
      const id =
        n % 2 === 0 ? `p${n}` : c.request('spot.order', spotOrder({ clientOid: `alive-${n}` }), `r${n}`);
      if (n % 2 === 0) c.send({ id, op: 'ping', timestamp: Date.now() });
      await c.answerTo(id);
      await new Promise<void>((r) => setImmediate(r));
      n++;
    }
    expect(c.isOpen).toBe(true);
  });
});

describe('malformed input is answered, never fatal', () => {
  it('invalid JSON → 4001002 error frame, session stays usable', async () => {
    const c = await ready();
    const a = await answerToText(c, '{"id":"x","op":');
    expect(a).toMatchObject({ code: '4001002' });
    expect(a.msg).toMatch(/^Please check the param of your request: .*JSON/);
    expectEnvelope(a);
    expect(a.id).toBeUndefined();
    expect((await c.answerTo(c.request('spot.order', spotOrder()))).code).toBe('200000');
  });

  it('a JSON value that is not an object → 4001002', async () => {
    const c = await ready();
    for (const text of ['[1,2]', '"hello"', '42', 'null']) {
      expect((await answerToText(c, text)).code).toBe('4001002');
    }
  });

  it('missing or empty id → 4001002 with the documented text', async () => {
    const c = await ready();
    const msg = "Please check the param of your request: Field 'id' must be a non-empty string.";
    for (const frame of [
      { op: 'spot.order', args: spotOrder() },
      { id: '', op: 'spot.order', args: spotOrder() },
      { id: 7, op: 'spot.order', args: spotOrder() },
    ]) {
      const a = await answerToText(c, JSON.stringify(frame));
      expect(a).toMatchObject({ code: '4001002', msg, op: 'spot.order' });
      expectEnvelope(a);
    }
    expect(sim!.exchange.allOrders()).toHaveLength(0);
  });

  it('missing op → 4001002 echoing the id', async () => {
    const c = await ready();
    const a = await answerToText(c, JSON.stringify({ id: 'no-op', args: {} }));
    expect(a).toMatchObject({ id: 'no-op', code: '4001002' });
    expect(a.msg).toMatch(/'op'/);
  });

  it('unknown op → 400100 naming the op (100001 for futures.*)', async () => {
    const c = await ready();
    const a = await c.answerTo(c.request('spot.teleport', {}));
    expect(a).toMatchObject({ code: '400100', op: 'spot.teleport' });
    expect(a.msg).toContain('spot.teleport');
    expectEnvelope(a);
    const f = await c.answerTo(c.request('futures.teleport', {}));
    expect(f).toMatchObject({ code: '100001' });
    expect(f.msg).toContain('futures.teleport');
  });

  it('invalid spot args → 400100 naming the field and the rule; nothing reaches the exchange', async () => {
    const c = await ready();
    const a = await c.answerTo(
      c.request('spot.order', { type: 'limit', symbol: 'BTC-USDT', side: 'buy', size: '1' }),
    );
    expect(a).toMatchObject({ code: '400100', msg: 'price: is required for limit orders' });
    expectEnvelope(a);
    const b = await c.answerTo(c.request('spot.order', spotOrder({ side: 'up' })));
    expect(b.code).toBe('400100');
    expect(b.msg).toMatch(/^side: must be one of 'buy', 'sell'$/);
    const m = await c.answerTo(
      c.request('margin.order', { symbol: 'BTC-USDT', side: 'buy', timeinforce: 'GTC' }),
    );
    expect(m.code).toBe('400100');
    expect(m.msg).toContain('timeinforce: is not a field of this request');
    expect(sim!.exchange.allOrders()).toHaveLength(0);
  });

  it('invalid futures args → 100001 naming the field', async () => {
    const c = await ready();
    const a = await c.answerTo(
      c.request('futures.order', { symbol: 'XBTUSDTM', side: 'buy', type: 'limit', price: '1', size: 1.5 }),
    );
    expect(a.code).toBe('100001');
    expect(a.msg).toMatch(/^size: /);
    const many = Array.from({ length: 21 }, (_, i) => ({
      symbol: 'XBTUSDTM',
      side: 'buy',
      type: 'market',
      size: 1,
      clientOid: `m${i}`,
    }));
    const b = await c.answerTo(c.request('futures.multi_order', many));
    expect(b.code).toBe('100001');
    expect(b.msg).toMatch(/1 to 20/);
  });

  it('oversized frame → 4001002 naming the limit, session stays usable', async () => {
    const c = await ready({ maxFrameBytes: 1024 });
    const a = await answerToText(
      c,
      JSON.stringify({ id: 'big', op: 'spot.order', args: { remark: 'x'.repeat(2000) } }),
    );
    expect(a.code).toBe('4001002');
    expect(a.msg).toMatch(/exceeds the limit of 1024 bytes/);
    expectEnvelope(a);
    expect((await c.answerTo(c.request('spot.order', spotOrder()))).code).toBe('200000');
  });

  it('binary frames are read as text', async () => {
    const c = await ready();
    c.ws.send(Buffer.from(JSON.stringify({ id: 'bin', op: 'ping', timestamp: 1 })), { binary: true });
    expect((await c.answerTo('bin')).op).toBe('pong');
  });

  it('survives arbitrary frames and keeps answering (property)', async () => {
    const c = await ready({ rateLimit: { limit: 1_000_000, windowMs: 60_000 } });
    const ops = [...OPERATIONS_BY_OP.keys(), 'ping', 'nope', ''];
    const frame = fc.oneof(
      fc.string({ maxLength: 200 }),
      fc.json(),
      fc
        .record({
          id: fc.oneof(fc.string(), fc.integer(), fc.constant(undefined)),
          op: fc.constantFrom(...ops),
          args: fc.jsonValue(),
        })
        .map((f) => JSON.stringify(f)),
    );
    await fc.assert(
      fc.asyncProperty(frame, async (text) => {
        c.send(text);
        const id = c.request('spot.order', spotOrder(), `probe-${Math.random()}`);
        const a = await c.answerTo(id);
        return a.code === '200000';
      }),
      { numRuns: 150 },
    );
    expect(c.isOpen).toBe(true);
  });
});

describe('the response envelope', () => {
  it('carries id, op, code, data, inTime, outTime and rateLimit on success', async () => {
    const c = await ready();
    const a = await c.answerTo(c.request('spot.order', spotOrder({ clientOid: 'env-1' }), 'request-001'));
    expect(a).toMatchObject({
      id: 'request-001',
      op: 'spot.order',
      code: '200000',
      data: { clientOid: 'env-1' },
    });
    expect(typeof a.data.orderId).toBe('string');
    expectEnvelope(a);
    expect(a.rateLimit).toMatchObject({ limit: 1600, remaining: 1599 });
    expect(a.rateLimit.reset).toBeGreaterThan(29_000);
    expect(a.rateLimit.reset).toBeLessThanOrEqual(30_000);
  });

  it('echoes ids that need JSON escaping', async () => {
    const c = await ready();
    const id = 'quote"back\\slash\nnew-line-ü-😀';
    const a = await c.answerTo(c.request('spot.order', spotOrder(), id));
    expect(a.id).toBe(id);
  });

  it('answers requests on one socket in the order they were sent', async () => {
    const c = await ready({ mode: 'ack' });
    const ids = Array.from({ length: 200 }, (_, i) => c.request('spot.order', spotOrder(), `o${i}`));
    await c.answerTo(ids[ids.length - 1]);
    const answered = c.frames.filter((f) => f.json?.op === 'spot.order').map((f) => f.json.id);
    expect(answered).toEqual(ids);
  });

  it('closes cleanly while a client is still connected', async () => {
    const c = await ready();
    await sim!.close();
    await c.waitClosed();
    expect(c.ws.readyState).toBe(WebSocket.CLOSED);
  });
});
