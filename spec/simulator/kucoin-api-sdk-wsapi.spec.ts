/**
 * KuCoin's own SDK (`kucoin-api` 2.6.1, see vendor/README.md) on its own against the simulator:
 * its `WebsocketAPIClient` places and cancels orders over the simulator's WS API, its
 * `WebsocketClient` hears their events, its `SpotClient`/`FuturesClient` look them up.
 *
 * The SDK has no base-URL option for the WS API: its `wsUrl` option replaces the whole URL, which
 * it then opens as given, without adding the signed query it adds to KuCoin's URL. So the URL
 * handed to it here is already signed (`signedUrl`, the protocol's URL signature, with the SDK's
 * own partner); the SDK does the rest (session handshake, requests, pings) unchanged. Such a URL
 * is accepted for 5 s (its timestamp), so a reconnect of that client would be refused.
 */
import { FuturesClient, SpotClient, WebsocketAPIClient, WebsocketClient } from 'kucoin-api';
import { startSimulator, type Simulator } from '../../src/simulator';
import { signedUrl } from './raw-client';
import { alice, bob } from './rest-client';
import { loopbackGuard, sdkPartners } from './sdk-support';

const guard = loopbackGuard();
let sim: Simulator;
const wsClients: WebsocketClient[] = [];

beforeAll(async () => {
  sim = await startSimulator({ seed: 21, accounts: [alice, bob], partners: sdkPartners() });
});
afterEach(() => {
  expect(guard.count()).toBeGreaterThan(0);
  expect(guard.outside()).toEqual([]);
});
afterAll(async () => {
  for (const c of wsClients) c.closeAll(true);
  await sim.close();
  guard.restore();
});

type Account = typeof alice;
const credentials = (a: Account) => ({
  apiKey: a.apiKey,
  apiSecret: a.apiSecret,
  apiPassphrase: a.apiPassphrase,
});

/** The SDK's loggers, silenced: their lines say nothing the assertions do not. */
const quiet = { trace: (): void => undefined, info: (): void => undefined, error: (): void => undefined };

/** Events the SDK's clients emitted that say a connection was lost, and the exceptions they reported. */
const trouble: string[] = [];
const exceptions: unknown[] = [];
function watch(ws: WebsocketClient): WebsocketClient {
  wsClients.push(ws);
  for (const name of ['reconnect', 'reconnected', 'close'] as const)
    ws.on(name, (e: { wsKey?: string }) => trouble.push(`${name} ${e.wsKey}`));
  ws.on('exception', (e: unknown) => exceptions.push(e));
  return ws;
}

/** The SDK's WS API client on the simulator: the one URL it takes, signed for `account` now. */
function wsApiFor(account: Account, heartbeat: { pingInterval?: number; pongTimeout?: number } = {}) {
  const partner = 'NODESDK';
  const client = new WebsocketAPIClient(
    {
      ...credentials(account),
      wsUrl: signedUrl(sim.url, account, { partner, partnerKey: sdkPartners()[partner] }),
      attachEventListeners: false,
      ...heartbeat,
    },
    quiet,
  );
  watch(client.getWSClient());
  return client;
}

interface SdkUpdate {
  readonly topic: string;
  readonly data: { readonly clientOid: string; readonly type: string } & Record<string, unknown>;
}

function pushFor(account: Account, heartbeat: { pingInterval?: number; pongTimeout?: number } = {}) {
  const ws = watch(
    new WebsocketClient(
      { ...credentials(account), restOptions: { baseUrl: sim.restUrl }, ...heartbeat },
      quiet,
    ),
  );
  const updates: SdkUpdate[] = [];
  const listeners = new Set<() => void>();
  ws.on('update', (u: SdkUpdate) => {
    updates.push(u);
    for (const l of listeners) l();
  });
  /** Resolves with the event once `clientOid`'s `type` event has come. */
  const waitFor = (clientOid: string, type: string): Promise<SdkUpdate> =>
    new Promise((resolve) => {
      const check = (): void => {
        const u = updates.find((x) => x.data.clientOid === clientOid && x.data.type === type);
        if (u === undefined) return;
        listeners.delete(check);
        resolve(u);
      };
      listeners.add(check);
      check();
    });
  const subscribed = (topic: string, wsKey: 'spotPrivateV1' | 'futuresPrivateV1'): Promise<void> =>
    new Promise((resolve) => {
      ws.on('response', (r: { type?: string; wsKey?: string }) => {
        if (r.type === 'ack' && r.wsKey === wsKey) resolve();
      });
      ws.subscribe([topic], wsKey);
    });
  return { ws, updates, waitFor, subscribed };
}

/** Resolves once `done()` holds, checking every 20 ms; rejects after 20 s (before jest's timeout). */
async function until(done: () => boolean, what: string): Promise<void> {
  for (const end = Date.now() + 20_000; !done(); await new Promise((r) => setTimeout(r, 20)))
    if (Date.now() > end) throw new Error(`still waiting for ${what}`);
}

