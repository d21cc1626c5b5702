/**
 * The push connection against servers that misbehave, which the simulator will not do: a
 * small `ws` server on loopback behind a `bullet-private` answer given through the client's
 * `fetch` option. Bad frames become typed exception events and the stream goes on; a silent
 * server is declared dead by the heartbeat; refusals and timeouts are retried; credentials
 * refused by bullet-private close the push connection with the error.
 */
import type { AddressInfo } from 'node:net';
import { filter, firstValueFrom, merge, type Subscription } from 'rxjs';
import { WebSocketServer, type WebSocket } from 'ws';
import {
  AuthenticationError,
  ProtocolError,
  WebsocketAPIClient,
  type ClientEventOf,
  type ConnectionState,
  type FetchFunction,
  type OrderUpdate,
} from '../../src';

interface Server {
  readonly url: string;
  readonly sockets: WebSocket[];
  /** Every frame received from clients, parsed. */
  readonly received: Array<Record<string, unknown>>;
  /** Connect URLs (query included) in arrival order. */
  readonly connects: string[];
}

const servers: WebSocketServer[] = [];
const clients: WebsocketAPIClient[] = [];
const subscriptions: Subscription[] = [];
afterEach(async () => {
  for (const s of subscriptions.splice(0)) s.unsubscribe();
  await Promise.all(clients.splice(0).map((c) => c.close()));
  for (const wss of servers.splice(0)) {
    for (const c of wss.clients) c.terminate();
    await new Promise((r) => wss.close(r));
  }
});

/** A push server; `onConnect` scripts each connection (`n` counts from 0). */
async function pushServer(onConnect: (ws: WebSocket, n: number, server: Server) => void): Promise<Server> {
  const wss = new WebSocketServer({ port: 0, host: '127.0.0.1' });
  servers.push(wss);
  await new Promise<void>((r) => wss.once('listening', () => r()));
  const server: Server = {
    url: `ws://127.0.0.1:${(wss.address() as AddressInfo).port}/push`,
    sockets: [],
    received: [],
    connects: [],
  };
  wss.on('connection', (ws, req) => {
    server.sockets.push(ws);
    server.connects.push(req.url ?? '');
    ws.on('message', (d) => server.received.push(JSON.parse(String(d)) as Record<string, unknown>));
    onConnect(ws, server.connects.length - 1, server);
  });
  return server;
}

/** Welcomes, acks the subscription and answers pings: a well-behaved start. */
function behave(ws: WebSocket, afterAck?: (topic: string) => void): void {
  ws.send(JSON.stringify({ id: 'x', type: 'welcome' }));
  ws.on('message', (d) => {
    const f = JSON.parse(String(d)) as { id: string; type: string; topic: string };
    if (f.type === 'subscribe') {
      ws.send(JSON.stringify({ id: f.id, type: 'ack' }));
      afterAck?.(f.topic);
    } else if (f.type === 'ping') ws.send(JSON.stringify({ id: f.id, type: 'pong' }));
  });
}

/**
 * A fetch that answers bullet-private with `server`'s endpoint (`futures` for the futures REST
 * host, default the same), or with `answer`; tokens are numbered per host. Counts calls.
 */
function bulletFetch(
  server: Server | undefined,
  o: { pingInterval?: number; pingTimeout?: number; answer?: () => Response; futures?: Server } = {},
): { fetch: FetchFunction; calls: string[] } {
  const calls: string[] = [];
  const tokens = { spot: 0, futures: 0 };
  return {
    calls,
    fetch: async (input) => {
      const url = new URL(input);
      calls.push(url.pathname);
      if (o.answer !== undefined) return o.answer();
      const market = url.hostname === FUTURES_HOST ? 'futures' : 'spot';
      return new Response(
        JSON.stringify({
          code: '200000',
          data: {
            token: `${market}-token-${++tokens[market]}`,
            instanceServers: [
              {
                endpoint: (market === 'futures' ? (o.futures ?? server) : server)?.url,
                encrypt: false,
                protocol: 'websocket',
                pingInterval: o.pingInterval ?? 18_000,
                pingTimeout: o.pingTimeout ?? 10_000,
              },
            ],
          },
        }),
        { status: 200, headers: { 'content-type': 'application/json' } },
      );
    },
  };
}

