/**
 * A close frame ends the session at once, even when the peer never closes TCP. A gateway
 * that sends a close frame (1001) and then neither reads nor sends FIN used to leave the
 * written calls waiting for their timeouts, new calls queued behind a `ready` state, and no
 * reconnect until ws' 30 s close timer or the heartbeat.
 */
import type { Socket } from 'node:net';
import { filter, firstValueFrom } from 'rxjs';
import { DisconnectedError, type WsApiCall, type WSAPIOrderResponse } from '../../src';
import { answer, startHostileGateway, type HostileGateway } from '../support/hostile-gateway';
import { settle } from '../support/reliability';

const order = (clientOid: string) =>
  ({ side: 'buy', symbol: 'BTC-USDT', type: 'limit', price: '1', size: '1', clientOid }) as const;

/** An unmasked server close frame: opcode 8, FIN, payload = the code (2 bytes). */
const closeFrame = (code: number): Buffer => Buffer.from([0x88, 0x02, code >> 8, code & 0xff]);

describe('a close frame', () => {
  let gateway: HostileGateway | undefined;
  afterEach(async () => gateway?.close());

  it('ends the session at once when the peer never closes TCP: written calls fail, queued ones wait for the next session', async () => {
    let closeSentAt = 0;
    let firstSession = 0;
    gateway = await startHostileGateway({
      onFrame: (frame, session) => {
        if (session.n !== 1) return answer(frame, session);
        if (frame.op === 'ping' || ++firstSession < 10) return;
        // The tenth request: a close frame, then silence. TCP stays open and is never read.
        const tcp = (session.socket as unknown as { _socket: Socket })._socket;
        tcp.pause();
        tcp.write(closeFrame(1001));
        closeSentAt = performance.now();
      },
    });
    // Long timeouts and heartbeat: only the close frame can end the session quickly.
    const client = gateway.client({ requestTimeoutMs: 20_000, reconnect: { initialDelayMs: 10 } });
    await client.connect();
    const spot = client.stateOf$('wsApiSpotV1');
    const left = firstValueFrom(spot.pipe(filter((s) => s.status !== 'ready')));
    const written = Array.from({ length: 10 }, (_, i) => client.submitNewSpotOrder(order(`w-${i}`)));
    const outcomes = Promise.all(written.map(settle));

    const leftReady = await left;
    const leftAfterMs = performance.now() - closeSentAt;
    expect(leftReady.status).toBe('reconnecting');
    // Made once the client knows: queued for the next session, sent there exactly once.
    const queued: WsApiCall<WSAPIOrderResponse> = client.submitNewSpotOrder(order('q-1'));
    expect(queued.sent).toBe(false);

    const errors = await outcomes;
    const failedAfterMs = performance.now() - closeSentAt;
    errors.forEach((e, i) => {
      expect(e).toBeInstanceOf(DisconnectedError);
      expect(e).toMatchObject({ clientOid: `w-${i}` });
    });
    await expect(queued).resolves.toMatchObject({ code: '200000', data: { clientOid: 'q-1' } });
    const reconnectedAfterMs = performance.now() - closeSentAt;
    console.log(
      `close frame without FIN: state left ready after ${Math.round(leftAfterMs)} ms, written calls failed after ${Math.round(failedAfterMs)} ms, reconnected and answered the queued call after ${Math.round(reconnectedAfterMs)} ms`,
    );
    expect(client.stateOf('wsApiSpotV1').status).toBe('ready');
    expect(gateway.connections()).toBe(2);
    // Far from ws' 30 s close timer and the 18 s heartbeat; the answer-less calls would wait 20 s.
    expect(failedAfterMs).toBeLessThan(5_000);
  });
});
