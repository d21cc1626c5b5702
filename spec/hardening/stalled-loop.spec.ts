/**
 * A stalled event loop must not kill a healthy link. Node runs due timers before it reads
 * sockets: after an 800 ms stall (a GC pause, CPU-bound strategy code) the heartbeat's
 * deadline fires while the pong and every answer sit unread in the socket. The heartbeat
 * gives the socket one chance to be read before it declares the link dead.
 */
import { filter, firstValueFrom } from 'rxjs';
import { WebsocketAPIClient } from '../../src';
import { busy, startChildGateway, writeWatchingWebSocket, type ChildGateway } from '../support/child-gateway';
import { recordStates, settle } from '../support/reliability';

const STALL_MS = 800;
const ROUNDS = 4;

describe('a stalled event loop', () => {
  let gateway: ChildGateway | undefined;
  let client: WebsocketAPIClient | undefined;
  afterEach(async () => {
    await client?.close();
    await gateway?.close();
  });

  it('does not kill a healthy link: the pong and the answers that wait in the socket are read first', async () => {
    gateway = await startChildGateway({ pingInterval: 300, pingTimeout: 500, delayMs: 20 });
    let onPing: (() => void) | undefined;
    // Sees each ping the client writes (after it is written).
    const makeWebSocket = writeWatchingWebSocket((data) => {
      if (typeof data === 'string' && data.includes('"op":"ping"')) onPing?.();
    });
    client = new WebsocketAPIClient({
      apiKey: 'key',
      apiSecret: 'secret',
      apiPassphrase: 'pass',
      wsBaseUrl: gateway.url,
      attachEventListeners: false,
      makeWebSocket,
    });
    const c = client;
    await c.connect();
    await firstValueFrom(c.messages$.pipe(filter((m) => (m.frame as { op?: string }).op === 'pong')));
    const recorded = recordStates(c.stateOf$('wsApiSpotV1'));

    // Every other ping starts a deadline (a ping sent while one runs shares it): the rounds stall
    // after the first, then the second ping after the previous round's answers, so that some
    // stall right after a ping that started one.
    const stallAfterPing = (
      round: number,
      skip: number,
    ): Promise<Array<ReturnType<typeof c.submitNewSpotOrder>>> =>
      new Promise((resolve) => {
        let seen = 0;
        onPing = () => {
          if (seen++ < skip) return;
          onPing = undefined;
          // After the ping's own write (its tick's writes leave before these microtasks run).
          queueMicrotask(() => {
            const calls = Array.from({ length: 10 }, (_, i) =>
              c.submitNewSpotOrder({
                side: 'buy',
                symbol: 'BTC-USDT',
                type: 'limit',
                price: '20000',
                size: '0.0001',
                clientOid: `stall-${round}-${i}`,
              }),
            );
            // Outside the timers phase (as in an answer's handler): once it ends, the loop
            // runs due timers before it polls the socket again.
            setImmediate(() => {
              busy(STALL_MS);
              resolve(calls);
            });
          });
        };
      });
    const calls: Array<ReturnType<typeof c.submitNewSpotOrder>> = [];
    const outcomes: unknown[] = [];
    let latestAfterStallMs = 0;
    for (let round = 1; round <= ROUNDS; round++) {
      const batch = await stallAfterPing(round, round % 2);
      const stallEnded = performance.now();
      calls.push(...batch);
      outcomes.push(...(await Promise.all(batch.map(settle))));
      latestAfterStallMs = Math.max(latestAfterStallMs, performance.now() - stallEnded);
    }
    const answered = outcomes.filter((o) => (o as { code?: string }).code === '200000').length;
    console.log(
      `stalled loop (${ROUNDS} × ${STALL_MS} ms right after a ping, pingInterval 300 ms, pingTimeout 500 ms): ${answered}/${calls.length} answered, the last at most ${Math.round(latestAfterStallMs)} ms after its stall; states ${recorded.states.map((s) => s.status).join(',')}`,
    );
    for (const [i, outcome] of outcomes.entries())
      expect(outcome).toMatchObject({ code: '200000', data: { clientOid: calls[i].clientOid } });
    // One more heartbeat round on the same session.
    await firstValueFrom(c.messages$.pipe(filter((m) => (m.frame as { op?: string }).op === 'pong')));
    recorded.stop();
    expect(recorded.states.map((s) => s.status)).toEqual(['ready']);
  });
});
