/**
 * Order events of the private push channel (`orderChange`), made by the engine as an order's
 * state changes. An account nobody listens to costs one property read per change: the event
 * text is only built when the account has a sink.
 */
import { formatDecimal } from './decimal';
import type { Order } from './order';
import type { OrderEventSink, PushMarket } from './types';

/** What an event says about its order, as strings ready for the wire. */
export interface OrderEventFields {
  readonly orderId: string;
  readonly clientOid: string;
  readonly symbol: string;
  readonly side: 'buy' | 'sell';
  readonly orderType: 'limit' | 'market';
  readonly market: PushMarket;
  readonly price: string;
  readonly size: string;
  readonly filledSize: string;
  readonly remainSize: string;
  readonly canceledSize: string;
  /** Market orders by funds only. */
  readonly remainFunds: string | undefined;
  /** ms. */
  readonly orderTime: number;
}

export type OrderEventType = 'received' | 'open' | 'match' | 'update' | 'filled' | 'canceled';

/** What only a match event carries. */
export interface MatchFields {
  readonly matchPrice: string;
  readonly matchSize: string;
  readonly tradeId: string;
  readonly liquidity: 'maker' | 'taker';
}

const NS_PER_MS = 1_000_000;

/**
 * The `data` object of one orderChange message as JSON text. Spot and margin carry
 * `orderTime` in ms; futures carry it in ns. `ts` is in ns for both.
 */
export function orderEventText(
  f: OrderEventFields,
  type: OrderEventType,
  status: string,
  now: number,
  match?: MatchFields,
  oldSize?: string,
): string {
  const futures = f.market === 'futures';
  let text =
    `{"orderId":"${f.orderId}","clientOid":${JSON.stringify(f.clientOid)},"symbol":"${f.symbol}",` +
    `"side":"${f.side}","orderType":"${f.orderType}","type":"${type}","status":"${status}",` +
    `"price":"${f.price}","size":"${f.size}",` +
    (futures ? '' : `"originSize":"${f.size}",`) +
    `"filledSize":"${f.filledSize}","remainSize":"${f.remainSize}","canceledSize":"${f.canceledSize}",` +
    (f.remainFunds === undefined ? '' : `"remainFunds":"${f.remainFunds}",`) +
    `"orderTime":${futures ? f.orderTime * NS_PER_MS : f.orderTime},"ts":${now * NS_PER_MS}`;
  if (match !== undefined) {
    text +=
      `,"matchPrice":"${match.matchPrice}","matchSize":"${match.matchSize}","tradeId":"${match.tradeId}",` +
      `"liquidity":"${match.liquidity}"` +
      (futures ? '' : `,"feeType":"${match.liquidity === 'maker' ? 'makerFee' : 'takerFee'}"`);
  }
  if (oldSize !== undefined) text += `,"oldSize":"${oldSize}"`;
  return text + '}';
}

/** The market an order's events go to: spot and margin share the spot topic. */
const marketOf = (order: Order): PushMarket => (order.line === 'futures' ? 'futures' : 'spot');

/** An order's fields now; `remaining` overrides the order's (a taker's is updated after matching). */
function fieldsOf(order: Order, remaining: bigint = order.remaining): OrderEventFields {
  const byFunds = order.funds !== undefined;
  return {
    orderId: order.id,
    clientOid: order.clientOid,
    symbol: order.spec.symbol,
    side: order.side,
    orderType: order.type,
    market: marketOf(order),
    price: formatDecimal(order.price),
    size: formatDecimal(order.size),
    filledSize: formatDecimal(order.dealSize),
    remainSize: formatDecimal(byFunds ? 0n : remaining),
    canceledSize: formatDecimal(order.canceledSize),
    remainFunds: byFunds ? formatDecimal((order.funds ?? 0n) - order.dealFunds) : undefined,
    orderTime: order.orderTime,
  };
}

function emit(
  sink: OrderEventSink,
  order: Order,
  type: OrderEventType,
  status: string,
  now: number,
  remaining?: bigint,
  match?: MatchFields,
  oldSize?: string,
): void {
  const market = marketOf(order);
  sink(market, orderEventText(fieldsOf(order, remaining), type, status, now, match, oldSize));
}

/** The order entered the engine (spot and margin only: futures have no `received`). */
export function orderReceived(order: Order, now: number): void {
  const sink = order.account.orderEvents;
  if (sink === undefined || order.line === 'futures') return;
  emit(sink, order, 'received', 'new', now);
}

/** The order rests in the book. */
export function orderOpened(order: Order, now: number): void {
  const sink = order.account.orderEvents;
  if (sink === undefined) return;
  emit(sink, order, 'open', 'open', now);
}

/** One trade of the order; `remaining` is its unfilled size after the trade. */
export function orderMatched(
  order: Order,
  price: bigint,
  size: bigint,
  tradeId: number,
  liquidity: 'maker' | 'taker',
  remaining: bigint,
  now: number,
): void {
  const sink = order.account.orderEvents;
  if (sink === undefined) return;
  const match: MatchFields = {
    matchPrice: formatDecimal(price),
    matchSize: formatDecimal(size),
    tradeId: tradeIdText(tradeId),
    liquidity,
  };
  emit(sink, order, 'match', liquidity === 'taker' ? 'match' : 'open', now, remaining, match);
}

/** Self-trade prevention shrank a resting order from `oldSize` (its remaining before). */
export function orderUpdated(order: Order, oldSize: bigint, now: number): void {
  const sink = order.account.orderEvents;
  if (sink === undefined) return;
  emit(sink, order, 'update', 'open', now, undefined, undefined, formatDecimal(oldSize));
}

/** The order is done: `filled` when it ended by trading its last size, else `canceled`. */
export function orderDone(order: Order, filled: boolean, now: number): void {
  const sink = order.account.orderEvents;
  if (sink === undefined) return;
  emit(sink, order, filled ? 'filled' : 'canceled', 'done', now);
}

/** Trade ids look like KuCoin's: a long decimal number, here 10^13 + a per-exchange counter. */
export const tradeIdText = (n: number): string => String(10_000_000_000_000 + n);
