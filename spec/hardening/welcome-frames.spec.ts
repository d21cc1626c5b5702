/**
 * Welcome frames the client cannot read never cause a reconnect loop. A welcome without
 * pingInterval/pingTimeout, or with them as numeric strings or null, used to go unrecognised
 * (handshake timeout, reconnect forever), and `pingInterval: 1` made the client ping 97 times
 * a second. Numeric strings are read, missing or unusable values fall back to the defaults,
 * and the client never pings more than 10 times a second.
 */
import { startHostileGateway, welcomeFrame, type HostileGateway } from '../support/hostile-gateway';
import { notingPingWrites } from '../support/ping-writes';

describe('welcome frames', () => {
  let gateway: HostileGateway | undefined;
  afterEach(async () => gateway?.close());

  const cases: Array<[string, string]> = [
    ['without pingInterval and pingTimeout', '{"sessionId":"s-1","data":"welcome"}'],
    ['with null timing', welcomeFrame(null, null)],
    ['with non-numeric strings', welcomeFrame('soon', 'later')],
    ['with negative timing', welcomeFrame(-5, -5)],
  ];
  it.each(cases)(
    'a welcome %s is accepted with the default timing (no reconnect)',
    async (_what, welcome) => {
      gateway = await startHostileGateway({ welcome: () => welcome });
      const client = gateway.client({ handshakeTimeoutMs: 2_000, reconnect: { maxAttempts: 0 } });
      await client.connect();
      await expect(
        client.submitNewSpotOrder({ side: 'buy', symbol: 'BTC-USDT', type: 'limit', price: '1', size: '1' }),
      ).resolves.toMatchObject({ code: '200000' });
      expect(client.stateOf('wsApiSpotV1').status).toBe('ready');
      expect(gateway.connections()).toBe(1);
    },
  );

  /** The times at which the client wrote its first `count` pings (once the gateway has seen them). */
  async function pingTimes(welcome: string, count: number): Promise<number[]> {
    const written: number[] = [];
    let seen = 0;
    let done!: () => void;
    const enough = new Promise<void>((r) => (done = r));
    gateway = await startHostileGateway({
      welcome: () => welcome,
      onFrame: (frame, { socket }) => {
        if (frame.op !== 'ping') return;
        socket.send(JSON.stringify({ id: frame.id, op: 'pong', timestamp: Date.now() }));
        if (++seen === count) done();
      },
    });
    const client = gateway.client({
      handshakeTimeoutMs: 2_000,
      reconnect: { maxAttempts: 0 },
      makeWebSocket: notingPingWrites(written),
    });
    await client.connect();
    await enough;
    expect(gateway.connections()).toBe(1);
    await client.close();
    expect(written.length).toBeGreaterThanOrEqual(count);
    return written.slice(0, count);
  }

  /** The mean time between pings: each is timed from the last, so a late one brings none closer. */
  const meanGap = (times: number[]): number => (times[times.length - 1] - times[0]) / (times.length - 1);

  it('numeric strings are read as numbers: "150" pings every 150 ms', async () => {
    const times = await pingTimes(welcomeFrame('150', '1000'), 6);
    const mean = meanGap(times);
    console.log(`welcome pingInterval "150": ${Math.round(mean)} ms between pings on average (5 gaps)`);
    // About 150 ms, far below the 18 s default.
    expect(mean).toBeGreaterThanOrEqual(135);
    expect(mean).toBeLessThan(5_000);
  });

  it('pingInterval: 1 never makes the client ping more than 10 times a second', async () => {
    const times = await pingTimes(welcomeFrame(1, 1000), 11);
    const mean = meanGap(times);
    console.log(`welcome pingInterval 1: ${Math.round(mean)} ms between pings on average (10 gaps)`);
    // 100 ms apart (the unfixed client: about 12 ms).
    expect(mean).toBeGreaterThanOrEqual(95);
  });
});
