/**
 * Kept excerpts of hostile input hold only what they show. The `exception` event's
 * 256-character `frame` excerpt was a slice of the frame, and V8 keeps a slice's parent
 * alive: 20 events over 4 MiB frames held 80 MB. What is kept is now a copy.
 */
import type { ClientEventOf } from '../../src';
import { MB, retainedBytes } from '../support/heap';
import { answerOf, startHostileGateway, type HostileGateway } from '../support/hostile-gateway';

const FRAMES = 20;
const FRAME_BYTES = 4 * 1024 * 1024;

describe('excerpts of hostile frames', () => {
  let gateway: HostileGateway | undefined;
  afterEach(async () => gateway?.close());

  it('20 exception events over 4 MiB frames hold kilobytes, not the frames', async () => {
    gateway = await startHostileGateway({
      onFrame: (frame, { socket }) => {
        if (frame.op === 'ping') return;
        // Not JSON, so each becomes an exception event carrying an excerpt.
        for (let i = 0; i < FRAMES; i++) socket.send(`${String(i).padEnd(FRAME_BYTES, 'x')}`);
        socket.send(answerOf(frame));
      },
    });
    // 80 MB to read: slow beside other suites.
    const client = gateway.client({ requestTimeoutMs: 120_000 });
    await client.connect();
    const events: Array<ClientEventOf<'exception'>> = [];
    client.exceptions$.subscribe((e) => events.push(e));
    const before = await retainedBytes();
    await client.submitNewSpotOrder({
      side: 'buy',
      symbol: 'BTC-USDT',
      type: 'limit',
      price: '1',
      size: '1',
    });
    expect(events).toHaveLength(FRAMES);
    const after = await retainedBytes();
    const held = after.total - before.total;
    console.log(
      `excerpts: ${FRAMES} exception events over ${FRAME_BYTES / MB} MiB frames hold ${(held / MB).toFixed(2)} MB (heap + ArrayBuffers, after GC)`,
    );
    for (const e of events) {
      expect(e.frame).toHaveLength(257);
      expect(e.frame?.endsWith('x…')).toBe(true);
    }
    expect(held).toBeLessThan(8 * MB);
  });
});
