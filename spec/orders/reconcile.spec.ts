/**
 * `reconcile: true` against the simulator on 127.0.0.1: a written order request whose answer
 * is lost (the session dropped, or no answer in time) is looked up over REST (by clientOid; a
 * cancel by orderId, by its orderId) and settles by what the exchange did: resolved from the
 * order (`reconciled: true`), or a definite OrderNotPlacedError / CancelNotAppliedError, or,
 * when REST cannot tell, the original outcome-unknown error with the REST failure as `cause`.
 * Nothing is ever re-sent: each request id reaches the gateway once.
 */
import { lastValueFrom, toArray } from 'rxjs';
import {
  CancelNotAppliedError,
  ClientClosedError,
  DisconnectedError,
  GatewayError,
  ModifyNotAppliedError,
  OrderNotPlacedError,
  TimeoutError,
  type FetchFunction,
} from '../../src';
import type { Simulator } from '../../src/simulator';
import { framesFor, futuresBuy, limitBuy, useHarness } from '../client/harness';
import { settle, until } from '../support/reliability';

const h = useHarness();

const reconciling = h.reconciling;

/** A fetch that counts the REST answers it has read (lookups only). */
function countingFetch(): { fetch: FetchFunction; answered: () => number } {
  let n = 0;
  return {
    answered: () => n,
    fetch: async (input, init) => {
      const response = await globalThis.fetch(input, init);
      n++;
      return response;
    },
  };
}

/** Holds every answer back (far longer than the test) and waits until the ledger has `clientOid`. */
async function answerHeldBack(sim: Simulator, clientOid: () => string | undefined): Promise<void> {
  await until(() => {
    const oid = clientOid();
    return oid !== undefined && sim.exchange.ledger(oid) !== undefined;
  }, 'the order reached the ledger');
}

