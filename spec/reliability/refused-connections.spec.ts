/**
 * Refused connections and flapping: the simulator answers new upgrades with HTTP 503 for a
 * while. Reconnect delays must grow within the full-jitter bounds (measured from state$),
 * calls must queue up to their timeout (and a call that times out is never sent), and
 * everything must recover when the gateway accepts again — each queued call on the wire once.
 */
import { filter, firstValueFrom } from 'rxjs';
import {
  DisconnectedError,
  TimeoutError,
  type ConnectionState,
  type WSAPIOrderResponse,
  type WsApiCall,
} from '../../src';
import { backoffCeiling } from '../../src/transport/backoff';
import { framesFor, limitBuy, stateIs, useHarness } from '../client/harness';
import { recordStates, settle } from '../support/reliability';

const h = useHarness();

// The delays to the millisecond, and maxAttempts, are checked on a virtual clock
// (spec/unit/connection.spec.ts, spec/unit/reconnect.spec.ts); here, over real sockets, what
// the client does while the gateway refuses and after.

const reconnectingAt = (attempt: number) => (s: ConnectionState) =>
  s.status === 'reconnecting' && s.attempt >= attempt;

describe('refused connections', () => {
  it('backoff delays grow within the full-jitter bounds; a call queued past its timeout is never sent; all recovers on accept', async () => {
    const reconnect = { initialDelayMs: 10, maxDelayMs: 160 };
    const { sim, client } = await h.start({}, { reconnect, requestTimeoutMs: 800 });
    const spot = client.stateOf$('wsApiSpotV1');
    await client.connect();

    const recorded = recordStates(spot);
    sim.faults.refuseConnections(true);
    const attemptsBefore = sim.connectionAttempts();
    sim.faults.dropSessions();
    await firstValueFrom(spot.pipe(filter(reconnectingAt(1))));

    // Queued while every attempt is refused: it waits up to its timeout, then fails unsent.
    const doomed = client.submitNewSpotOrder(limitBuy({ clientOid: 'refused-doomed' }));
    const doomedError = await settle(doomed);
    expect(doomedError).toBeInstanceOf(TimeoutError);
    expect(doomedError).toMatchObject({ sent: false, timeoutMs: 800, clientOid: 'refused-doomed' });
    // Eight refused attempts in a row: the ceiling reaches maxDelayMs and stays there.
    await firstValueFrom(spot.pipe(filter(reconnectingAt(8))));

    // A call with time left, queued now, goes out once the gateway accepts again.
    const survivor = client.submitNewSpotOrder(limitBuy({ clientOid: 'refused-survivor' }));
    sim.faults.refuseConnections(false);
    await expect(survivor).resolves.toMatchObject({
      code: '200000',
      data: { clientOid: 'refused-survivor' },
    });
    recorded.stop();
    await client.submitNewSpotOrder(limitBuy()); // the probe: a re-sent frame would be in before it
    expect(framesFor(sim, survivor.id)).toBe(1);
    expect(framesFor(sim, doomed.id)).toBe(0);
    expect(sim.exchange.acceptedCount('refused-doomed')).toBe(0);

    // The delays, from state$: each reconnecting state's retryInMs, and the gap until the
    // next attempt started (its connecting state).
    const states = recorded.states;
    const rows: Array<{ attempt: number; retryInMs: number; gapMs: number; ceiling: number }> = [];
    for (let i = 0; i < states.length; i++) {
      const s = states[i];
      if (s.status !== 'reconnecting') continue;
      const next = states[i + 1];
      expect(next?.status).toBe('connecting');
      rows.push({
        attempt: s.attempt,
        retryInMs: s.retryInMs!,
        gapMs: next.since - s.since,
        ceiling: backoffCeiling(s.attempt, reconnect),
      });
    }
    console.log(`refused connections: backoff ${JSON.stringify(rows)}`);
    expect(rows.length).toBeGreaterThanOrEqual(8);
    rows.forEach((r, i) => {
      expect(r.attempt).toBe(i + 1); // consecutive failures count up, one per refused attempt
      expect(r.ceiling).toBe(Math.min(reconnect.maxDelayMs, reconnect.initialDelayMs * 2 ** i));
      expect(r.retryInMs).toBeGreaterThanOrEqual(0);
      expect(r.retryInMs).toBeLessThanOrEqual(r.ceiling);
      // The client waited what it announced: never sooner (Date.now() has 1 ms steps).
      expect(r.gapMs).toBeGreaterThanOrEqual(r.retryInMs - 1);
    });
    // The delays grow: attempts 5–8 (ceiling 160 ms) together wait longer than attempts 1–2
    // can at most (10 + 20 ms). With full jitter this fails with probability < 1e-4.
    const sum = (from: number, to: number) =>
      rows.filter((r) => r.attempt >= from && r.attempt <= to).reduce((a, r) => a + r.retryInMs, 0);
    expect(sum(5, 8)).toBeGreaterThan(backoffCeiling(1, reconnect) + backoffCeiling(2, reconnect));
    // Each attempt is one upgrade request at the gateway: no hidden extra attempts.
    const connecting = states.filter((s) => s.status === 'connecting').length;
    expect(sim.connectionAttempts() - attemptsBefore).toBe(connecting);
    expect(states.at(-1)?.status).toBe('ready');
  });

  it('flapping: refuse/accept and drops (also mid-handshake) several times; ends ready, nothing sent twice', async () => {
    const { sim, client } = await h.start(
      { rateLimit: { limit: 100_000, windowMs: 60_000 } },
      { reconnect: { initialDelayMs: 5, maxDelayMs: 40 }, requestTimeoutMs: 10_000 },
    );
    const spot = client.stateOf$('wsApiSpotV1');
    await client.connect();
    const recorded = recordStates(spot);
    const live: Array<WsApiCall<WSAPIOrderResponse>> = [];
    const down: Array<WsApiCall<WSAPIOrderResponse>> = [];
    const issue = (into: typeof live, tag: string, n: number): void => {
      for (let i = 0; i < n; i++)
        into.push(client.submitNewSpotOrder(limitBuy({ clientOid: `flap-${tag}-${into.length}` })));
    };
    const ROUNDS = 6;
    for (let round = 0; round < ROUNDS; round++) {
      // Written on a live link; once answers flow, five more, and the link is cut under them.
      const first = live.length;
      issue(live, 'live', 20);
      await live[first];
      issue(live, 'live', 5);
      sim.faults.refuseConnections(true);
      expect(sim.faults.dropSessions()).toBeGreaterThan(0);
      await firstValueFrom(spot.pipe(filter(reconnectingAt(2)))); // at least one attempt refused
      issue(down, 'down', 25);
      sim.faults.refuseConnections(false);
      if (round % 2 === 1) {
        // Accepted, then cut again in the middle of the session handshake.
        await firstValueFrom(spot.pipe(filter((s) => s.status === 'authenticating')));
        sim.faults.dropSessions();
        issue(down, 'down', 5);
      }
      await stateIs(client, 'ready');
      // Their answers come before the next cut (else they would rightly fail as disconnected).
      await Promise.all(down);
    }
    const liveOutcomes = await Promise.all(live.map(settle));
    const downResponses = await Promise.all(down);
    recorded.stop();
    await client.submitNewSpotOrder(limitBuy()); // the probe

    // Calls made while the link was down all went out once, after a handshake, and succeeded.
    downResponses.forEach((r, i) => expect(r.data.clientOid).toBe(down[i].clientOid));
    for (const call of down) {
      expect(framesFor(sim, call.id)).toBe(1);
      expect(sim.exchange.acceptedCount(call.clientOid!)).toBe(1);
    }
    // Calls cut by a drop either got their answer or failed as disconnected; never re-sent.
    let resolved = 0;
    let disconnected = 0;
    liveOutcomes.forEach((o, i) => {
      const call = live[i];
      expect(framesFor(sim, call.id)).toBeLessThanOrEqual(1);
      expect(sim.exchange.acceptedCount(call.clientOid!)).toBeLessThanOrEqual(1);
      if (o instanceof DisconnectedError) {
        disconnected++;
        expect(o.clientOid).toBe(call.clientOid);
      } else {
        resolved++;
        expect(o).toMatchObject({ code: '200000', data: { clientOid: call.clientOid } });
      }
    });
    console.log(`flapping: ${ROUNDS} rounds, live calls resolved ${resolved}, disconnected ${disconnected}`);
    expect(resolved + disconnected).toBe(live.length);
    // The replayed ready state at the start, then one per round.
    const readies = recorded.states.filter((s) => s.status === 'ready').length;
    expect(readies).toBe(ROUNDS + 1);
    expect(resolved).toBeGreaterThanOrEqual(ROUNDS);
    expect(disconnected).toBeGreaterThan(0);
    expect(recorded.states.at(-1)?.status).toBe('ready');
    expect(client.stateOf('wsApiSpotV1').status).toBe('ready');
  });
});
