/**
 * KuCoin's own JavaScript SDK (`kucoin-api`, a dev dependency built unchanged from its 2.6.1
 * release: see vendor/README.md) used as a real third-party client of the simulator, given only
 * base URLs. It signs extra query parameters, sends partner headers and connects to the push
 * channel without a connectId: the simulator must take all of that as KuCoin does.
 */
import { FuturesClient, SpotClient, WebsocketClient } from 'kucoin-api';
import { WebsocketAPIClient } from '../../src';
import { startSimulator, type Simulator } from '../../src/simulator';
import { connect, type RawClient } from './raw-client';
import { alice, bob } from './rest-client';
import { loopbackGuard, sdkPartners } from './sdk-support';

const guard = loopbackGuard();
let sim: Simulator;
const sockets: RawClient[] = [];
const pushClients: WebsocketClient[] = [];
const ourClients: WebsocketAPIClient[] = [];

beforeAll(async () => {
  // The SDK's partner keys are configured, so its partner headers are verified, not ignored.
  sim = await startSimulator({ seed: 12, accounts: [alice, bob], partners: sdkPartners() });
});
afterEach(() => {
  // Nothing the SDK did left loopback (its default hosts are KuCoin's), and the watch saw its connections.
  expect(guard.count()).toBeGreaterThan(0);
  expect(guard.outside()).toEqual([]);
});
afterAll(async () => {
  for (const c of sockets) c.close();
  for (const p of pushClients) p.closeAll(true);
  for (const c of ourClients) await c.close();
  await sim.close();
  guard.restore();
});

type Account = typeof alice;

/** The clients' loggers, silenced: their lines say nothing the assertions do not. */
const quiet = { trace: (): void => undefined, info: (): void => undefined, error: (): void => undefined };

/** The SDK's REST clients for one account, pointed at `simulator` by `baseUrl` alone. */
function sdkFor(account: Account, simulator = sim): { spot: SpotClient; futures: FuturesClient } {
  const creds = {
    apiKey: account.apiKey,
    apiSecret: account.apiSecret,
    apiPassphrase: account.apiPassphrase,
  };
  return {
    spot: new SpotClient({ ...creds, baseUrl: simulator.restUrl }),
    futures: new FuturesClient({ ...creds, baseUrl: simulator.restUrl }),
  };
}

/** Our own client for one account, on the simulator's WS API. */
function ourClient(account: Account): WebsocketAPIClient {
  const client = new WebsocketAPIClient({
    apiKey: account.apiKey,
    apiSecret: account.apiSecret,
    apiPassphrase: account.apiPassphrase,
    wsBaseUrl: sim.url,
    logger: quiet,
  });
  ourClients.push(client);
  return client;
}

/** An order event the SDK's WebsocketClient delivered, as it delivers it. */
interface SdkUpdate {
  readonly topic: string;
  readonly subject: string;
  readonly data: { readonly clientOid: string; readonly type: string; readonly status?: string } & Record<
    string,
    unknown
  >;
}

/** The SDK's push client for one account, collecting every `update` and every URL it opened. */
function pushFor(
  account: Account,
  simulator = sim,
): {
  ws: WebsocketClient;
  updates: SdkUpdate[];
  urls: string[];
  waitFor: (clientOid: string, type: string) => Promise<SdkUpdate>;
} {
  const ws = new WebsocketClient(
    {
      apiKey: account.apiKey,
      apiSecret: account.apiSecret,
      apiPassphrase: account.apiPassphrase,
      restOptions: { baseUrl: simulator.restUrl },
    },
    quiet,
  );
  pushClients.push(ws);
  const updates: SdkUpdate[] = [];
  const urls: string[] = [];
  // 'open' for a first connection, 'reconnected' for the next ones: both name the URL opened.
  ws.on('open', (e: { wsUrl: string }) => urls.push(e.wsUrl));
  ws.on('reconnected', (e: { wsUrl: string }) => urls.push(e.wsUrl));
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
  return { ws, updates, urls, waitFor };
}

