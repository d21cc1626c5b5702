/** state$ and kucoin-api's lifecycle events through connect, a dropped session, reconnect and close. */
import { filter, firstValueFrom, skip, take, toArray } from 'rxjs';
import { ConfigurationError, WebsocketAPIClient, type ClientEvent, type ConnectionState } from '../../src';
import { limitBuy, stateIs, useHarness } from './harness';

const h = useHarness();
const fastReconnect = { reconnect: { initialDelayMs: 20, maxDelayMs: 50 } };

describe('state$', () => {
  it('starts idle for both wsKeys and replays the current state', async () => {
    const { client } = await h.start();
    const first = await firstValueFrom(client.state$.pipe(take(2), toArray()));
    expect(first.map((s) => [s.wsKey, s.status])).toEqual([
      ['wsApiSpotV1', 'idle'],
      ['wsApiFuturesV1', 'idle'],
    ]);
  });

  it('stateOf$ of a push key replays idle before its first use, and closed after close(), as stateOf says', async () => {
    const { client } = await h.start();
    for (const key of ['pushSpot', 'pushFutures'] as const) {
      expect(await firstValueFrom(client.stateOf$(key))).toBe(client.stateOf(key));
      expect(client.stateOf(key).status).toBe('idle');
    }
    const spot = firstValueFrom(client.stateOf$('pushSpot').pipe(toArray()));
    await client.close();
    expect((await spot).map((s) => s.status)).toEqual(['idle', 'closed']);
    // Never used: the client-wide state$ still shows only the WS API keys.
    const keys = await firstValueFrom(client.state$.pipe(toArray()));
    expect(new Set(keys.map((s) => s.wsKey))).toEqual(new Set(['wsApiSpotV1', 'wsApiFuturesV1']));
  });

  it('an unknown wsKey (inherited names too) is a ConfigurationError from stateOf, stateOf$ and connect', async () => {
    const client = new WebsocketAPIClient({
      apiKey: 'k',
      apiSecret: 's',
      apiPassphrase: 'p',
      attachEventListeners: false,
    });
    for (const key of ['bogus', 'toString', '__proto__'] as never[]) {
      expect(() => client.stateOf(key)).toThrow(ConfigurationError);
      expect(() => client.stateOf$(key)).toThrow(ConfigurationError);
      await expect(client.connect(key)).rejects.toBeInstanceOf(ConfigurationError);
    }
    expect(client.stateOf('wsApiSpotV1').status).toBe('idle');
    await client.close();
  });

  it('connect → drop → reconnect → close, with kucoin-api’s events in step', async () => {
    const { client, sim } = await h.start({}, fastReconnect);
    const states: ConnectionState[] = [];
    const events: ClientEvent[] = [];
    client.stateOf$('wsApiSpotV1').subscribe((s) => states.push(s));
    for (const type of ['open', 'authenticated', 'reconnect', 'reconnected', 'close'] as const) {
      client.getWSClient().on(type, (e) => events.push(e as ClientEvent));
    }

    await client.connect();
    expect(states.map((s) => s.status)).toEqual(['idle', 'connecting', 'authenticating', 'ready']);
    expect(events.map((e) => e.type)).toEqual(['open', 'authenticated']);

    const readyAgain = firstValueFrom(
      client.stateOf$('wsApiSpotV1').pipe(
        skip(1),
        filter((s) => s.status === 'ready'),
      ),
    );
    expect(sim.faults.dropSessions()).toBeGreaterThan(0);
    await readyAgain;
    expect(states.map((s) => s.status)).toEqual([
      'idle',
      'connecting',
      'authenticating',
      'ready',
      'reconnecting',
      'connecting',
      'authenticating',
      'ready',
    ]);
    const reconnecting = states[4];
    expect(reconnecting.attempt).toBe(1);
    expect(reconnecting.error).toBeInstanceOf(Error);
    expect(reconnecting.retryInMs).toBeGreaterThanOrEqual(0);
    expect(reconnecting.retryInMs).toBeLessThan(20);
    expect(states[5].since - reconnecting.since).toBeGreaterThanOrEqual(reconnecting.retryInMs! - 1);
    expect(events.map((e) => e.type)).toEqual([
      'open',
      'authenticated',
      'reconnect',
      'open',
      'authenticated',
      'reconnected',
    ]);

    // Still works after the reconnect.
    await expect(client.submitNewSpotOrder(limitBuy())).resolves.toMatchObject({ code: '200000' });

    await client.close();
    expect(states.at(-1)).toMatchObject({ status: 'closed', wsKey: 'wsApiSpotV1' });
    expect(states.at(-1)!.error).toBeUndefined();
    expect(events.at(-1)).toMatchObject({ type: 'close', wsKey: 'wsApiSpotV1', error: undefined });
    // Times never go backwards.
    for (let i = 1; i < states.length; i++)
      expect(states[i].since).toBeGreaterThanOrEqual(states[i - 1].since);
  });

  it('ready$ emits when a connection becomes ready; state$ completes once every connection closed', async () => {
    const { client } = await h.start();
    const ready = firstValueFrom(client.ready$);
    client.submitFuturesOrder({ side: 'buy', symbol: 'XBTUSDTM', price: '20000', size: 1 });
    await expect(ready).resolves.toMatchObject({ wsKey: 'wsApiFuturesV1', status: 'ready' });
    const all = firstValueFrom(client.state$.pipe(toArray()));
    await client.close();
    const last = (await all).slice(-2);
    expect(last.map((s) => s.status)).toEqual(['closed', 'closed']);
  });

  it('a new subscriber after a reconnect sees ready straight away', async () => {
    const { client, sim } = await h.start({}, fastReconnect);
    await client.connect();
    const back = firstValueFrom(client.getWSClient().events$.pipe(filter((e) => e.type === 'reconnected')));
    sim.faults.dropSessions();
    await back;
    await expect(stateIs(client, 'ready')).resolves.toMatchObject({ status: 'ready' });
  });
});

