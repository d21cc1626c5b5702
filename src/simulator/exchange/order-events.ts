/**
 * Order events of the private push channel (`orderChange`), made by the engine as an order's
 * state changes. An account nobody listens to costs one property read per change: the event
 * text is only built when the account has a sink.
 */
import { formatDecimal } from './decimal';
import type { Order } from './order';
import type { OrderEventSink, PushMarket } from './types';

/** What never changes about an order, as strings ready for the wire. */
export interface OrderEventHead {
  readonly orderId: string;
  readonly clientOid: string;
  readonly symbol: string;
  readonly side: 'buy' | 'sell';
  readonly orderType: 'limit' | 'market';
  readonly market: PushMarket;
  readonly price: string;
  readonly size: string;
  /** ms. */
  readonly orderTime: number;
}

/** What an event says about its order now. */
export interface OrderEventState {
  readonly filledSize: string;
  readonly remainSize: string;
  readonly canceledSize: string;
  /** Market orders by funds only. */
  readonly remainFunds: string | undefined;
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
 * A time in ms as ns text. For a whole number of ms (every clock reading) the digits and six
 * zeros are the same text as `String(ms * 1e6)`, without formatting a double above 2^53,
 * which cost more than the rest of the number's text.
 */
const nsText = (ms: number): string =>
  Number.isInteger(ms) && ms > 0 && ms < 1e15 ? `${ms}000000` : String(ms * NS_PER_MS);

/**
 * The fixed part of an order's events as JSON members (no braces): made once per order and
 * kept, so that each event only formats what changed. Spot and margin carry `orderTime` in
 * ms and `originSize`; futures carry `orderTime` in ns.
 */
export function eventHeadText(h: OrderEventHead): string {
  const futures = h.market === 'futures';
  return (
    `"orderId":"${h.orderId}","clientOid":${JSON.stringify(h.clientOid)},"symbol":"${h.symbol}",` +
    `"side":"${h.side}","orderType":"${h.orderType}","price":"${h.price}","size":"${h.size}",` +
    (futures ? '' : `"originSize":"${h.size}",`) +
    `"orderTime":${futures ? nsText(h.orderTime) : h.orderTime}`
  );
}

/** The sizes of an event as JSON members, with a trailing comma. */
export function eventStateText(st: OrderEventState): string {
  return (
    `"filledSize":"${st.filledSize}","remainSize":"${st.remainSize}","canceledSize":"${st.canceledSize}",` +
    (st.remainFunds === undefined ? '' : `"remainFunds":"${st.remainFunds}",`)
  );
}

/** The `data` object of one orderChange message as JSON text; `ts` is in ns. */
export function orderEventText(
  headText: string,
  market: PushMarket,
  type: OrderEventType,
  status: string,
  st: OrderEventState,
  now: number,
  match?: MatchFields,
  oldSize?: string,
): string {
  return eventText(headText, market, type, status, eventStateText(st), now, match, oldSize);
}

/** orderEventText with the sizes already as text (eventStateText). */
function eventText(
  headText: string,
  market: PushMarket,
  type: OrderEventType,
  status: string,
  stateText: string,
  now: number,
  match?: MatchFields,
  oldSize?: string,
): string {
  let text = `{"type":"${type}","status":"${status}",${headText},${stateText}"ts":${nsText(now)}`;
  if (match !== undefined) {
    text +=
      `,"matchPrice":"${match.matchPrice}","matchSize":"${match.matchSize}","tradeId":"${match.tradeId}",` +
      `"liquidity":"${match.liquidity}"` +
      (market === 'futures' ? '' : `,"feeType":"${match.liquidity === 'maker' ? 'makerFee' : 'takerFee'}"`);
  }
  if (oldSize !== undefined) text += `,"oldSize":"${oldSize}"`;
  return text + '}';
}

/** The market an order's events go to: spot and margin share the spot topic. */
const marketOf = (order: Order): PushMarket => (order.line === 'futures' ? 'futures' : 'spot');

/**
 * The order's fixed event text. An order's events mostly come in a row (received then open;
 * a taker's matches then its end), so the account keeps the last order's text for the next
 * event. Only that one is kept: a string per resting order would be promoted to the old
 * generation and cost every GC.
 */
function headOf(order: Order): string {
  const account = order.account;
  if (account.lastEventOrder === order) return account.lastEventHead;
  const head = eventHeadText({
    orderId: order.id,
    clientOid: order.clientOid,
    symbol: order.spec.symbol,
    side: order.side,
    orderType: order.type,
    market: marketOf(order),
    price: formatDecimal(order.price),
    size: formatDecimal(order.size),
    orderTime: order.orderTime,
  });
  account.lastEventOrder = order;
  account.lastEventHead = head;
  return head;
}

/**
 * An order's sizes now as text; `remaining` overrides the order's (a taker's is updated after
 * matching). Kept with the head for the account's last order: a resting order's `received`
 * and `open` say the same sizes, so the second reuses the first's text.
 */
function stateTextOf(order: Order, remaining: bigint): string {
  const account = order.account;
  const last = account.lastEventState;
  if (
    last.order === order &&
    last.remaining === remaining &&
    last.dealSize === order.dealSize &&
    last.dealFunds === order.dealFunds &&
    last.canceledSize === order.canceledSize
  )
    return last.text;
  const byFunds = order.funds !== undefined;
  const text = eventStateText({
    filledSize: formatDecimal(order.dealSize),
    remainSize: byFunds ? '0' : formatDecimal(remaining),
    canceledSize: formatDecimal(order.canceledSize),
    remainFunds: byFunds ? formatDecimal((order.funds ?? 0n) - order.dealFunds) : undefined,
  });
  last.order = order;
  last.remaining = remaining;
  last.dealSize = order.dealSize;
  last.dealFunds = order.dealFunds;
  last.canceledSize = order.canceledSize;
  last.text = text;
  return text;
}

function emit(
  sink: OrderEventSink,
  order: Order,
  type: OrderEventType,
  status: string,
  now: number,
  remaining: bigint = order.remaining,
  match?: MatchFields,
  oldSize?: string,
): void {
  const market = marketOf(order);
  sink(
    market,
    eventText(headOf(order), market, type, status, stateTextOf(order, remaining), now, match, oldSize),
  );
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
  emit(sink, order, 'update', 'open', now, order.remaining, undefined, formatDecimal(oldSize));
}

/** The order is done: `filled` when it ended by trading its last size, else `canceled`. */
export function orderDone(order: Order, filled: boolean, now: number): void {
  const sink = order.account.orderEvents;
  if (sink === undefined) return;
  emit(sink, order, filled ? 'filled' : 'canceled', 'done', now);
}

/** Trade ids look like KuCoin's: a long decimal number, here 10^13 + a per-exchange counter. */
export const tradeIdText = (n: number): string => String(10_000_000_000_000 + n);