describe('reconcile: true, placements', () => {
  it('answer delayed, then the session dropped: resolves reconciled with the ledger’s orderId, sent once', async () => {
    const sim = await h.sim();
    const client = reconciling(sim);
    await client.connect();
    sim.faults.delay(30_000);
    const call = client.submitNewSpotOrder(limitBuy());
    await answerHeldBack(sim, () => call.clientOid);
    expect(sim.faults.dropSessions({ kind: 'wsapi' })).toBeGreaterThan(0);
    const response = await call;
    const entry = sim.exchange.ledger(call.clientOid as string);
    expect(response).toMatchObject({
      id: call.id,
      op: 'spot.order',
      code: '200000',
      reconciled: true,
      isWSAPIResponse: true,
      wsKey: 'wsApiSpotV1',
      data: { orderId: entry?.orderId, clientOid: call.clientOid },
    });
    expect(call.status).toBe('resolved');
    expect(framesFor(sim, call.id)).toBe(1);
    expect(sim.exchange.allOrders().filter((o) => o.clientOid === call.clientOid)).toHaveLength(1);
  });

  it('a timeout after the request was written resolves reconciled too (spot.sync_order data from the order)', async () => {
    const sim = await h.sim();
    const client = reconciling(sim, { requestTimeoutMs: 400 });
    await client.connect();
    sim.faults.delay(30_000);
    const call = client.submitSyncSpotOrder(limitBuy({ size: '0.002' }));
    const response = await call;
    const entry = sim.exchange.ledger(call.clientOid as string);
    expect(response.reconciled).toBe(true);
    expect(response.data).toMatchObject({
      orderId: entry?.orderId,
      clientOid: call.clientOid,
      originSize: '0.002',
      dealSize: '0',
      remainSize: '0.002',
      canceledSize: '0',
      status: 'open',
    });
    expect(framesFor(sim, call.id)).toBe(1);
  });

  it('request swallowed by pause(), then dropped: OrderNotPlacedError, and the ledger has no such order', async () => {
    const sim = await h.sim();
    const { fetch, answered } = countingFetch();
    const client = reconciling(sim, { fetch });
    await client.connect();
    sim.faults.pause();
    const call = client.submitNewSpotOrder(limitBuy());
    await until(() => framesFor(sim, call.id) === 1, 'the gateway received the request');
    sim.faults.dropSessions({ kind: 'wsapi' });
    const error = await settle(call);
    expect(error).toBeInstanceOf(OrderNotPlacedError);
    expect(error).toMatchObject({
      code: 'ORDER_NOT_PLACED',
      clientOid: call.clientOid,
      op: 'spot.order',
      requestId: call.id,
    });
    expect((error as OrderNotPlacedError).cause).toBeInstanceOf(DisconnectedError);
    // Looked up twice (the grace between), never re-sent.
    expect(answered()).toBe(2);
    expect(sim.exchange.ledger(call.clientOid as string)).toBeUndefined();
    expect(framesFor(sim, call.id)).toBe(1);
  });

  it('a drop failing 200 written calls at once: every one settles definitely, at most 8 lookups in flight', async () => {
    const sim = await h.sim({ rateLimit: { limit: 1_000_000, windowMs: 30_000 } });
    let inFlight = 0;
    let most = 0;
    const fetch: FetchFunction = async (input, init) => {
      most = Math.max(most, ++inFlight);
      try {
        return await globalThis.fetch(input, init);
      } finally {
        inFlight--;
      }
    };
    const client = reconciling(sim, { fetch });
    await client.connect();
    sim.faults.pause();
    // 200 calls, two lookups each (the grace): far more than 8 want to be in flight at once.
    const calls = Array.from({ length: 200 }, (_, i) =>
      client.submitNewSpotOrder(limitBuy({ price: String(20_000 + (i % 100)) })),
    );
    await until(() => sim.countFrames((f) => f.op === 'spot.order') === 200, 'the gateway received them all');
    sim.faults.dropSessions({ kind: 'wsapi' });
    const outcomes = await Promise.all(calls.map((c) => settle(c)));
    expect(outcomes.filter((e) => !(e instanceof OrderNotPlacedError))).toEqual([]);
    expect(most).toBeLessThanOrEqual(8);
    expect(most).toBeGreaterThan(1);
    expect(calls.every((c) => framesFor(sim, c.id) === 1)).toBe(true);
  });

  it('REST unreachable: the original outcome-unknown error, the REST failure as cause', async () => {
    const sim = await h.sim();
    const client = reconciling(sim);
    await client.connect();
    sim.faults.delay(30_000);
    sim.faults.restDown(true);
    const call = client.submitNewSpotOrder(limitBuy());
    await answerHeldBack(sim, () => call.clientOid);
    sim.faults.dropSessions({ kind: 'wsapi' });
    const error = await settle(call);
    expect(error).toBeInstanceOf(DisconnectedError);
    expect(error).toMatchObject({ code: 'DISCONNECTED', clientOid: call.clientOid, requestId: call.id });
    const cause = (error as DisconnectedError).cause;
    expect(cause).toBeInstanceOf(GatewayError);
    expect(cause).toMatchObject({ op: 'lookupOrder', clientOid: call.clientOid });
    expect(framesFor(sim, call.id)).toBe(1);
  });

  it('futures.multi_order is reconciled per order: placed ones resolve, a refused one is marked not placed', async () => {
    const sim = await h.sim();
    const client = reconciling(sim);
    await client.connect('wsApiFuturesV1');
    sim.faults.delay(30_000);
    // The second order is far beyond the account's margin: the exchange refuses it alone.
    const call = client.submitMultipleFuturesOrders([futuresBuy(), futuresBuy({ size: 10_000_000 })]);
    await answerHeldBack(sim, () => call.clientOids?.[0]);
    sim.faults.dropSessions({ kind: 'wsapi' });
    const response = await call;
    const [placed, refused] = call.clientOids as readonly string[];
    expect(response.reconciled).toBe(true);
    expect(response.data).toEqual([
      {
        orderId: sim.exchange.ledger(placed)?.orderId,
        clientOid: placed,
        symbol: 'XBTUSDTM',
        code: '200000',
        msg: '',
      },
      expect.objectContaining({ orderId: null, clientOid: refused, code: 'ORDER_NOT_PLACED' }),
    ]);
    expect(sim.exchange.ledger(refused)).toBeUndefined();
    expect(framesFor(sim, call.id)).toBe(1);
  });

  it('a batch none of whose orders exist: OrderNotPlacedError with every clientOid', async () => {
    const sim = await h.sim();
    const client = reconciling(sim);
    await client.connect('wsApiFuturesV1');
    sim.faults.pause();
    const call = client.submitMultipleFuturesOrders([futuresBuy(), futuresBuy({ price: '20001' })]);
    await until(() => framesFor(sim, call.id) === 1, 'the gateway received the batch');
    sim.faults.dropSessions({ kind: 'wsapi' });
    const error = await settle(call);
    expect(error).toBeInstanceOf(OrderNotPlacedError);
    expect((error as OrderNotPlacedError).clientOids).toEqual(call.clientOids);
  });

  it('close() while waiting out the grace: the original error, ClientClosedError as cause', async () => {
    const sim = await h.sim();
    const { fetch, answered } = countingFetch();
    const client = reconciling(sim, { fetch, reconcileGraceMs: 60_000 });
    await client.connect();
    sim.faults.pause();
    const call = client.submitNewSpotOrder(limitBuy());
    await until(() => framesFor(sim, call.id) === 1, 'the gateway received the request');
    sim.faults.dropSessions({ kind: 'wsapi' });
    await until(() => answered() === 1, 'the first lookup answered');
    await client.close();
    const error = await settle(call);
    expect(error).toBeInstanceOf(DisconnectedError);
    expect((error as DisconnectedError).cause).toBeInstanceOf(ClientClosedError);
  });

  it('without reconcile the lost answer stays outcome unknown, and nothing is looked up', async () => {
    const sim = await h.sim();
    const { fetch, answered } = countingFetch();
    const client = h.client(sim, { restBaseUrl: sim.restUrl, fetch, requestTimeoutMs: 300 });
    await client.connect();
    sim.faults.delay(30_000);
    const error = await settle(client.submitNewSpotOrder(limitBuy()));
    expect(error).toBeInstanceOf(TimeoutError);
    expect((error as TimeoutError).sent).toBe(true);
    expect(answered()).toBe(0);
  });
});

