/**
 * `client.orderUpdates$` against the simulator over real sockets: the events of resting,
 * taking and futures orders, isolation between accounts, resubscription after drops, token
 * renewal, lazy refcounted connections, and close. Synchronisation is on events and states.
 */
import { inspect } from 'node:util';
import { filter, firstValueFrom, lastValueFrom, toArray, type Subscription } from 'rxjs';
import {
  TimeoutError,
  WebsocketAPIClient,
  type ConnectionState,
  type OrderUpdate,
  type WebsocketAPIClientOptions,
} from '../../src';
import { startSimulator, type Simulator } from '../../src/simulator';
import { limitBuy } from '../client/harness';
import { alice, bob } from '../simulator/rest-client';
import { until } from '../support/reliability';

let sim: Simulator;
const clients: WebsocketAPIClient[] = [];
const subscriptions: Subscription[] = [];

beforeEach(async () => {
  sim = await startSimulator({ port: 0, seed: 3, accounts: [alice, bob] });
});
afterEach(async () => {
  for (const s of subscriptions.splice(0)) s.unsubscribe();
  await Promise.all(clients.splice(0).map((c) => c.close()));
  await sim.close();
});

const fastReconnect = { initialDelayMs: 5, maxDelayMs: 50 };

function clientOf(creds = alice, o: WebsocketAPIClientOptions = {}): WebsocketAPIClient {
  const { apiKey, apiSecret, apiPassphrase } = creds;
  const c = new WebsocketAPIClient({
    apiKey,
    apiSecret,
    apiPassphrase,
    wsBaseUrl: sim.url,
    restBaseUrl: sim.restUrl,
    futuresRestBaseUrl: sim.restUrl,
    attachEventListeners: false,
    reconnect: fastReconnect,
    ...o,
  });
  clients.push(c);
  return c;
}

/** Everything `orderUpdates$` emits from now on, and a way to wait for one. */
function record(client: WebsocketAPIClient) {
  const updates: OrderUpdate[] = [];
  const listeners = new Set<() => void>();
  const subscription = client.orderUpdates$.subscribe((u) => {
    updates.push(u);
    for (const l of [...listeners]) l();
  });
  subscriptions.push(subscription);
  const waitFor = (predicate: (u: OrderUpdate) => boolean, what: string): Promise<OrderUpdate> =>
    new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        listeners.delete(check);
        reject(new Error(`no update ${what}; got ${JSON.stringify(updates.slice(-5))}`));
      }, 10_000);
      const check = (): void => {
        const u = updates.find(predicate);
        if (u === undefined) return;
        clearTimeout(timer);
        listeners.delete(check);
        resolve(u);
      };
      listeners.add(check);
      check();
    });
  const of = (clientOid: string) => updates.filter((u) => u.clientOid === clientOid);
  return { updates, subscription, waitFor, of };
}

const stateOf = (
  client: WebsocketAPIClient,
  wsKey: 'pushSpot' | 'pushFutures',
  status: ConnectionState['status'],
): Promise<ConnectionState> =>
  firstValueFrom(client.stateOf$(wsKey).pipe(filter((s) => s.status === status)));

async function bothReady(client: WebsocketAPIClient): Promise<void> {
  await Promise.all([stateOf(client, 'pushSpot', 'ready'), stateOf(client, 'pushFutures', 'ready')]);
}

