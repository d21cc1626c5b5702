/**
 * KuCoin's own JavaScript SDK (`kucoin-api`, a dev dependency built unchanged from its 2.6.1
 * release: see vendor/README.md) used as a real third-party client of the simulator, given only
 * base URLs. It signs extra query parameters, sends partner headers and connects to the push
 * channel without a connectId: the simulator must take all of that as KuCoin does.
 */
import { FuturesClient, SpotClient, WebsocketClient } from 'kucoin-api';
import { startSimulator, type Simulator } from '../../src/simulator';
import { connect, type RawClient } from './raw-client';
import { alice, bob } from './rest-client';

let sim: Simulator;
const sockets: RawClient[] = [];
const pushClients: WebsocketClient[] = [];

beforeAll(async () => {
  sim = await startSimulator({ seed: 12, accounts: [alice, bob] });
});
afterAll(async () => {
  for (const c of sockets) c.close();
  for (const p of pushClients) p.closeAll(true);
  await sim.close();
});

/** The SDK's clients for one account, pointed at the simulator. */
function sdkFor(account: typeof alice): { spot: SpotClient; futures: FuturesClient } {
  const creds = {
    apiKey: account.apiKey,
    apiSecret: account.apiSecret,
    apiPassphrase: account.apiPassphrase,
  };
  return {
    spot: new SpotClient({ ...creds, baseUrl: sim.restUrl }),
    futures: new FuturesClient({ ...creds, baseUrl: sim.restUrl }),
  };
}

/** The SDK's logger, silenced: its lines say nothing the assertions do not. */
const quiet = { trace: (): void => undefined, info: (): void => undefined, error: (): void => undefined };

/** An order event the SDK's WebsocketClient delivered, as it delivers it. */
interface SdkUpdate {
  readonly topic: string;
  readonly subject: string;
  readonly data: { readonly clientOid: string; readonly type: string; readonly status?: string } & Record<
    string,
    unknown
  >;
}

/** The SDK's push client for one account, collecting every `update` it emits. */
function pushFor(account: typeof alice): {
  ws: WebsocketClient;
  updates: SdkUpdate[];
  waitFor: (clientOid: string, type: string) => Promise<SdkUpdate>;
} {
  const ws = new WebsocketClient(
    {
      apiKey: account.apiKey,
      apiSecret: account.apiSecret,
      apiPassphrase: account.apiPassphrase,
      restOptions: { baseUrl: sim.restUrl },
    },
    quiet,
  );
  pushClients.push(ws);
  const updates: SdkUpdate[] = [];
  const waiters: Array<{ clientOid: string; type: string; resolve: (u: SdkUpdate) => void }> = [];
  ws.on('update', (u: SdkUpdate) => {
    updates.push(u);
    for (const w of waiters.splice(0))
      if (u.data.clientOid === w.clientOid && u.data.type === w.type) w.resolve(u);
      else waiters.push(w);
  });
  const waitFor = (clientOid: string, type: string): Promise<SdkUpdate> => {
    const seen = updates.find((u) => u.data.clientOid === clientOid && u.data.type === type);
    return seen !== undefined
      ? Promise.resolve(seen)
      : new Promise((resolve) => waiters.push({ clientOid, type, resolve }));
  };
  return { ws, updates, waitFor };
}

/** Resolves once the SDK says it subscribed `topic` (its `response` event for the subscribe). */
function subscribed(
  ws: WebsocketClient,
  topic: string,
  wsKey: 'spotPrivateV1' | 'futuresPrivateV1',
): Promise<void> {
  return new Promise((resolve) => {
    ws.on('response', (r: { type?: string; wsKey?: string }) => {
      if (r.type === 'ack' && r.wsKey === wsKey) resolve();
    });
    ws.subscribe([topic], wsKey);
  });
}

it('SpotClient and FuturesClient read the server time from the simulator', async () => {
  const { spot, futures } = sdkFor(alice);
  const before = Date.now();
  const spotTime = await spot.getServerTime();
  const futuresTime = await futures.getServerTime();
  expect(spotTime.code).toBe('200000');
  expect(futuresTime.code).toBe('200000');
  for (const t of [spotTime.data, futuresTime.data]) {
    expect(t).toBeGreaterThanOrEqual(before - 1_000);
    expect(t).toBeLessThanOrEqual(Date.now() + 1_000);
  }
});

