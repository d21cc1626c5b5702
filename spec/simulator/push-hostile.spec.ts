/**
 * Hostile clients of the push channel: garbage frames, floods, oversized frames, hostile URLs.
 * Each gets an error frame or a close, never a crash, and the channel keeps serving others.
 */
import { startSimulator, type Simulator } from '../../src/simulator';
import { connect } from './raw-client';
import { openPush, PushClient, signed } from './rest-client';

let sim: Simulator;
const closeMe: PushClient[] = [];
beforeAll(async () => {
  sim = await startSimulator({ seed: 4, maxFrameBytes: 4_096 });
});
afterAll(async () => {
  for (const c of closeMe) c.close();
  await sim.close();
});
async function pushOf(connectId?: string) {
  const opened = await openPush(sim.restUrl, sim.demoAccount, connectId);
  closeMe.push(opened.push);
  return opened;
}

afterEach(async () => {
  // A well-behaved client still gets its events.
  const { push } = await pushOf('healthy');
  await push.subscribe('/spotMarket/tradeOrdersV2');
  const { client } = await connect(sim.url, sim.demoAccount);
  const oid = `h-${Math.random().toString(36).slice(2, 10)}`;
  await client.answerTo(
    client.request('spot.order', {
      type: 'limit',
      symbol: 'BTC-USDT',
      side: 'buy',
      price: '100',
      size: '0.01',
      clientOid: oid,
    }),
  );
  await push.waitEvent(oid, 'open');
  client.close();
  push.close();
});

it('answers garbage frames with error frames and keeps the session', async () => {
  const { push } = await pushOf('g');
  const garbage = [
    'not json',
    '[1,2,3]',
    'null',
    '42',
    '{"type":"dance","id":"d1"}',
    '{"id":{"x":1},"type":"ping"}',
  ];
  for (const g of garbage) push.send(g);
  push.ws.send(Buffer.from([0xff, 0xfe, 0x00, 0x01]), { binary: true });
  push.send({ id: 'after', type: 'ping' });
  await push.waitFor((f) => f.id === 'after' && f.type === 'pong');
  const errors = push.frames.filter((f) => f.type === 'error');
  expect(errors).toHaveLength(garbage.length);
  expect(errors.every((e) => e.code === 400 && typeof e.data === 'string')).toBe(true);
  expect(push.ws.readyState).toBe(push.ws.OPEN);
});

it('closes a socket that sends a frame over the size limit (1009)', async () => {
  const { push } = await pushOf('big');
  push.send({ id: 'x', type: 'ping', pad: 'p'.repeat(10_000) });
  expect((await push.closed).code).toBe(1009);
});

it('survives a flood of subscribes, unsubscribes and unknown topics', async () => {
  const { push } = await pushOf('flood');
  for (let i = 0; i < 5_000; i++) {
    push.send({
      id: `s${i}`,
      type: i % 3 === 2 ? 'unsubscribe' : 'subscribe',
      topic: i % 2 ? '/spotMarket/tradeOrdersV2' : `/no/${i}`,
    });
  }
  push.send({ id: 'end', type: 'ping' });
  await push.waitFor((f) => f.id === 'end', 10_000);
  const info = sim.pushSessions().find((p) => p.id === 'flood')!;
  expect(info.topics.length).toBeLessThanOrEqual(2);
  expect(info.framesReceived).toBe(5_001);
});

it('refuses hostile tokens and echoes a huge connectId safely', async () => {
  const { server } = await pushOf('t');
  for (const token of ['t'.repeat(10_000), '../../etc/passwd', '%00', '']) {
    const bad = await PushClient.open(`${server.endpoint}?token=${encodeURIComponent(token)}`);
    closeMe.push(bad);
    expect((await bad.waitFor((f) => f.type === 'error')).code).toBe(401);
    await bad.closed;
  }
  const bullet = await signed(sim.restUrl, sim.demoAccount, 'POST', '/api/v1/bullet-private');
  const id = 'c"<\\'.repeat(500);
  const odd = await PushClient.open(
    `${server.endpoint}?token=${bullet.json.data.token}&connectId=${encodeURIComponent(id)}`,
  );
  closeMe.push(odd);
  expect(await odd.waitFor((f) => f.type === 'welcome')).toEqual({ id, type: 'welcome' });
});

it('answers a plain HTTP request to the push path with a REST 404, not a crash', async () => {
  const { server } = await pushOf('p');
  const res = await fetch(server.endpoint.replace('ws://', 'http://'));
  expect(res.status).toBe(404);
  expect((await res.json()).code).toBe('404000');
});