describe('orderUpdates$', () => {
  it('a resting spot order: received, open, then canceled (done), each typed, with source push', async () => {
    const client = clientOf();
    const rec = record(client);
    await bothReady(client);
    const placed = await client.submitNewSpotOrder(limitBuy({ size: '0.001' }));
    const clientOid = placed.data.clientOid;
    await rec.waitFor((u) => u.clientOid === clientOid && u.type === 'open', 'open');
    await client.cancelSpotOrder({ symbol: 'BTC-USDT', clientOid });
    await rec.waitFor((u) => u.clientOid === clientOid && u.type === 'canceled', 'canceled');
    const events = rec.of(clientOid);
    expect(events.map((u) => [u.type, u.status])).toEqual([
      ['received', 'new'],
      ['open', 'open'],
      ['canceled', 'done'],
    ]);
    for (const u of events) {
      expect(u).toMatchObject({
        market: 'spot',
        topic: '/spotMarket/tradeOrdersV2',
        source: 'push',
        orderId: placed.data.orderId,
        symbol: 'BTC-USDT',
        side: 'buy',
        orderType: 'limit',
        price: '20000',
        size: '0.001',
      });
    }
    expect(events[2]).toMatchObject({ canceledSize: '0.001', filledSize: '0', remainSize: '0' });
  });

  it('a taker: matches summing to its size, then filled; a margin order arrives on the spot topic', async () => {
    const client = clientOf();
    const rec = record(client);
    await bothReady(client);
    const placed = await client.submitNewSpotOrder({
      side: 'buy',
      symbol: 'BTC-USDT',
      type: 'market',
      size: '0.5',
    });
    const clientOid = placed.data.clientOid;
    await rec.waitFor((u) => u.clientOid === clientOid && u.type === 'filled', 'filled');
    const events = rec.of(clientOid);
    const matches = events.filter((u) => u.type === 'match');
    expect(matches.length).toBeGreaterThanOrEqual(1);
    for (const m of matches) expect(m).toMatchObject({ liquidity: 'taker', status: 'match' });
    // Sum in integer units of 1e-8: sizes are decimal strings.
    const units = (s: string | undefined) => Math.round(Number(s) * 1e8);
    expect(matches.reduce((n, m) => n + units(m.matchSize), 0)).toBe(units('0.5'));
    expect(events[0].type).toBe('received');
    expect(events[events.length - 1]).toMatchObject({ type: 'filled', status: 'done', filledSize: '0.5' });

    const margin = await client.submitMarginOrder({
      side: 'buy',
      symbol: 'BTC-USDT',
      type: 'limit',
      price: '20000',
      size: '0.001',
    });
    await rec.waitFor((u) => u.clientOid === margin.data.clientOid && u.type === 'open', 'margin open');
    expect(rec.of(margin.data.clientOid)[0]).toMatchObject({ market: 'spot', type: 'received' });
  });

  it('futures: a resting order opens and cancels, a market order matches and fills', async () => {
    const client = clientOf();
    const rec = record(client);
    await bothReady(client);
    const resting = await client.submitFuturesOrder({
      side: 'buy',
      symbol: 'XBTUSDTM',
      type: 'limit',
      price: '20000',
      size: 1,
      leverage: 5,
    });
    const oid = resting.data.clientOid;
    await rec.waitFor((u) => u.clientOid === oid && u.type === 'open', 'futures open');
    await client.cancelFuturesOrder({ symbol: 'XBTUSDTM', clientOid: oid });
    await rec.waitFor((u) => u.clientOid === oid && u.type === 'canceled', 'futures canceled');
    expect(rec.of(oid).map((u) => [u.market, u.topic, u.type, u.status])).toEqual([
      ['futures', '/contractMarket/tradeOrders', 'open', 'open'],
      ['futures', '/contractMarket/tradeOrders', 'canceled', 'done'],
    ]);

    const taker = await client.submitFuturesOrder({
      side: 'sell',
      symbol: 'XBTUSDTM',
      type: 'market',
      size: 3,
      leverage: 5,
    });
    const toid = taker.data.clientOid;
    const filled = await rec.waitFor((u) => u.clientOid === toid && u.type === 'filled', 'futures filled');
    expect(filled).toMatchObject({ market: 'futures', status: 'done', filledSize: '3' });
    expect(rec.of(toid).some((u) => u.type === 'match' && u.liquidity === 'taker')).toBe(true);
  });

  it("an account sees only its own orders' events", async () => {
    const a = clientOf(alice);
    const b = clientOf(bob);
    const recA = record(a);
    const recB = record(b);
    await Promise.all([bothReady(a), bothReady(b)]);
    const mine = await a.submitNewSpotOrder({
      side: 'buy',
      symbol: 'BTC-USDT',
      type: 'limit',
      price: '20000',
      size: '0.001',
    });
    await recA.waitFor((u) => u.clientOid === mine.data.clientOid && u.type === 'open', 'alice open');
    // Bob's own order after Alice's: once Bob sees it, he would have seen Alice's before it.
    const his = await b.submitNewSpotOrder({
      side: 'buy',
      symbol: 'BTC-USDT',
      type: 'limit',
      price: '20000',
      size: '0.001',
    });
    await recB.waitFor((u) => u.clientOid === his.data.clientOid && u.type === 'open', 'bob open');
    expect(recB.updates.every((u) => u.clientOid === his.data.clientOid)).toBe(true);
    expect(recA.updates.every((u) => u.clientOid === mine.data.clientOid)).toBe(true);
  });

  it('subscribes again (new sessions, both topics) after the push sockets are dropped', async () => {
    const client = clientOf();
    const rec = record(client);
    await bothReady(client);
    subscriptions.push(
      client.orderUpdates$.subscribe(), // a second subscriber shares the same connections
    );
    const before = sim.pushSessions();
    expect(before).toHaveLength(2);
    const reconnecting = Promise.all([
      stateOf(client, 'pushSpot', 'reconnecting'),
      stateOf(client, 'pushFutures', 'reconnecting'),
    ]);
    expect(sim.faults.dropSessions({ kind: 'push' })).toBe(2);
    await reconnecting;
    await bothReady(client);
    await until(() => sim.pushSessions().length === 2, 'two push sessions again');
    const after = sim.pushSessions();
    expect(after.map((s) => s.topics).sort()).toEqual([
      ['/contractMarket/tradeOrders'],
      ['/spotMarket/tradeOrdersV2'],
    ]);
    for (const s of after) expect(before.map((b) => b.id)).not.toContain(s.id);
    const placed = await client.submitNewSpotOrder(limitBuy({ size: '0.001' }));
    await rec.waitFor(
      (u) => u.clientOid === placed.data.clientOid && u.type === 'open',
      'open after reconnect',
    );
  });

  it('an expired token is replaced: the new session subscribes and events flow', async () => {
    const fetched: string[] = [];
    const client = clientOf(alice, {
      fetch: (input, init) => {
        fetched.push(new URL(input).pathname);
        return globalThis.fetch(input, init);
      },
    });
    const rec = record(client);
    await bothReady(client);
    const tokens = fetched.filter((p) => p === '/api/v1/bullet-private').length;
    expect(tokens).toBe(2);
    const reconnecting = Promise.all([
      stateOf(client, 'pushSpot', 'reconnecting'),
      stateOf(client, 'pushFutures', 'reconnecting'),
    ]);
    sim.faults.expireTokens();
    for (const state of await reconnecting) expect(state.error?.message).toMatch(/token is expired/);
    await bothReady(client);
    expect(fetched.filter((p) => p === '/api/v1/bullet-private').length).toBe(4);
    const placed = await client.submitNewSpotOrder(limitBuy({ size: '0.001' }));
    await rec.waitFor(
      (u) => u.clientOid === placed.data.clientOid && u.type === 'open',
      'open after renewal',
    );
  });

  it('opens lazily, shared by every subscriber, and closes when the last one leaves', async () => {
    const client = clientOf();
    await client.connect();
    expect(sim.pushSessions()).toHaveLength(0);
    expect(client.stateOf('pushSpot').status).toBe('idle');
    const first = client.orderUpdates$.subscribe();
    const second = client.orderUpdates$.subscribe();
    await bothReady(client);
    expect(sim.pushSessions()).toHaveLength(2);
    first.unsubscribe();
    expect(client.stateOf('pushSpot').status).toBe('ready');
    const idle = Promise.all([stateOf(client, 'pushSpot', 'idle'), stateOf(client, 'pushFutures', 'idle')]);
    second.unsubscribe();
    await idle;
    await until(() => sim.pushSessions().length === 0, 'push sessions closed');
    // And again: a new subscriber opens new sessions.
    subscriptions.push(client.orderUpdates$.subscribe());
    await bothReady(client);
    expect(sim.pushSessions()).toHaveLength(2);
  });

  it('orderUpdates: true opens the push connections with the WS API and keeps them open', async () => {
    const client = clientOf(alice, { orderUpdates: true });
    expect(client.stateOf('pushSpot').status).toBe('idle');
    await client.connect();
    await bothReady(client);
    expect(sim.pushSessions()).toHaveLength(2);
    const rec = record(client);
    rec.subscription.unsubscribe();
    expect(client.stateOf('pushSpot').status).toBe('ready');
  });

  it('orderUpdates: true: connect() also waits for the push channel, so an order placed after it has all its events from push', async () => {
    const client = clientOf(alice, { orderUpdates: true });
    await client.connect();
    expect(client.stateOf('pushSpot').status).toBe('ready');
    const call = client.submitNewSpotOrder({ side: 'buy', symbol: 'BTC-USDT', type: 'market', size: '0.5' });
    const events = await lastValueFrom(call.updates$.pipe(toArray()));
    expect(events.map((u) => u.type)).toEqual(expect.arrayContaining(['received', 'match', 'filled']));
    expect(events.every((u) => u.source === 'push')).toBe(true);
    for (const m of events.filter((u) => u.type === 'match')) expect(m.tradeId).toEqual(expect.any(String));
    // connect('wsApiFuturesV1') waits for the futures push channel.
    await client.connect('wsApiFuturesV1');
    expect(client.stateOf('pushFutures').status).toBe('ready');
  });

  it('orderUpdates: true and a push channel that cannot open: connect() times out naming it', async () => {
    sim.faults.restDown(true); // no bullet-private token: the push channel keeps retrying
    const client = clientOf(alice, { orderUpdates: true });
    // Long enough for the WS API to be ready on a loaded machine; the push channel never is.
    const error = await client.connect({ timeoutMs: 2_000 }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TimeoutError);
    expect(String(error)).toMatch(/pushSpot not ready within 2000 ms/);
    // The WS API itself is up: calls go out.
    expect(client.stateOf('wsApiSpotV1').status).toBe('ready');
  });

  it('a client that never reads order updates shows no push states in state$', async () => {
    const client = clientOf();
    const seen: string[] = [];
    subscriptions.push(client.state$.subscribe((s) => seen.push(s.wsKey)));
    await client.connect();
    expect(new Set(seen)).toEqual(new Set(['wsApiSpotV1', 'wsApiFuturesV1']));
  });

  it('close() completes orderUpdates$, ends the push states closed and closes the push sockets', async () => {
    const client = clientOf();
    let completed = false;
    subscriptions.push(client.orderUpdates$.subscribe({ complete: () => (completed = true) }));
    await bothReady(client);
    const closedStates = firstValueFrom(
      client.stateOf$('pushSpot').pipe(filter((s) => s.status === 'closed')),
    );
    await client.close();
    expect(completed).toBe(true);
    await closedStates;
    expect(client.stateOf('pushFutures').status).toBe('closed');
    await until(() => sim.pushSessions().length === 0, 'push sessions gone');
    // A subscriber after close completes at once.
    let late = false;
    client.orderUpdates$.subscribe({ complete: () => (late = true) });
    expect(late).toBe(true);
  });

  it.each([
    ['the in-process simulator', false],
    ['a simulator given as wsBaseUrl', true],
  ])('testnet: true with %s: the push channel works too', async (_what, given) => {
    const c = new WebsocketAPIClient({
      testnet: true,
      attachEventListeners: false,
      ...(given ? { ...sim.demoAccount, wsBaseUrl: sim.url } : {}),
    });
    clients.push(c);
    const rec = record(c);
    await bothReady(c);
    const placed = await c.submitNewSpotOrder({
      side: 'buy',
      symbol: 'BTC-USDT',
      type: 'limit',
      price: '20000',
      size: '0.001',
    });
    await rec.waitFor((u) => u.clientOid === placed.data.clientOid && u.type === 'open', 'open on testnet');
    expect(sim.pushSessions().length).toBe(given ? 2 : 0);
  });

  it('the push token is not reachable from the client, not even by util.inspect of the raw object graph', async () => {
    const tokens: string[] = [];
    const client = clientOf(alice, {
      fetch: async (input, init) => {
        const res = await globalThis.fetch(input, init);
        if (new URL(input).pathname === '/api/v1/bullet-private')
          tokens.push(((await res.clone().json()) as { data: { token: string } }).data.token);
        return res;
      },
    });
    record(client);
    await bothReady(client);
    expect(tokens).toHaveLength(2);
    const raw = inspect(client, { customInspect: false, showHidden: true, depth: 12, maxArrayLength: 1_000 });
    expect(raw.length).toBeGreaterThan(10_000); // the walk did walk
    expect(tokens.filter((t) => raw.includes(t))).toEqual([]);
  });
});
