/**
 * Every example of kucoin-api's API page (kucoin-api's WebsocketAPIClient), unchanged but for
 * the constructor (`testnet: true` instead of credentials) and real order ids in place of the
 * page's placeholders. Run it: `npx tsx examples/kucoin-api.ts`.
 */
import { WebsocketAPIClient, WS_KEY_MAP } from 'kucoin-wsapi-rx';

const client = new WebsocketAPIClient({
  // Against KuCoin: apiKey, apiSecret and apiPassphrase. `testnet: true` starts the bundled
  // simulator in-process instead (KuCoin has no public test gateway for this API).
  testnet: true,

  // Optional: disable built-in console event listeners if you want
  // to attach your own via client.getWSClient().on(...)
  // attachEventListeners: false,
});

// submitNewSpotOrder: a limit buy below the market rests on the book.
const response = await client.submitNewSpotOrder({
  side: 'buy',
  symbol: 'BTC-USDT',
  type: 'limit',
  price: '20000',
  size: '0.0001',
});

console.log('Order ID:', response.data.orderId);
console.log('Client OID:', response.data.clientOid);

// The explicit wsKey (usually not required: spot and margin default to wsApiSpotV1).
const params = { side: 'buy', symbol: 'BTC-USDT', type: 'limit', price: '20000', size: '0.0001' } as const;
const wsKeyResponse = await client.submitNewSpotOrder(params, WS_KEY_MAP.wsApiSpotV1);
console.log('Sent over:', wsKeyResponse.wsKey);

// submitSyncSpotOrder: answers after matching, with the order's status and fill.
const syncResponse = await client.submitSyncSpotOrder({
  side: 'buy',
  symbol: 'BTC-USDT',
  type: 'limit',
  price: '20000',
  size: '0.01',
});

console.log('Status:', syncResponse.data.status);
console.log('Filled:', syncResponse.data.dealSize);

// modifySpotOrder: cancel-and-replace of the first order, which gets a new id.
const modifyResponse = await client.modifySpotOrder({
  symbol: 'BTC-USDT',
  orderId: response.data.orderId,
  newPrice: '19500',
});

console.log('New order ID:', modifyResponse.data.newOrderId);

// cancelSpotOrder: the replacement order.
const cancelResponse = await client.cancelSpotOrder({
  symbol: 'BTC-USDT',
  orderId: modifyResponse.data.newOrderId,
});

console.log('Cancelled order ID:', cancelResponse.data.orderId);

// cancelSyncSpotOrder: the sync order, which is still open.
const syncCancel = await client.cancelSyncSpotOrder({
  symbol: 'BTC-USDT',
  orderId: syncResponse.data.orderId,
});

console.log('Remaining size:', syncCancel.data.remainSize);
console.log('Deal size:', syncCancel.data.dealSize);

// submitMarginOrder: a cross-margin limit buy that may borrow what it lacks.
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

console.log('Margin order ID:', marginOrder.data.orderId);
console.log('Borrowed:', marginOrder.data.borrowSize);

// cancelMarginOrder
const cancelMargin = await client.cancelMarginOrder({
  symbol: 'BTC-USDT',
  orderId: marginOrder.data.orderId,
});

console.log('Cancelled:', cancelMargin.data.orderId);

// Tidy up: the wsKey example's order, cancelled by the clientOid the client filled in.
await client.cancelSpotOrder({ symbol: 'BTC-USDT', clientOid: wsKeyResponse.data.clientOid });

// Closing stops the testnet simulator too; without it the process would keep running.
await client.close();
console.log('done');