const FUTURES_HOST = 'futures.invalid';

function clientWith(fetch: FetchFunction, handshakeTimeoutMs = 10_000): WebsocketAPIClient {
  const c = new WebsocketAPIClient({
    apiKey: 'k',
    apiSecret: 's',
    apiPassphrase: 'p',
    wsBaseUrl: 'ws://127.0.0.1:9',
    restBaseUrl: 'http://spot.invalid',
    futuresRestBaseUrl: `http://${FUTURES_HOST}`,
    attachEventListeners: false,
    reconnect: { initialDelayMs: 5, maxDelayMs: 20 },
    handshakeTimeoutMs,
    fetch,
  });
  clients.push(c);
  return c;
}

const spotState = (client: WebsocketAPIClient, status: ConnectionState['status']): Promise<ConnectionState> =>
  firstValueFrom(client.stateOf$('pushSpot').pipe(filter((s) => s.status === status)));

const event = (data: Record<string, unknown>) =>
  JSON.stringify({
    type: 'message',
    topic: '/spotMarket/tradeOrdersV2',
    subject: 'orderChange',
    channelType: 'private',
    userId: 'u',
    data,
  });

const good = (clientOid: string) => ({
  orderId: 'o1',
  clientOid,
  symbol: 'BTC-USDT',
  side: 'buy',
  orderType: 'limit',
  type: 'open',
  status: 'open',
  price: '1',
  size: '1',
  orderTime: 1,
  ts: 1_000_000,
});

