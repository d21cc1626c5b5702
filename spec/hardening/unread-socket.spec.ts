/**
 * Bounded memory when the gateway stops reading. Without a bound, every call went into the
 * socket's send buffer: 150,000 calls into a socket nobody reads left 57 MB held here (135 MB
 * in the run) after all had timed out, and the link looked ready throughout. Above a
 * high-water mark on the socket's `bufferedAmount` (option `maxBufferedBytes`), calls wait
 * unwritten and time out as not sent (`sent: false`: certainly never seen by the gateway).
 */
import type { Socket } from 'node:net';
import { TimeoutError } from '../../src';
import { answerOf, startHostileGateway, type HostileGateway } from '../support/hostile-gateway';
import { MB, retainedBytes } from '../support/heap';
import { settle } from '../support/reliability';

const CALLS = 150_000;
/** 150,000 calls, each timing out, take ~30 s here alone and more beside other suites. */
const SLOW_MS = 180_000;

describe('a gateway that stops reading', () => {
  let gateway: HostileGateway | undefined;
  afterEach(async () => gateway?.close());

  it(
    'bounds what the client holds: after 150,000 calls into an unread socket have timed out, well under 32 MB',
    async () => {
      gateway = await startHostileGateway({
        // A heartbeat far away: this is about what the client buffers, not about noticing.
        welcome: () => '{"sessionId":"s","data":"welcome","pingInterval":600000,"pingTimeout":600000}',
        onReady: ({ socket }) => (socket as unknown as { _socket: Socket })._socket.pause(),
      });
      const client = gateway.client({ requestTimeoutMs: 2_000 });
      await client.connect();
      const before = await retainedBytes();

      const outcomes: Array<Promise<unknown>> = [];
      let sent = 0;
      for (let i = 0; i < CALLS; i++) {
        const call = client.submitNewSpotOrder({
          side: 'buy',
          symbol: 'BTC-USDT',
          type: 'limit',
          price: '20000',
          size: '0.0001',
          clientOid: `unread-${i}`,
        });
        if (call.sent) sent++;
        outcomes.push(settle(call));
      }
      const errors = await Promise.all(outcomes);
      outcomes.length = 0;
      const timedOut = errors.filter((e) => e instanceof TimeoutError) as TimeoutError[];
      const written = timedOut.filter((e) => e.sent).length;
      // The link stayed ready: an unsent call says the send buffer (or the gate) held it back.
      const heldBack = timedOut.find((e) => !e.sent);
      expect(heldBack?.message).toMatch(
        /not sent within \d+ ms \(held back by the rate-limit gate or a full send buffer\)$/,
      );
      expect(heldBack?.cause).toBeUndefined();
      errors.length = 0;
      timedOut.length = 0;
      const after = await retainedBytes();
      const held = after.total - before.total;
      console.log(
        `unread socket: ${CALLS} calls, ${sent} written at once, ${written} timed out as sent and ${CALLS - written} as not sent; ` +
          `held after all timed out: ${(held / MB).toFixed(1)} MB (heap ${((after.heap - before.heap) / MB).toFixed(1)} MB, ` +
          `ArrayBuffers ${((after.arrayBuffers - before.arrayBuffers) / MB).toFixed(1)} MB)`,
      );
      expect(client.stateOf('wsApiSpotV1').status).toBe('ready');
      expect(held).toBeLessThan(32 * MB);
      expect(written).toBeLessThan(CALLS);
    },
    SLOW_MS,
  );

  it('writes what waited once the gateway reads again: every call answered, none twice', async () => {
    let paused: Socket | undefined;
    const seen = new Map<string, number>();
    gateway = await startHostileGateway({
      onReady: ({ socket }) => {
        paused = (socket as unknown as { _socket: Socket })._socket;
        paused.pause();
      },
      onFrame: (frame, { socket }) => {
        seen.set(frame.id, (seen.get(frame.id) ?? 0) + 1);
        if (frame.op !== 'ping') socket.send(answerOf(frame));
      },
    });
    const client = gateway.client({ requestTimeoutMs: 60_000, maxBufferedBytes: 64 * 1024 });
    await client.connect();
    const calls = Array.from({ length: 30_000 }, (_, i) =>
      client.submitNewSpotOrder({
        side: 'buy',
        symbol: 'BTC-USDT',
        type: 'limit',
        price: '20000',
        size: '0.0001',
        clientOid: `resume-${i}`,
      }),
    );
    const held = calls.filter((c) => !c.sent).length;
    expect(held).toBeGreaterThan(0);
    (paused as Socket).resume();
    const responses = await Promise.all(calls);
    expect(responses.every((r) => r.code === '200000')).toBe(true);
    expect(seen.size).toBe(calls.length + [...seen.keys()].filter((id) => id.startsWith('ping-')).length);
    expect([...seen.values()].every((n) => n === 1)).toBe(true);
    console.log(`unread socket, then read again: ${held} of 30000 calls held unwritten, all answered once`);
  });
});
