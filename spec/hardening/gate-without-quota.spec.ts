/**
 * The gate never strangles traffic for lack of information. `rateLimit` is optional in the
 * envelope: answers without it used to leave the opt-in gate at one call in flight for ever,
 * and one answer with `{ limit: 0, remaining: 0 }` shut it for good. Once answers come
 * without a quota, the gate does not throttle (only the very first request probes alone);
 * a zero quota reopens at its (capped) reset.
 */
import {
  answerOf,
  startHostileGateway,
  type HostileGateway,
  type RequestLike,
} from '../support/hostile-gateway';

const order = (clientOid: string) =>
  ({ side: 'buy', symbol: 'BTC-USDT', type: 'limit', price: '1', size: '1', clientOid }) as const;

describe('the rate-limit gate without quota information', () => {
  let gateway: HostileGateway | undefined;
  afterEach(async () => gateway?.close());

  it('answers without rateLimit do not throttle: after the probe, 99 calls are all in flight at once', async () => {
    const held: Array<() => void> = [];
    let mostInFlight = 0;
    let first = true;
    gateway = await startHostileGateway({
      onFrame: (frame, { socket }) => {
        if (frame.op === 'ping') return;
        // The first request (the gate's probe) is answered at once, without rateLimit; the
        // others only once all 99 are in: a gate that lets one through at a time never gets there.
        if (first) {
          first = false;
          socket.send(answerOf(frame));
          return;
        }
        held.push(() => socket.send(answerOf(frame)));
        mostInFlight = Math.max(mostInFlight, held.length);
        if (held.length === 99) for (const send of held.splice(0)) send();
      },
    });
    const client = gateway.client({ rateLimitGate: true, requestTimeoutMs: 3_000 });
    await client.connect();
    const calls = Array.from({ length: 100 }, (_, i) => client.submitNewSpotOrder(order(`u-${i}`)));
    const responses = await Promise.all(calls);
    expect(responses.map((r) => r.data.clientOid)).toEqual(calls.map((c) => c.clientOid));
    expect(mostInFlight).toBe(99);
    // Still unknown after those answers: the next ones go straight out too.
    const next = Array.from({ length: 5 }, (_, i) => client.submitNewSpotOrder(order(`n-${i}`)));
    expect(next.every((c) => c.sent)).toBe(true);
    held.length = 0;
  });

  it('a zero quota reopens at its reset', async () => {
    let first = true;
    gateway = await startHostileGateway({
      onFrame: (frame: RequestLike, { socket }) => {
        if (frame.op === 'ping') return;
        const extra = first ? { rateLimit: { limit: 0, remaining: 0, reset: 200 } } : {};
        first = false;
        socket.send(answerOf(frame, extra));
      },
    });
    const client = gateway.client({ rateLimitGate: true, requestTimeoutMs: 5_000 });
    await client.connect();
    await client.submitNewSpotOrder(order('z-1'));
    const answeredAt = performance.now();
    const held = client.submitNewSpotOrder(order('z-2'));
    expect(held.sent).toBe(false);
    await expect(held).resolves.toMatchObject({ data: { clientOid: 'z-2' } });
    const waitedMs = performance.now() - answeredAt;
    console.log(`gate: zero quota with reset 200 ms held the next call ${Math.round(waitedMs)} ms`);
    expect(waitedMs).toBeGreaterThanOrEqual(190);
  });
});