describe('reconcile: true, cancels', () => {
  it('a cancel whose answer was lost resolves reconciled when the order is canceled', async () => {
    const sim = await h.sim();
    const client = reconciling(sim);
    const placed = await client.submitNewSpotOrder(limitBuy());
    sim.faults.delay(30_000);
    const cancel = client.cancelSyncSpotOrder({ symbol: 'BTC-USDT', clientOid: placed.data.clientOid });
    await until(
      () => sim.exchange.ledger(placed.data.clientOid)?.status === 'done',
      'the order was canceled',
    );
    sim.faults.dropSessions({ kind: 'wsapi' });
    const response = await cancel;
    expect(response).toMatchObject({
      op: 'spot.sync_cancel',
      reconciled: true,
      data: {
        orderId: placed.data.orderId,
        clientOid: placed.data.clientOid,
        originSize: '0.0001',
        dealSize: '0',
        remainSize: '0',
        canceledSize: '0.0001',
        status: 'done',
      },
    });
    expect(framesFor(sim, cancel.id)).toBe(1);
  });

  it('a futures cancel by clientOid likewise', async () => {
    const sim = await h.sim();
    const client = reconciling(sim);
    const placed = await client.submitFuturesOrder(futuresBuy());
    sim.faults.delay(30_000);
    const cancel = client.cancelFuturesOrder({ symbol: 'XBTUSDTM', clientOid: placed.data.clientOid });
    await until(
      () => sim.exchange.ledger(placed.data.clientOid)?.status === 'done',
      'the order was canceled',
    );
    sim.faults.dropSessions({ kind: 'wsapi' });
    expect(await cancel).toMatchObject({ reconciled: true, data: { clientOid: placed.data.clientOid } });
  });

  it('a cancel swallowed by pause(): CancelNotAppliedError, the order still open', async () => {
    const sim = await h.sim();
    const client = reconciling(sim);
    const placed = await client.submitNewSpotOrder(limitBuy());
    sim.faults.pause();
    const cancel = client.cancelSpotOrder({ symbol: 'BTC-USDT', clientOid: placed.data.clientOid });
    await until(() => framesFor(sim, cancel.id) === 1, 'the gateway received the cancel');
    sim.faults.dropSessions({ kind: 'wsapi' });
    const error = await settle(cancel);
    expect(error).toBeInstanceOf(CancelNotAppliedError);
    expect(error).toMatchObject({
      code: 'CANCEL_NOT_APPLIED',
      clientOid: placed.data.clientOid,
      order: { status: 'open', orderId: placed.data.orderId },
    });
    expect(sim.exchange.ledger(placed.data.clientOid)?.status).toBe('open');
  });
});

