/** The reactive surface: rateLimit$, latency$, messages$, exceptions and the response event. */
import { inspect } from 'node:util';
import { filter, firstValueFrom, take, toArray } from 'rxjs';
import type { WebSocketLike } from 'rxjs-websockets';
import { ProtocolError, WebsocketAPIClient } from '../../src';
import { makeNodeWebSocket, type WebSocketFactory } from '../../src/transport/websocket';
import { limitBuy, useHarness } from './harness';

const h = useHarness();

describe('rateLimit$ and latency$', () => {
  it('rateLimit$ replays the last quota per wsKey and follows new answers', async () => {
    const { client } = await h.start({ rateLimit: { limit: 50, windowMs: 30_000 } });
    await client.submitNewSpotOrder(limitBuy());
    const replayed = await firstValueFrom(client.rateLimit$);
    expect(replayed).toEqual({ wsKey: 'wsApiSpotV1', limit: 50, reset: expect.any(Number), remaining: 49 });
    const next = firstValueFrom(client.rateLimit$.pipe(take(2), toArray()));
    await client.submitNewSpotOrder(limitBuy());
    expect((await next).map((r) => r.remaining)).toEqual([49, 48]);
  });

  it('latency$ gives round trip and gateway time per call', async () => {
    const { client } = await h.start();
    await client.connect();
    const seen = firstValueFrom(client.latency$);
    const call = client.submitNewSpotOrder(limitBuy());
    const r = await call;
    const l = await seen;
    expect(l).toMatchObject({ id: call.id, op: 'spot.order', wsKey: 'wsApiSpotV1' });
    expect(l.roundTripMs).toBeGreaterThan(0);
    expect(l.roundTripMs).toBeLessThan(5_000);
    expect(l.gatewayMs).toBe(r.outTime - r.inTime);
  });
});

describe('messages$ and the response event', () => {
  it('messages$ sees every parsed frame, handshake included', async () => {
    const { client } = await h.start();
    const frames = firstValueFrom(client.messages$.pipe(take(3), toArray()));
    const r = await client.submitNewSpotOrder(limitBuy());
    const [challenge, welcome, answer] = (await frames).map((m) => m.frame as Record<string, unknown>);
    expect(challenge).toEqual({ sessionId: expect.any(String), timestamp: expect.any(Number) });
    expect(welcome).toMatchObject({ data: 'welcome' });
    expect(answer).toMatchObject({ id: r.id, code: '200000' });
  });

  it('a messages$ subscriber gets a frame of its own: what it changes is not the response', async () => {
    const { client } = await h.start();
    await client.connect();
    const kept: Array<Record<string, unknown>> = [];
    const sub = client.messages$.subscribe(({ frame }) => {
      const f = frame as Record<string, any>;
      if (f.code !== '200000') return;
      kept.push(f);
      f.code = '400100';
      f.data.orderId = 'changed by a subscriber';
    });
    try {
      const call = client.submitNewSpotOrder(limitBuy());
      const r = await call;
      expect(r.code).toBe('200000');
      expect(r.data.orderId).not.toBe('changed by a subscriber');
      expect(r).toMatchObject({ id: call.id, wsKey: 'wsApiSpotV1', isWSAPIResponse: true });
      // Nor does the client's filling-in of the response reach the subscriber's frame.
      expect(kept).toHaveLength(1);
      expect(kept[0]).toMatchObject({ id: call.id, code: '400100' });
      expect(kept[0]).not.toHaveProperty('wsKey');
      expect(kept[0]).not.toHaveProperty('isWSAPIResponse');
    } finally {
      sub.unsubscribe();
    }
  });

  it("getWSClient().on('response') receives each envelope; off() stops it", async () => {
    const { client } = await h.start();
    const seen: string[] = [];
    const handler = (e: { response: { id: string } }) => seen.push(e.response.id);
    client.getWSClient().on('response', handler);
    const a = await client.submitNewSpotOrder(limitBuy());
    client.getWSClient().off('response', handler);
    await client.submitNewSpotOrder(limitBuy());
    expect(seen).toEqual([a.id]);
  });

  it('a throwing event handler does not break the client', async () => {
    const { client } = await h.start();
    const thrown: unknown[] = [];
    const realSetTimeout = global.setTimeout;
    const spy = jest.spyOn(global, 'setTimeout').mockImplementation(((fn: () => void, ms?: number) =>
      realSetTimeout(() => {
        try {
          fn();
        } catch (e) {
          thrown.push(e);
        }
      }, ms)) as typeof setTimeout);
    try {
      client.getWSClient().on('response', () => {
        throw new Error('handler bug');
      });
      await expect(client.submitNewSpotOrder(limitBuy())).resolves.toMatchObject({ code: '200000' });
      await expect(client.submitNewSpotOrder(limitBuy())).resolves.toMatchObject({ code: '200000' });
      await new Promise((r) => realSetTimeout(r, 5));
      expect(thrown).toHaveLength(2);
    } finally {
      spy.mockRestore();
    }
  });
});