describe('reconnects', () => {
  it('the attempt count starts again at 1 after every session that stayed ready for a ping interval', async () => {
    const { client, sim } = await h.start({ pingInterval: 100, pingTimeout: 1_000 }, fastReconnect);
    await client.connect();
    const attempts: number[] = [];
    client.getWSClient().on('reconnect', (e) => attempts.push(e.attempt));
    const pong = () =>
      firstValueFrom(client.messages$.pipe(filter((m) => (m.frame as { op?: string }).op === 'pong')));
    for (let i = 0; i < 3; i++) {
      // A pong answers a ping sent a ping interval after the session became ready.
      await pong();
      const back = firstValueFrom(client.events$.pipe(filter((e) => e.type === 'reconnected')));
      sim.faults.dropSessions();
      await back;
    }
    expect(attempts).toEqual([1, 1, 1]);
  });

  it('attempts grow while the gateway refuses, with delays inside the full-jitter window', async () => {
    const sim = await h.sim();
    sim.faults.refuseConnections(true);
    const client = h.client(sim, { reconnect: { initialDelayMs: 8, maxDelayMs: 30 } });
    const states: ConnectionState[] = [];
    client.stateOf$('wsApiSpotV1').subscribe((s) => states.push(s));
    void client.connect().catch(() => undefined);
    await firstValueFrom(client.stateOf$('wsApiSpotV1').pipe(filter((s) => s.attempt === 4)));
    sim.faults.refuseConnections(false);
    await stateIs(client, 'ready');
    const waits = states.filter((s) => s.status === 'reconnecting');
    expect(waits.map((s) => s.attempt).slice(0, 4)).toEqual([1, 2, 3, 4]);
    const ceilings = [8, 16, 30, 30];
    waits.slice(0, 4).forEach((s, i) => {
      expect(s.retryInMs).toBeGreaterThanOrEqual(0);
      expect(s.retryInMs).toBeLessThan(ceilings[i]);
      expect(s.error?.message).toMatch(/503/);
    });
    expect(states.at(-1)).toMatchObject({ status: 'ready' });
  });
});

describe('attachEventListeners', () => {
  it('logs open, authenticated, reconnect and reconnected through the injected logger, without secrets', async () => {
    const lines: string[] = [];
    const logger = {
      info: (...a: unknown[]) => lines.push(['info', ...a].map(String).join(' ')),
      error: (...a: unknown[]) => lines.push(['error', ...a].map(String).join(' ')),
    };
    const sim = await h.sim();
    const client = h.client(sim, { attachEventListeners: true, logger, ...fastReconnect });
    await client.connect();
    const back = firstValueFrom(client.getWSClient().events$.pipe(filter((e) => e.type === 'reconnected')));
    sim.faults.dropSessions();
    await back;
    sim.faults.sendMalformed('not-json');
    await firstValueFrom(client.exceptions$);
    const text = lines.join('\n');
    expect(text).toMatch(/wsApiSpotV1: socket open/);
    expect(text).toMatch(/wsApiSpotV1: authenticated/);
    expect(text).toMatch(/wsApiSpotV1: connection lost: .*; reconnecting in \d+ ms \(attempt 1\)/);
    expect(text).toMatch(/wsApiSpotV1: reconnected/);
    expect(text).toMatch(/error .*exception: malformed frame: frame is not JSON/);
    expect(text).not.toContain(sim.demoAccount.apiSecret);
    expect(text).not.toContain(sim.demoAccount.apiPassphrase);
  });

  it('attachEventListeners: false logs nothing', async () => {
    const logger = { info: jest.fn(), error: jest.fn() };
    const sim = await h.sim();
    const client = h.client(sim, { attachEventListeners: false, logger });
    await client.connect();
    expect(logger.info).not.toHaveBeenCalled();
  });
});
