/**
 * Authentication refusals close the client after ONE attempt (no retry storm) with an
 * AuthenticationError naming the gateway's code; every pending call rejects with it.
 */
import { createHmac } from 'node:crypto';
import { filter, firstValueFrom } from 'rxjs';
import { AuthenticationError, ClientClosedError, ConfigurationError, type WsApiCall } from '../../src';
import type { WebSocketFactory } from '../../src/transport/websocket';
import { makeNodeWebSocket } from '../../src/transport/websocket';
import type { WebSocketLike } from 'rxjs-websockets';
import { countingFactory, limitBuy, stateIs, useHarness } from './harness';

const h = useHarness();
const hmac = (key: string, text: string) => createHmac('sha256', key).update(text).digest('base64');

const settle = (call: WsApiCall<unknown>) =>
  call.then(
    () => 'resolved',
    (e: unknown) => e,
  );

describe('authentication refused', () => {
  it.each([
    ['an unknown key', { apiKey: 'no-such-key' }, ['400003']],
    ['a wrong passphrase', { apiPassphrase: 'wrong' }, ['400004']],
    // The simulator checks the URL signature (keyed by the secret alone) before the passphrase
    // signature, so a wrong secret is reported as 400005.
    ['a wrong secret', { apiSecret: 'wrong-secret' }, ['400005']],
  ])(
    '%s: one attempt, closed with AuthenticationError, pending calls rejected with it',
    async (_what, creds, codes) => {
      const sim = await h.sim();
      const counter = countingFactory();
      const client = h.client(sim, {
        ...creds,
        makeWebSocket: counter.makeWebSocket,
        reconnect: { initialDelayMs: 1 },
      });
      const calls = [
        client.submitNewSpotOrder(limitBuy()),
        client.submitMarginOrder({ side: 'buy', symbol: 'BTC-USDT', price: '1', size: '1' }),
      ];
      const futures = client.submitFuturesOrder({ side: 'buy', symbol: 'XBTUSDTM', price: '20000', size: 1 });
      const closed = await stateIs(client, 'closed');
      expect(closed.error).toBeInstanceOf(AuthenticationError);
      const error = closed.error as AuthenticationError;
      expect(codes).toContain(error.code);
      expect(error.message).toContain(error.code);
      for (const call of [...calls, futures]) expect(await settle(call)).toBe(error);
      // No retry storm: the spot attempt and at most the futures one that was already under way.
      expect(counter.attempts()).toBeLessThanOrEqual(2);
      await expect(client.connect()).rejects.toBeInstanceOf(ClientClosedError);
      const later = await settle(client.submitNewSpotOrder(limitBuy()));
      expect(later).toBeInstanceOf(ClientClosedError);
      expect((later as ClientClosedError).cause).toBe(error);
      expect(sim.exchange.allOrders()).toHaveLength(0);
    },
  );

  it('connect() rejects with the AuthenticationError', async () => {
    const sim = await h.sim();
    const client = h.client(sim, { apiKey: 'nobody' });
    await expect(client.connect()).rejects.toMatchObject({ name: 'AuthenticationError', code: '400003' });
    expect(client.stateOf('wsApiSpotV1').status).toBe('closed');
  });

  it('a wrong session signature (400011) closes the client as well', async () => {
    const sim = await h.sim();
    // Corrupts the client's session signature (the one text frame that is not JSON).
    const tampering: WebSocketFactory = (url, protocols) => {
      const socket = makeNodeWebSocket(url, protocols);
      const send = socket.send.bind(socket);
      socket.send = (data: string | ArrayBuffer | Blob) =>
        send(typeof data === 'string' && !data.startsWith('{') ? `x${data}` : data);
      return socket;
    };
    const client = h.client(sim, { makeWebSocket: tampering });
    await expect(client.connect()).rejects.toMatchObject({ name: 'AuthenticationError', code: '400011' });
  });

  it('a refusal whose error frame is lost still closes with the code from the close reason', async () => {
    const sim = await h.sim();
    // Hides every inbound frame that carries a code: only the close reason "400003 …" is left.
    const deaf: WebSocketFactory = (url, protocols) => {
      const socket = makeNodeWebSocket(url, protocols);
      const view = {
        onopen: null as WebSocketLike['onopen'],
        onclose: null as WebSocketLike['onclose'],
        onerror: null as WebSocketLike['onerror'],
        onmessage: null as WebSocketLike['onmessage'],
        send: (data: string) => socket.send(data),
        close: () => socket.close(),
      };
      socket.onopen = (e) => view.onopen?.(e);
      socket.onclose = (e) => view.onclose?.(e);
      socket.onerror = (e) => view.onerror?.(e);
      socket.onmessage = (e) => {
        if (!String(e.data).includes('"code"')) view.onmessage?.(e);
      };
      return view;
    };
    const counter = { n: 0 };
    const client = h.client(sim, {
      apiKey: 'nobody',
      makeWebSocket: (url, p) => (counter.n++, deaf(url, p)),
      reconnect: { initialDelayMs: 1 },
    });
    await expect(client.connect()).rejects.toMatchObject({ name: 'AuthenticationError', code: '400003' });
    expect(counter.n).toBe(1);
  });

  it('signs a fresh URL for every connection attempt', async () => {
    const sim = await h.sim();
    const urls: string[] = [];
    const client = h.client(sim, {
      makeWebSocket: (url, p) => (urls.push(url), makeNodeWebSocket(url, p)),
      reconnect: { initialDelayMs: 20, maxDelayMs: 20 },
    });
    await client.connect();
    const back = firstValueFrom(client.events$.pipe(filter((e) => e.type === 'reconnected')));
    sim.faults.dropSessions();
    await back;
    expect(urls).toHaveLength(2);
    const [a, b] = urls.map((u) => new URL(u));
    expect(a.pathname).toBe('/v1/private');
    expect(Number(b.searchParams.get('timestamp'))).toBeGreaterThan(Number(a.searchParams.get('timestamp')));
    for (const u of [a, b]) {
      const ts = u.searchParams.get('timestamp')!;
      expect(u.searchParams.get('apikey')).toBe(sim.demoAccount.apiKey);
      expect(u.searchParams.get('sign')).toBe(hmac(sim.demoAccount.apiSecret, sim.demoAccount.apiKey + ts));
      expect(u.searchParams.get('passphrase')).toBe(
        hmac(sim.demoAccount.apiSecret, sim.demoAccount.apiPassphrase),
      );
    }
  });

  it('never puts credentials in errors or states', async () => {
    const sim = await h.sim();
    const client = h.client(sim, { apiSecret: 'the-wrong-secret', apiPassphrase: 'pass-phrase-xyz' });
    const error = await client.connect().catch((e: unknown) => e);
    const texts = [
      JSON.stringify(error),
      String((error as Error).stack),
      JSON.stringify(client.stateOf('wsApiSpotV1')),
      JSON.stringify(client),
    ].join('\n');
    expect(texts).not.toContain('the-wrong-secret');
    expect(texts).not.toContain('pass-phrase-xyz');
  });
});

describe('a broken transport', () => {
  it('closes the client with a ConfigurationError after one attempt instead of retrying a TypeError forever', async () => {
    const sim = await h.sim();
    let attempts = 0;
    const client = h.client(sim, {
      reconnect: { initialDelayMs: 1 },
      // Not a WebSocket: wiring it up throws a TypeError inside the transport.
      makeWebSocket: () => (attempts++, null as unknown as WebSocketLike),
    });
    const call = client.submitNewSpotOrder(limitBuy());
    const error = await settle(call);
    expect(error).toBeInstanceOf(ConfigurationError);
    expect((error as Error).message).toMatch(/the WebSocket transport failed: TypeError/);
    expect(attempts).toBe(1);
    expect(client.stateOf('wsApiSpotV1').status).toBe('closed');
  });
});
