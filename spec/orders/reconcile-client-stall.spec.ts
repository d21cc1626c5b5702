/**
 * `reconcile: true` when this process's event loop stalls (CPU-bound code, a GC or debugger
 * pause) while its REST lookups are in flight: a stall longer than restTimeoutMs is not a REST
 * host that never answers. Each lookup's timer fires late, after the stall; the lookup gets its
 * restTimeoutMs once more instead of failing with TimeoutError, and the "REST stalled" rule (the
 * lookups waiting for a slot fail with that timeout) is not set off. Every lost call settles as
 * it does without the stall: OrderNotPlacedError. Real sockets on 127.0.0.1 (the simulator runs in
 * this process, so it stalls too: it reads the lookups only once the stall is over).
 */
import { DisconnectedError, OrderNotPlacedError, type FetchFunction } from '../../src';
import { framesFor, limitBuy, useHarness } from '../client/harness';
import { settle, until } from '../support/reliability';

const h = useHarness();

/** Blocks the event loop for `ms` (a synchronous busy loop: the stall itself, not a sleep). */
function stall(ms: number): void {
  const end = performance.now() + ms;
  while (performance.now() < end) {
    // CPU-bound work
  }
}

describe('reconcile: true, this process stalls while its lookups are in flight', () => {
  it('a stall longer than restTimeoutMs: every lost call still ends OrderNotPlacedError', async () => {
    const sim = await h.sim();
    const restTimeoutMs = 300;
    let lookups = 0;
    let stalled = false;
    const fetch: FetchFunction = (input, init) => {
      const answer = globalThis.fetch(input, init);
      if (String(input).includes('/client-order/') && ++lookups === 1) {
        // Once the first lookup is on its way, the loop stalls for twice the REST timeout.
        setTimeout(() => {
          stall(2 * restTimeoutMs);
          stalled = true;
        }, 0);
      }
      return answer;
    };
    const client = h.reconciling(sim, { fetch, restTimeoutMs });
    await client.connect();
    sim.faults.pause();
    const calls = Array.from({ length: 20 }, () => client.submitNewSpotOrder(limitBuy()));
    await until(
      () => framesFor(sim, (calls[19] as { id: string }).id) === 1,
      'the gateway has every request',
    );
    sim.faults.dropSessions({ kind: 'wsapi' });
    const outcomes = await Promise.all(calls.map((c) => settle(c)));
    expect(stalled).toBe(true);
    for (const outcome of outcomes) {
      expect(outcome).toBeInstanceOf(OrderNotPlacedError);
      expect((outcome as OrderNotPlacedError).cause).toBeInstanceOf(DisconnectedError);
    }
    sim.faults.resume();
  });
});
