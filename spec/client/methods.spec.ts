/** All eleven methods on both connections, with every envelope field kucoin-api documents. */
import type { WebsocketAPIClient, WSAPIResponse, WSAPIWsKey } from '../../src';
import { futuresBuy, limitBuy, useHarness } from './harness';

const h = useHarness();

function expectEnvelope(r: WSAPIResponse<unknown>, op: string, wsKey: WSAPIWsKey): void {
  expect(r).toEqual(
    expect.objectContaining({
      id: expect.any(String),
      op,
      code: '200000',
      inTime: expect.any(Number),
      outTime: expect.any(Number),
      rateLimit: { limit: expect.any(Number), reset: expect.any(Number), remaining: expect.any(Number) },
      wsKey,
      isWSAPIResponse: true,
    }),
  );
  expect(r.data).toBeDefined();
  expect(r.outTime).toBeGreaterThanOrEqual(r.inTime);
}

/** Runs every method once on `wsKey` (or each method's default when undefined). */
async function everyMethod(client: WebsocketAPIClient, wsKey: WSAPIWsKey | undefined) {
  const out: Array<[string, WSAPIResponse<unknown>]> = [];
  const spot = await client.submitNewSpotOrder(limitBuy(), wsKey);
  out.push(['spot.order', spot]);
  out.push(['spot.sync_order', await client.submitSyncSpotOrder(limitBuy(), wsKey)]);
  const modified = await client.modifySpotOrder(
    { symbol: 'BTC-USDT', orderId: spot.data.orderId, newPrice: '19000' },
    wsKey,
  );
  out.push(['spot.modify', modified]);
  out.push([
    'spot.cancel',
    await client.cancelSpotOrder({ symbol: 'BTC-USDT', orderId: modified.data.newOrderId }, wsKey),
  ]);
  const another = await client.submitNewSpotOrder(limitBuy(), wsKey);
  out.push([
    'spot.sync_cancel',
    await client.cancelSyncSpotOrder({ symbol: 'BTC-USDT', clientOid: another.data.clientOid }, wsKey),
  ]);
  const margin = await client.submitMarginOrder(
    { side: 'buy', symbol: 'BTC-USDT', price: '19000', size: '0.0001' },
    wsKey,
  );
  out.push(['margin.order', margin]);
  out.push([
    'margin.cancel',
    await client.cancelMarginOrder({ symbol: 'BTC-USDT', orderId: margin.data.orderId }, wsKey),
  ]);
  const fut = await client.submitFuturesOrder(futuresBuy(), wsKey);
  out.push(['futures.order', fut]);
  out.push(['futures.cancel', await client.cancelFuturesOrder({ orderId: fut.data.orderId }, wsKey)]);
  const multi = await client.submitMultipleFuturesOrders(
    [futuresBuy(), futuresBuy({ price: '19000' })],
    wsKey,
  );
  out.push(['futures.multi_order', multi]);
  out.push([
    'futures.multi_cancel',
    await client.cancelMultipleFuturesOrders(
      { clientOidsList: multi.data.map((o) => ({ symbol: 'XBTUSDTM', clientOid: o.clientOid })) },
      wsKey,
    ),
  ]);
  return { out, spot, margin, fut, multi };
}

describe('all eleven methods', () => {
  it('use their default connections: spot and margin on wsApiSpotV1, futures on wsApiFuturesV1', async () => {
    const { client, sim } = await h.start();
    const { out, multi } = await everyMethod(client, undefined);
    expect(out.map(([op]) => op)).toHaveLength(11);
    for (const [op, r] of out)
      expectEnvelope(r, op, op.startsWith('futures.') ? 'wsApiFuturesV1' : 'wsApiSpotV1');
    // Two connections, one per wsKey.
    expect(sim.sessions().filter((s) => s.state === 'ready')).toHaveLength(2);
    expect(multi.data).toHaveLength(2);
    for (const item of multi.data) expect(item.code).toBe('200000');
  });

  it.each(['wsApiSpotV1', 'wsApiFuturesV1'] as const)('all run on an explicit wsKey %s', async (wsKey) => {
    const { client, sim } = await h.start();
    const { out } = await everyMethod(client, wsKey);
    for (const [op, r] of out) expectEnvelope(r, op, wsKey);
    // Everything went through one connection.
    expect(sim.sessions()).toHaveLength(1);
    expect(client.stateOf(wsKey === 'wsApiSpotV1' ? 'wsApiFuturesV1' : 'wsApiSpotV1').status).toBe('idle');
  });

  it('fills in the clientOid of orders (and of each order of a batch) and returns it', async () => {
    const { client, sim } = await h.start();
    const call = client.submitNewSpotOrder(limitBuy());
    expect(call.clientOid).toMatch(/^[0-9a-f-]{36}$/);
    const r = await call;
    expect(r.data.clientOid).toBe(call.clientOid);
    expect(sim.exchange.ledger(call.clientOid!)?.orderId).toBe(r.data.orderId);

    const batch = client.submitMultipleFuturesOrders([futuresBuy(), futuresBuy({ clientOid: 'mine-1' })]);
    expect(batch.clientOids).toEqual([expect.stringMatching(/^[0-9a-f-]{36}$/), 'mine-1']);
    const b = await batch;
    expect(b.data.map((i) => i.clientOid)).toEqual(batch.clientOids);
  });

  it('request() takes a method name or an op name', async () => {
    const { client } = await h.start();
    const a = await client.request('submitNewSpotOrder', limitBuy());
    const b = await client.request('spot.order', limitBuy());
    expect([a.op, b.op]).toEqual(['spot.order', 'spot.order']);
    await expect(client.request('spot.nothing' as never, {} as never)).rejects.toMatchObject({
      name: 'ValidationError',
      issues: [{ field: 'op', rule: expect.stringMatching(/unknown operation/) }],
    });
    await expect(client.submitNewSpotOrder(limitBuy(), 'nope' as never)).rejects.toMatchObject({
      name: 'ValidationError',
      issues: [{ field: 'wsKey', rule: expect.any(String) }],
    });
  });

  it('a gateway error code rejects with GatewayError carrying code, msg and the envelope', async () => {
    const { client } = await h.start();
    const call = client.cancelSpotOrder({ symbol: 'BTC-USDT', orderId: 'no-such-order' });
    const error = await call.then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error).toMatchObject({
      name: 'GatewayError',
      op: 'spot.cancel',
      requestId: call.id,
      response: { id: call.id, isWSAPIResponse: true, wsKey: 'wsApiSpotV1' },
    });
    const e = error as import('../../src').GatewayError;
    expect(e.code).not.toBe('200000');
    expect(e.message).toContain(e.code);
  });
});