describe('push connection against a misbehaving server', () => {
  it('bad frames become ProtocolError exception events on pushSpot; the good events around them arrive', async () => {
    const bad = [
      'not json',
      '[1,2]',
      '42',
      event({ ...good('bad-side'), side: 'up' }),
      event({ ...good('no-status'), status: undefined }),
      JSON.stringify({ type: 'message', topic: '/somewhere/else', subject: 'orderChange', data: good('t') }),
      JSON.stringify({ type: 'message', topic: '/spotMarket/tradeOrdersV2', subject: 'other', data: {} }),
      JSON.stringify({ type: 'surprise' }),
      JSON.stringify({ id: 'nobody', type: 'ack' }),
      JSON.stringify({ id: 'x', type: 'error', code: 400, data: 'type must be ping' }),
    ];
    const server = await pushServer((ws) =>
      behave(ws, (topic) => {
        // Only the spot connection's socket misbehaves (the futures one shares this server).
        if (topic !== '/spotMarket/tradeOrdersV2') return;
        ws.send(event(good('first')));
        for (const frame of bad) ws.send(frame);
        ws.send(event(good('last')));
      }),
    );
    const { fetch } = bulletFetch(server);
    const client = clientWith(fetch);
    const exceptions: Array<ClientEventOf<'exception'>> = [];
    subscriptions.push(client.exceptions$.subscribe((e) => exceptions.push(e)));
    const updates: OrderUpdate[] = [];
    const last = new Promise<void>((resolve) =>
      subscriptions.push(
        client.orderUpdates$.subscribe((u) => {
          updates.push(u);
          if (u.clientOid === 'last') resolve();
        }),
      ),
    );
    await last;
    expect(updates.map((u) => u.clientOid)).toEqual(['first', 'last']);
    expect(exceptions).toHaveLength(bad.length);
    for (const e of exceptions) {
      expect(e.wsKey).toBe('pushSpot');
      expect(e.error).toBeInstanceOf(ProtocolError);
      expect(typeof e.frame).toBe('string');
    }
    expect(exceptions[3].error.message).toMatch(/side/);
    expect(exceptions[4].error.message).toMatch(/status/);
    expect(client.stateOf('pushSpot').status).toBe('ready');
  });

  it('a server that stops answering pings is declared dead and the client connects again', async () => {
    const server = await pushServer((ws, n) => {
      if (n === 0) {
        // Welcome and ack, then silence: no pongs.
        ws.send(JSON.stringify({ id: 'x', type: 'welcome' }));
        ws.on('message', (d) => {
          const f = JSON.parse(String(d)) as { id: string; type: string };
          if (f.type === 'subscribe') ws.send(JSON.stringify({ id: f.id, type: 'ack' }));
        });
      } else behave(ws);
    });
    // The futures connection gets its own well-behaved server: sharing this one, it could be
    // connection 0 and leave the spot connection healthy.
    const futures = await pushServer((ws) => behave(ws));
    const { fetch } = bulletFetch(server, { pingInterval: 100, pingTimeout: 100, futures });
    const client = clientWith(fetch);
    subscriptions.push(client.orderUpdates$.subscribe());
    await spotState(client, 'ready');
    const reconnecting = await spotState(client, 'reconnecting');
    expect(reconnecting.error?.message).toMatch(/presumed dead/);
    await spotState(client, 'ready');
    expect(server.received.filter((f) => f.type === 'ping').length).toBeGreaterThan(0);
    // Each connect carries the token and a connectId.
    for (const c of server.connects) expect(c).toMatch(/[?&]token=spot-token-\d+&connectId=\w+/);
  });

  it('a 401 on connect fetches a new token; a token that opened a session is reused after a drop', async () => {
    const spot = await pushServer((ws, n) => {
      if (n === 0) {
        ws.send(JSON.stringify({ id: 'x', type: 'error', code: 401, data: 'token is expired' }));
        ws.close(1000, 'token is expired');
      } else if (n === 1) {
        behave(ws, () => setImmediate(() => ws.terminate()));
      } else behave(ws);
    });
    const futures = await pushServer((ws) => behave(ws));
    const { fetch } = bulletFetch(spot, { futures });
    const client = clientWith(fetch);
    const errors: string[] = [];
    subscriptions.push(
      client.stateOf$('pushSpot').subscribe((s) => {
        if (s.status === 'reconnecting') errors.push(s.error?.message ?? '');
      }),
    );
    subscriptions.push(client.orderUpdates$.subscribe());
    await firstValueFrom(
      client.stateOf$('pushSpot').pipe(filter((s) => s.status === 'ready' && spot.connects.length === 3)),
    );
    // The futures connection runs on its own: spot's three connects say nothing about it.
    await firstValueFrom(client.stateOf$('pushFutures').pipe(filter((s) => s.status === 'ready')));
    expect(errors).toHaveLength(2);
    expect(errors[0]).toMatch(/token is expired/);
    const tokenOf = (url: string) => new URLSearchParams(url.split('?')[1]).get('token');
    // Refused: replaced. Welcomed, then the link dropped: used again.
    expect(spot.connects.map(tokenOf)).toEqual(['spot-token-1', 'spot-token-2', 'spot-token-2']);
    expect(futures.connects.map(tokenOf)).toEqual(['futures-token-1']);
  });

  it('a server that never welcomes times out (handshakeTimeoutMs) and is retried', async () => {
    const server = await pushServer((ws, n) => {
      if (n >= 2) behave(ws);
    });
    const { fetch } = bulletFetch(server);
    const client = clientWith(fetch, 200);
    subscriptions.push(client.orderUpdates$.subscribe());
    const reconnecting = await spotState(client, 'reconnecting');
    expect(reconnecting.error?.message).toMatch(/not subscribed within 200 ms/);
    await spotState(client, 'ready');
  });

  it('credentials refused by bullet-private close the push connection: orderUpdates$ errors with the AuthenticationError', async () => {
    const { fetch, calls } = bulletFetch(undefined, {
      answer: () =>
        new Response(JSON.stringify({ code: '400003', msg: 'KC-API-KEY not exists' }), { status: 401 }),
    });
    const client = clientWith(fetch);
    const error = await new Promise<unknown>((resolve) =>
      subscriptions.push(client.orderUpdates$.subscribe({ error: resolve })),
    );
    expect(error).toBeInstanceOf(AuthenticationError);
    // Both markets are refused; whichever answer comes first closes its connection and ends the
    // merged stream (the other connection is then unsubscribed before its answer counts).
    const closed = await firstValueFrom(
      merge(client.stateOf$('pushSpot'), client.stateOf$('pushFutures')).pipe(
        filter((s) => s.status === 'closed'),
      ),
    );
    expect(closed.error).toBe(error);
    expect(calls.filter((p) => p === '/api/v1/bullet-private').length).toBeLessThanOrEqual(2);
    // A later subscriber gets the same error at once, and nothing is fetched again.
    const before = calls.length;
    await expect(
      new Promise((resolve, reject) =>
        client.orderUpdates$.subscribe({ error: reject, complete: () => resolve(undefined) }),
      ),
    ).rejects.toBe(error);
    expect(calls.length).toBe(before);
    // The token never appears in a state or error.
    expect(JSON.stringify(closed)).not.toMatch(/token-/);
    expect(String(closed.error)).not.toMatch(/token-/);
  });

  it('futures refused while the spot token is still on its way: orderUpdates$ errors, pushFutures closes, a later subscriber opens nothing', async () => {
    const calls: string[] = [];
    let answerSpot!: (r: Response) => void;
    // The spot request leaves once it is signed, maybe after the futures refusal has come back.
    let spotAsked!: () => void;
    const spotAsking = new Promise<void>((resolve) => (spotAsked = resolve));
    const refusal = () =>
      new Response(JSON.stringify({ code: '400003', msg: 'KC-API-KEY not exists' }), { status: 401 });
    const fetch: FetchFunction = (input) => {
      const url = new URL(input);
      calls.push(url.hostname);
      return url.hostname === FUTURES_HOST
        ? Promise.resolve(refusal())
        : new Promise<Response>((resolve) => {
            answerSpot = resolve;
            spotAsked();
          });
    };
    const client = clientWith(fetch);
    const error = await new Promise<unknown>((resolve) =>
      subscriptions.push(client.orderUpdates$.subscribe({ error: resolve })),
    );
    expect(error).toBeInstanceOf(AuthenticationError);
    expect(client.stateOf('pushFutures')).toMatchObject({ status: 'closed', error });
    // The spot connection was left before its answer came: idle, not closed.
    expect(client.stateOf('pushSpot').status).toBe('idle');
    await spotAsking;
    const before = calls.length;
    const spotStates: string[] = [];
    subscriptions.push(client.stateOf$('pushSpot').subscribe((s) => spotStates.push(s.status)));
    const again = await new Promise<unknown>((resolve) =>
      client.orderUpdates$.subscribe({ error: resolve, complete: () => resolve('completed') }),
    );
    expect(again).toBe(error);
    expect(calls.length).toBe(before);
    // The spot connection is not started for nothing.
    expect(spotStates).toEqual(['idle']);
    answerSpot(refusal());
  });

  it('REST that cannot be reached is retried with backoff; no state or error quotes a token', async () => {
    // The spot host's first three answers fail. Counted per host: with one count for both, the
    // futures connection could use up the failures before the spot connection asked once.
    let fail = 3;
    const server = await pushServer((ws) => behave(ws));
    const inner = bulletFetch(server);
    const fetch: FetchFunction = (input, init) =>
      new URL(input).hostname !== FUTURES_HOST && fail-- > 0
        ? Promise.reject(new TypeError('fetch failed'))
        : inner.fetch(input, init);
    const client = clientWith(fetch);
    const states: ConnectionState[] = [];
    subscriptions.push(client.stateOf$('pushSpot').subscribe((s) => states.push(s)));
    subscriptions.push(client.orderUpdates$.subscribe());
    await spotState(client, 'ready');
    const retries = states.filter((s) => s.status === 'reconnecting');
    expect(retries).toHaveLength(3);
    for (const s of retries) expect(s.error?.name).toBe('NetworkError');
    await firstValueFrom(client.stateOf$('pushFutures').pipe(filter((s) => s.status === 'ready')));
    // Tokens were in use (both connected with one); no state or error quotes one.
    expect(server.connects.every((c) => /token=(spot|futures)-token-/.test(c))).toBe(true);
    for (const st of states) expect(`${JSON.stringify(st)} ${String(st.error)}`).not.toMatch(/token-\d/);
  });
});
