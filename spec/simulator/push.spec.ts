/** The private push channel against the protocol text: connect, keep-alive, topics, events, faults. */
import { startSimulator, type Simulator, type SimulatorOptions } from '../../src/simulator';
import { connect, type RawClient } from './raw-client';
import { alice, bob, openPush, PushClient, signed, spotLookup } from './rest-client';

const SPOT = '/spotMarket/tradeOrdersV2';
const FUTURES = '/contractMarket/tradeOrders';

let sim: Simulator | undefined;
const closeMe: Array<RawClient | PushClient> = [];
async function start(o: SimulatorOptions = {}): Promise<Simulator> {
  sim = await startSimulator({ seed: 7, accounts: [alice, bob], ...o });
  return sim;
}
async function wsOf(s: Simulator, creds = alice): Promise<RawClient> {
  const { client } = await connect(s.url, creds);
  closeMe.push(client);
  return client;
}
async function pushOf(s: Simulator, creds = alice, connectId: string | undefined = 'c1') {
  const opened = await openPush(s.restUrl, creds, connectId);
  closeMe.push(opened.push);
  return opened;
}
/** A pong proves every frame the server queued before it has arrived (one socket keeps order). */
async function settle(push: PushClient, id = `settle-${Math.random()}`): Promise<void> {
  push.send({ id, type: 'ping' });
  await push.waitFor((f) => f.id === id && f.type === 'pong');
}
const limit = (o: Record<string, unknown>) => ({
  type: 'limit',
  symbol: 'BTC-USDT',
  side: 'buy',
  price: '10000',
  size: '0.01',
  ...o,
});

afterEach(async () => {
  for (const c of closeMe.splice(0)) c.close();
  await sim?.close();
  sim = undefined;
});

describe('connect', () => {
  it('welcomes with the connectId; without one, with an id of its own', async () => {
    const s = await start();
    const { push } = await pushOf(s, alice, 'my-connect-id');
    expect(push.frames[0]).toEqual({ id: 'my-connect-id', type: 'welcome' });
    const { push: anon } = await pushOf(s, alice, undefined);
    expect(anon.frames[0].type).toBe('welcome');
    expect(typeof anon.frames[0].id).toBe('string');
    expect(s.pushSessions().map((p) => p.apiKey)).toEqual([alice.apiKey, alice.apiKey]);
  });

  it('refuses a bad token with the 401 error frame and a close', async () => {
    const s = await start();
    const { server } = await pushOf(s);
    const bad = await PushClient.open(`${server.endpoint}?token=not-a-token&connectId=x`);
    closeMe.push(bad);
    const err = await bad.waitFor((f) => f.type === 'error');
    expect(err).toEqual({ id: 'x', type: 'error', code: 401, data: 'token is expired' });
    expect((await bad.closed).code).toBe(1000);
    const none = await PushClient.open(server.endpoint);
    closeMe.push(none);
    expect((await none.waitFor((f) => f.type === 'error')).code).toBe(401);
    // A good token given twice is refused too, as REST refuses a repeated parameter.
    const { token } = await pushOf(s);
    const twice = await PushClient.open(`${server.endpoint}?token=${token}&token=${token}&connectId=y`);
    closeMe.push(twice);
    expect(await twice.waitFor((f) => f.type === 'error')).toMatchObject({ id: 'y', code: 401 });
  });

  it('faults.expireTokens: open sessions get the 401 error and a close; old tokens are refused', async () => {
    const s = await start();
    const { push, token, server } = await pushOf(s);
    s.faults.expireTokens();
    expect(await push.waitFor((f) => f.type === 'error')).toMatchObject({
      code: 401,
      data: 'token is expired',
    });
    await push.closed;
    expect(s.pushSessions()).toEqual([]);
    const again = await PushClient.open(`${server.endpoint}?token=${token}&connectId=a`);
    closeMe.push(again);
    expect((await again.waitFor((f) => f.type === 'error')).code).toBe(401);
    // A fresh token works.
    const { push: fresh } = await pushOf(s);
    expect(fresh.frames[0].type).toBe('welcome');
  });

  it('limits push sessions per key (509), separately from WS API sessions and per key', async () => {
    const s = await start({ maxSessionsPerKey: 2 });
    await wsOf(s);
    await wsOf(s);
    await pushOf(s, alice, 'a1');
    await pushOf(s, alice, 'a2');
    const bullet = await signed(s.restUrl, alice, 'POST', '/api/v1/bullet-private');
    const { token, instanceServers } = bullet.json.data;
    const third = await PushClient.open(`${instanceServers[0].endpoint}?token=${token}&connectId=a3`);
    closeMe.push(third);
    expect(await third.waitFor((f) => f.type === 'error')).toMatchObject({ id: 'a3', code: 509 });
    await third.closed;
    await pushOf(s, bob, 'b1');
    expect(s.pushSessions()).toHaveLength(3);
  });

  it('refuseConnections refuses push upgrades with 503 too', async () => {
    const s = await start();
    const { server, token } = await pushOf(s);
    s.faults.refuseConnections(true);
    await expect(PushClient.open(`${server.endpoint}?token=${token}`)).rejects.toThrow('HTTP 503');
    s.faults.refuseConnections(false);
  });
});