describe('malformed frames', () => {
  it.each(['not-json', 'wrong-shape', 'unknown-id', 'duplicate', 'oversized'] as const)(
    '%s: an exception event, nothing else breaks',
    async (kind) => {
      const { client, sim } = await h.start();
      await client.submitNewSpotOrder(limitBuy()); // so that 'duplicate' has an answer to repeat
      const exception = firstValueFrom(client.exceptions$);
      const pendingMeanwhile = client.submitNewSpotOrder(limitBuy());
      sim.faults.sendMalformed(kind);
      const e = await exception;
      expect(e.wsKey).toBe('wsApiSpotV1');
      expect(e.error).toBeInstanceOf(ProtocolError);
      if (kind !== 'oversized') expect(e.frame).toBeDefined();
      else expect(e.frame!.length).toBeLessThan(300);
      await expect(pendingMeanwhile).resolves.toMatchObject({ code: '200000' });
      await expect(client.submitNewSpotOrder(limitBuy())).resolves.toMatchObject({ code: '200000' });
      expect(client.stateOf('wsApiSpotV1').status).toBe('ready');
    },
  );

  it('an answer of the wrong shape fails only its own call', async () => {
    const sim = await h.sim();
    // Corrupts the data of the answer to the request with id "2" (the second call).
    const corrupting: WebSocketFactory = (url, protocols) => {
      const socket = makeNodeWebSocket(url, protocols);
      const view: WebSocketLike = {
        onopen: null,
        onclose: null,
        onerror: null,
        onmessage: null,
        send: (data) => socket.send(data as string),
        close: () => socket.close(),
      };
      socket.onopen = (e) => view.onopen?.(e);
      socket.onclose = (e) => view.onclose?.(e);
      socket.onerror = (e) => view.onerror?.(e);
      socket.onmessage = (e) => {
        const text = String(e.data);
        view.onmessage?.({
          data: text.startsWith('{"id":"2"') ? text.replace('"orderId"', '"orderID"') : text,
        });
      };
      return view;
    };
    const client = h.client(sim, { makeWebSocket: corrupting });
    const calls = [1, 2, 3].map(() => client.submitNewSpotOrder(limitBuy()));
    expect(calls.map((c) => c.id)).toEqual(['1', '2', '3']);
    const exception = firstValueFrom(client.exceptions$);
    const [a, b, c] = await Promise.allSettled(calls);
    expect(a.status).toBe('fulfilled');
    expect(c.status).toBe('fulfilled');
    expect(b.status).toBe('rejected');
    const error = (b as PromiseRejectedResult).reason as ProtocolError;
    expect(error).toBeInstanceOf(ProtocolError);
    expect(error.message).toMatch(/spot\.order data: orderId: /);
    expect(error.requestId).toBe('2');
    expect(error.response?.code).toBe('200000');
    expect((await exception).error).toBe(error);
  });
});

