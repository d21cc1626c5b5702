/**
 * What a look at `call.updates$` gives and holds, against the simulator on 127.0.0.1 with the
 * real push channel: a late subscriber's replay of a batch keeps the order the events came in;
 * without `orderUpdates`, a look at a spot order's `updates$` opens the spot push connection
 * only, and holds it until the order has ended.
 */
import { filter, firstValueFrom } from 'rxjs';
import type { OrderUpdate } from '../../src';
import { allUpdates, futuresBuy, limitBuy, useHarness } from '../client/harness';

const h = useHarness();

const all = allUpdates;

describe('call.updates$ of a batch', () => {
  it('a late subscriber gets the events in the order they came, as a live one did', async () => {
    const sim = await h.sim();
    const client = h.client(sim, {
      restBaseUrl: sim.restUrl,
      futuresRestBaseUrl: sim.restUrl,
      orderUpdates: true,
    });
    await client.connect();
    await firstValueFrom(client.stateOf$('pushFutures').pipe(filter((s) => s.status === 'ready')));
    const call = client.submitMultipleFuturesOrders([futuresBuy(), futuresBuy({ price: '20100' })]);
    const live = all(call.updates$);
    const [a, b] = (await call).data.map((item) => item.orderId as string);
    await firstValueFrom(call.updates$.pipe(filter((u) => u.orderId === b && u.type === 'open')));
    await client.cancelFuturesOrder({ orderId: b as string });
    await firstValueFrom(call.updates$.pipe(filter((u) => u.orderId === b && u.type === 'canceled')));
    await client.cancelFuturesOrder({ orderId: a as string });
    const name = (u: OrderUpdate): string => `${u.orderId === a ? 'A' : 'B'}:${u.type}`;
    const seen = (await live).map(name);
    expect(seen).toEqual(['A:open', 'B:open', 'B:canceled', 'A:canceled']);
    expect((await all(call.updates$)).map(name)).toEqual(seen);
  });
});

describe('the push connections a look at updates$ holds', () => {
  it('only the order’s market’s, until the order has ended', async () => {
    const sim = await h.sim();
    const client = h.client(sim, { restBaseUrl: sim.restUrl, futuresRestBaseUrl: sim.restUrl });
    const call = client.submitNewSpotOrder(limitBuy());
    const placed = await call;
    // One look, then the subscriber is gone: tracking goes on, so a later look misses nothing.
    expect(await firstValueFrom(call.updates$)).toMatchObject({ type: 'open', source: 'rest' });
    await firstValueFrom(client.stateOf$('pushSpot').pipe(filter((s) => s.status === 'ready')));
    expect(client.stateOf('pushFutures').status).toBe('idle');
    expect(sim.pushSessions()).toHaveLength(1);
    const events = all(call.updates$);
    await client.cancelSpotOrder({ symbol: 'BTC-USDT', orderId: placed.data.orderId });
    expect((await events).at(-1)).toMatchObject({ type: 'canceled' });
    // The order has ended: nothing holds the spot connection any more.
    await firstValueFrom(client.stateOf$('pushSpot').pipe(filter((s) => s.status === 'idle')));
    expect(client.stateOf('pushFutures').status).toBe('idle');
  });
});