/** Resolves once `done()` holds, checking every 20 ms; rejects after 20 s (before jest's timeout). */
async function until(done: () => boolean, what: string): Promise<void> {
  for (const end = Date.now() + 20_000; !done(); await new Promise((r) => setTimeout(r, 20)))
    if (Date.now() > end) throw new Error(`still waiting for ${what}`);
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

describe('SpotClient and FuturesClient, given baseUrl', () => {
  it('read the server time from the simulator (its clock, offset included)', async () => {
    // An hour's offset: an answer near the local clock would be KuCoin's or the machine's, not the simulator's.
    const offset = 3_600_000;
    const shifted = await startSimulator({ seed: 1, accounts: [alice], clockOffsetMs: offset });
    try {
      const { spot, futures } = sdkFor(alice, shifted);
      const before = Date.now();
      const spotTime = await spot.getServerTime();
      const futuresTime = await futures.getServerTime();
      const after = Date.now();
      for (const t of [spotTime, futuresTime]) {
        expect(t.code).toBe('200000');
        expect(t.data).toBeGreaterThanOrEqual(before + offset);
        expect(t.data).toBeLessThanOrEqual(after + offset);
      }
    } finally {
      await shifted.close();
    }
  });

  it('look spot, margin and futures orders up by clientOid, as the ledger has them, and see only their account', async () => {
    const ours = ourClient(alice);
    const limit = { type: 'limit', symbol: 'BTC-USDT', side: 'buy', price: '10000', size: '0.01' } as const;
    await ours.submitNewSpotOrder({ ...limit, clientOid: 'sdk-spot' });
    await ours.submitMarginOrder({ ...limit, clientOid: 'sdk-margin' });
    await ours.submitFuturesOrder({
      type: 'limit',
      symbol: 'XBTUSDTM',
      side: 'buy',
      price: '10000',
      size: 1,
      leverage: 3,
      marginMode: 'ISOLATED',
      clientOid: 'sdk-futures',
    });
    // A spot order that traded: its detail shows the fill.
    await ours.submitNewSpotOrder({
      type: 'market',
      symbol: 'BTC-USDT',
      side: 'buy',
      size: '0.002',
      clientOid: 'sdk-spot-filled',
    });

    const { spot, futures } = sdkFor(alice);
    for (const [clientOid, lookup] of [
      ['sdk-spot', spot.getHFOrderDetailsByClientOid.bind(spot)],
      ['sdk-spot-filled', spot.getHFOrderDetailsByClientOid.bind(spot)],
      ['sdk-margin', spot.getHFMarginOrderByClientOid.bind(spot)],
    ] as const) {
      const ledger = sim.exchange.ledger(clientOid);
      const answer = await lookup({ clientOid, symbol: 'BTC-USDT' });
      expect(answer.code).toBe('200000');
      expect(answer.data).toMatchObject({
        id: ledger?.orderId,
        clientOid,
        symbol: ledger?.symbol,
        side: ledger?.side,
        type: ledger?.type,
        dealSize: ledger?.dealSize,
        active: ledger?.status === 'open',
      });
    }
    expect(sim.exchange.ledger('sdk-spot-filled')).toMatchObject({ status: 'done', dealSize: '0.002' });
    expect(sim.exchange.ledger('sdk-margin')?.op).toBe('margin.order');

    const futuresOrder = await futures.getOrderByClientOrderId({ clientOid: 'sdk-futures' });
    const futuresLedger = sim.exchange.ledger('sdk-futures');
    expect(futuresOrder.code).toBe('200000');
    expect(futuresOrder.data).toMatchObject({
      id: futuresLedger?.orderId,
      clientOid: 'sdk-futures',
      symbol: 'XBTUSDTM',
      side: 'buy',
      type: 'limit',
      dealSize: Number(futuresLedger?.dealSize),
      status: futuresLedger?.status,
      isActive: true,
      leverage: '3',
      marginMode: 'ISOLATED',
    });

    // Bob, with the same SDK, finds none of alice's orders (the SDK rejects with KuCoin's body
    // when the code is not 200000; futures answers success with no data).
    const bobs = sdkFor(bob);
    await expect(
      bobs.spot.getHFOrderDetailsByClientOid({ clientOid: 'sdk-spot', symbol: 'BTC-USDT' }),
    ).rejects.toMatchObject({ body: { code: '400100', msg: 'order not exist.' } });
    await expect(
      bobs.spot.getHFMarginOrderByClientOid({ clientOid: 'sdk-margin', symbol: 'BTC-USDT' }),
    ).rejects.toMatchObject({ body: { code: '400100', msg: 'order not exist.' } });
    await expect(bobs.futures.getOrderByClientOrderId({ clientOid: 'sdk-futures' })).resolves.toEqual({
      code: '200000',
      data: null,
    });
  });

  it('send partner headers that the simulator verifies: a simulator that does not know the partner refuses them', async () => {
    // The suite's simulator knows the SDK's partners, and every call above passed their check.
    // One that knows no partner refuses the same calls with KuCoin's partner code.
    const strict = await startSimulator({ seed: 2, accounts: [alice], partners: {} });
    try {
      const { spot, futures } = sdkFor(alice, strict);
      await expect(
        spot.getHFOrderDetailsByClientOid({ clientOid: 'x', symbol: 'BTC-USDT' }),
      ).rejects.toMatchObject({ code: 401, body: { code: '400200', msg: 'Partner not exists.' } });
      await expect(futures.getOrderByClientOrderId({ clientOid: 'x' })).rejects.toMatchObject({
        code: 401,
        body: { code: '400200' },
      });
      // And one that knows the partners by other keys refuses their signature.
      const wrongKeys = Object.fromEntries(Object.keys(sdkPartners()).map((p) => [p, 'not-the-sdk-key']));
      const other = await startSimulator({ seed: 2, accounts: [alice], partners: wrongKeys });
      try {
        await expect(
          sdkFor(alice, other).spot.getHFOrderDetailsByClientOid({ clientOid: 'x', symbol: 'BTC-USDT' }),
        ).rejects.toMatchObject({ code: 401, body: { code: '400201', msg: 'Invalid partner sign' } });
      } finally {
        await other.close();
      }
    } finally {
      await strict.close();
    }
  });
});

describe("the SDK's WebsocketClient, given restOptions.baseUrl", () => {
  it('gets a token, connects without a connectId, subscribes both order topics and receives the WS API orders of its account only', async () => {
    const alicePush = pushFor(alice);
    const bobPush = pushFor(bob);
    await subscribed(alicePush.ws, '/spotMarket/tradeOrdersV2', 'spotPrivateV1');
    await subscribed(alicePush.ws, '/contractMarket/tradeOrders', 'futuresPrivateV1');
    await subscribed(bobPush.ws, '/spotMarket/tradeOrdersV2', 'spotPrivateV1');
    await subscribed(bobPush.ws, '/contractMarket/tradeOrders', 'futuresPrivateV1');
    // The SDK took the endpoint from bullet-private and added the token alone (no connectId).
    expect(alicePush.urls).toHaveLength(2);
    for (const url of [...alicePush.urls, ...bobPush.urls]) {
      const u = new URL(url);
      expect(`${u.protocol}//${u.host}`).toBe(sim.url);
      expect([...u.searchParams.keys()]).toEqual(['token']);
    }
    const aliceSessions = sim.pushSessions().filter((s) => s.apiKey === alice.apiKey);
    expect(aliceSessions.map((s) => s.topics).sort()).toEqual([
      ['/contractMarket/tradeOrders'],
      ['/spotMarket/tradeOrdersV2'],
    ]);

    const { client: ws } = await connect(sim.url, alice);
    sockets.push(ws);
    const place = async (op: string, args: Record<string, unknown>): Promise<void> => {
      expect((await ws.answerTo(ws.request(op, args))).code).toBe('200000');
    };
    // A resting order opens and is cancelled.
    const restingBuy = { type: 'limit', symbol: 'BTC-USDT', side: 'buy', price: '10000', size: '0.01' };
    await place('spot.order', { ...restingBuy, clientOid: 'sdk-rest' });
    await alicePush.waitFor('sdk-rest', 'open');
    await place('spot.cancel', { symbol: 'BTC-USDT', clientOid: 'sdk-rest' });
    const canceled = await alicePush.waitFor('sdk-rest', 'canceled');
    expect(canceled).toMatchObject({ topic: '/spotMarket/tradeOrdersV2', subject: 'orderChange' });
    expect(canceled.data).toMatchObject({ status: 'done', canceledSize: '0.01', remainSize: '0' });

    // A market order takes the seeded book: its matches, then filled.
    await place('spot.order', {
      type: 'market',
      symbol: 'BTC-USDT',
      side: 'buy',
      size: '0.002',
      clientOid: 'sdk-take',
    });
    const filled = await alicePush.waitFor('sdk-take', 'filled');
    expect(filled.data).toMatchObject({ status: 'done', filledSize: '0.002' });

    // A futures order rests, then is cancelled.
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
    await place('futures.cancel', { symbol: 'XBTUSDTM', clientOid: 'sdk-fut-push' });
    const futCanceled = await alicePush.waitFor('sdk-fut-push', 'canceled');
    expect(futCanceled).toMatchObject({ topic: '/contractMarket/tradeOrders' });
    expect(futCanceled.data).toMatchObject({ status: 'done' });

    // Events per order in engine order; the taker's matches carry KuCoin's fields and sum to the
    // ledger's dealSize; every order's terminal event came once.
    const of = (oid: string): SdkUpdate[] => alicePush.updates.filter((u) => u.data.clientOid === oid);
    const typesOf = (oid: string): string[] => of(oid).map((u) => u.data.type);
    expect(typesOf('sdk-rest')).toEqual(['received', 'open', 'canceled']);
    expect(typesOf('sdk-fut-push')).toEqual(['open', 'canceled']);
    const takeTypes = typesOf('sdk-take');
    expect(takeTypes[0]).toBe('received');
    expect(takeTypes.at(-1)).toBe('filled');
    expect(takeTypes.filter((t) => t === 'filled')).toHaveLength(1);
    const matches = of('sdk-take').filter((u) => u.data.type === 'match');
    expect(matches.length).toBeGreaterThan(0);
    for (const m of matches)
      expect(m.data).toMatchObject({
        status: 'match',
        liquidity: 'taker',
        matchPrice: expect.any(String),
        matchSize: expect.any(String),
        tradeId: expect.any(String),
      });
    const matched = matches.reduce((sum, u) => sum + Number(u.data.matchSize), 0);
    expect(matched).toBeCloseTo(Number(sim.exchange.ledger('sdk-take')?.dealSize), 10);

    // Each order the push told of, looked up by clientOid through the SDK, agrees with its last event.
    const { spot, futures } = sdkFor(alice);
    const rest = await spot.getHFOrderDetailsByClientOid({ clientOid: 'sdk-rest', symbol: 'BTC-USDT' });
    expect(rest.data).toMatchObject({
      active: false,
      cancelExist: true,
      cancelledSize: '0.01',
      dealSize: '0',
    });
    const take = await spot.getHFOrderDetailsByClientOid({ clientOid: 'sdk-take', symbol: 'BTC-USDT' });
    expect(take.data).toMatchObject({ active: false, dealSize: '0.002' });
    const fut = await futures.getOrderByClientOrderId({ clientOid: 'sdk-fut-push' });
    expect(fut.data).toMatchObject({ status: 'done', isActive: false, cancelExist: true });

    // Bob's push works (he sees his own order) and carries nothing of alice's; alice sees nothing of his.
    const { client: bobWs } = await connect(sim.url, bob);
    sockets.push(bobWs);
    const bobAnswer = await bobWs.answerTo(
      bobWs.request('spot.order', { ...restingBuy, clientOid: 'sdk-bob' }),
    );
    expect(bobAnswer.code).toBe('200000');
    await bobPush.waitFor('sdk-bob', 'open');
    // Alice's next order comes after bob's in engine order, so its event closes her window on his.
    await place('spot.order', { ...restingBuy, clientOid: 'sdk-after' });
    await alicePush.waitFor('sdk-after', 'open');
    expect(new Set(bobPush.updates.map((u) => u.data.clientOid))).toEqual(new Set(['sdk-bob']));
    expect(alicePush.updates.filter((u) => u.data.clientOid === 'sdk-bob')).toEqual([]);
  });

  it('gets a new token, connects and subscribes again when the simulator drops its sessions or expires its tokens', async () => {
    const own = await startSimulator({ seed: 5, accounts: [alice] });
    const push = pushFor(alice, own);
    try {
      await subscribed(push.ws, '/spotMarket/tradeOrdersV2', 'spotPrivateV1');
      await subscribed(push.ws, '/contractMarket/tradeOrders', 'futuresPrivateV1');
      const { client: ws } = await connect(own.url, alice);
      sockets.push(ws);
      const both = ['/contractMarket/tradeOrders', '/spotMarket/tradeOrdersV2'];
      const subscribedAgain = async (urls: number): Promise<void> => {
        // Both sockets open again, each with its topic (the SDK subscribes again on reconnect).
        await until(
          () =>
            push.urls.length === urls &&
            JSON.stringify(
              own
                .pushSessions()
                .flatMap((x) => x.topics)
                .sort(),
            ) === JSON.stringify(both),
          `${urls} connections, each subscribed`,
        );
      };
      const heard = async (clientOid: string): Promise<void> => {
        const answer = await ws.answerTo(
          ws.request('spot.order', {
            type: 'limit',
            symbol: 'BTC-USDT',
            side: 'buy',
            price: '10000',
            size: '0.01',
            clientOid,
          }),
        );
        expect(answer.code).toBe('200000');
        await push.waitFor(clientOid, 'open');
      };
      await heard('sdk-before');

      expect(own.faults.dropSessions({ kind: 'push' })).toBe(2);
      await subscribedAgain(4);
      await heard('sdk-after-drop');

      own.faults.expireTokens();
      await subscribedAgain(6);
      // KuCoin's error frame reached both sockets; the SDK hands it on as an 'update' (it has no
      // other event for it) and reconnects when the socket closes.
      const expired = (push.updates as unknown[]).filter(
        (u) =>
          (u as { type?: string; code?: number }).type === 'error' && (u as { code?: number }).code === 401,
      );
      expect(expired).toHaveLength(2);
      expect(expired[0]).toMatchObject({ data: 'token is expired' });
      await heard('sdk-after-expiry');

      // Each connection used a token of its own, from a new bullet-private.
      const tokens = push.urls.map((u) => new URL(u).searchParams.get('token'));
      expect(new Set(tokens).size).toBe(6);
    } finally {
      // Closed before its simulator, so that it does not try to reconnect to a closed port.
      push.ws.closeAll(true);
      await own.close();
    }
  });
});
