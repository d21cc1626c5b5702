/**
 * close(): rejects pending calls with ClientClosedError, closes sockets, clears every timer,
 * leaves state `closed`; later calls reject. Run this suite with --detectOpenHandles too:
 *   npx jest spec/client/close.spec.ts --detectOpenHandles
 * Each test also counts the process's live handles itself (timers and TCP), before and after.
 */
import { filter, firstValueFrom, lastValueFrom, toArray, type Observable } from 'rxjs';
import { ClientClosedError, WebsocketAPIClient, type WsApiCall } from '../../src';
import { startSimulator, type Simulator } from '../../src/simulator';
import { describeTimers, liveTimers, tcpHandles, trackTimers, untrackTimers } from '../support/handles';
import { limitBuy, stateIs } from './harness';

let sim: Simulator;

beforeEach(async () => {
  trackTimers();
  sim = await startSimulator({ port: 0, seed: 1 });
});

afterEach(async () => {
  await sim.close();
  untrackTimers();
  // Sockets closed on both sides finish closing a few turns later (later still on a loaded
  // machine): up to 2 s for the last TCP handles (whose close timers go with them) to go.
  const until = performance.now() + 2_000;
  while (tcpHandles().length > 0 && performance.now() < until) await new Promise((r) => setImmediate(r));
  // A socket's close event (which clears ws' close timer) comes a turn after its handle goes:
  // a few turns, never long enough for a leaked timer to fire.
  for (let i = 0; i < 20 && liveTimers.size > 0; i++) await new Promise((r) => setImmediate(r));
  // Simulator and client gone: no timer of theirs pending, no socket or server open.
  expect(describeTimers()).toEqual([]);
  expect(tcpHandles()).toEqual([]);
});

const makeClient = (o: ConstructorParameters<typeof WebsocketAPIClient>[0] = {}) =>
  new WebsocketAPIClient({ ...sim.demoAccount, wsBaseUrl: sim.url, attachEventListeners: false, ...o });

const settle = (call: WsApiCall<unknown>) =>
  call.then(
    () => 'resolved',
    (e: unknown) => e,
  );

