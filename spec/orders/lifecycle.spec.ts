/**
 * An order's whole life through `call.updates$`, against the simulator on 127.0.0.1 with the
 * real push channel: a resting order until canceled, a taker's matches summing to its dealSize,
 * futures, a batch, a modify; and a fill that happens while the push socket is down (and
 * reconnects are refused) still completes `updates$`, from REST.
 */
import { filter, firstValueFrom, timer } from 'rxjs';
import type { OrderUpdate } from '../../src';
import { demoAccount } from '../../src/simulator';
import { allUpdates, futuresBuy, limitBuy, useHarness } from '../client/harness';
import { decimalSum } from '../support/decimal';
import { bob } from '../simulator/rest-client';

const h = useHarness();

const tracking = h.tracking;

const all = allUpdates;
const types = (updates: readonly OrderUpdate[]): string[] => updates.map((u) => u.type);

const sum = decimalSum;

/** Modifies order `orderId` by orderId to a price that crosses the book: its new orderId and `updates$`'s events. */
async function modifyToCrossing(
  client: Awaited<ReturnType<typeof tracking>>,
  orderId: string,
): Promise<{ newOrderId: string; seen: OrderUpdate[] }> {
  const modify = client.modifySpotOrder({ symbol: 'BTC-USDT', orderId, newPrice: '31000' });
  const { newOrderId } = (await modify).data;
  return { newOrderId, seen: await all(modify.updates$) };
}