describe('keep-alive and topics', () => {
  it('answers ping with pong, acks subscribe and unsubscribe, errors on unknown topics', async () => {
    const s = await start();
    const { push } = await pushOf(s);
    push.send({ id: 'p1', type: 'ping' });
    expect(await push.waitFor((f) => f.id === 'p1' && f.type !== 'welcome')).toEqual({
      id: 'p1',
      type: 'pong',
    });
    push.send({ id: 's1', type: 'subscribe', topic: SPOT, privateChannel: true, response: true });
    expect(await push.waitFor((f) => f.id === 's1')).toEqual({ id: 's1', type: 'ack' });
    expect(s.pushSessions()[0].topics).toEqual([SPOT]);
    push.send({
      id: 's2',
      type: 'subscribe',
      topic: '/market/ticker:BTC-USDT',
      privateChannel: false,
      response: true,
    });
    expect(await push.waitFor((f) => f.id === 's2')).toMatchObject({ type: 'error', code: 404 });
    push.send({ id: 'u1', type: 'unsubscribe', topic: SPOT, privateChannel: true, response: true });
    expect(await push.waitFor((f) => f.id === 'u1')).toEqual({ id: 'u1', type: 'ack' });
    expect(s.pushSessions()[0].topics).toEqual([]);
  });

  it('closes a session silent for pingInterval + pingTimeout, and keeps one that pings', async () => {
    const s = await start({ pingInterval: 150, pingTimeout: 150 });
    const { push: silent } = await pushOf(s, alice, 'silent');
    const { push: chatty } = await pushOf(s, alice, 'chatty');
    const timer = setInterval(() => chatty.send({ id: 'k', type: 'ping' }), 50);
    try {
      const closed = await silent.closed;
      expect(closed.code).toBe(1000);
      expect(chatty.ws.readyState).toBe(chatty.ws.OPEN);
      expect(s.pushSessions().map((p) => p.id)).toEqual(['chatty']);
    } finally {
      clearInterval(timer);
    }
  });

  it('a stalled process does not close a push session whose ping waits unread', async () => {
    const s = await start({ pingInterval: 40, pingTimeout: 40 });
    const { push } = await pushOf(s, alice, 'stalled');
    await settle(push);
    push.send({ id: 'during', type: 'ping' });
    const stalled = Date.now();
    while (Date.now() - stalled < 250); // the stall: three idle limits
    await push.waitFor((f) => f.id === 'during' && f.type === 'pong');
    expect(push.ws.readyState).toBe(push.ws.OPEN);
    expect(s.pushSessions().map((p) => p.id)).toEqual(['stalled']);
  });
});

