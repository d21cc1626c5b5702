import { formatDecimal, mul } from './decimal';
import type { Order } from './order';
import type { OrderView } from './types';

/** An order as the REST lookups describe it, from the engine's current state. */
export function orderView(order: Order): OrderView {
  const futures = order.futures;
  const done = order.status === 'done';
  const unspent = order.funds === undefined ? 0n : order.funds - order.dealFunds;
  return {
    id: order.id,
    clientOid: order.clientOid,
    symbol: order.spec.symbol,
    line: order.line,
    type: order.type,
    side: order.side,
    price: formatDecimal(order.price),
    size: formatDecimal(order.size),
    funds: formatDecimal(order.funds ?? 0n),
    dealSize: formatDecimal(order.dealSize),
    dealFunds: formatDecimal(order.dealFunds),
    canceledSize: formatDecimal(order.canceledSize),
    remainSize: formatDecimal(order.funds !== undefined ? 0n : order.remaining),
    cancelExist: order.canceledSize > 0n || (done && order.fundsReturned),
    cancelledFunds: formatDecimal(done ? unspent : 0n),
    remainFunds: formatDecimal(done ? 0n : unspent),
    timeInForce: order.timeInForce,
    postOnly: order.postOnly,
    hidden: order.hidden,
    iceberg: order.peak !== undefined,
    visibleSize: formatDecimal(order.peak ?? 0n),
    stp: order.stp ?? '',
    status: order.status,
    inOrderBook: order.bookLevel !== undefined,
    createdAt: order.orderTime,
    updatedAt: order.updatedAt,
    cancelAfter: order.expireAt === undefined ? 0 : (order.expireAt - order.orderTime) / 1000,
    isolated: order.line === 'margin' && order.wallet !== order.account.cross,
    ...(futures === undefined
      ? {}
      : {
          leverage: formatDecimal(futures.leverage),
          reduceOnly: futures.reduceOnly,
          closeOrder: futures.closeOrder,
          forceHold: futures.forceHold,
          marginMode: futures.marginMode,
          value: formatDecimal(mul(mul(order.price, order.size), order.spec.multiplier)),
          dealValue: formatDecimal(mul(order.dealFunds, order.spec.multiplier)),
        }),
    settleCurrency: order.spec.quote,
  };
}
