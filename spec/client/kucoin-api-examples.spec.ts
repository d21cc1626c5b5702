/**
 * Every example of kucoin-api's API page (the `kucoin-api` npm package), changed only in credentials and
 * wsBaseUrl, against the simulator: each returns the fields the page documents.
 */
import { WebsocketAPIClient, WS_KEY_MAP } from '../../src';
import { useHarness } from './harness';

const h = useHarness();

async function seedClient() {
  const sim = await h.sim();
  // kucoin-api's constructor, with the simulator's demo credentials and URL.
  const client = new WebsocketAPIClient({
    apiKey: sim.demoAccount.apiKey,
    apiSecret: sim.demoAccount.apiSecret,
    apiPassphrase: sim.demoAccount.apiPassphrase,
    wsBaseUrl: sim.url,
    attachEventListeners: false,
  });
  h.track(client);
  return { sim, client };
}

describe('kucoin-api examples', () => {
  it('submitNewSpotOrder: a limit buy returns orderId and clientOid', async () => {
    const { client, sim } = await seedClient();
    const response = await client.submitNewSpotOrder({
      side: 'buy',
      symbol: 'BTC-USDT',
      type: 'limit',
      price: '20000',
      size: '0.0001',
    });
    expect(typeof response.data.orderId).toBe('string');
    expect(typeof response.data.clientOid).toBe('string');
    expect(response.code).toBe('200000');
    expect(sim.exchange.ledger(response.data.clientOid)?.orderId).toBe(response.data.orderId);
  });

  it('the explicit wsKey example', async () => {
    const { client } = await seedClient();
    const params = {
      side: 'buy',
      symbol: 'BTC-USDT',
      type: 'limit',
      price: '20000',
      size: '0.0001',
    } as const;
    const response = await client.submitNewSpotOrder(params, WS_KEY_MAP.wsApiSpotV1);
    expect(response.wsKey).toBe('wsApiSpotV1');
    expect(response.data.orderId).toEqual(expect.any(String));
  });

  it('submitSyncSpotOrder: status and dealSize', async () => {
    const { client } = await seedClient();
    const syncResponse = await client.submitSyncSpotOrder({
      side: 'buy',
      symbol: 'BTC-USDT',
      type: 'limit',
      price: '20000',
      size: '0.01',
    });
    expect(['open', 'done']).toContain(syncResponse.data.status);
    expect(syncResponse.data).toEqual(
      expect.objectContaining({
        orderId: expect.any(String),
        clientOid: expect.any(String),
        orderTime: expect.any(Number),
        originSize: '0.01',
        dealSize: expect.any(String),
        remainSize: expect.any(String),
        canceledSize: expect.any(String),
        matchTime: expect.any(Number),
      }),
    );
  });

  it('modifySpotOrder: a new order id for an order just created', async () => {
    const { client } = await seedClient();
    const created = await client.submitNewSpotOrder({
      side: 'buy',
      symbol: 'BTC-USDT',
      type: 'limit',
      price: '20000',
      size: '0.0001',
    });
    const modifyResponse = await client.modifySpotOrder({
      symbol: 'BTC-USDT',
      orderId: created.data.orderId,
      newPrice: '19500',
    });
    expect(modifyResponse.data.newOrderId).toEqual(expect.any(String));
    expect(modifyResponse.data.newOrderId).not.toBe(created.data.orderId);
    expect(modifyResponse.data.clientOid).toEqual(expect.any(String));
  });

  it('cancelSpotOrder: the cancelled order id', async () => {
    const { client } = await seedClient();
    const created = await client.submitNewSpotOrder({
      side: 'buy',
      symbol: 'BTC-USDT',
      type: 'limit',
      price: '20000',
      size: '0.0001',
    });
    const cancelResponse = await client.cancelSpotOrder({
      symbol: 'BTC-USDT',
      orderId: created.data.orderId,
    });
    expect(cancelResponse.data.orderId).toBe(created.data.orderId);
  });

  it('cancelSyncSpotOrder: remainSize and dealSize', async () => {
    const { client } = await seedClient();
    const created = await client.submitNewSpotOrder({
      side: 'buy',
      symbol: 'BTC-USDT',
      type: 'limit',
      price: '20000',
      size: '0.0001',
    });
    const syncCancel = await client.cancelSyncSpotOrder({
      symbol: 'BTC-USDT',
      orderId: created.data.orderId,
    });
    expect(syncCancel.data).toEqual(
      expect.objectContaining({
        orderId: created.data.orderId,
        originSize: expect.any(String),
        dealSize: expect.any(String),
        remainSize: expect.any(String),
        canceledSize: expect.any(String),
        status: expect.stringMatching(/^(open|done)$/),
      }),
    );
  });

  it('submitMarginOrder and cancelMarginOrder', async () => {
    const { client } = await seedClient();
    const marginOrder = await client.submitMarginOrder({
      clientOid: 'margin-' + Date.now(),
      side: 'buy',
      symbol: 'BTC-USDT',
      type: 'limit',
      price: '19000',
      size: '0.0001',
      isIsolated: false, // cross margin
      autoBorrow: true,
      autoRepay: true,
    });
    expect(marginOrder.data.orderId).toEqual(expect.any(String));
    expect(marginOrder.data.clientOid).toMatch(/^margin-\d+$/);
    expect('borrowSize' in marginOrder.data).toBe(true);
    const cancelMargin = await client.cancelMarginOrder({
      symbol: 'BTC-USDT',
      orderId: marginOrder.data.orderId,
    });
    expect(cancelMargin.data.orderId).toBe(marginOrder.data.orderId);
  });

  it('the kucoin-api-style client type-checks as Promise<WSAPIResponse<T>>', async () => {
    const { client } = await seedClient();
    // A seed user who annotated the Promise type must still compile (and work).
    const p: Promise<import('../../src').WSAPIResponse<import('../../src').WSAPIOrderResponse>> =
      client.submitNewSpotOrder({
        side: 'buy',
        symbol: 'BTC-USDT',
        type: 'limit',
        price: '20000',
        size: '0.0001',
      });
    await expect(p).resolves.toMatchObject({ isWSAPIResponse: true });
  });
});
