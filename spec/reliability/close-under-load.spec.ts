/**
 * close() under load: thousands of calls in flight — written and waiting for answers, queued
 * behind a handshake, held by the rate-limit gate, or queued during a reconnect backoff. All
 * must reject with ClientClosedError, every state must end `closed`, the gateway must see its
 * sockets close, and no timer or socket of the client may survive.
 *
 * The live-handle check follows every timer created during the test (spec/support/handles)
 * and counts TCP handles with process.getActiveResourcesInfo() before and after. The same
 * suite under Jest's own open-handle detection:
 *   npx jest spec/reliability/close-under-load.spec.ts --detectOpenHandles
 */
import { filter, firstValueFrom } from 'rxjs';
import {
  ClientClosedError,
  WebsocketAPIClient,
  type WebsocketAPIClientOptions,
  type WsApiCall,
} from '../../src';
import { startSimulator, type Simulator, type SimulatorOptions } from '../../src/simulator';
import { futuresBuy, limitBuy } from '../client/harness';
import { liveTimers, tcpHandles, trackTimers, untrackTimers } from '../support/handles';
import { settle, until } from '../support/reliability';

let sim: Simulator | undefined;
let client: WebsocketAPIClient | undefined;

beforeEach(() => trackTimers());

afterEach(async () => {
  // Only reached with something left open when a test failed half-way.
  await client?.close();
  await sim?.close();
  sim = client = undefined;
  untrackTimers();
});

async function start(simOptions: SimulatorOptions, clientOptions: WebsocketAPIClientOptions = {}) {
  sim = await startSimulator({ port: 0, seed: 1, ...simOptions });
  client = new WebsocketAPIClient({
    ...sim.demoAccount,
    wsBaseUrl: sim.url,
    attachEventListeners: false,
    requestTimeoutMs: 60_000,
    ...clientOptions,
  });
  return { sim, client };
}

/** What is live now: the tracked timers and the number of TCP handles. */
const snapshot = () => ({ timers: new Set(liveTimers), tcp: tcpHandles().length });

/**
 * Waits (a bounded number of event-loop turns) until no timer is live that was not live in
 * `expected`, and no more TCP handles are open than then: whatever came since is gone.
 */
async function backTo(expected: ReturnType<typeof snapshot>, what: string): Promise<void> {
  const extra = () => [...liveTimers].filter((t) => !expected.timers.has(t)).length;
  try {
    await until(() => extra() === 0 && tcpHandles().length <= expected.tcp, what);
  } catch (e) {
    throw new Error(
      `${(e as Error).message}: ${extra()} new timer(s) live; TCP ${tcpHandles().length} vs ${expected.tcp} (${tcpHandles().join(', ')})`,
    );
  }
}

/** Every call rejected with ClientClosedError naming it. */
async function expectAllClosed(calls: Array<WsApiCall<unknown>>): Promise<void> {
  const outcomes = await Promise.all(calls.map(settle));
  outcomes.forEach((e, i) => {
    expect(e).toBeInstanceOf(ClientClosedError);
    expect(e).toMatchObject({ requestId: calls[i].id, clientOid: calls[i].clientOid, op: calls[i].op });
  });
}

describe('close() under load', () => {
  it('5,000 in flight (2,500 written and unanswered, 2,500 queued behind a handshake): all reject, sockets close, no handle survives', async () => {
    const before = snapshot();
    const { sim, client } = await start({ rateLimit: { limit: 1_000_000, windowMs: 60_000 } });
    const withSimulator = snapshot();
    await client.connect();
    sim.faults.pause(); // written requests stay unanswered; the futures handshake never completes
    const written = Array.from({ length: 2_500 }, () => client.submitNewSpotOrder(limitBuy()));
    const queued = Array.from({ length: 2_500 }, () => client.submitFuturesOrder(futuresBuy()));
    await firstValueFrom(
      client.stateOf$('wsApiFuturesV1').pipe(filter((s) => s.status === 'authenticating')),
    );
    expect(written.every((c) => c.sent)).toBe(true);
    expect(queued.some((c) => c.sent)).toBe(false);
    await until(
      () => sim.countFrames((f) => f.op === 'spot.order') === 2_500,
      'the written calls reached the gateway',
    );

    await client.close();
    await expectAllClosed([...written, ...queued]);
    for (const wsKey of ['wsApiSpotV1', 'wsApiFuturesV1'] as const) {
      expect(client.stateOf(wsKey).status).toBe('closed');
      expect(client.stateOf(wsKey).error).toBeUndefined(); // closed by close(), not by a failure
    }
    // The gateway saw the sockets close (the ready session and the one waiting for its greeting).
    await until(() => sim.sessions().length === 0, 'the gateway has no session left');
    // The client left no timer and no socket behind: back to what the simulator alone holds.
    await backTo(withSimulator, 'the client left no timer or socket');
    sim.faults.resume();
    expect(sim.countFrames((f) => f.op === 'futures.order')).toBe(0);
    await sim.close();
    await backTo(before, 'the simulator left no timer or socket');
    expect(liveTimers.size).toBe(0);
  });

  it('calls held by the rate-limit gate (its timer armed) reject, and the timer is gone', async () => {
    const { sim, client } = await start(
      { rateLimit: { limit: 10, windowMs: 60_000 } },
      { rateLimitGate: true },
    );
    const withSimulator = snapshot();
    const calls = Array.from({ length: 2_000 }, () => client.submitNewSpotOrder(limitBuy()));
    await Promise.all(calls.slice(0, 10)); // the quota is spent; the other 1,990 wait for the window
    expect(calls.slice(10).some((c) => c.sent)).toBe(false);
    await client.close();
    await expectAllClosed(calls.slice(10));
    await until(() => sim.sessions().length === 0, 'the gateway has no session left');
    await backTo(withSimulator, 'the client left no timer (the gate timer included) or socket');
    expect(sim.countFrames((f) => f.op === 'spot.order')).toBe(10);
  });

  it('calls queued during a reconnect backoff reject, and the backoff timer is gone', async () => {
    const { sim, client } = await start({}, { reconnect: { initialDelayMs: 30_000, maxDelayMs: 30_000 } });
    const withSimulator = snapshot();
    await client.connect();
    sim.faults.refuseConnections(true);
    sim.faults.dropSessions();
    const waiting = await firstValueFrom(
      client.stateOf$('wsApiSpotV1').pipe(filter((s) => s.status === 'reconnecting')),
    );
    expect(waiting.retryInMs).toBeGreaterThanOrEqual(0);
    const calls = Array.from({ length: 2_000 }, () => client.submitNewSpotOrder(limitBuy()));
    expect(calls.some((c) => c.sent)).toBe(false);
    await client.close();
    await expectAllClosed(calls);
    await backTo(withSimulator, 'the client left no timer (the backoff timer included) or socket');
  });
});
