/**
 * Silent gateway: the simulator stops answering (`faults.pause()`) but keeps every socket
 * open. The heartbeat must notice within pingInterval + pingTimeout, the client must
 * reconnect once the gateway speaks again, calls written into the silence must fail as
 * "disconnected, outcome unknown" with their clientOid, and calls made while the link was
 * down must go out exactly once after the new handshake.
 */
import { filter, firstValueFrom } from 'rxjs';
import { DisconnectedError, type WSAPIOrderResponse, type WsApiCall } from '../../src';
import { framesFor, limitBuy, useHarness } from '../client/harness';
import { recordStates, settle, statuses } from '../support/reliability';

const h = useHarness();

const PING_INTERVAL = 200;
const PING_TIMEOUT = 200;
// When exactly the heartbeat and the handshake timeout fire is checked to the millisecond on
// a virtual clock (spec/unit/connection.spec.ts); here, over a real socket, what they do.

describe('silent gateway', () => {
  it('the heartbeat notices within pingInterval + pingTimeout; written calls fail as disconnected, queued ones go out once after resume', async () => {
    const { sim, client } = await h.start(
      { pingInterval: PING_INTERVAL, pingTimeout: PING_TIMEOUT },
      { reconnect: { initialDelayMs: 10, maxDelayMs: 40 }, requestTimeoutMs: 10_000 },
    );
    const spot = client.stateOf$('wsApiSpotV1');
    const recorded = recordStates(spot);
    await client.connect();
    // One full heartbeat round on a healthy link first, so the silence starts mid-rhythm.
    await firstValueFrom(client.messages$.pipe(filter((m) => (m.frame as { op?: string }).op === 'pong')));

    const lost = firstValueFrom(spot.pipe(filter((s) => s.status === 'reconnecting')));
    sim.faults.pause();
    const pausedAt = Date.now();

    // Written into the silence: the link still looks ready, so they reach the socket.
    const written = Array.from({ length: 20 }, (_, i) =>
      client.submitNewSpotOrder(limitBuy({ clientOid: `silent-w-${i}` })),
    );
    expect(written.every((c) => c.sent)).toBe(true);
    const writtenOutcomes = written.map(settle);

    // Made while the link is down: queued as soon as the client knows, and later while it
    // waits for the silent gateway's handshake.
    const queued: Array<WsApiCall<WSAPIOrderResponse>> = [];
    const queueSome = (tag: string): void => {
      for (let i = 0; i < 10; i++)
        queued.push(client.submitNewSpotOrder(limitBuy({ clientOid: `silent-q-${tag}-${i}` })));
    };
    const onDown = spot.pipe(filter((s) => s.status === 'reconnecting')).subscribe(() => queueSome('r'));

    const reconnecting = await lost;
    onDown.unsubscribe();
    const detectedInMs = reconnecting.since - pausedAt;
    console.log(
      `silent gateway: heartbeat noticed after ${detectedInMs} ms (interval ${PING_INTERVAL} + timeout ${PING_TIMEOUT})`,
    );
    expect(reconnecting.error?.message).toMatch(/link presumed dead/);

    // The written calls failed at that moment, each naming its clientOid.
    const errors = await Promise.all(writtenOutcomes);
    errors.forEach((e, i) => {
      expect(e).toBeInstanceOf(DisconnectedError);
      expect(e).toMatchObject({ clientOid: `silent-w-${i}`, requestId: written[i].id, op: 'spot.order' });
    });

    // The new socket opens, but the silent gateway does not greet it: more calls queue meanwhile.
    await firstValueFrom(spot.pipe(filter((s) => s.status === 'authenticating')));
    queueSome('a');
    expect(queued).toHaveLength(20);
    expect(queued.some((c) => c.sent)).toBe(false);
    for (const call of queued) expect(framesFor(sim, call.id)).toBe(0);

    sim.faults.resume();
    const responses = await Promise.all(queued);
    responses.forEach((r, i) => expect(r.data.clientOid).toBe(queued[i].clientOid));
    expect(client.stateOf('wsApiSpotV1').status).toBe('ready');

    // A probe on the new session: anything re-sent would have reached the gateway before it.
    await client.submitNewSpotOrder(limitBuy());
    for (const call of queued) {
      expect(framesFor(sim, call.id)).toBe(1);
      expect(
        sim.countFrames((f) => (f.args as { clientOid?: string } | undefined)?.clientOid === call.clientOid),
      ).toBe(1);
      expect(sim.exchange.acceptedCount(call.clientOid!)).toBe(1);
    }
    for (const call of written) {
      // Reached the gateway once during the silence (which dropped it), never again.
      expect(framesFor(sim, call.id)).toBe(1);
      expect(sim.exchange.acceptedCount(call.clientOid!)).toBe(0);
    }
    recorded.stop();
    expect(statuses(recorded.states)).toEqual([
      'idle',
      'connecting',
      'authenticating',
      'ready',
      'reconnecting',
      'connecting',
      'authenticating',
      'ready',
    ]);
  });

  it('a silence longer than the URL timestamp tolerance does not become an authentication failure', async () => {
    // The client's clock 4.8 s behind the gateway's: a URL is stale 200 ms after signing.
    const { sim, client } = await h.start(
      { clockOffsetMs: 4_800 },
      { handshakeTimeoutMs: 5_000, reconnect: { initialDelayMs: 10, maxDelayMs: 40 } },
    );
    await client.connect();
    const spot = client.stateOf$('wsApiSpotV1');
    sim.faults.pause();
    sim.faults.dropSessions();
    // The new socket is open but the silent gateway does not greet it …
    const waiting = await firstValueFrom(spot.pipe(filter((s) => s.status === 'authenticating')));
    const call = client.submitNewSpotOrder(limitBuy());
    // … for longer than the signed URL stays fresh (the fault's duration, not a synchronisation).
    await new Promise((r) => setTimeout(r, 400));
    sim.faults.resume();
    // A gateway checks a URL when it receives it: the session goes on, nothing is refused.
    await expect(call).resolves.toMatchObject({ code: '200000' });
    expect(client.stateOf('wsApiSpotV1')).toMatchObject({ status: 'ready', attempt: waiting.attempt });
  });

  it('a gateway silent during the handshake: the handshake timeout bounds the wait, then it reconnects', async () => {
    const { sim, client } = await h.start(
      {},
      {
        handshakeTimeoutMs: 300,
        reconnect: { initialDelayMs: 10, maxDelayMs: 40 },
        requestTimeoutMs: 10_000,
      },
    );
    sim.faults.pause();
    const spot = client.stateOf$('wsApiSpotV1');
    const lost = firstValueFrom(spot.pipe(filter((s) => s.status === 'reconnecting')));
    const call = client.submitNewSpotOrder(limitBuy({ clientOid: 'silent-handshake' }));
    // The socket opens; the paused gateway never sends its challenge.
    await firstValueFrom(spot.pipe(filter((s) => s.status === 'authenticating')));
    const reconnecting = await lost;
    expect(reconnecting.error?.message).toMatch(/handshake timed out after 300 ms/);
    expect(call.sent).toBe(false);
    sim.faults.resume();
    await expect(call).resolves.toMatchObject({ code: '200000' });
    expect(framesFor(sim, call.id)).toBe(1);
  });
});
