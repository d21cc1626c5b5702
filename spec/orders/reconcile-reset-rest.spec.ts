/**
 * `reconcile: true` when a lookup gets no HTTP answer at all (NetworkError): its connection was
 * reset or closed before any response, as when a kept-alive connection the server closed is
 * reused. A lookup is a GET, safe to repeat: it is tried once more (after 100 ms), so one reset
 * does not leave the call's outcome unknown; a REST host that keeps resetting is tried twice
 * per lookup, no more, and the call keeps its outcome-unknown error. Real sockets on 127.0.0.1:
 * the simulator, and an HTTP server that resets every connection it gets a request on.
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { DisconnectedError, NetworkError, OrderNotPlacedError, type FetchFunction } from '../../src';
import type { Simulator } from '../../src/simulator';
import { framesFor, limitBuy, useHarness } from '../client/harness';
import { settle, until } from '../support/reliability';

const h = useHarness();

/** An HTTP server on 127.0.0.1 that resets the connection of every request, answering nothing. */
async function resettingServer(): Promise<{ url: string; requests: () => number; close(): Promise<void> }> {
  let requests = 0;
  const server = createServer((req) => {
    requests++;
    req.socket.resetAndDestroy();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    requests: () => requests,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/**
 * An order whose answer is lost (the gateway has it, paused, then the session drops) by a
 * reconciling client with this `fetch`: how the call settles.
 */
async function lostOrder(sim: Simulator, fetch: FetchFunction): Promise<unknown> {
  const client = h.reconciling(sim, { fetch });
  await client.connect();
  sim.faults.pause();
  const call = client.submitNewSpotOrder(limitBuy());
  await until(() => framesFor(sim, call.id) === 1, 'the gateway has the request');
  sim.faults.dropSessions({ kind: 'wsapi' });
  return settle(call);
}

describe('reconcile: true, a lookup whose connection is reset before any answer', () => {
  it('is tried once more: one reset, and the lost call still ends OrderNotPlacedError', async () => {
    const sim = await h.sim();
    const resetting = await resettingServer();
    try {
      let lookups = 0;
      // The first lookup goes to the resetting server, every later request to the simulator.
      const fetch: FetchFunction = (input, init) =>
        globalThis.fetch(
          String(input).includes('/client-order/') && ++lookups === 1
            ? String(input).replace(sim.restUrl, resetting.url)
            : input,
          init,
        );
      const outcome = await lostOrder(sim, fetch);
      expect(outcome).toBeInstanceOf(OrderNotPlacedError);
      expect(resetting.requests()).toBe(1);
      expect(lookups).toBeGreaterThanOrEqual(3); // the reset one, its retry, the lookup after the grace
      sim.faults.resume();
    } finally {
      await resetting.close();
    }
  });

  it('a REST host that keeps resetting: two tries, then the outcome-unknown error, the NetworkError as cause', async () => {
    const sim = await h.sim();
    const resetting = await resettingServer();
    try {
      const fetch: FetchFunction = (input, init) =>
        globalThis.fetch(String(input).replace(sim.restUrl, resetting.url), init);
      const outcome = await lostOrder(sim, fetch);
      expect(outcome).toBeInstanceOf(DisconnectedError);
      expect((outcome as DisconnectedError).cause).toBeInstanceOf(NetworkError);
      expect((outcome as DisconnectedError).cause).toMatchObject({ op: 'lookupOrder' });
      expect(resetting.requests()).toBe(2);
      sim.faults.resume();
    } finally {
      await resetting.close();
    }
  });
});