describe('order events', () => {
  it('sends each state change of spot and margin orders on the spot topic, futures on the futures topic', async () => {
    const s = await start();
    const { push } = await pushOf(s);
    await push.subscribe(SPOT);
    await push.subscribe(FUTURES);
    const ws = await wsOf(s);
    await ws.answerTo(ws.request('spot.order', limit({ clientOid: 'e-spot' })));
    await ws.answerTo(
      ws.request(
        'margin.order',
        limit({ clientOid: 'e-margin', side: 'sell', price: '90000', size: '0.01' }),
      ),
    );
    await ws.answerTo(
      ws.request('futures.order', {
        clientOid: 'e-fut',
        symbol: 'XBTUSDTM',
        side: 'buy',
        type: 'market',
        size: 1,
        leverage: '3',
      }),
    );
    await settle(push);
    const message = push.frames.find((f) => f.type === 'message');
    expect(message).toMatchObject({ topic: SPOT, subject: 'orderChange', channelType: 'private' });
    expect(typeof message.userId).toBe('string');
    expect(message.userId).not.toContain(alice.apiKey);
    expect(push.eventsOf('e-spot').map((e) => [e.type, e.status])).toEqual([
      ['received', 'new'],
      ['open', 'open'],
    ]);
    expect(push.eventsOf('e-margin').map((e) => e.type)).toEqual(['received', 'open']);
    const fut = push.eventsOf('e-fut');
    expect(fut.map((e) => e.type)).toEqual([...fut.slice(0, -1).map(() => 'match'), 'filled']);
    expect(fut.every((e) => e.orderType === 'market' && e.symbol === 'XBTUSDTM')).toBe(true);
    const futFrames = push.frames.filter((f) => f.data?.clientOid === 'e-fut');
    expect(new Set(futFrames.map((f) => f.topic))).toEqual(new Set([FUTURES]));
    const first = push.eventsOf('e-spot')[0];
    expect(first).toMatchObject({
      symbol: 'BTC-USDT',
      side: 'buy',
      orderType: 'limit',
      price: '10000',
      size: '0.01',
      originSize: '0.01',
      filledSize: '0',
      remainSize: '0.01',
      canceledSize: '0',
    });
    expect(first.orderTime).toBeLessThan(1e14); // ms
    expect(first.ts).toBeGreaterThan(1e17); // ns
    expect(fut[0].orderTime).toBeGreaterThan(1e17); // futures: ns
  });

  it('gives maker and taker their match events with one tradeId, and the terminal event once', async () => {
    const s = await start();
    const { push: a } = await pushOf(s, alice, 'a');
    const { push: b } = await pushOf(s, bob, 'b');
    await a.subscribe(SPOT);
    await b.subscribe(SPOT);
    const wa = await wsOf(s, alice);
    const wb = await wsOf(s, bob);
    // Alice rests a sell below the seeded asks; Bob takes part of it, then the rest.
    await wa.answerTo(
      wa.request('spot.order', limit({ clientOid: 'maker-1', side: 'sell', price: '30000', size: '0.03' })),
    );
    await wb.answerTo(
      wb.request('spot.order', limit({ clientOid: 'taker-1', side: 'buy', price: '30000', size: '0.01' })),
    );
    await wb.answerTo(
      wb.request('spot.order', limit({ clientOid: 'taker-2', side: 'buy', price: '30000', size: '0.02' })),
    );
    await settle(a);
    await settle(b);
    const maker = a.eventsOf('maker-1');
    expect(maker.map((e) => [e.type, e.status])).toEqual([
      ['received', 'new'],
      ['open', 'open'],
      ['match', 'open'],
      ['match', 'open'],
      ['filled', 'done'],
    ]);
    expect(maker[2]).toMatchObject({
      matchPrice: '30000',
      matchSize: '0.01',
      liquidity: 'maker',
      filledSize: '0.01',
      remainSize: '0.02',
    });
    const t1 = b.eventsOf('taker-1');
    expect(t1.map((e) => [e.type, e.status])).toEqual([
      ['received', 'new'],
      ['match', 'match'],
      ['filled', 'done'],
    ]);
    expect(t1[1]).toMatchObject({ liquidity: 'taker', matchSize: '0.01', remainSize: '0' });
    expect(t1[1].tradeId).toBe(maker[2].tradeId);
    expect(b.eventsOf('taker-2')[1].tradeId).toBe(maker[3].tradeId);
    // Each sees only its own orders.
    expect(a.eventsOf('taker-1')).toEqual([]);
    expect(b.eventsOf('maker-1')).toEqual([]);
    expect(s.exchange.ledger('maker-1')).toMatchObject({ dealSize: '0.03', status: 'done' });
  });

  it('sends update (STP decrease of the resting order) and canceled for STP and for cancels', async () => {
    const s = await start();
    const { push } = await pushOf(s);
    await push.subscribe(SPOT);
    const ws = await wsOf(s);
    await ws.answerTo(
      ws.request('spot.order', limit({ clientOid: 'stp-maker', side: 'sell', price: '30000', size: '0.05' })),
    );
    await ws.answerTo(
      ws.request(
        'spot.order',
        limit({ clientOid: 'stp-taker', side: 'buy', price: '30000', size: '0.02', stp: 'DC' }),
      ),
    );
    await settle(push);
    const maker = push.eventsOf('stp-maker');
    expect(maker.map((e) => e.type)).toEqual(['received', 'open', 'update']);
    expect(maker[2]).toMatchObject({
      status: 'open',
      oldSize: '0.05',
      remainSize: '0.03',
      canceledSize: '0.02',
    });
    expect(push.eventsOf('stp-taker').map((e) => e.type)).toEqual(['received', 'canceled']);
    await ws.answerTo(ws.request('spot.cancel', { symbol: 'BTC-USDT', clientOid: 'stp-maker' }));
    await settle(push);
    expect(push.eventsOf('stp-maker').map((e) => e.type)).toEqual(['received', 'open', 'update', 'canceled']);
  });

  it('sends nothing after unsubscribe, nothing of before a (re)connect, nothing to unsubscribed topics', async () => {
    const s = await start();
    const { push } = await pushOf(s, alice, 'first');
    await push.subscribe(FUTURES);
    const ws = await wsOf(s);
    await ws.answerTo(ws.request('spot.order', limit({ clientOid: 'not-futures' })));
    await settle(push);
    expect(push.frames.filter((f) => f.type === 'message')).toEqual([]);
    push.close();
    await push.closed;
    await ws.answerTo(ws.request('spot.order', limit({ clientOid: 'while-away' })));
    const { push: again } = await pushOf(s, alice, 'second');
    await again.subscribe(SPOT);
    await ws.answerTo(ws.request('spot.order', limit({ clientOid: 'after' })));
    await settle(again);
    expect(again.eventsOf('while-away')).toEqual([]);
    expect(again.eventsOf('after').map((e) => e.type)).toEqual(['received', 'open']);
    again.send({ id: 'u', type: 'unsubscribe', topic: SPOT, response: true });
    await again.waitFor((f) => f.id === 'u');
    await ws.answerTo(ws.request('spot.order', limit({ clientOid: 'after-unsub' })));
    await settle(again);
    expect(again.eventsOf('after-unsub')).toEqual([]);
  });

  it('REST tells what the push socket missed while it was down', async () => {
    const s = await start();
    const ws = await wsOf(s);
    await ws.answerTo(
      ws.request('spot.order', limit({ clientOid: 'missed', side: 'buy', price: '31000', size: '0.01' })),
    );
    const d = await signed(s.restUrl, alice, 'GET', spotLookup('missed', 'BTC-USDT'));
    expect(d.json.data).toMatchObject({ dealSize: '0.01', active: false });
  });
});