describe('reconcile: true, cancels by orderId', () => {
  it('spot.cancel by orderId, answer delayed then the session dropped: resolves reconciled, sent once', async () => {
    const sim = await h.sim();
    const { fetch, answered } = countingFetch();
    const client = reconciling(sim, { fetch });
    const placed = await client.submitNewSpotOrder(limitBuy());
    sim.faults.delay(30_000);
    const cancel = client.cancelSpotOrder({ symbol: 'BTC-USDT', orderId: placed.data.orderId });
    expect(cancel.clientOid).toBeUndefined();
    await until(
      () => sim.exchange.ledger(placed.data.clientOid)?.status === 'done',
      'the order was canceled',
    );
    sim.faults.dropSessions({ kind: 'wsapi' });
    const response = await cancel;
    expect(response).toEqual({
      id: cancel.id,
      op: 'spot.cancel',
      code: '200000',
      data: { orderId: placed.data.orderId, clientOid: placed.data.clientOid },
      inTime: expect.any(Number),
      outTime: expect.any(Number),
      wsKey: 'wsApiSpotV1',
      isWSAPIResponse: true,
      reconciled: true,
    });
    expect(answered()).toBe(1);
    expect(framesFor(sim, cancel.id)).toBe(1);
  });

  it('margin.cancel and futures.cancel by orderId likewise, each with its answer shape', async () => {
    const sim = await h.sim();
    const client = reconciling(sim);
    const margin = await client.submitMarginOrder({
      side: 'buy',
      symbol: 'BTC-USDT',
      price: '20000',
      size: '0.001',
    });
    const futures = await client.submitFuturesOrder(futuresBuy());
    sim.faults.delay(30_000);
    const cancelMargin = client.cancelMarginOrder({ symbol: 'BTC-USDT', orderId: margin.data.orderId });
    const cancelFutures = client.cancelFuturesOrder({ orderId: futures.data.orderId });
    await until(
      () =>
        sim.exchange.ledger(margin.data.clientOid)?.status === 'done' &&
        sim.exchange.ledger(futures.data.clientOid)?.status === 'done',
      'both orders were canceled',
    );
    sim.faults.dropSessions({ kind: 'wsapi' });
    expect(await cancelMargin).toMatchObject({
      op: 'margin.cancel',
      reconciled: true,
      data: { orderId: margin.data.orderId, clientOid: margin.data.clientOid },
    });
    expect(await cancelFutures).toMatchObject({
      op: 'futures.cancel',
      reconciled: true,
      wsKey: 'wsApiFuturesV1',
      data: { cancelledOrderIds: [futures.data.orderId] },
    });
    expect(framesFor(sim, cancelMargin.id)).toBe(1);
    expect(framesFor(sim, cancelFutures.id)).toBe(1);
  });

  it('spot.sync_cancel by orderId, request swallowed by pause(), then dropped: CancelNotAppliedError, the order open', async () => {
    const sim = await h.sim();
    const { fetch, answered } = countingFetch();
    const client = reconciling(sim, { fetch });
    const placed = await client.submitNewSpotOrder(limitBuy());
    sim.faults.pause();
    const cancel = client.cancelSyncSpotOrder({ symbol: 'BTC-USDT', orderId: placed.data.orderId });
    await until(() => framesFor(sim, cancel.id) === 1, 'the gateway received the cancel');
    sim.faults.dropSessions({ kind: 'wsapi' });
    const error = await settle(cancel);
    expect(error).toBeInstanceOf(CancelNotAppliedError);
    expect(error).toMatchObject({
      code: 'CANCEL_NOT_APPLIED',
      op: 'spot.sync_cancel',
      requestId: cancel.id,
      // Named by the order the exchange showed.
      clientOid: placed.data.clientOid,
      order: { status: 'open', orderId: placed.data.orderId },
    });
    expect((error as CancelNotAppliedError).cause).toBeInstanceOf(DisconnectedError);
    // Looked up twice (the grace between), never re-sent.
    expect(answered()).toBe(2);
    expect(sim.exchange.ledger(placed.data.clientOid)?.status).toBe('open');
    expect(framesFor(sim, cancel.id)).toBe(1);
  });

  it('an orderId the exchange does not know: CancelNotAppliedError with no order', async () => {
    const sim = await h.sim();
    const client = reconciling(sim);
    await client.connect('wsApiFuturesV1');
    sim.faults.pause();
    const cancel = client.cancelFuturesOrder({ orderId: 'never-placed-0001' });
    await until(() => framesFor(sim, cancel.id) === 1, 'the gateway received the cancel');
    sim.faults.dropSessions({ kind: 'wsapi' });
    const error = await settle(cancel);
    expect(error).toBeInstanceOf(CancelNotAppliedError);
    expect(error).toMatchObject({ op: 'futures.cancel', order: null });
    expect(framesFor(sim, cancel.id)).toBe(1);
  });

  it('REST unreachable: the original outcome-unknown error, the REST failure as cause', async () => {
    const sim = await h.sim();
    const client = reconciling(sim);
    const placed = await client.submitNewSpotOrder(limitBuy());
    sim.faults.delay(30_000);
    sim.faults.restDown(true);
    const cancel = client.cancelSpotOrder({ symbol: 'BTC-USDT', orderId: placed.data.orderId });
    await until(
      () => sim.exchange.ledger(placed.data.clientOid)?.status === 'done',
      'the order was canceled',
    );
    sim.faults.dropSessions({ kind: 'wsapi' });
    const error = await settle(cancel);
    expect(error).toBeInstanceOf(DisconnectedError);
    expect(error).toMatchObject({ code: 'DISCONNECTED', op: 'spot.cancel', requestId: cancel.id });
    const cause = (error as DisconnectedError).cause;
    expect(cause).toBeInstanceOf(GatewayError);
    expect(cause).toMatchObject({ op: 'lookupOrder', code: '503000' });
    expect(framesFor(sim, cancel.id)).toBe(1);
  });

  it('without reconcile a lost cancel by orderId stays outcome unknown, and nothing is looked up', async () => {
    const sim = await h.sim();
    const { fetch, answered } = countingFetch();
    const client = h.client(sim, { restBaseUrl: sim.restUrl, fetch, requestTimeoutMs: 300 });
    await client.connect(); // the 300 ms are for the cancel's answer, not for connecting
    const placed = await client.submitNewSpotOrder(limitBuy());
    sim.faults.delay(30_000);
    const error = await settle(client.cancelSpotOrder({ symbol: 'BTC-USDT', orderId: placed.data.orderId }));
    expect(error).toBeInstanceOf(TimeoutError);
    expect((error as TimeoutError).sent).toBe(true);
    expect(answered()).toBe(0);
  });
});