describe('close()', () => {
  it('rejects every pending call (written or queued) with ClientClosedError and closes the sockets', async () => {
    const client = makeClient({ reconnect: { initialDelayMs: 5 } });
    await client.connect();
    await client.connect('wsApiFuturesV1');
    sim.faults.pause(); // written calls stay unanswered
    const written = Array.from({ length: 100 }, () => client.submitNewSpotOrder(limitBuy()));
    const futures = client.submitFuturesOrder({ side: 'buy', symbol: 'XBTUSDTM', price: '20000', size: 1 });
    const outcomes = [...written, futures].map(settle);
    await client.close();
    const errors = await Promise.all(outcomes);
    errors.forEach((e, i) => {
      expect(e).toBeInstanceOf(ClientClosedError);
      const call = i < written.length ? written[i] : futures;
      expect(e).toMatchObject({ requestId: call.id, clientOid: call.clientOid, op: call.op });
    });
    expect(client.stateOf('wsApiSpotV1').status).toBe('closed');
    expect(client.stateOf('wsApiFuturesV1').status).toBe('closed');
    sim.faults.resume();
    expect(sim.sessions()).toHaveLength(0);
  });

  it('says which calls were written: sent: true (outcome unknown, with clientOid) against sent: false for queued ones', async () => {
    const client = makeClient();
    await client.connect();
    sim.faults.pause(); // written calls stay unanswered
    const written = Array.from({ length: 20 }, () => client.submitNewSpotOrder(limitBuy()));
    expect(written.every((c) => c.sent)).toBe(true);
    const futures = client.submitFuturesOrder({ side: 'buy', symbol: 'XBTUSDTM', price: '20000', size: 1 });
    expect(futures.sent).toBe(false); // its connection is still opening
    const settled = [...written, futures].map(settle);
    await client.close();
    const outcomes = await Promise.all(settled);
    for (const [i, e] of outcomes.slice(0, written.length).entries()) {
      expect(e).toBeInstanceOf(ClientClosedError);
      expect(e).toMatchObject({ sent: true, clientOid: written[i].clientOid });
      expect((e as Error).message).toBe(
        `spot.order failed: client closed after the request was written, outcome unknown (clientOid ${written[i].clientOid})`,
      );
    }
    expect(outcomes.at(-1)).toMatchObject({ sent: false, message: 'futures.order failed: client closed' });
    expect((outcomes[0] as ClientClosedError).toJSON()).toMatchObject({ sent: true });
    sim.faults.resume();
  });

  it('later calls and connect() reject with ClientClosedError; close() is idempotent', async () => {
    const client = makeClient();
    await client.submitNewSpotOrder(limitBuy());
    const first = client.close();
    expect(client.close()).toBe(first);
    await first;
    await expect(client.submitNewSpotOrder(limitBuy())).rejects.toBeInstanceOf(ClientClosedError);
    await expect(client.connect()).rejects.toBeInstanceOf(ClientClosedError);
    await client.close();
  });

  it('state$ ends with closed for each connection and completes; events$ completes', async () => {
    const client = makeClient();
    const states = lastValueFrom(client.state$.pipe(toArray()));
    const events = lastValueFrom(client.events$.pipe(toArray()));
    await client.connect();
    await client.close();
    const all = await states;
    expect(
      all
        .filter((s) => s.status === 'closed')
        .map((s) => s.wsKey)
        .sort(),
    ).toEqual(['wsApiFuturesV1', 'wsApiSpotV1']);
    expect((await events).map((e) => e.type)).toEqual(['open', 'authenticated', 'close']);
  });

  it('rateLimit$, latency$ and messages$ complete on close(), for subscribers from before and after it', async () => {
    const client = makeClient();
    const streams: Record<string, Observable<unknown>> = {
      rateLimit$: client.rateLimit$,
      latency$: client.latency$,
      messages$: client.messages$,
    };
    /** What each subscriber saw: values, then whether it completed (or errored). */
    const watch = () =>
      Object.entries(streams).map(([name, stream$]) => {
        const seen = { name, values: 0, end: 'open' };
        stream$.subscribe({
          next: () => seen.values++,
          error: () => (seen.end = 'errored'),
          complete: () => (seen.end = 'completed'),
        });
        return seen;
      });
    const before = watch();
    await client.connect();
    await client.submitNewSpotOrder(limitBuy());
    await client.close();
    const after = watch();
    expect(before.map(({ name, end }) => `${name} ${end}`)).toEqual([
      'rateLimit$ completed',
      'latency$ completed',
      'messages$ completed',
    ]);
    // They were live before: the order's answer went through them.
    expect(before.find((s) => s.name === 'messages$')?.values).toBeGreaterThan(0);
    expect(before.find((s) => s.name === 'latency$')?.values).toBeGreaterThan(0);
    // A subscriber after close() completes at once.
    expect(after.map(({ name, end }) => `${name} ${end}`)).toEqual([
      'rateLimit$ completed',
      'latency$ completed',
      'messages$ completed',
    ]);
  });

  it('an unused client closes without ever opening a socket', async () => {
    const client = makeClient();
    await client.close();
    expect(sim.sessions()).toHaveLength(0);
    expect(client.stateOf('wsApiSpotV1')).toMatchObject({ status: 'closed' });
  });

  it('closes while connecting (queued calls fail, nothing sent)', async () => {
    const client = makeClient();
    const call = client.submitNewSpotOrder(limitBuy());
    await stateIs(client, 'connecting');
    await client.close();
    expect(await settle(call)).toBeInstanceOf(ClientClosedError);
    expect(sim.countFrames((f) => f.id === call.id)).toBe(0);
  });

  it('closes while authenticating (the gateway is slow to greet)', async () => {
    sim.faults.pause();
    const client = makeClient();
    const connecting = client.connect().catch((e: unknown) => e);
    await stateIs(client, 'authenticating');
    await client.close();
    expect(await connecting).toBeInstanceOf(ClientClosedError);
    sim.faults.resume();
  });

  it('closes while waiting to reconnect (the backoff timer is cleared)', async () => {
    const client = makeClient({ reconnect: { initialDelayMs: 60_000, maxDelayMs: 60_000 } });
    await client.connect();
    sim.faults.refuseConnections(true);
    sim.faults.dropSessions();
    await firstValueFrom(client.stateOf$('wsApiSpotV1').pipe(filter((s) => s.status === 'reconnecting')));
    await client.close();
  });

  it('closes a client with a silent gateway and heartbeats running', async () => {
    await sim.close();
    sim = await startSimulator({ port: 0, seed: 1, pingInterval: 50, pingTimeout: 1_000 });
    const client = makeClient({ requestTimeoutMs: 60_000 });
    await client.connect();
    sim.faults.pause();
    const pending = settle(client.submitNewSpotOrder(limitBuy()));
    await client.close();
    expect(await pending).toBeInstanceOf(ClientClosedError);
  });

  it('testnet: true stops the simulator it started', async () => {
    const client = new WebsocketAPIClient({ testnet: true, attachEventListeners: false });
    const r = await client.submitNewSpotOrder(limitBuy());
    expect(r.code).toBe('200000');
    await client.close();
  });
});

describe('await using', () => {
  it('closes the client when the block ends (Symbol.asyncDispose): sockets closed, state closed', async () => {
    let kept: WebsocketAPIClient | undefined;
    let pending: Promise<unknown> | undefined;
    {
      await using client = makeClient({ requestTimeoutMs: 60_000 });
      kept = client;
      await client.connect();
      sim.faults.pause();
      pending = settle(client.submitNewSpotOrder(limitBuy()));
      expect(client.stateOf('wsApiSpotV1').status).toBe('ready');
    }
    expect(kept.stateOf('wsApiSpotV1').status).toBe('closed');
    expect(await pending).toBeInstanceOf(ClientClosedError);
    expect(sim.sessions()).toEqual([]);
    sim.faults.resume();
  });

  it('is the same method under Symbol.asyncDispose and resolves like close()', async () => {
    const client = makeClient();
    expect(typeof client[Symbol.asyncDispose]).toBe('function');
    await client.connect();
    await expect(client[Symbol.asyncDispose]()).resolves.toBeUndefined();
    expect(client.stateOf('wsApiSpotV1').status).toBe('closed');
  });
});
