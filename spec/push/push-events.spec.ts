/**
 * The push connections' lifecycle events against the simulator over real sockets: `open`,
 * `authenticated`, `reconnect`, `reconnected` and `close` under 'pushSpot' and 'pushFutures',
 * as the WS API connections raise them, through `events$` and `getWSClient().on(…)`: a drop,
 * an expired token, the last subscriber leaving (idle, not closed), a refusal, reconnect
 * attempts running out, and close(). Synchronisation is on events and states.
 */
import { filter, firstValueFrom, type Subscription } from 'rxjs';
import {
  AuthenticationError,
  isPushWsKey,
  WebsocketAPIClient,
  type ClientEvent,
  type ConnectionKey,
  type ConnectionState,
  type WebsocketAPIClientOptions,
  type WSAPIWsKey,
} from '../../src';
import { startSimulator, type Simulator } from '../../src/simulator';
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

  it('reconnect.maxAttempts spent: a reconnect per attempt, then close with the last error; the WS API still connects', async () => {
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
      expect((c as { error?: unknown }).error).toBeInstanceOf(Error);
    }
    expect(closes.find((c) => (c as { error?: unknown }).error === error)).toBeDefined();
    sim.faults.refuseConnections(false);
    await client.connect();
    expect(rec.typesOf('wsApiSpotV1')).toEqual(['open', 'authenticated']);
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