describe('reconcile: true, futures.multi_cancel', () => {
  it('answer delayed, then dropped: each named order looked up, the answer built item by item, sent once', async () => {
    const sim = await h.sim();
    const { fetch, answered } = countingFetch();
    const client = reconciling(sim, { fetch });
    const byId = await client.submitFuturesOrder(futuresBuy());
    const byOid = await client.submitFuturesOrder(futuresBuy({ price: '20001' }));
    sim.faults.delay(30_000);
    const cancel = client.cancelMultipleFuturesOrders({
      orderIdsList: [byId.data.orderId, 'never-placed-0001'],
      clientOidsList: [{ symbol: 'XBTUSDTM', clientOid: byOid.data.clientOid }],
    });
    await until(
      () =>
        sim.exchange.ledger(byId.data.clientOid)?.status === 'done' &&
        sim.exchange.ledger(byOid.data.clientOid)?.status === 'done',
      'both orders were canceled',
    );
    const looked = answered();
    sim.faults.dropSessions({ kind: 'wsapi' });
    const response = await cancel;
    expect(response).toMatchObject({
      id: cancel.id,
      op: 'futures.multi_cancel',
      code: '200000',
      wsKey: 'wsApiFuturesV1',
      isWSAPIResponse: true,
      reconciled: true,
    });
    // The gateway's shape, in its order: the orderIds, then the clientOids.
    expect(response.data).toEqual([
      { orderId: byId.data.orderId, clientOid: byId.data.clientOid, code: '200000', msg: '' },
      {
        orderId: 'never-placed-0001',
        clientOid: null,
        code: 'CANCEL_NOT_APPLIED',
        msg: 'the answer was lost and the exchange has no such order: nothing was canceled',
      },
      { orderId: byOid.data.orderId, clientOid: byOid.data.clientOid, code: '200000', msg: '' },
    ]);
    // Three lookups, then the unknown orderId once more after the grace.
    expect(answered() - looked).toBe(4);
    expect(framesFor(sim, cancel.id)).toBe(1);
  });

  it('swallowed by pause(), then dropped: every item CANCEL_NOT_APPLIED, the orders still open', async () => {
    const sim = await h.sim();
    const client = reconciling(sim);
    const a = await client.submitFuturesOrder(futuresBuy());
    const b = await client.submitFuturesOrder(futuresBuy({ price: '20001' }));
    sim.faults.pause();
    const cancel = client.cancelMultipleFuturesOrders({
      clientOidsList: [
        { symbol: 'XBTUSDTM', clientOid: a.data.clientOid },
        { symbol: 'XBTUSDTM', clientOid: b.data.clientOid },
      ],
    });
    await until(() => framesFor(sim, cancel.id) === 1, 'the gateway received the cancel');
    sim.faults.dropSessions({ kind: 'wsapi' });
    const response = await cancel;
    expect(response.reconciled).toBe(true);
    expect(response.data).toEqual(
      [a, b].map((placed) => ({
        orderId: placed.data.orderId,
        clientOid: placed.data.clientOid,
        code: 'CANCEL_NOT_APPLIED',
        msg: 'the answer was lost and the order is still open: not canceled',
      })),
    );
    expect(sim.exchange.ledger(a.data.clientOid)?.status).toBe('open');
    expect(sim.exchange.ledger(b.data.clientOid)?.status).toBe('open');
    expect(framesFor(sim, cancel.id)).toBe(1);
  });

  it('REST unreachable: the original outcome-unknown error, the REST failure as cause', async () => {
    const sim = await h.sim();
    const client = reconciling(sim);
    const placed = await client.submitFuturesOrder(futuresBuy());
    sim.faults.delay(30_000);
    sim.faults.restDown(true);
    const cancel = client.cancelMultipleFuturesOrders({ orderIdsList: [placed.data.orderId] });
    await until(
      () => sim.exchange.ledger(placed.data.clientOid)?.status === 'done',
      'the order was canceled',
    );
    sim.faults.dropSessions({ kind: 'wsapi' });
    const error = await settle(cancel);
    expect(error).toBeInstanceOf(DisconnectedError);
    expect(error).toMatchObject({ code: 'DISCONNECTED', op: 'futures.multi_cancel', requestId: cancel.id });
    expect((error as DisconnectedError).cause).toMatchObject({ op: 'lookupOrder', code: '503000' });
    expect(framesFor(sim, cancel.id)).toBe(1);
  });
});