describe('faults and inspection on the push channel', () => {
  it('dropSessions by kind and by key; pushFramesSent counts per account', async () => {
    const s = await start();
    const { push: pa } = await pushOf(s, alice, 'pa');
    const { push: pb } = await pushOf(s, bob, 'pb');
    const wa = await wsOf(s, alice);
    expect(s.pushFramesSent(alice.apiKey)).toBe(1); // the welcome
    await pa.subscribe(SPOT);
    await wa.answerTo(wa.request('spot.order', limit({ clientOid: 'counted' })));
    await settle(pa);
    expect(s.pushFramesSent(alice.apiKey)).toBe(5); // welcome, ack, received, open, pong
    expect(s.pushFramesSent(bob.apiKey)).toBe(1);
    expect(s.faults.dropSessions({ kind: 'push', apiKey: bob.apiKey })).toBe(1);
    expect((await pb.closed).code).toBe(1006);
    expect(pa.ws.readyState).toBe(pa.ws.OPEN);
    expect(s.faults.dropSessions({ kind: 'wsapi' })).toBe(1);
    await wa.waitClosed();
    expect(pa.ws.readyState).toBe(pa.ws.OPEN);
    expect(s.faults.dropSessions()).toBe(1);
    expect((await pa.closed).code).toBe(1006);
    expect(s.pushSessions()).toEqual([]);
  });

  it('dropSessions({ apiKey }) cuts WS API and push sessions of that key only', async () => {
    const s = await start();
    const { push: pa } = await pushOf(s, alice, 'pa');
    const { push: pb } = await pushOf(s, bob, 'pb');
    const wa = await wsOf(s, alice);
    const wb = await wsOf(s, bob);
    expect(s.faults.dropSessions({ apiKey: alice.apiKey })).toBe(2);
    await pa.closed;
    await wa.waitClosed();
    expect(pb.ws.readyState).toBe(pb.ws.OPEN);
    expect(wb.isOpen).toBe(true);
  });

  it('delay holds push frames; pause swallows them', async () => {
    const s = await start();
    const { push } = await pushOf(s);
    await push.subscribe(SPOT);
    const ws = await wsOf(s);
    s.faults.delay(400);
    const sentAt = Date.now();
    push.send({ id: 'slow', type: 'ping' });
    await push.waitFor((f) => f.id === 'slow');
    expect(Date.now() - sentAt).toBeGreaterThanOrEqual(350);
    s.faults.delay(0);
    s.faults.pause();
    const before = s.pushSessions()[0].framesReceived;
    push.send({ id: 'paused', type: 'ping' });
    while (s.pushSessions()[0].framesReceived === before) await new Promise((r) => setTimeout(r, 5));
    s.faults.resume();
    await settle(push);
    expect(push.frames.some((f) => f.id === 'paused')).toBe(false);
    await ws.answerTo(ws.request('spot.order', limit({ clientOid: 'after-pause' })));
    await settle(push);
    expect(push.eventsOf('after-pause').map((e) => e.type)).toEqual(['received', 'open']);
  });
});

