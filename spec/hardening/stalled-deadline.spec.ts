/**
 * A stalled event loop must not turn answered calls into "outcome unknown". Node runs due
 * timers before it reads sockets: after a 3 s stall (CPU-bound strategy code, a debugger
 * pause) with requestTimeoutMs 2000, the request deadline fires while every answer sits
 * unread in the socket. The deadline lets the socket be read first, as the heartbeat does
 * (stalled-loop.spec.ts): for as many turns as reads still bring frames, since thousands of
 * answers take more than one read (and wait on the gateway's side behind TCP flow control);
 * a gateway that truly stays silent still times out.
 */
import { WebsocketAPIClient, TimeoutError } from '../../src';
import { busy, startChildGateway, writeWatchingWebSocket, type ChildGateway } from '../support/child-gateway';
import { settle } from '../support/reliability';

const STALL_MS = 3_000;
const TIMEOUT_MS = 2_000;
const CALLS = 20;

describe('a request deadline after a stalled event loop', () => {
  let gateway: ChildGateway | undefined;
  let client: WebsocketAPIClient | undefined;
  afterEach(async () => {
    await client?.close();
    await gateway?.close();
  });

  /** A client on `gateway` that calls `onOrder` after each order frame is written. */
  const open = (g: ChildGateway, onOrder: () => void): WebsocketAPIClient => {
    const makeWebSocket = writeWatchingWebSocket((data) => {
      if (typeof data === 'string' && data.includes('"op":"spot.order"')) onOrder();
    });
    return new WebsocketAPIClient({
      apiKey: 'key',
      apiSecret: 'secret',
      apiPassphrase: 'pass',
      wsBaseUrl: g.url,
      attachEventListeners: false,
      requestTimeoutMs: TIMEOUT_MS,
      makeWebSocket,
    });
  };
  const order = (c: WebsocketAPIClient, i: number): ReturnType<WebsocketAPIClient['submitNewSpotOrder']> =>
    c.submitNewSpotOrder({
      side: 'buy',
      symbol: 'BTC-USDT',
      type: 'limit',
      price: '20000',
      size: '0.0001',
      clientOid: `stall-${i}`,
    });

  it.each([
    [CALLS, 'all in one read'],
    [12_000, 'more than one read takes: the deadline waits while reads still bring answers'],
  ])('resolves calls whose answers wait in the socket when the deadline fires (%i calls, %s)', async (n) => {
    // Pings far apart: only the request deadline is in play.
    gateway = await startChildGateway({ pingInterval: 60_000, pingTimeout: 60_000, delayMs: 0 });
    let written = 0;
    let allWritten: (() => void) | undefined;
    const c = (client = open(gateway, () => {
      if (++written === n) allWritten?.();
    }));
    const exceptions: unknown[] = [];
    c.exceptions$.subscribe((e) => exceptions.push(e.error));
    await c.connect();
    const wrote = new Promise<void>((resolve) => (allWritten = resolve));
    const calls = Array.from({ length: n }, (_, i) => order(c, i));
    await wrote;
    // Stall outside the timers phase: once it ends, due timers run before the socket is read.
    await new Promise<void>((resolve) =>
      setImmediate(() => {
        busy(STALL_MS);
        resolve();
      }),
    );
    const outcomes = await Promise.all(calls.map(settle));
    const answered = outcomes.filter((o) => (o as { code?: string }).code === '200000').length;
    console.log(
      `loop blocked ${STALL_MS} ms, requestTimeoutMs ${TIMEOUT_MS}: ${answered}/${n} answered calls resolved, ${exceptions.length} exceptions`,
    );
    for (const [i, outcome] of outcomes.entries())
      expect(outcome).toMatchObject({ code: '200000', data: { clientOid: `stall-${i}` } });
    expect(exceptions).toEqual([]);
  });

  it('still times a call out when the gateway truly stays silent', async () => {
    // Answers come a minute late: the deadline must not wait for them.
    gateway = await startChildGateway({ pingInterval: 60_000, pingTimeout: 60_000, delayMs: 60_000 });
    const c = (client = open(gateway, () => undefined));
    await c.connect();
    const started = performance.now();
    const outcome = await settle(order(c, 0));
    const tookMs = performance.now() - started;
    expect(outcome).toBeInstanceOf(TimeoutError);
    expect(outcome).toMatchObject({ sent: true });
    // Within a few times the timeout, never the minute the answer takes.
    expect(tookMs).toBeLessThan(TIMEOUT_MS * 5);
  });
});
