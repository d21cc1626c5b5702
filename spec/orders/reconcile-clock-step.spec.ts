/**
 * `reconcile: true` tells a lost call's order from an earlier one with the same clientOid by
 * its creation time against the call's send time in server time. The clocks may move between
 * an earlier measurement of the server clock and the judgement (NTP stepping either side's
 * wall clock; a suspend stops performance.now() but not Date.now()): the call's own order must
 * never be judged older than the call, which would give a false definite OrderNotPlacedError
 * (and a duplicate when the order is placed again). Real sockets to the simulator on 127.0.0.1.
 */
import { OrderNotPlacedError } from '../../src';
import { limitBuy, useHarness } from '../client/harness';
import { settle, until } from '../support/reliability';

const h = useHarness();

describe('reconcile: true, the clocks move after the server clock was measured', () => {
  it('the wall clocks of both sides step 2 s after a first reconciliation: the next lost call still finds its order', async () => {
    const sim = await h.sim();
    const client = h.reconciling(sim, { requestTimeoutMs: 300, reconcileGraceMs: 200 });
    await client.connect();
    // A first lost answer: reconcile reads the server clock and finds the order.
    sim.faults.delay(60_000);
    const first = await client.submitNewSpotOrder(limitBuy());
    expect(first.reconciled).toBe(true);
    sim.faults.delay(0);
    // Now Date.now() (the simulator's clock, and this process's wall clock) runs 2 s behind
    // what it read when the first reconciliation measured the server clock.
    const realNow = Date.now.bind(Date);
    Date.now = () => realNow() - 2_000;
    try {
      sim.faults.delay(60_000);
      const call = client.submitNewSpotOrder(limitBuy());
      const outcome = await settle(call);
      sim.faults.delay(0);
      const ledger = sim.exchange.ledger(call.clientOid as string);
      expect(ledger?.status).toBe('open');
      expect(outcome).not.toBeInstanceOf(OrderNotPlacedError);
      expect(outcome).toMatchObject({ reconciled: true, data: { orderId: ledger?.orderId } });
    } finally {
      Date.now = realNow;
    }
  });

  it('a suspend of 60 s after the send (Date.now() moves on, performance.now() does not): the call still finds its order', async () => {
    const sim = await h.sim();
    const client = h.reconciling(sim, { requestTimeoutMs: 300, reconcileGraceMs: 200 });
    await client.connect();
    sim.faults.delay(60_000);
    const call = client.submitNewSpotOrder(limitBuy());
    await until(() => sim.exchange.ledger(call.clientOid as string) !== undefined, 'the order is placed');
    // The machine "wakes up": the wall clocks of both sides are 60 s further on, the monotonic one is not.
    const realNow = Date.now.bind(Date);
    Date.now = () => realNow() + 60_000;
    try {
      const outcome = await settle(call);
      sim.faults.delay(0);
      const ledger = sim.exchange.ledger(call.clientOid as string);
      expect(outcome).not.toBeInstanceOf(OrderNotPlacedError);
      expect(outcome).toMatchObject({ reconciled: true, data: { orderId: ledger?.orderId } });
    } finally {
      Date.now = realNow;
    }
  });
});
