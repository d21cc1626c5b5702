/**
 * `reconcile: true` looks a lost placement up by clientOid, and a clientOid can name more than
 * one order (the exchange takes it again once the first order is done; a second strategy
 * instance or a retry reuses it). An order found by the clientOid is proof that this call
 * placed it only if it was created after the call was sent (its createdAt, in server time,
 * against the send time mapped to server time with a freshly measured clock offset, within its
 * error bound and CREATED_BEFORE_SEND_MARGIN_MS) and it is not an order this client already
 * knows as another call's. Otherwise it counts as not found: OrderNotPlacedError after the grace. Real sockets
 * to the simulator on 127.0.0.1; nothing is ever re-sent.
 */
import { lastValueFrom, toArray } from 'rxjs';
import { OrderNotPlacedError, type WebsocketAPIClient } from '../../src';
import { CREATED_BEFORE_SEND_MARGIN_MS } from '../../src/orders/reconcile';
import type { Simulator } from '../../src/simulator';
import { framesFor, futuresBuy, limitBuy, useHarness } from '../client/harness';
import { settle, until } from '../support/reliability';

const h = useHarness();

const reconciling = h.reconciling;

/** Swallows the next request (pause), waits until the gateway has it, then drops the WS API sessions. */
async function swallowThenDrop(sim: Simulator, send: () => { id: string }): Promise<void> {
  sim.faults.pause();
  const call = send();
  await until(() => framesFor(sim, call.id) === 1, 'the gateway received the request');
  sim.faults.dropSessions({ kind: 'wsapi' });
  sim.faults.resume();
}