describe('secrets', () => {
  it('JSON.stringify and util.inspect show the options redacted', () => {
    const client = new WebsocketAPIClient({
      apiKey: 'key-123456',
      apiSecret: 'top-secret-value',
      apiPassphrase: 'pass-phrase-value',
      attachEventListeners: false,
    });
    const views = [
      JSON.stringify(client),
      inspect(client),
      inspect(client, { showHidden: true, depth: Infinity, customInspect: true }),
      String(client),
      JSON.stringify({ nested: { client } }),
    ];
    for (const v of views) {
      expect(v).not.toContain('top-secret-value');
      expect(v).not.toContain('pass-phrase-value');
      expect(v).not.toContain('key-123456');
    }
    expect(JSON.parse(views[0])).toMatchObject({
      apiKey: 'key-…',
      apiSecret: '[redacted]',
      apiPassphrase: '[redacted]',
      wsBaseUrl: 'wss://wsapi.kucoin.com',
    });
    expect(views[1]).toMatch(/^WebsocketAPIClient \{/);
  });

  it('without customInspect the secrets are still nowhere in the object graph', async () => {
    const { client, sim } = await h.start();
    await client.submitNewSpotOrder(limitBuy());
    const raw = inspect(client, { customInspect: false, showHidden: true, depth: 6 });
    expect(raw).not.toContain(sim.demoAccount.apiSecret);
    expect(raw).not.toContain(sim.demoAccount.apiPassphrase);
  });
});

describe('testnet', () => {
  it('testnet: true in Node starts a simulator with its demo account, no credentials needed', async () => {
    const client = h.track(new WebsocketAPIClient({ testnet: true, attachEventListeners: false }));
    const r = await client.submitNewSpotOrder(limitBuy());
    expect(r.code).toBe('200000');
    expect(JSON.stringify(client)).toContain('"testnet":true');
  });

  it('testnet: true with kucoin-api’s placeholder credentials still uses the demo account', async () => {
    const client = h.track(
      new WebsocketAPIClient({
        apiKey: 'your-api-key',
        apiSecret: 'your-api-secret',
        apiPassphrase: 'your-api-passphrase',
        testnet: true,
        attachEventListeners: false,
      }),
    );
    await expect(client.submitNewSpotOrder(limitBuy())).resolves.toMatchObject({ code: '200000' });
  });

  it('testnet: true with wsBaseUrl uses that URL', async () => {
    const sim = await h.sim();
    const client = h.track(
      new WebsocketAPIClient({
        testnet: true,
        wsBaseUrl: sim.url,
        ...sim.demoAccount,
        attachEventListeners: false,
      }),
    );
    const r = await client.submitNewSpotOrder(limitBuy());
    expect(sim.exchange.ledger(r.data.clientOid)).toBeDefined();
  });

  it('in a browser, testnet without wsBaseUrl asks for one', async () => {
    const { startTestnet } = await import('../../src/client/testnet');
    await expect(startTestnet(false)).rejects.toMatchObject({
      name: 'ConfigurationError',
      message: expect.stringMatching(/wsBaseUrl/),
    });
  });

  it('no credentials and no testnet: calls reject with a ConfigurationError', async () => {
    const client = h.track(
      new WebsocketAPIClient({ wsBaseUrl: 'ws://127.0.0.1:9', attachEventListeners: false }),
    );
    await expect(client.submitNewSpotOrder(limitBuy())).rejects.toMatchObject({ name: 'ConfigurationError' });
    expect(client.stateOf('wsApiSpotV1').status).toBe('closed');
  });
});

describe('options', () => {
  it('rejects options that cannot work, at construction', () => {
    expect(() => new WebsocketAPIClient({ requestTimeoutMs: 0 })).toThrow(/requestTimeoutMs/);
    expect(() => new WebsocketAPIClient({ reconnect: { maxDelayMs: -1 } })).toThrow(/maxDelayMs/);
  });

  it('maxAttempts: gives up after that many reconnects and closes with the last error', async () => {
    const sim = await h.sim();
    sim.faults.refuseConnections(true);
    const client = h.client(sim, { reconnect: { initialDelayMs: 1, maxDelayMs: 2, maxAttempts: 3 } });
    const states: string[] = [];
    client.stateOf$('wsApiSpotV1').subscribe((s) => states.push(s.status));
    const call = client.submitNewSpotOrder(limitBuy());
    const error = await call.then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error).toMatchObject({ name: 'ClientClosedError', message: expect.stringMatching(/503/) });
    expect(states.filter((s) => s === 'connecting')).toHaveLength(4); // the first try + 3 reconnects
    expect(states.at(-1)).toBe('closed');
    expect(client.stateOf('wsApiSpotV1').error?.message).toMatch(/503/);
    await firstValueFrom(client.state$.pipe(filter((s) => s.status === 'closed')));
  });
});