it('the SDK looks spot, margin and futures orders up by clientOid, and sees only its own account', async () => {
  const { client: ws } = await connect(sim.url, alice);
  sockets.push(ws);
  const place = async (op: string, args: Record<string, unknown>): Promise<void> => {
    const answer = await ws.answerTo(ws.request(op, args));
    expect(answer.code).toBe('200000');
  };
  await place('spot.order', {
    type: 'limit',
    symbol: 'BTC-USDT',
    side: 'buy',
    price: '10000',
    size: '0.01',
    clientOid: 'sdk-spot',
  });
  await place('margin.order', {
    type: 'limit',
    symbol: 'BTC-USDT',
    side: 'buy',
    price: '10000',
    size: '0.01',
    clientOid: 'sdk-margin',
  });
  await place('futures.order', {
    type: 'limit',
    symbol: 'XBTUSDTM',
    side: 'buy',
    price: '10000',
    size: 1,
    leverage: 3,
    marginMode: 'ISOLATED',
    clientOid: 'sdk-futures',
  });

  const { spot, futures } = sdkFor(alice);
  const spotOrder = await spot.getHFOrderDetailsByClientOid({ clientOid: 'sdk-spot', symbol: 'BTC-USDT' });
  expect(spotOrder.code).toBe('200000');
  expect(spotOrder.data).toMatchObject({
    clientOid: 'sdk-spot',
    id: sim.exchange.ledger('sdk-spot')?.orderId,
    symbol: 'BTC-USDT',
    active: true,
    dealSize: '0',
  });
  const marginOrder = await spot.getHFMarginOrderByClientOid({ clientOid: 'sdk-margin', symbol: 'BTC-USDT' });
  expect(marginOrder.code).toBe('200000');
  expect(marginOrder.data).toMatchObject({
    clientOid: 'sdk-margin',
    id: sim.exchange.ledger('sdk-margin')?.orderId,
  });
  const futuresOrder = await futures.getOrderByClientOrderId({ clientOid: 'sdk-futures' });
  expect(futuresOrder.code).toBe('200000');
  expect(futuresOrder.data).toMatchObject({
    clientOid: 'sdk-futures',
    id: sim.exchange.ledger('sdk-futures')?.orderId,
    symbol: 'XBTUSDTM',
    isActive: true,
  });

  // Bob, with the same SDK, does not see alice's orders
  const bobs = sdkFor(bob);
  // (the SDK rejects with the HTTP status and KuCoin's body when the code is not 200000).
  await expect(
    bobs.spot.getHFOrderDetailsByClientOid({ clientOid: 'sdk-spot', symbol: 'BTC-USDT' }),
  ).rejects.toMatchObject({ body: { code: '400100', msg: 'order not exist.' } });
  await expect(bobs.futures.getOrderByClientOrderId({ clientOid: 'sdk-futures' })).resolves.toEqual({
    code: '200000',
    data: null,
  });
});

it("the SDK's WebsocketClient gets a token, subscribes both order topics and receives the WS API's orders", async () => {
  const alicePush = pushFor(alice);
  const bobPush = pushFor(bob);
  await subscribed(alicePush.ws, '/spotMarket/tradeOrdersV2', 'spotPrivateV1');
  await subscribed(alicePush.ws, '/contractMarket/tradeOrders', 'futuresPrivateV1');
  await subscribed(bobPush.ws, '/spotMarket/tradeOrdersV2', 'spotPrivateV1');
  // The SDK connects with the token alone (no connectId); both of its push sessions are up.
  expect(sim.pushSessions().filter((s) => s.apiKey === alice.apiKey)).toHaveLength(2);

  const { client: ws } = await connect(sim.url, alice);
  sockets.push(ws);
  const place = async (op: string, args: Record<string, unknown>): Promise<void> => {
    expect((await ws.answerTo(ws.request(op, args))).code).toBe('200000');
  };
  // A resting order opens and is cancelled; a market order takes the seeded book; a futures order rests.
  await place('spot.order', {
    type: 'limit',
    symbol: 'BTC-USDT',
    side: 'buy',
    price: '10000',
    size: '0.01',
    clientOid: 'sdk-rest',
  });
  await alicePush.waitFor('sdk-rest', 'open');
  await place('spot.cancel', { symbol: 'BTC-USDT', clientOid: 'sdk-rest' });
  const canceled = await alicePush.waitFor('sdk-rest', 'canceled');
  expect(canceled).toMatchObject({ topic: '/spotMarket/tradeOrdersV2', subject: 'orderChange' });
  expect(canceled.data).toMatchObject({ status: 'done', canceledSize: '0.01', remainSize: '0' });
  await place('spot.order', {
    type: 'market',
    symbol: 'BTC-USDT',
    side: 'buy',
    size: '0.002',
    clientOid: 'sdk-take',
  });
  const filled = await alicePush.waitFor('sdk-take', 'filled');
  expect(filled.data).toMatchObject({ status: 'done', filledSize: '0.002' });
  await place('futures.order', {
    type: 'limit',
    symbol: 'XBTUSDTM',
    side: 'buy',
    price: '20000',
    size: 2,
    leverage: 5,
    clientOid: 'sdk-fut-push',
  });
  const futOpen = await alicePush.waitFor('sdk-fut-push', 'open');
  expect(futOpen).toMatchObject({ topic: '/contractMarket/tradeOrders', subject: 'orderChange' });
  expect(futOpen.data).toMatchObject({ status: 'open', symbol: 'XBTUSDTM' });

  // Events per order in engine order; the matches of the taker sum to the ledger's dealSize.
  const typesOf = (oid: string): string[] =>
    alicePush.updates.filter((u) => u.data.clientOid === oid).map((u) => u.data.type);
  expect(typesOf('sdk-rest')).toEqual(['received', 'open', 'canceled']);
  const takeTypes = typesOf('sdk-take');
  expect(takeTypes[0]).toBe('received');
  expect(takeTypes.at(-1)).toBe('filled');
  const matched = alicePush.updates
    .filter((u) => u.data.clientOid === 'sdk-take' && u.data.type === 'match')
    .reduce((sum, u) => sum + Number(u.data.matchSize), 0);
  expect(matched).toBeCloseTo(Number(sim.exchange.ledger('sdk-take')?.dealSize), 10);
  // Bob, subscribed on his own account, saw none of alice's orders.
  expect(bobPush.updates).toEqual([]);
});
