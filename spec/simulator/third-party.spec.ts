/**
 * A third-party client that knows only the protocol text (KC-API signed REST over fetch, the
 * push channel over ws, the WS API over ws) drives a whole order flow against the simulator.
 */
import { startSimulator, type Simulator } from '../../src/simulator';
import { connect, type RawClient } from './raw-client';
import { alice, bob, futuresLookup, openPush, signed, spotLookup, type PushClient } from './rest-client';

let sim: Simulator;
const closeMe: Array<RawClient | PushClient> = [];

beforeAll(async () => {
  sim = await startSimulator({ seed: 3, accounts: [alice, bob] });
});
afterAll(async () => {
  for (const c of closeMe) c.close();
  await sim.close();
});

it('signs REST, gets a token, subscribes both topics, and follows its orders from open to done', async () => {
  // Server time, public.
  const time = await fetch(`${sim.restUrl}/api/v1/timestamp`).then((r) => r.json());
  expect(time.code).toBe('200000');
  expect(Math.abs(time.data - Date.now())).toBeLessThan(5_000);

  const { push, server } = await openPush(sim.restUrl, alice, 'alice-1');
  closeMe.push(push);
  expect(server).toMatchObject({ protocol: 'websocket', encrypt: false });
  expect(server.endpoint.startsWith(`ws://127.0.0.1:${sim.port}/`)).toBe(true);
  expect(push.frames[0]).toEqual({ id: 'alice-1', type: 'welcome' });
  await push.subscribe('/spotMarket/tradeOrdersV2');
  await push.subscribe('/contractMarket/tradeOrders');
  // Bob watches his own account only.
  const { push: bobPush } = await openPush(sim.restUrl, bob, 'bob-1');
  closeMe.push(bobPush);
  await bobPush.subscribe('/spotMarket/tradeOrdersV2');
  await bobPush.subscribe('/contractMarket/tradeOrders');

  const { client: ws } = await connect(sim.url, alice);
  closeMe.push(ws);

  // A resting order opens, then is cancelled.
  const rest = {
    type: 'limit',
    symbol: 'BTC-USDT',
    side: 'buy',
    price: '10000',
    size: '0.01',
    clientOid: 'tp-rest',
  };
  expect((await ws.answerTo(ws.request('spot.order', rest))).code).toBe('200000');
  const open = await push.waitEvent('tp-rest', 'open');
  expect(open).toMatchObject({
    status: 'open',
    symbol: 'BTC-USDT',
    side: 'buy',
    orderType: 'limit',
    price: '10000',
    size: '0.01',
    remainSize: '0.01',
    filledSize: '0',
  });
  expect(typeof open.orderTime).toBe('number');
  expect(typeof open.ts).toBe('number');
  const restingDetail = await signed(sim.restUrl, alice, 'GET', spotLookup('tp-rest', 'BTC-USDT'));
  expect(restingDetail.json.data).toMatchObject({
    clientOid: 'tp-rest',
    active: true,
    inOrderBook: true,
    dealSize: '0',
    remainSize: '0.01',
  });
  expect(
    (await ws.answerTo(ws.request('spot.cancel', { symbol: 'BTC-USDT', clientOid: 'tp-rest' }))).code,
  ).toBe('200000');
  const canceled = await push.waitEvent('tp-rest', 'canceled');
  expect(canceled).toMatchObject({ status: 'done', canceledSize: '0.01', remainSize: '0' });
  expect(push.eventsOf('tp-rest').map((e) => e.type)).toEqual(['received', 'open', 'canceled']);
  const canceledDetail = await signed(sim.restUrl, alice, 'GET', spotLookup('tp-rest', 'BTC-USDT'));
  expect(canceledDetail.json.data).toMatchObject({
    active: false,
    inOrderBook: false,
    cancelExist: true,
    cancelledSize: '0.01',
  });

  // A taker matches the seeded book and fills.
  const take = { type: 'market', symbol: 'BTC-USDT', side: 'buy', size: '0.002', clientOid: 'tp-take' };
  expect((await ws.answerTo(ws.request('spot.order', take))).code).toBe('200000');
  const filled = await push.waitEvent('tp-take', 'filled');
  expect(filled.status).toBe('done');
  const matches = push.eventsOf('tp-take').filter((e) => e.type === 'match');
  expect(matches.length).toBeGreaterThan(0);
  for (const m of matches)
    expect(m).toMatchObject({ status: 'match', liquidity: 'taker', feeType: 'takerFee' });
  expect(matches.every((m) => typeof m.tradeId === 'string' && Number(m.matchPrice) > 0)).toBe(true);
  const takeDetail = await signed(sim.restUrl, alice, 'GET', spotLookup('tp-take', 'BTC-USDT'));
  expect(takeDetail.json.data).toMatchObject({ dealSize: '0.002', active: false, type: 'market' });
  expect(sim.exchange.ledger('tp-take')?.dealSize).toBe('0.002');

  // A futures order opens.
  const fut = {
    clientOid: 'tp-fut',
    symbol: 'XBTUSDTM',
    side: 'buy',
    type: 'limit',
    price: '20000',
    size: 2,
    leverage: '5',
  };
  expect((await ws.answerTo(ws.request('futures.order', fut))).code).toBe('200000');
  const futOpen = await push.waitEvent('tp-fut', 'open');
  expect(futOpen).toMatchObject({ status: 'open', symbol: 'XBTUSDTM', size: '2', remainSize: '2' });
  expect(push.frames.find((f) => f.data?.clientOid === 'tp-fut').topic).toBe('/contractMarket/tradeOrders');
  const futDetail = await signed(sim.restUrl, alice, 'GET', futuresLookup('tp-fut'));
  expect(futDetail.json.data).toMatchObject({
    clientOid: 'tp-fut',
    status: 'open',
    isActive: true,
    size: 2,
    dealSize: 0,
    leverage: '5',
  });

  // Bob sees nothing of Alice: neither events nor lookups.
  expect(bobPush.frames.filter((f) => f.type === 'message')).toEqual([]);
  const bobLooks = await signed(sim.restUrl, bob, 'GET', spotLookup('tp-take', 'BTC-USDT'));
  expect(bobLooks.json.code).not.toBe('200000');
  const bobFut = await signed(sim.restUrl, bob, 'GET', futuresLookup('tp-fut'));
  expect(bobFut.json).toEqual({ code: '200000', data: null });
});
