/**
 * The push connections' lifecycle events against the simulator over real sockets: `open`,
 * `authenticated`, `reconnect`, `reconnected` and `close` under 'pushSpot' and 'pushFutures',
 * as the WS API connections raise them, through `events$` and `getWSClient().on(…)`: a drop,
 * an expired token, the last subscriber leaving (idle, not closed), a refusal, reconnect
 * attempts running out, and close(). Then their frames in `messages$`. Synchronisation is on
 * events and states.
 */
import { filter, firstValueFrom, type Subscription } from 'rxjs';
import {
  AuthenticationError,
  isPushWsKey,
  PushClosedError,
  WebsocketAPIClient,
  type ClientEvent,
  type ConnectionKey,
  type ConnectionState,
  type InboundMessage,
  type OrderUpdate,
  type WebsocketAPIClientOptions,
  type WSAPIWsKey,
} from '../../src';
import { startSimulator, type Simulator } from '../../src/simulator';
import { limitBuy } from '../client/harness';
import { alice } from '../simulator/rest-client';

let sim: Simulator;
const clients: WebsocketAPIClient[] = [];
const subscriptions: Subscription[] = [];

beforeEach(async () => {
  sim = await startSimulator({ port: 0, seed: 13, accounts: [alice] });
});
afterEach(async () => {
  for (const s of subscriptions.splice(0)) s.unsubscribe();
  await Promise.all(clients.splice(0).map((c) => c.close()));
  await sim.close();
});

const PUSH_KEYS = ['pushSpot', 'pushFutures'] as const;
const LIFECYCLE = new Set(['open', 'authenticated', 'reconnect', 'reconnected', 'close']);

function clientOf(
  o: WebsocketAPIClientOptions = {},
  creds: Partial<typeof alice> = alice,
): WebsocketAPIClient {
  const c = new WebsocketAPIClient({
    apiKey: creds.apiKey,
    apiSecret: creds.apiSecret,
    apiPassphrase: creds.apiPassphrase,
    wsBaseUrl: sim.url,
    restBaseUrl: sim.restUrl,
    futuresRestBaseUrl: sim.restUrl,
    attachEventListeners: false,
    reconnect: { initialDelayMs: 5, maxDelayMs: 50 },
    ...o,
  });
  clients.push(c);
  return c;
}

/** Every lifecycle event from now on, and each key's event types in order. */
function recordEvents(client: WebsocketAPIClient) {
  const events: ClientEvent[] = [];
  subscriptions.push(client.events$.subscribe((e) => LIFECYCLE.has(e.type) && events.push(e)));
  const typesOf = (wsKey: ConnectionKey): string[] =>
    events.filter((e) => e.wsKey === wsKey).map((e) => e.type);
  return { events, typesOf };
}

/** The next event of `type` on `wsKey` (subscribe before causing it). */
const nextEvent = <T extends ClientEvent['type']>(
  client: WebsocketAPIClient,
  type: T,
  wsKey: ConnectionKey,
) =>
  firstValueFrom(
    client
      .getWSClient()
      .eventsOf$(type)
      .pipe(filter((e) => e.wsKey === wsKey)),
  );

const bothIn = (client: WebsocketAPIClient, status: ConnectionState['status']) =>
  Promise.all(
    PUSH_KEYS.map((k) => firstValueFrom(client.stateOf$(k).pipe(filter((s) => s.status === status)))),
  );