it('the SDK alone: its WebsocketAPIClient places and cancels, its WebsocketClient hears the events, its REST clients find the orders', async () => {
  const push = pushFor(alice);
  await push.subscribed('/spotMarket/tradeOrdersV2', 'spotPrivateV1');
  await push.subscribed('/contractMarket/tradeOrders', 'futuresPrivateV1');
  const api = wsApiFor(alice);

  const resting = { type: 'limit', symbol: 'BTC-USDT', side: 'buy', price: '10000', size: '0.01' } as const;
  const placed = await api.submitNewSpotOrder({ ...resting, clientOid: 'sdk-api-spot' });
  expect(placed).toMatchObject({
    code: '200000',
    op: 'spot.order',
    data: { clientOid: 'sdk-api-spot', orderId: sim.exchange.ledger('sdk-api-spot')?.orderId },
    rateLimit: { limit: expect.any(Number), remaining: expect.any(Number) },
  });
  await push.waitFor('sdk-api-spot', 'open');
  const cancelled = await api.cancelSpotOrder({ symbol: 'BTC-USDT', clientOid: 'sdk-api-spot' });
  expect(cancelled).toMatchObject({ code: '200000', data: { clientOid: 'sdk-api-spot' } });
  await push.waitFor('sdk-api-spot', 'canceled');

  const margin = await api.submitMarginOrder({ ...resting, clientOid: 'sdk-api-margin' });
  expect(margin).toMatchObject({ code: '200000', data: { clientOid: 'sdk-api-margin' } });
  await push.waitFor('sdk-api-margin', 'open');

  const taker = await api.submitNewSpotOrder({
    type: 'market',
    symbol: 'BTC-USDT',
    side: 'buy',
    size: '0.002',
    clientOid: 'sdk-api-take',
  });
  expect(taker.code).toBe('200000');
  await push.waitFor('sdk-api-take', 'filled');

  // Futures requests go on the SDK's second WS API connection (wsApiFuturesV1).
  const futures = await api.submitFuturesOrder({
    type: 'limit',
    symbol: 'XBTUSDTM',
    side: 'buy',
    price: '20000',
    size: 1,
    leverage: 5,
    marginMode: 'ISOLATED',
    clientOid: 'sdk-api-fut',
  });
  expect(futures).toMatchObject({
    code: '200000',
    wsKey: 'wsApiFuturesV1',
    data: { clientOid: 'sdk-api-fut' },
  });
  await push.waitFor('sdk-api-fut', 'open');

  // A refusal rejects the SDK's promise with KuCoin's answer, and nothing reaches the book.
  await expect(
    api.submitNewSpotOrder({ ...resting, symbol: 'NOPE-USDT', clientOid: 'sdk-api-refused' }),
  ).rejects.toMatchObject({ op: 'spot.order', code: '400100', msg: expect.any(String) });
  expect(sim.exchange.ledger('sdk-api-refused')).toBeUndefined();

  const rest = {
    spot: new SpotClient({ ...credentials(alice), baseUrl: sim.restUrl }),
    futures: new FuturesClient({ ...credentials(alice), baseUrl: sim.restUrl }),
  };
  const spotDone = await rest.spot.getHFOrderDetailsByClientOid({
    clientOid: 'sdk-api-spot',
    symbol: 'BTC-USDT',
  });
  expect(spotDone.data).toMatchObject({ id: placed.data.orderId, active: false, cancelledSize: '0.01' });
  const marginOpen = await rest.spot.getHFMarginOrderByClientOid({
    clientOid: 'sdk-api-margin',
    symbol: 'BTC-USDT',
  });
  expect(marginOpen.data).toMatchObject({ id: margin.data.orderId, active: true });
  const took = await rest.spot.getHFOrderDetailsByClientOid({
    clientOid: 'sdk-api-take',
    symbol: 'BTC-USDT',
  });
  expect(took.data).toMatchObject({ active: false, dealSize: sim.exchange.ledger('sdk-api-take')?.dealSize });
  const fut = await rest.futures.getOrderByClientOrderId({ clientOid: 'sdk-api-fut' });
  expect(fut.data).toMatchObject({ id: futures.data.orderId, isActive: true, status: 'open' });

  // Both WS API connections did the session handshake; nothing was lost or retried, and the
  // only exception the SDK reported is the refusal.
  expect(sim.sessions().filter((s) => s.apiKey === alice.apiKey)).toHaveLength(2);
  expect(trouble).toEqual([]);
  expect(exceptions).toEqual([expect.objectContaining({ code: '400100', id: expect.any(String) })]);
  exceptions.length = 0;
});

it("the SDK's own heartbeats keep its WS API and push connections up (op ping with a string timestamp; type ping)", async () => {
  // A ping every 100 ms. The SDK sends no ping while one is unanswered, and drops the link and
  // reconnects when a ping has no answer within pongTimeout: five pings mean four answers.
  const heartbeat = { pingInterval: 100, pongTimeout: 2_000 };
  const push = pushFor(bob, heartbeat);
  await push.subscribed('/spotMarket/tradeOrdersV2', 'spotPrivateV1');
  const api = wsApiFor(bob, heartbeat);
  await api.submitNewSpotOrder({
    type: 'limit',
    symbol: 'BTC-USDT',
    side: 'buy',
    price: '10000',
    size: '0.01',
    clientOid: 'sdk-beat',
  });
  const opOf = (text: string): unknown => {
    try {
      return (JSON.parse(text) as { op?: unknown }).op;
    } catch {
      return undefined; // the session signature is plain text
    }
  };
  const wsApiPings = (): number =>
    sim.framesReceived().filter((f) => f.apiKey === bob.apiKey && opOf(f.text) === 'ping').length;
  const pushSession = (): { id: string; framesReceived: number } | undefined =>
    sim.pushSessions().find((s) => s.apiKey === bob.apiKey);
  const firstPush = pushSession()?.id;
  // Five WS API pings and five push frames past the subscribe, all answered in time.
  await until(
    () => wsApiPings() >= 5 && (pushSession()?.framesReceived ?? 0) >= 6,
    'five pings on each link',
  );
  expect(pushSession()?.id).toBe(firstPush);
  expect(sim.sessions().filter((s) => s.apiKey === bob.apiKey)).toHaveLength(1);
  expect(trouble).toEqual([]);
  expect(exceptions).toEqual([]);
  // And the push link still carries events.
  await api.cancelSpotOrder({ symbol: 'BTC-USDT', clientOid: 'sdk-beat' });
  await push.waitFor('sdk-beat', 'canceled');
});
