/**
 * Clock skew on the WS API: a handshake refused with 400002 (timestamp more than 5 s off)
 * makes the client measure the server clock (GET /api/v1/timestamp on the spot REST host),
 * sign with the corrected time and connect again at once, instead of closing. Connection
 * attempts are counted by the simulator. Only one correction per refusal: a second 400002
 * right after it closes the client as before.
 */
import { filter, firstValueFrom, lastValueFrom, toArray } from 'rxjs';
import { AuthenticationError, NetworkError, type ConnectionState, type FetchFunction } from '../../src';
import type { Simulator } from '../../src/simulator';
import { recordStates, settle } from '../support/reliability';
import { futuresBuy, limitBuy, stateIs, useHarness } from './harness';

const h = useHarness();

/** A fetch that records the paths it requests. */
function recordingFetch(): { fetch: FetchFunction; paths: string[] } {
  const paths: string[] = [];
  return {
    paths,
    fetch: (input, init) => {
      paths.push(new URL(input).pathname);
      return globalThis.fetch(input, init);
    },
  };
}

const rest = (sim: Simulator) => ({ restBaseUrl: sim.restUrl, futuresRestBaseUrl: sim.restUrl });

describe('the WS API recovers from a clock 30 s off', () => {
  it.each([30_000, -30_000])(
    'server clock %i ms away: exactly one refused attempt, then ready, and the order is placed',
    async (offset) => {
      const sim = await h.sim({ clockOffsetMs: offset });
      const { fetch, paths } = recordingFetch();
      const client = h.client(sim, { ...rest(sim), fetch, reconnect: { initialDelayMs: 1_000 } });
      const recorded = recordStates(client.stateOf$('wsApiSpotV1'));

      const placed = await client.submitNewSpotOrder(limitBuy());
      expect(placed.code).toBe('200000');
      expect(sim.connectionAttempts()).toBe(2);
      expect(paths).toEqual(['/api/v1/timestamp']);
      expect(Math.abs(client.clockOffsetMs - offset)).toBeLessThan(2_500);
      expect(sim.exchange.allOrders().filter((o) => o.clientOid === placed.data.clientOid)).toHaveLength(1);

      // One detour through reconnecting, caused by the refusal, with no backoff wait.
      const detours = recorded.states.filter((s) => s.status === 'reconnecting');
      expect(detours).toHaveLength(1);
      expect(detours[0].error).toBeInstanceOf(AuthenticationError);
      expect(detours[0].error).toMatchObject({ code: '400002' });
      expect(detours[0].retryInMs).toBe(0);
      expect(recorded.states.at(-1)?.status).toBe('ready');
      recorded.stop();

      // The futures connection signs with the corrected clock from the start.
      await expect(client.submitFuturesOrder(futuresBuy())).resolves.toMatchObject({ code: '200000' });
      expect(sim.connectionAttempts()).toBe(3);
      expect(paths).toHaveLength(1);
    },
  );

  it('both connections refused at once: each corrects once, and both calls are answered', async () => {
    const sim = await h.sim({ clockOffsetMs: 30_000 });
    const { fetch: recorded, paths } = recordingFetch();
    // The server clock is read only once both connections were refused: a connection that
    // started after a correction would sign with the corrected clock and never be refused.
    let gateOpen!: () => void;
    const gate = new Promise<void>((resolve) => (gateOpen = resolve));
    const fetch: FetchFunction = async (input, init) => {
      await gate;
      return recorded(input, init);
    };
    const client = h.client(sim, { ...rest(sim), fetch });
    const bothRefused = Promise.all(
      (['wsApiSpotV1', 'wsApiFuturesV1'] as const).map((key) =>
        firstValueFrom(client.stateOf$(key).pipe(filter((s) => s.status === 'reconnecting'))),
      ),
    );
    void bothRefused.then(gateOpen);
    const answers = await Promise.all([
      client.submitNewSpotOrder(limitBuy()),
      client.submitFuturesOrder(futuresBuy()),
    ]);
    expect(answers.map((a) => a.code)).toEqual(['200000', '200000']);
    for (const refused of await bothRefused) expect(refused.error).toMatchObject({ code: '400002' });
    expect(sim.connectionAttempts()).toBe(4);
    expect(paths.length).toBeGreaterThanOrEqual(1);
    expect(paths.length).toBeLessThanOrEqual(2);
  });

  it('the correction is logged once, as a warning', async () => {
    const sim = await h.sim({ clockOffsetMs: -30_000 });
    const lines: string[] = [];
    const log = (...a: unknown[]) => lines.push(a.map(String).join(' '));
    const client = h.client(sim, {
      ...rest(sim),
      attachEventListeners: true,
      logger: { info: () => undefined, error: log, warn: log },
    });
    await client.connect();
    expect(lines.filter((l) => /signing with the server clock/.test(l))).toHaveLength(1);
  });
});

describe('when the correction cannot help, 400002 stays final', () => {
  it('a second 400002 right after the correction closes the client with it (two attempts in all)', async () => {
    // The WS API's clock is 30 s ahead; the REST host that tells the time is another
    // simulator whose clock is right, so the correction changes nothing.
    const skewed = await h.sim({ clockOffsetMs: 30_000 });
    const honest = await h.sim();
    const client = h.client(skewed, { ...rest(honest), reconnect: { initialDelayMs: 1 } });
    const states = lastValueFrom(client.stateOf$('wsApiSpotV1').pipe(toArray()));
    const call = client.submitNewSpotOrder(limitBuy());
    const closed: ConnectionState = await stateIs(client, 'closed');
    expect(closed.error).toBeInstanceOf(AuthenticationError);
    expect(closed.error).toMatchObject({ code: '400002' });
    expect(await settle(call)).toBe(closed.error);
    expect((await states).filter((s) => s.status === 'reconnecting')).toHaveLength(1);
    expect(skewed.connectionAttempts()).toBe(2);
    expect(Math.abs(client.clockOffsetMs)).toBeLessThan(2_500);
    expect(skewed.exchange.allOrders()).toHaveLength(0);
  });

  it('the server clock cannot be read: closed after one attempt, the REST failure as cause', async () => {
    const sim = await h.sim({ clockOffsetMs: 30_000 });
    const unreachable: FetchFunction = () => Promise.reject(new TypeError('fetch failed'));
    const client = h.client(sim, { ...rest(sim), fetch: unreachable });
    const error = await client.connect().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(AuthenticationError);
    expect(error).toMatchObject({ code: '400002' });
    expect((error as Error).cause).toBeInstanceOf(NetworkError);
    expect(sim.connectionAttempts()).toBe(1);
    expect(client.clockOffsetMs).toBe(0);
    expect(await firstValueFrom(client.stateOf$('wsApiSpotV1'))).toMatchObject({ status: 'closed' });
  });
});