describe('delay and order events', () => {
  it('delay holds order events and delivers each intact, in order (their bytes are copied before the next event)', async () => {
    const s = await start();
    const { push } = await pushOf(s);
    await push.subscribe(SPOT);
    const ws = await wsOf(s);
    s.faults.delay(200);
    const sentAt = Date.now();
    const oids = ['delayed-1', 'delayed-2', 'delayed-3'];
    const answers = oids.map((clientOid, i) =>
      ws.answerTo(ws.request('spot.order', limit({ clientOid, price: `${20_000 + i}` }))),
    );
    await Promise.all(answers);
    await push.waitEvent('delayed-3', 'open');
    expect(Date.now() - sentAt).toBeGreaterThanOrEqual(150);
    for (const [i, clientOid] of oids.entries()) {
      const events = push.eventsOf(clientOid);
      expect(events.map((e) => e.type)).toEqual(['received', 'open']);
      for (const e of events)
        expect(e).toMatchObject({ clientOid, price: `${20_000 + i}`, symbol: 'BTC-USDT' });
    }
    s.faults.delay(0);
  });
});

describe('pause and resume', () => {
  it('a push socket opened during pause() gets its welcome on resume(), as a WS API socket its handshake', async () => {
    const s = await start();
    const bullet = await signed(s.restUrl, alice, 'POST', '/api/v1/bullet-private', '');
    s.faults.pause();
    const q = new URLSearchParams({ token: bullet.json.data.token, connectId: 'during-pause' });
    const push = await PushClient.open(`${bullet.json.data.instanceServers[0].endpoint}?${q}`);
    closeMe.push(push);
    // The session exists (the upgrade was admitted) and nothing was written to it.
    expect(s.pushSessions().map((p) => p.id)).toEqual(['during-pause']);
    expect(s.pushFramesSent(alice.apiKey)).toBe(0);
    s.faults.resume();
    expect(await push.waitFor((f) => f.type === 'welcome')).toEqual({ id: 'during-pause', type: 'welcome' });
    await push.subscribe(SPOT);
  });
});

describe('close', () => {
  it('closes push sockets with 1001 and leaves nothing behind', async () => {
    const s = await start();
    const { push } = await pushOf(s);
    await push.subscribe(SPOT);
    await s.close();
    sim = undefined;
    expect((await push.closed).code).toBe(1001);
    await expect(fetch(`${s.restUrl}/api/v1/timestamp`)).rejects.toThrow();
  });
});
