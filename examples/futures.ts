/**
 * Futures over the WS API: a resting limit order, a market order that opens a position and a
 * closeOrder that closes it, a batch whose items succeed or fail one by one, and the three
 * ways to cancel. Futures use their own connection (wsApiFuturesV1), opened on first use.
 * Run it: `npx tsx examples/futures.ts`.
 */
import { WebsocketAPIClient } from 'kucoin-wsapi-rx';

const client = new WebsocketAPIClient({ testnet: true, attachEventListeners: false });
const symbol = 'XBTUSDTM'; // USDT-margined BTC perpetual; size is in lots of 0.001 BTC

// A limit buy below the market rests. No clientOid given: the client fills one in.
const resting = await client.submitFuturesOrder({
  side: 'buy',
  symbol,
  type: 'limit',
  price: '25000',
  size: 1,
  leverage: 5,
});
console.log('Resting order:', resting.data.orderId, 'clientOid', resting.data.clientOid);

// A market buy fills against the book and opens a long position ...
const open = await client.submitFuturesOrder({ side: 'buy', symbol, type: 'market', size: 3, leverage: 10 });
console.log('Market buy:', open.data.orderId);

// ... and closeOrder closes the whole position, whatever its size (side and size come from it).
const close = await client.submitFuturesOrder({ side: 'sell', symbol, type: 'market', closeOrder: true });
console.log('Position closed by:', close.data.orderId);

// A batch of up to 20: each item is answered on its own. The last one is refused, since
// reduceOnly cannot open a position; the others still rest.
const batch = await client.submitMultipleFuturesOrders([
  { clientOid: 'ladder-1', side: 'buy', symbol, type: 'limit', price: '24900', size: 1, leverage: 5 },
  { clientOid: 'ladder-2', side: 'buy', symbol, type: 'limit', price: '24800', size: 1, leverage: 5 },
  { clientOid: 'ladder-3', side: 'sell', symbol, type: 'limit', price: '40000', size: 1, reduceOnly: true },
]);
for (const item of batch.data) {
  console.log(
    `Batch item ${item.clientOid}: ${item.code === '200000' ? item.orderId : `${item.code} ${item.msg}`}`,
  );
}

// Cancel by orderId: the answer lists the cancelled ids.
const byId = await client.cancelFuturesOrder({ orderId: resting.data.orderId });
if ('cancelledOrderIds' in byId.data)
  console.log('Cancelled by orderId:', byId.data.cancelledOrderIds.join(', '));

// Cancel by clientOid (with its symbol): the answer echoes the clientOid.
const byClientOid = await client.cancelFuturesOrder({ clientOid: 'ladder-1', symbol });
if ('clientOid' in byClientOid.data) console.log('Cancelled by clientOid:', byClientOid.data.clientOid);

// Cancel many at once; each item reports its own code (ladder-1 is already gone).
const many = await client.cancelMultipleFuturesOrders({
  clientOidsList: [
    { symbol, clientOid: 'ladder-1' },
    { symbol, clientOid: 'ladder-2' },
  ],
});
for (const item of many.data) console.log(`Multi-cancel ${item.clientOid}: ${item.code}`);

await client.close();
console.log('done');
