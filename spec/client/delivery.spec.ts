/**
 * Contract 3 (at most once) and 5 (every call settles): queued calls survive reconnects and
 * go out once; written calls at a drop fail as "disconnected, outcome unknown" and are never
 * re-sent; calls time out when the gateway stops answering.
 */
import { filter, firstValueFrom, lastValueFrom, take } from 'rxjs';
import { DisconnectedError, TimeoutError, type WSAPIOrderResponse, type WsApiCall } from '../../src';
import type { Simulator } from '../../src/simulator';
import { notingPingWrites } from '../support/ping-writes';
import { framesFor, limitBuy, stateIs, useHarness } from './harness';

const h = useHarness();
const fastReconnect = { reconnect: { initialDelayMs: 10, maxDelayMs: 40 } };

/** Yields to the event loop until `condition` holds (bounded): for facts only the simulator knows. */
async function until(condition: () => boolean, what: string, maxTurns = 5_000): Promise<void> {
  for (let i = 0; i < maxTurns; i++) {
    if (condition()) return;
    await new Promise((r) => setImmediate(r));
  }
  throw new Error(`never happened: ${what}`);
}

const outcome = (call: WsApiCall<unknown>) =>
  call.then(
    () => 'resolved' as const,
    (e: unknown) => e,
  );

