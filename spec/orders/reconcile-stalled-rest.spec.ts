/**
 * `reconcile: true` with a REST host that accepts requests and never answers (a stalled proxy):
 * once a lookup has timed out, the lookups waiting for one of the 8 slots fail at once with that
 * timeout instead of each waiting its turn and then restTimeoutMs (64 lost calls took 8 rounds
 * of restTimeoutMs); the calls reject with their outcome-unknown error, the REST timeout as
 * cause. A lookup that gets an answer again ends this. Real sockets on 127.0.0.1: the simulator,
 * and an HTTP server that never answers, where the client's REST requests go while "stalled".
 */
import { createServer, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import { DisconnectedError, TimeoutError, type FetchFunction } from '../../src';
import { framesFor, limitBuy, useHarness } from '../client/harness';
import { settle, until } from '../support/reliability';

const h = useHarness();

/** An HTTP server on 127.0.0.1 that reads requests and never answers them. */
async function silentServer(): Promise<{ url: string; requests: IncomingMessage[]; close(): Promise<void> }> {
  const requests: IncomingMessage[] = [];
  const server = createServer((req) => requests.push(req));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    requests,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

describe('reconcile: true, REST stalled (accepts, never answers)', () => {
  it('64 calls lost at once: one round of lookups times out, the others fail at once; REST answering again ends it', async () => {
    const sim = await h.sim();
    const silent = await silentServer();
    try {
      let stalled = true;
      // While stalled, every REST request goes to the silent server instead of the simulator.
      const fetch: FetchFunction = (input, init) =>
        globalThis.fetch(stalled ? String(input).replace(sim.restUrl, silent.url) : input, init);
      const client = h.reconciling(sim, { fetch, restTimeoutMs: 300 });
      await client.connect();
      sim.faults.pause();
      const calls = Array.from({ length: 64 }, () => client.submitNewSpotOrder(limitBuy()));
      await until(
        () => framesFor(sim, (calls[63] as { id: string }).id) === 1,
        'the gateway has every request',
      );
      sim.faults.dropSessions({ kind: 'wsapi' });
      const outcomes = await Promise.all(calls.map((c) => settle(c)));
      for (const outcome of outcomes) {
        expect(outcome).toBeInstanceOf(DisconnectedError);
        const cause = (outcome as DisconnectedError).cause;
        expect(cause).toBeInstanceOf(TimeoutError);
        expect(cause).toMatchObject({ op: 'lookupOrder', timeoutMs: 300 });
      }
      // One round: the lookups in the 8 slots; the 56 waiting failed with their timeout.
      expect(silent.requests.length).toBe(8);
      sim.faults.resume();

      // REST answers again: the next lost call's lookup (a free slot) tries it, and it tells.
      stalled = false;
      await client.connect();
      sim.faults.delay(60_000);
      const call = client.submitNewSpotOrder(limitBuy());
      await until(() => sim.exchange.ledger(call.clientOid as string) !== undefined, 'the order is placed');
      sim.faults.dropSessions({ kind: 'wsapi' });
      expect(await call).toMatchObject({
        reconciled: true,
        data: { orderId: sim.exchange.ledger(call.clientOid as string)?.orderId },
      });
      sim.faults.delay(0);
    } finally {
      await silent.close();
    }
  });
});
