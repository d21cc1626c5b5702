/**
 * One clientOid names one order on the exchange, so it never names two in what the client
 * reports: a batch naming a clientOid twice is bad input (a ValidationError, nothing sent), and
 * two lost calls of one client with the same clientOid never both resolve with the one order the
 * exchange took (the first reconciliation that judges it its own claims it). Real sockets to the
 * simulator on 127.0.0.1; nothing is ever re-sent.
 */
import { OrderNotPlacedError, ValidationError } from '../../src';
import { framesFor, futuresBuy, limitBuy, useHarness } from '../client/harness';
import { settle } from '../support/reliability';

const h = useHarness();

describe('the same clientOid twice', () => {
  it('in one futures.multi_order batch: ValidationError naming the second item’s clientOid, nothing sent', async () => {
    const sim = await h.sim();
    const client = h.reconciling(sim);
    await client.connect('wsApiFuturesV1');
    const item = futuresBuy({ clientOid: 'dup-batch-1' });
    const other = futuresBuy({ clientOid: 'dup-batch-2' });
    const call = client.submitMultipleFuturesOrders([item, other, item]);
    const error = await settle(call);
    expect(error).toBeInstanceOf(ValidationError);
    expect((error as ValidationError).issues).toEqual([
      { field: '2.clientOid', rule: expect.stringContaining('the same as order 0') },
    ]);
    expect(framesFor(sim, call.id)).toBe(0);
    expect(sim.exchange.ledger('dup-batch-1')).toBeUndefined();
    // Distinct clientOids go out as before.
    const ok = await client.submitMultipleFuturesOrders([item, other]);
    expect(ok.data.map((i) => i.code)).toEqual(['200000', '200000']);
  });

  it('in two concurrent calls whose answers are lost: one resolves with the order, the other OrderNotPlacedError', async () => {
    const sim = await h.sim();
    const client = h.reconciling(sim, { requestTimeoutMs: 300 });
    await client.connect();
    sim.faults.delay(60_000);
    const order = limitBuy({ clientOid: 'dup-calls-1' });
    const calls = [client.submitNewSpotOrder(order), client.submitNewSpotOrder(order)];
    const outcomes = await Promise.all(calls.map((c) => settle(c)));
    sim.faults.delay(0);
    // The exchange took one order with this clientOid and refused the other request.
    expect(sim.exchange.acceptedCount('dup-calls-1')).toBe(1);
    const orderId = sim.exchange.ledger('dup-calls-1')?.orderId;
    const resolved = outcomes.filter((o) => !(o instanceof Error));
    expect(resolved).toEqual([
      expect.objectContaining({ reconciled: true, data: expect.objectContaining({ orderId }) }),
    ]);
    expect(outcomes.filter((o) => o instanceof OrderNotPlacedError)).toHaveLength(1);
    for (const c of calls) expect(framesFor(sim, c.id)).toBe(1);
  });
});