describe('delivery', () => {
  it('calls made before the connection is ready are queued and sent once after the handshake', async () => {
    const { client, sim } = await h.start();
    const calls = Array.from({ length: 50 }, (_, i) =>
      client.submitNewSpotOrder(limitBuy({ clientOid: `q-${i}` })),
    );
    expect(client.stateOf('wsApiSpotV1').status).toBe('connecting');
    expect(sim.countFrames(() => true)).toBe(0);
    const responses = await Promise.all(calls);
    responses.forEach((r, i) => expect(r.data.clientOid).toBe(`q-${i}`));
    for (const call of calls) expect(framesFor(sim, call.id)).toBe(1);
    // In order, after the session signature (the first frame of the session).
    const texts = sim.framesReceived().map((f) => f.text);
    expect(texts[0].startsWith('{')).toBe(false);
    expect(texts.slice(1, 51).map((t) => JSON.parse(t).args.clientOid)).toEqual(
      calls.map((c) => c.clientOid),
    );
  });

  it('calls written before a drop fail as DisconnectedError with their clientOid and are never re-sent', async () => {
    const { client, sim } = await h.start({}, fastReconnect);
    await client.connect();
    sim.faults.pause();
    const calls = Array.from({ length: 20 }, (_, i) =>
      client.submitNewSpotOrder(limitBuy({ clientOid: `d-${i}` })),
    );
    const outcomes = calls.map(outcome);
    await until(() => calls.every((c) => framesFor(sim, c.id) === 1), 'all 20 frames reached the simulator');
    sim.faults.dropSessions();
    sim.faults.resume();
    const errors = await Promise.all(outcomes);
    errors.forEach((e, i) => {
      expect(e).toBeInstanceOf(DisconnectedError);
      expect(e).toMatchObject({ clientOid: `d-${i}`, requestId: calls[i].id, op: 'spot.order' });
      expect((e as Error).message).toMatch(/disconnected, outcome unknown/);
    });
    await stateIs(client, 'ready');
    // A probe on the new session: anything re-sent would have arrived before its answer.
    await client.submitNewSpotOrder(limitBuy());
    for (const call of calls) expect(framesFor(sim, call.id)).toBe(1);
    for (let i = 0; i < 20; i++) expect(sim.exchange.acceptedCount(`d-${i}`)).toBe(0);
  });

  it('calls made while reconnecting survive the reconnect and are sent once', async () => {
    const { client, sim } = await h.start({}, fastReconnect);
    await client.connect();
    const queued: Array<WsApiCall<WSAPIOrderResponse>> = [];
    const sub = client.stateOf$('wsApiSpotV1').subscribe((s) => {
      if (s.status === 'reconnecting' && queued.length === 0) {
        for (let i = 0; i < 10; i++)
          queued.push(client.submitNewSpotOrder(limitBuy({ clientOid: `r-${i}` })));
      }
    });
    const reconnecting = firstValueFrom(
      client.stateOf$('wsApiSpotV1').pipe(filter((s) => s.status === 'reconnecting')),
    );
    sim.faults.dropSessions();
    await reconnecting;
    expect(queued).toHaveLength(10);
    const responses = await Promise.all(queued);
    sub.unsubscribe();
    responses.forEach((r, i) => expect(r.data.clientOid).toBe(`r-${i}`));
    for (const call of queued) expect(framesFor(sim, call.id)).toBe(1);
    expect(client.stateOf('wsApiSpotV1').status).toBe('ready');
  });

  it('times out written calls when the gateway stops answering (sent: true)', async () => {
    const { client, sim } = await h.start({}, { requestTimeoutMs: 150 });
    await client.connect();
    sim.faults.pause();
    const started = performance.now();
    const calls = [client.submitNewSpotOrder(limitBuy()), client.submitSyncSpotOrder(limitBuy())];
    const errors = await Promise.all(calls.map(outcome));
    const elapsed = performance.now() - started;
    for (const [i, e] of errors.entries()) {
      expect(e).toBeInstanceOf(TimeoutError);
      expect(e).toMatchObject({
        sent: true,
        timeoutMs: 150,
        requestId: calls[i].id,
        clientOid: calls[i].clientOid,
      });
    }
    expect(elapsed).toBeGreaterThanOrEqual(145);
    expect(elapsed).toBeLessThan(2_000);
  });

  it('a queued call whose timeout expires before a connection is ready is never sent', async () => {
    const sim = await h.sim();
    sim.faults.refuseConnections(true);
    const client = h.client(sim, { requestTimeoutMs: 100, ...fastReconnect });
    const call = client.submitNewSpotOrder(limitBuy({ clientOid: 'never-sent' }));
    const error = await outcome(call);
    expect(error).toBeInstanceOf(TimeoutError);
    expect(error).toMatchObject({ sent: false });
    sim.faults.refuseConnections(false);
    await stateIs(client, 'ready');
    await client.submitNewSpotOrder(limitBuy()); // the probe
    expect(framesFor(sim, call.id)).toBe(0);
    expect(sim.exchange.acceptedCount('never-sent')).toBe(0);
  });

  it('pings every pingInterval, which keeps an otherwise idle session open', async () => {
    // The client pings at most 10 times a second, so the interval is above 100 ms.
    const written: number[] = [];
    const { client, sim } = await h.start(
      { pingInterval: 150, pingTimeout: 150 },
      { makeWebSocket: notingPingWrites(written) },
    );
    await client.connect();
    const states: string[] = [];
    client.stateOf$('wsApiSpotV1').subscribe((s) => states.push(s.status));
    // The simulator closes sessions silent for pingInterval + pingTimeout (300 ms).
    await lastValueFrom(
      client.messages$.pipe(
        filter((m) => (m.frame as { op?: string }).op === 'pong'),
        take(6),
      ),
    );
    expect(sim.countFrames((f) => f.op === 'ping')).toBeGreaterThanOrEqual(6);
    expect(states).toEqual(['ready']);
    expect(sim.sessions()).toHaveLength(1);
    // The gaps between the client's writes (a ping the gateway reads late is closer to the next).
    const gaps = written.slice(1).map((t, i) => t - written[i]);
    expect(gaps.length).toBeGreaterThanOrEqual(5);
    for (const gap of gaps) expect(gap).toBeGreaterThanOrEqual(100);
    const pings = sim.framesReceived().filter((f) => f.text.includes('"op":"ping"'));
    expect(JSON.parse(pings[0].text)).toEqual({
      id: expect.stringMatching(/^ping-/),
      op: 'ping',
      timestamp: expect.any(Number),
    });
  });

  it('notices a silent gateway by the heartbeat, reconnects, and serves again', async () => {
    const { client, sim } = await h.start(
      { pingInterval: 100, pingTimeout: 100 },
      { handshakeTimeoutMs: 300, ...fastReconnect },
    );
    await client.connect();
    const pending = client.submitNewSpotOrder(limitBuy());
    sim.faults.pause(); // the frame above may or may not be answered: its outcome is whatever it is
    const lost = await firstValueFrom(
      client.stateOf$('wsApiSpotV1').pipe(filter((s) => s.status === 'reconnecting')),
    );
    expect(lost.error?.message).toMatch(/link presumed dead|handshake timed out/);
    await pending.then(
      () => undefined,
      (e: unknown) => expect(e).toBeInstanceOf(DisconnectedError),
    );
    sim.faults.resume();
    await stateIs(client, 'ready');
    await expect(client.submitNewSpotOrder(limitBuy())).resolves.toMatchObject({ code: '200000' });
  });

  it('every call settles: a burst cut by a drop mid-flight resolves or fails as disconnected, never twice', async () => {
    const { client, sim } = await h.start(
      { rateLimit: { limit: 100_000, windowMs: 60_000 } },
      { ...fastReconnect, requestTimeoutMs: 5_000 },
    );
    await client.connect();
    const calls = Array.from({ length: 2_000 }, () => client.submitNewSpotOrder(limitBuy()));
    const results = calls.map(outcome);
    const reconnected = firstValueFrom(client.events$.pipe(filter((e) => e.type === 'reconnected')));
    await calls[0]; // answers are flowing: cut the link now
    sim.faults.dropSessions();
    const settled = await Promise.all(results);
    const resolved = settled.filter((r) => r === 'resolved').length;
    const disconnected = settled.filter((r) => r instanceof DisconnectedError).length;
    expect(resolved + disconnected).toBe(calls.length);
    expect(resolved).toBeGreaterThan(0);
    calls.forEach((call, i) => {
      if (settled[i] === 'resolved') expect(sim.exchange.acceptedCount(call.clientOid!)).toBe(1);
    });
    await reconnected;
    await client.submitNewSpotOrder(limitBuy()); // the probe: re-sent frames would be in by now
    verifyAtMostOnce(sim, calls);
  });
});

/** Nothing reached the gateway twice. */
function verifyAtMostOnce(sim: Simulator, calls: Array<WsApiCall<unknown>>): void {
  for (const call of calls) expect(framesFor(sim, call.id)).toBeLessThanOrEqual(1);
}