describe('push connections raise lifecycle events under their own key', () => {
  it('open and authenticated on first use; a drop: reconnect (with its cause), open, authenticated, reconnected', async () => {
    const client = clientOf();
    const rec = recordEvents(client);
    const viaOn: string[] = [];
    client
      .getWSClient()
      .on('authenticated', (e) => viaOn.push(`authenticated ${e.wsKey}`))
      .on('reconnected', (e) => viaOn.push(`reconnected ${e.wsKey} ${e.attempt}`));
    subscriptions.push(client.orderUpdates$.subscribe());
    await bothIn(client, 'ready');
    for (const k of PUSH_KEYS) expect(rec.typesOf(k)).toEqual(['open', 'authenticated']);

    const reconnected = Promise.all(PUSH_KEYS.map((k) => nextEvent(client, 'reconnected', k)));
    expect(sim.faults.dropSessions({ kind: 'push' })).toBe(2);
    await reconnected;
    for (const k of PUSH_KEYS) {
      expect(rec.typesOf(k)).toEqual([
        'open',
        'authenticated',
        'reconnect',
        'open',
        'authenticated',
        'reconnected',
      ]);
      const reconnect = rec.events.find((e) => e.type === 'reconnect' && e.wsKey === k);
      expect(reconnect).toMatchObject({ attempt: 1, error: expect.any(Error) });
      expect(rec.events.find((e) => e.type === 'reconnected' && e.wsKey === k)).toMatchObject({ attempt: 1 });
    }
    expect(viaOn.sort()).toEqual([
      'authenticated pushFutures',
      'authenticated pushFutures',
      'authenticated pushSpot',
      'authenticated pushSpot',
      'reconnected pushFutures 1',
      'reconnected pushSpot 1',
    ]);
    // Only the push connections were used: the WS API keys raised nothing.
    expect(new Set(rec.events.map((e) => e.wsKey))).toEqual(new Set(PUSH_KEYS));
  });

  it('an expired token: reconnect at once (retryInMs 0, the 401 as cause), then open, authenticated, reconnected', async () => {
    const client = clientOf();
    const rec = recordEvents(client);
    subscriptions.push(client.orderUpdates$.subscribe());
    await bothIn(client, 'ready');
    const reconnected = Promise.all(PUSH_KEYS.map((k) => nextEvent(client, 'reconnected', k)));
    sim.faults.expireTokens();
    await reconnected;
    for (const k of PUSH_KEYS) {
      expect(rec.typesOf(k)).toEqual([
        'open',
        'authenticated',
        'reconnect',
        'open',
        'authenticated',
        'reconnected',
      ]);
      const reconnect = rec.events.find((e) => e.type === 'reconnect' && e.wsKey === k);
      expect(reconnect).toMatchObject({ retryInMs: 0 });
      expect((reconnect as ClientEvent & { error: Error }).error.message).toMatch(/token is expired/);
    }
  });

  it('the last subscriber leaving is not a close; a new subscriber opens it as a first connection; close() closes it once', async () => {
    const client = clientOf();
    const rec = recordEvents(client);
    const first = client.orderUpdates$.subscribe();
    await bothIn(client, 'ready');
    const idle = bothIn(client, 'idle');
    first.unsubscribe();
    await idle;
    expect(rec.events.filter((e) => e.type === 'close')).toEqual([]);
    subscriptions.push(client.orderUpdates$.subscribe());
    await bothIn(client, 'ready');
    for (const k of PUSH_KEYS)
      expect(rec.typesOf(k)).toEqual(['open', 'authenticated', 'open', 'authenticated']);
    await client.close();
    for (const k of PUSH_KEYS) {
      expect(rec.typesOf(k)).toEqual(['open', 'authenticated', 'open', 'authenticated', 'close']);
      expect(rec.events.find((e) => e.type === 'close' && e.wsKey === k)).toMatchObject({ error: undefined });
    }
  });

  it('credentials refused by bullet-private: close with the AuthenticationError; the client stays open', async () => {
    const client = clientOf(
      {},
      { apiKey: 'nobody-key', apiSecret: 'nobody-secret', apiPassphrase: 'nobody' },
    );
    const rec = recordEvents(client);
    const error = await new Promise<unknown>((resolve) =>
      subscriptions.push(client.orderUpdates$.subscribe({ error: resolve })),
    );
    expect(error).toBeInstanceOf(AuthenticationError);
    // The first refusal ends orderUpdates$ (the other market may be left idle before its own answer).
    const closes = rec.events.filter((e) => e.type === 'close');
    expect(closes.length).toBeGreaterThanOrEqual(1);
    for (const c of closes) {
      expect(PUSH_KEYS).toContain(c.wsKey);
      expect((c as ClientEvent & { error: unknown }).error).toBeInstanceOf(AuthenticationError);
      expect(rec.typesOf(c.wsKey)).toEqual(['close']); // no socket was opened
    }
    expect(closes.find((c) => (c as { error?: unknown }).error === error)).toBeDefined();
    expect(client.stateOf('wsApiSpotV1').status).toBe('idle');
  });

  it('reconnect.maxAttempts spent: a reconnect per attempt, then close with a PushClosedError; the WS API still connects', async () => {
    const client = clientOf({ reconnect: { initialDelayMs: 5, maxDelayMs: 20, maxAttempts: 2 } });
    const rec = recordEvents(client);
    const ended = new Promise<unknown>((resolve) =>
      subscriptions.push(client.orderUpdates$.subscribe({ error: resolve })),
    );
    await bothIn(client, 'ready');
    sim.faults.refuseConnections(true);
    expect(sim.faults.dropSessions({ kind: 'push' })).toBe(2);
    const error = await ended;
    const closes = rec.events.filter((e) => e.type === 'close');
    expect(closes.length).toBeGreaterThanOrEqual(1);
    for (const c of closes) {
      expect(rec.typesOf(c.wsKey)).toEqual(['open', 'authenticated', 'reconnect', 'reconnect', 'close']);
      expect(
        rec.events
          .filter((e) => e.type === 'reconnect' && e.wsKey === c.wsKey)
          .map((e) => (e as { attempt: number }).attempt),
      ).toEqual([1, 2]);
      const closeError = (c as { error?: unknown }).error;
      expect(closeError).toBeInstanceOf(PushClosedError);
      expect(client.stateOf(c.wsKey)).toMatchObject({ status: 'closed', error: closeError });
    }
    expect(closes.find((c) => (c as { error?: unknown }).error === error)).toBeDefined();
    // Typed, with the last attempt's error as its cause (the connection refused).
    const closed = error as PushClosedError;
    expect(closed).toBeInstanceOf(PushClosedError);
    expect(closed.code).toBe('PUSH_CLOSED');
    expect(closed.attempts).toBe(2);
    expect(isPushWsKey(closed.wsKey)).toBe(true);
    expect(closed.cause).toBeInstanceOf(Error);
    expect(closed.message).toBe(
      `${closed.wsKey} gave up after 2 reconnect attempts (reconnect.maxAttempts): ${(closed.cause as Error).message}`,
    );
    expect(closed.toJSON()).toMatchObject({ code: 'PUSH_CLOSED', wsKey: closed.wsKey, attempts: 2 });
    // Subscribing again fails at once with a closing error (which connection's comes first
    // depends on which gave up first).
    const again = await firstValueFrom(client.orderUpdates$).catch((e: unknown) => e);
    expect(closes.map((c) => (c as { error?: unknown }).error)).toContain(again);
    sim.faults.refuseConnections(false);
    await client.connect();
    expect(rec.typesOf('wsApiSpotV1')).toEqual(['open', 'authenticated']);
  });

  it('the client closed by a WS API connection that gave up: the push connections close with the same error', async () => {
    const client = clientOf({ reconnect: { initialDelayMs: 5, maxDelayMs: 20, maxAttempts: 1 } });
    const rec = recordEvents(client);
    const completed = new Promise<string>((resolve) =>
      subscriptions.push(
        client.orderUpdates$.subscribe({
          complete: () => resolve('completed'),
          error: () => resolve('errored'),
        }),
      ),
    );
    await Promise.all([client.connect(), bothIn(client, 'ready')]);
    const closed = bothIn(client, 'closed');
    sim.faults.refuseConnections(true);
    expect(sim.faults.dropSessions({ kind: 'wsapi' })).toBe(1);
    await closed;
    const wsApiClose = rec.events.find((e) => e.type === 'close' && e.wsKey === 'wsApiSpotV1');
    const error = (wsApiClose as { error?: unknown } | undefined)?.error;
    expect(error).toBeInstanceOf(Error);
    for (const k of PUSH_KEYS) {
      expect(rec.typesOf(k)).toEqual(['open', 'authenticated', 'close']);
      expect(rec.events.find((e) => e.type === 'close' && e.wsKey === k)).toMatchObject({ error });
      expect(client.stateOf(k)).toMatchObject({ status: 'closed', error });
    }
    expect(await completed).toBe('completed'); // orderUpdates$ completes, as on close()
  });

  it('a client that never reads order updates raises no push event, not even on close()', async () => {
    const client = clientOf();
    const rec = recordEvents(client);
    // isPushWsKey narrows an event's key back to a WSAPIWsKey (what connect() takes).
    const wsApiKeys: WSAPIWsKey[] = [];
    client.getWSClient().on('open', (e) => {
      if (!isPushWsKey(e.wsKey)) wsApiKeys.push(e.wsKey);
    });
    await client.connect();
    await client.close();
    expect(new Set(rec.events.map((e) => e.wsKey))).toEqual(new Set(['wsApiSpotV1']));
    expect(wsApiKeys).toEqual(['wsApiSpotV1']);
  });

  it('the default listeners log the push connections as the WS API ones', async () => {
    const lines: string[] = [];
    const line = (m: unknown) => lines.push(String(m));
    const client = clientOf({
      attachEventListeners: true,
      logger: { info: line, warn: line, error: line, debug: line },
    });
    subscriptions.push(client.orderUpdates$.subscribe());
    await bothIn(client, 'ready');
    const reconnected = nextEvent(client, 'reconnected', 'pushSpot');
    sim.faults.dropSessions({ kind: 'push' });
    await reconnected;
    const spot = lines.filter((l) => l.includes('pushSpot:'));
    expect(spot).toEqual([
      '[kucoin-wsapi-rx] pushSpot: socket open, authenticating',
      '[kucoin-wsapi-rx] pushSpot: authenticated, ready',
      expect.stringMatching(
        /^\[kucoin-wsapi-rx\] pushSpot: connection lost: .*; reconnecting in \d+ ms \(attempt 1\)$/,
      ),
      '[kucoin-wsapi-rx] pushSpot: socket open, authenticating',
      '[kucoin-wsapi-rx] pushSpot: authenticated, ready',
      '[kucoin-wsapi-rx] pushSpot: reconnected',
    ]);
  });
});