describe('reconcile: true, a clientOid that names an earlier order', () => {
  it('an order created before the call was sent is not proof: OrderNotPlacedError, updates$ errors', async () => {
    const sim = await h.sim();
    const client = reconciling(sim);
    await client.connect();
    const first = await client.submitNewSpotOrder({
      clientOid: 'rung-1',
      side: 'buy',
      symbol: 'BTC-USDT',
      type: 'market',
      size: '0.001',
    });
    expect(sim.exchange.ledger('rung-1')?.status).toBe('done');
    // The scenario, not a synchronisation: the first order is a little older than the margin
    // when the clientOid is used again (a strategy's second run, or its next rung).
    await new Promise((resolve) => setTimeout(resolve, CREATED_BEFORE_SEND_MARGIN_MS + 100));
    let call: ReturnType<WebsocketAPIClient['submitNewSpotOrder']> | undefined;
    await swallowThenDrop(sim, () => {
      call = client.submitNewSpotOrder({
        clientOid: 'rung-1',
        side: 'buy',
        symbol: 'BTC-USDT',
        type: 'market',
        size: '0.001',
      });
      return call;
    });
    const second = call as NonNullable<typeof call>;
    const updates = settle(lastValueFrom(second.updates$.pipe(toArray())));
    const outcome = await settle(second);
    expect(outcome).toBeInstanceOf(OrderNotPlacedError);
    expect(outcome).toMatchObject({ clientOid: 'rung-1', requestId: second.id });
    expect(await updates).toBeInstanceOf(OrderNotPlacedError);
    // The exchange took one order with this clientOid, the first; the second request went once.
    expect(sim.exchange.acceptedCount('rung-1')).toBe(1);
    expect(sim.exchange.ledger('rung-1')?.orderId).toBe(first.data.orderId);
    expect(framesFor(sim, second.id)).toBe(1);
  });

  it('an order the client knows as another call’s (tracked, still open) is not proof, however recent', async () => {
    const sim = await h.sim();
    const client = reconciling(sim, { orderUpdates: true });
    await client.connect();
    const order = limitBuy({ clientOid: 'my-order-1' });
    const first = await client.submitNewSpotOrder(order);
    let call: ReturnType<WebsocketAPIClient['submitNewSpotOrder']> | undefined;
    await swallowThenDrop(sim, () => (call = client.submitNewSpotOrder(order)));
    const second = call as NonNullable<typeof call>;
    const outcome = await settle(second);
    expect(outcome).toBeInstanceOf(OrderNotPlacedError);
    expect(sim.exchange.acceptedCount('my-order-1')).toBe(1);
    expect(sim.exchange.ledger('my-order-1')?.orderId).toBe(first.data.orderId);
    expect(sim.exchange.ledger('my-order-1')?.status).toBe('open');
  });

  it('an order another call of this client was answered with (not tracked) is not proof, however recent', async () => {
    const sim = await h.sim();
    const client = reconciling(sim);
    await client.connect();
    const order = limitBuy({ clientOid: 'my-order-2' });
    const first = await client.submitNewSpotOrder(order);
    // Sent at once: a retry, or the same rung placed twice; the exchange has only the first.
    let call: ReturnType<WebsocketAPIClient['submitNewSpotOrder']> | undefined;
    await swallowThenDrop(sim, () => (call = client.submitNewSpotOrder(order)));
    const outcome = await settle(call as NonNullable<typeof call>);
    expect(outcome).toBeInstanceOf(OrderNotPlacedError);
    expect(sim.exchange.acceptedCount('my-order-2')).toBe(1);
    expect(sim.exchange.ledger('my-order-2')?.orderId).toBe(first.data.orderId);
  });

  it('futures.multi_order likewise: earlier orders with the batch’s clientOids are not proof', async () => {
    const sim = await h.sim();
    const client = reconciling(sim);
    await client.connect('wsApiFuturesV1');
    const batch = [futuresBuy({ clientOid: 'leg-1' }), futuresBuy({ clientOid: 'leg-2', price: '20001' })];
    await client.submitMultipleFuturesOrders(batch);
    for (const clientOid of ['leg-1', 'leg-2'])
      await client.cancelFuturesOrder({ symbol: 'XBTUSDTM', clientOid });
    // The scenario, not a synchronisation: the first orders are older than the margin.
    await new Promise((resolve) => setTimeout(resolve, CREATED_BEFORE_SEND_MARGIN_MS + 100));
    let call: ReturnType<WebsocketAPIClient['submitMultipleFuturesOrders']> | undefined;
    await swallowThenDrop(sim, () => (call = client.submitMultipleFuturesOrders(batch)));
    const outcome = await settle(call as NonNullable<typeof call>);
    expect(outcome).toBeInstanceOf(OrderNotPlacedError);
    expect((outcome as OrderNotPlacedError).clientOids).toEqual(['leg-1', 'leg-2']);
    expect(sim.exchange.acceptedCount('leg-1')).toBe(1);
    expect(sim.exchange.acceptedCount('leg-2')).toBe(1);
  });

  for (const clockOffsetMs of [-3_000, -30_000]) {
    it(`the simulator's clock ${-clockOffsetMs / 1000} s behind: a placed order whose answer was lost still resolves reconciled`, async () => {
      const sim = await h.sim({ clockOffsetMs });
      const client = reconciling(sim);
      await client.connect();
      sim.faults.delay(30_000);
      const call = client.submitNewSpotOrder(limitBuy());
      await until(
        () => sim.exchange.ledger(call.clientOid as string) !== undefined,
        'the order reached the ledger',
      );
      sim.faults.dropSessions({ kind: 'wsapi' });
      const response = await call;
      expect(response).toMatchObject({
        reconciled: true,
        data: { orderId: sim.exchange.ledger(call.clientOid as string)?.orderId },
      });
      // The simulator's createdAt is on its own clock; reconcile read it for its check. The
      // offset used for signing is only measured when the exchange refuses a timestamp (more
      // than 5 s off: the lookup's 400002), so it stays 0 at 3 s.
      const snapshot = await client.lookupOrder({
        clientOid: call.clientOid as string,
        market: 'spot',
        symbol: 'BTC-USDT',
      });
      expect(Math.abs((snapshot?.createdAt ?? 0) - (Date.now() + clockOffsetMs))).toBeLessThan(2_000);
      if (clockOffsetMs > -5_000) expect(client.clockOffsetMs).toBe(0);
      else expect(Math.abs(client.clockOffsetMs - clockOffsetMs)).toBeLessThan(500);
    });
  }
});