describe('reconcile: true, spot.modify', () => {
  /** Waits until the ledger's latest order with `clientOid` is not `orderId` any more (the replacement). */
  const replaced = (sim: Simulator, clientOid: string, orderId: string): Promise<void> =>
    until(() => {
      const entry = sim.exchange.ledger(clientOid);
      return entry !== undefined && entry.orderId !== orderId;
    }, 'the modify placed its replacement');

  it('by orderId, answer delayed then dropped: resolves reconciled with the replacement, and updates$ follows it', async () => {
    const sim = await h.sim();
    const { fetch, answered } = countingFetch();
    const client = reconciling(sim, { fetch });
    const placed = await client.submitNewSpotOrder(limitBuy());
    sim.faults.delay(30_000);
    const modify = client.modifySpotOrder({
      symbol: 'BTC-USDT',
      orderId: placed.data.orderId,
      newPrice: '20001',
      newSize: '0.0002',
    });
    await replaced(sim, placed.data.clientOid, placed.data.orderId);
    const looked = answered();
    sim.faults.dropSessions({ kind: 'wsapi' });
    // The reconnect's handshake is not held back (see the next test).
    sim.faults.delay(0);
    const response = await modify;
    const replacement = sim.exchange.ledger(placed.data.clientOid);
    expect(response).toEqual({
      id: modify.id,
      op: 'spot.modify',
      code: '200000',
      data: { newOrderId: replacement?.orderId, clientOid: placed.data.clientOid },
      inTime: expect.any(Number),
      outTime: expect.any(Number),
      wsKey: 'wsApiSpotV1',
      isWSAPIResponse: true,
      reconciled: true,
    });
    expect(response.data.newOrderId).not.toBe(placed.data.orderId);
    // The named order by its orderId, then the latest by clientOid.
    expect(answered() - looked).toBe(2);
    expect(framesFor(sim, modify.id)).toBe(1);
    // updates$ follows the replacement to its end.
    sim.faults.reset();
    const events = lastValueFrom(modify.updates$.pipe(toArray()));
    await client.cancelSpotOrder({ symbol: 'BTC-USDT', orderId: response.data.newOrderId });
    const seen = await events;
    expect(seen.at(-1)).toMatchObject({ type: 'canceled', orderId: response.data.newOrderId });
    expect(seen.every((u) => u.orderId === response.data.newOrderId)).toBe(true);
  });

  it('by clientOid with orderUpdates: the tracked order’s orderId tells the replacement apart; updates$ follows it', async () => {
    const sim = await h.sim();
    const client = reconciling(sim, { orderUpdates: true });
    const placed = await client.submitNewSpotOrder(limitBuy());
    sim.faults.delay(30_000);
    const modify = client.modifySpotOrder({
      symbol: 'BTC-USDT',
      clientOid: placed.data.clientOid,
      newPrice: '20002',
    });
    const events = lastValueFrom(modify.updates$.pipe(toArray()));
    await replaced(sim, placed.data.clientOid, placed.data.orderId);
    sim.faults.dropSessions({ kind: 'wsapi' });
    // The reconnect's handshake is not held back: under the 30 s delay it would time out after
    // 10 s, and the cancel below would wait for the attempt after it (longer than its timeout).
    sim.faults.delay(0);
    const response = await modify;
    const newOrderId = sim.exchange.ledger(placed.data.clientOid)?.orderId;
    expect(response).toMatchObject({
      reconciled: true,
      data: { newOrderId, clientOid: placed.data.clientOid },
    });
    expect(framesFor(sim, modify.id)).toBe(1);
    // The push socket's frames were held back too: a fresh push session (resubscribed, gaps
    // looked up) instead of waiting for its heartbeat to notice.
    sim.faults.reset();
    sim.faults.dropSessions({ kind: 'push' });
    await client.cancelSpotOrder({ symbol: 'BTC-USDT', clientOid: placed.data.clientOid });
    const seen = await events;
    expect(seen.at(-1)).toMatchObject({ type: 'canceled', orderId: newOrderId, price: '20002' });
    expect(seen.every((u) => u.orderId === newOrderId)).toBe(true);
  });

  it('by orderId, swallowed by pause(), then dropped: ModifyNotAppliedError, the order open as it was', async () => {
    const sim = await h.sim();
    const { fetch, answered } = countingFetch();
    const client = reconciling(sim, { fetch });
    const placed = await client.submitNewSpotOrder(limitBuy());
    sim.faults.pause();
    const modify = client.modifySpotOrder({
      symbol: 'BTC-USDT',
      orderId: placed.data.orderId,
      newPrice: '20001',
    });
    await until(() => framesFor(sim, modify.id) === 1, 'the gateway received the modify');
    const looked = answered();
    sim.faults.dropSessions({ kind: 'wsapi' });
    const error = await settle(modify);
    expect(error).toBeInstanceOf(ModifyNotAppliedError);
    expect(error).toMatchObject({
      code: 'MODIFY_NOT_APPLIED',
      op: 'spot.modify',
      requestId: modify.id,
      clientOid: placed.data.clientOid,
      msg: 'the answer was lost and the order is still open as it was: not modified',
      order: { orderId: placed.data.orderId, status: 'open', price: '20000' },
    });
    expect((error as ModifyNotAppliedError).cause).toBeInstanceOf(DisconnectedError);
    // Looked up twice (the grace between), never re-sent.
    expect(answered() - looked).toBe(2);
    expect(sim.exchange.ledger(placed.data.clientOid)).toMatchObject({
      orderId: placed.data.orderId,
      status: 'open',
    });
    expect(framesFor(sim, modify.id)).toBe(1);
  });

  it('a replacement the exchange refused: ModifyNotAppliedError, the order canceled with no replacement', async () => {
    const sim = await h.sim();
    const client = reconciling(sim);
    const placed = await client.submitNewSpotOrder(limitBuy());
    sim.faults.delay(30_000);
    // Far beyond the account's balance: the exchange cancels the order, then refuses its replacement.
    const modify = client.modifySpotOrder({
      symbol: 'BTC-USDT',
      orderId: placed.data.orderId,
      newSize: '1000',
    });
    await until(
      () => sim.exchange.ledger(placed.data.clientOid)?.status === 'done',
      'the modify canceled the order',
    );
    sim.faults.dropSessions({ kind: 'wsapi' });
    const error = await settle(modify);
    expect(error).toBeInstanceOf(ModifyNotAppliedError);
    expect(error).toMatchObject({
      msg: 'the answer was lost and the order is canceled with no replacement order: nothing was placed',
      order: { orderId: placed.data.orderId, status: 'done', canceled: true },
    });
    expect(sim.exchange.ledger(placed.data.clientOid)?.orderId).toBe(placed.data.orderId);
    expect(framesFor(sim, modify.id)).toBe(1);
  });

  it('by clientOid of an order the client does not track: stays outcome unknown, the cause says why', async () => {
    const sim = await h.sim();
    const client = reconciling(sim);
    const placed = await client.submitNewSpotOrder(limitBuy());
    sim.faults.delay(30_000);
    const modify = client.modifySpotOrder({
      symbol: 'BTC-USDT',
      clientOid: placed.data.clientOid,
      newPrice: '20001',
    });
    await replaced(sim, placed.data.clientOid, placed.data.orderId);
    sim.faults.dropSessions({ kind: 'wsapi' });
    const error = await settle(modify);
    expect(error).toBeInstanceOf(DisconnectedError);
    expect(error).toMatchObject({ op: 'spot.modify', clientOid: placed.data.clientOid });
    expect(String((error as DisconnectedError).cause)).toMatch(/cannot be told from its replacement/);
    expect(framesFor(sim, modify.id)).toBe(1);
  });
});