describe('call.updates$: an order from placement to its terminal event', () => {
  it('a resting order: received, open … canceled, then completes; late subscribers get the replay', async () => {
    const sim = await h.sim();
    const client = await tracking(sim);
    const call = client.submitNewSpotOrder(limitBuy());
    const placed = await call;
    const events = all(call.updates$);
    await firstValueFrom(call.updates$.pipe(filter((u) => u.type === 'open')));
    await client.cancelSpotOrder({ symbol: 'BTC-USDT', orderId: placed.data.orderId });
    const seen = await events;
    expect(types(seen)).toEqual(['received', 'open', 'canceled']);
    expect(seen.every((u) => u.orderId === placed.data.orderId && u.source === 'push')).toBe(true);
    expect(seen.at(-1)).toMatchObject({ status: 'done', canceledSize: '0.0001' });
    expect(await all(call.updates$)).toEqual(seen);
  });

  it('a taker: its matches sum to the ledger’s dealSize, then filled', async () => {
    const sim = await h.sim();
    const client = await tracking(sim);
    const call = client.submitNewSpotOrder({ side: 'buy', symbol: 'BTC-USDT', type: 'market', size: '2' });
    const seen = await all(call.updates$);
    const entry = sim.exchange.ledger(call.clientOid as string);
    expect(entry?.status).toBe('done');
    const matches = seen.filter((u) => u.type === 'match');
    expect(matches.length).toBeGreaterThan(1);
    expect(sum(matches.map((u) => u.matchSize as string))).toBe(entry?.dealSize);
    expect(seen.at(-1)).toMatchObject({ type: 'filled', status: 'done', filledSize: entry?.dealSize });
    expect(seen.every((u) => u.source === 'push')).toBe(true);
  });

  it('futures: open … canceled on the futures topic', async () => {
    const sim = await h.sim();
    const client = await tracking(sim, {}, ['pushFutures']);
    const call = client.submitFuturesOrder(futuresBuy());
    const placed = await call;
    const events = all(call.updates$);
    await firstValueFrom(call.updates$.pipe(filter((u) => u.type === 'open')));
    await client.cancelFuturesOrder({ orderId: placed.data.orderId });
    const seen = await events;
    expect(types(seen)).toEqual(['open', 'canceled']);
    expect(seen.every((u) => u.market === 'futures' && u.topic === '/contractMarket/tradeOrders')).toBe(true);
  });

  it('futures.multi_order: every placed order’s events, merged; a refused one has none', async () => {
    const sim = await h.sim();
    const client = await tracking(sim, {}, ['pushFutures']);
    const call = client.submitMultipleFuturesOrders([
      futuresBuy(),
      futuresBuy({ size: 10_000_000 }),
      { side: 'buy', symbol: 'XBTUSDTM', type: 'market', size: 2, leverage: 5 },
    ]);
    const items = (await call).data;
    expect(items.map((i) => i.code === '200000')).toEqual([true, false, true]);
    const events = all(call.updates$);
    await firstValueFrom(
      call.updates$.pipe(filter((u) => u.clientOid === items[0]?.clientOid && u.type === 'open')),
    );
    await client.cancelFuturesOrder({ orderId: items[0]?.orderId as string });
    const seen = await events;
    const [resting, , taker] = items;
    expect(types(seen.filter((u) => u.clientOid === resting?.clientOid))).toEqual(['open', 'canceled']);
    expect(seen.filter((u) => u.clientOid === taker?.clientOid).at(-1)).toMatchObject({ type: 'filled' });
    expect(seen.some((u) => u.clientOid === items[1]?.clientOid)).toBe(false);
  });

  it('spot.modify: the new order’s events, not the replaced one’s', async () => {
    const sim = await h.sim();
    const client = await tracking(sim);
    const placed = await client.submitNewSpotOrder(limitBuy());
    const modify = client.modifySpotOrder({
      symbol: 'BTC-USDT',
      clientOid: placed.data.clientOid,
      newPrice: '20001',
    });
    const { newOrderId } = (await modify).data;
    const events = all(modify.updates$);
    await firstValueFrom(modify.updates$.pipe(filter((u) => u.type === 'open')));
    await client.cancelSpotOrder({ symbol: 'BTC-USDT', orderId: newOrderId });
    const seen = await events;
    expect(types(seen)).toEqual(['received', 'open', 'canceled']);
    expect(seen.every((u) => u.orderId === newOrderId && u.price === '20001')).toBe(true);
  });

  it('spot.modify by orderId to a crossing price: updates$ has the new order’s push events, match prices included', async () => {
    const sim = await h.sim();
    const client = await tracking(sim);
    const placed = await client.submitNewSpotOrder(limitBuy());
    // The tracker follows the placed order, so it knows the clientOid the replacement keeps:
    // the replacement's push events that come before the modify's answer are buffered by it.
    const { newOrderId, seen } = await modifyToCrossing(client, placed.data.orderId);
    expect(seen.at(-1)).toMatchObject({ type: 'filled', orderId: newOrderId });
    expect(seen.every((u) => u.orderId === newOrderId && u.source === 'push')).toBe(true);
    expect(types(seen)[0]).toBe('received');
    const matches = seen.filter((u) => u.type === 'match');
    expect(matches.length).toBeGreaterThan(0);
    for (const m of matches)
      expect(m).toMatchObject({ matchPrice: expect.any(String), tradeId: expect.any(String) });
    expect(sim.exchange.ledger(placed.data.clientOid)).toMatchObject({ orderId: newOrderId, status: 'done' });
  });

  it('spot.modify by orderId of an order this client never followed: updates$ still ends with the fill (looked up over REST)', async () => {
    const sim = await h.sim();
    const other = h.client(sim);
    const placed = await other.submitNewSpotOrder(limitBuy());
    const client = await tracking(sim);
    const { newOrderId, seen } = await modifyToCrossing(client, placed.data.orderId);
    expect(seen.at(-1)).toMatchObject({ type: 'filled', orderId: newOrderId });
    expect(sim.exchange.ledger(placed.data.clientOid)).toMatchObject({ orderId: newOrderId, status: 'done' });
  });

  it('a GTT order on an otherwise idle simulator: canceled when its cancelAfter has passed, updates$ ends with it', async () => {
    const sim = await h.sim();
    const client = await tracking(sim);
    const call = client.submitNewSpotOrder(limitBuy({ timeInForce: 'GTT', cancelAfter: 1 }));
    const placed = await call;
    // Nothing else is asked of the simulator: the expiry is its own.
    const seen = await all(call.updates$);
    expect(types(seen)).toEqual(['received', 'open', 'canceled']);
    expect(seen.at(-1)).toMatchObject({ source: 'push', orderId: placed.data.orderId, status: 'done' });
    expect(sim.exchange.ledger(placed.data.clientOid)).toMatchObject({ status: 'done' });
  });

  it('a GTT order that comes due while the gateway is paused: nothing changes until resume(), then it is canceled', async () => {
    const sim = await h.sim();
    const client = await tracking(sim);
    const call = client.submitNewSpotOrder(limitBuy({ timeInForce: 'GTT', cancelAfter: 1 }));
    const placed = await call;
    const events = all(call.updates$);
    await firstValueFrom(call.updates$.pipe(filter((u) => u.type === 'open')));
    sim.faults.pause();
    // The scenario needs its expiry to come due during the pause: time passing, not a wait for
    // something to happen (a paused gateway changes nothing, so there is nothing to wait for).
    await firstValueFrom(timer(1_500));
    expect(sim.exchange.ledger(placed.data.clientOid)?.status).toBe('open');
    sim.faults.resume();
    const seen = await events;
    expect(types(seen)).toEqual(['received', 'open', 'canceled']);
    expect(sim.exchange.ledger(placed.data.clientOid)?.status).toBe('done');
  });

  it('without orderUpdates: tracking starts at subscription, and what it missed comes from REST', async () => {
    const sim = await h.sim();
    const client = h.client(sim, { restBaseUrl: sim.restUrl, futuresRestBaseUrl: sim.restUrl });
    const call = client.submitNewSpotOrder(limitBuy());
    const placed = await call;
    const events = all(call.updates$);
    const first = await firstValueFrom(call.updates$);
    expect(first).toMatchObject({ type: 'open', source: 'rest', orderId: placed.data.orderId });
    await firstValueFrom(client.stateOf$('pushSpot').pipe(filter((s) => s.status === 'ready')));
    await client.cancelSpotOrder({ symbol: 'BTC-USDT', orderId: placed.data.orderId });
    const seen = await events;
    expect(seen.at(-1)).toMatchObject({ type: 'canceled', status: 'done' });
  });

  it('a failed call: updates$ errors with the same error', async () => {
    const sim = await h.sim();
    const client = await tracking(sim);
    const call = client.submitNewSpotOrder(limitBuy({ price: '1.23456' }));
    const error = await call.then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error).toBeDefined();
    await expect(all(call.updates$)).rejects.toBe(error);
    // Invalid input: nothing sent, and updates$ says why.
    const invalid = client.submitNewSpotOrder({ ...limitBuy(), side: 'up' as never });
    await expect(all(invalid.updates$)).rejects.toMatchObject({ code: 'VALIDATION_FAILED' });
    // A cancel places nothing: once it settles, updates$ says so.
    const placed = await client.submitNewSpotOrder(limitBuy());
    const cancel = client.cancelSpotOrder({ symbol: 'BTC-USDT', orderId: placed.data.orderId });
    await expect(all(cancel.updates$)).rejects.toThrow(TypeError);
  });
});