describe('messages$ with the push connections', () => {
  type Frame = { type?: string; id?: string; topic?: string; data?: Record<string, unknown> };

  it('has their frames under their own key (welcome, ack, each order message as received) beside the WS API frames', async () => {
    const tokens: string[] = [];
    const client = clientOf({
      fetch: async (input, init) => {
        const res = await globalThis.fetch(input, init);
        if (new URL(input).pathname === '/api/v1/bullet-private')
          tokens.push(((await res.clone().json()) as { data: { token: string } }).data.token);
        return res;
      },
    });
    const messages: InboundMessage[] = [];
    subscriptions.push(client.messages$.subscribe((m) => messages.push(m)));
    const updates: OrderUpdate[] = [];
    subscriptions.push(client.orderUpdates$.subscribe((u) => updates.push(u)));
    await bothIn(client, 'ready');
    const canceled = firstValueFrom(client.orderUpdates$.pipe(filter((u) => u.type === 'canceled')));
    const placed = await client.submitNewSpotOrder(limitBuy());
    await client.cancelSpotOrder({ symbol: 'BTC-USDT', clientOid: placed.data.clientOid });
    await canceled;

    const framesOf = (wsKey: ConnectionKey) =>
      messages.filter((m) => m.wsKey === wsKey).map((m) => m.frame as Frame);
    for (const k of PUSH_KEYS)
      expect(
        framesOf(k)
          .slice(0, 2)
          .map((f) => f.type),
      ).toEqual(['welcome', 'ack']);
    const orderMessages = framesOf('pushSpot').filter((f) => f.type === 'message');
    const mine = updates.filter((u) => u.clientOid === placed.data.clientOid);
    expect(mine.map((u) => u.type)).toEqual(['received', 'open', 'canceled']);
    // One message frame per update, in the same order, as the push server sent it: the data
    // without the fields the client adds (market, topic and source).
    expect(orderMessages.map((f) => f.data?.type)).toEqual(mine.map((u) => u.type));
    for (const [i, f] of orderMessages.entries()) {
      expect(f).toMatchObject({ topic: '/spotMarket/tradeOrdersV2', subject: 'orderChange' });
      expect(f.data).not.toHaveProperty('source');
      expect(f.data).not.toHaveProperty('market');
      expect({ ...f.data, market: 'spot', topic: f.topic, source: 'push' }).toEqual(mine[i]);
      expect(f.data).not.toBe(mine[i]);
    }
    // The WS API frames are there as before, under their key: the answers to the two calls.
    const answers = framesOf('wsApiSpotV1').filter((f) => typeof f.id === 'string' && f.id !== '');
    expect(answers.map((f) => (f as { op?: string }).op)).toEqual(
      expect.arrayContaining(['spot.order', 'spot.cancel']),
    );
    // No push token in any frame.
    expect(tokens).toHaveLength(2);
    const all = JSON.stringify(messages);
    expect(tokens.filter((t) => all.includes(t))).toEqual([]);
  });

  it('a messages$ subscriber that changes a frame does not change the order update', async () => {
    const client = clientOf();
    subscriptions.push(
      client.messages$.subscribe((m) => {
        const f = m.frame as Frame;
        if (f.type === 'message' && f.data !== undefined) {
          f.data.status = 'tampered';
          f.data.clientOid = 'tampered';
        }
      }),
    );
    const updates: OrderUpdate[] = [];
    subscriptions.push(client.orderUpdates$.subscribe((u) => updates.push(u)));
    await bothIn(client, 'ready');
    const open = firstValueFrom(client.orderUpdates$.pipe(filter((u) => u.type === 'open')));
    const placed = await client.submitNewSpotOrder(limitBuy());
    expect(await open).toMatchObject({ clientOid: placed.data.clientOid, status: 'open' });
    expect(updates.map((u) => u.status)).toEqual(['new', 'open']);
  });
});