describe('gaps in the push channel are filled over REST', () => {
  it('a fill while the push socket is down and reconnects are refused still completes updates$, from REST', async () => {
    const sim = await h.sim({ accounts: [demoAccount(1), bob] });
    const alice = await tracking(sim);
    const bobClient = h.client(sim, {
      apiKey: bob.apiKey,
      apiSecret: bob.apiSecret,
      apiPassphrase: bob.apiPassphrase,
    });
    await bobClient.connect();
    // Alice's sell rests at the top of the book (the seeded asks start above 30000).
    const call = alice.submitNewSpotOrder({
      side: 'sell',
      symbol: 'BTC-USDT',
      type: 'limit',
      price: '30000',
      size: '0.001',
    });
    await call;
    const events = all(call.updates$);
    await firstValueFrom(call.updates$.pipe(filter((u) => u.type === 'open')));
    sim.faults.refuseConnections(true);
    expect(sim.faults.dropSessions({ kind: 'push' })).toBeGreaterThan(0);
    await firstValueFrom(alice.stateOf$('pushSpot').pipe(filter((s) => s.status === 'reconnecting')));
    // Bob's buy crosses it while Alice's push socket is down.
    await bobClient.submitNewSpotOrder({
      side: 'buy',
      symbol: 'BTC-USDT',
      type: 'limit',
      price: '30000',
      size: '0.001',
    });
    expect(sim.exchange.ledger(call.clientOid as string)?.status).toBe('done');
    sim.faults.refuseConnections(false);
    const seen = await events;
    expect(seen.at(-1)).toMatchObject({
      type: 'filled',
      status: 'done',
      source: 'rest',
      filledSize: '0.001',
    });
    expect(seen.filter((u) => u.source === 'rest').map((u) => u.type)).toEqual(['match', 'filled']);
  });
});
