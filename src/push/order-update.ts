import * as t from 'io-ts';
import { OpenObjectType } from '../codecs/object';
import { formatIssues, toIssues } from '../codecs/report';
import { Num, OneOf, Str } from '../codecs/primitives';

/**
 * Codecs of the private push channel's order events (`orderChange` messages) and the
 * `OrderUpdate` the client emits for each. They check what a strategy reads and let any other
 * field through: KuCoin adds fields to its events, and a new one must not drop an order event.
 */

/** The push topic of spot and margin HF orders. */
export const SPOT_ORDERS_TOPIC = '/spotMarket/tradeOrdersV2';
/** The push topic of futures orders. */
export const FUTURES_ORDERS_TOPIC = '/contractMarket/tradeOrders';

/** Which push connection an order event came on: spot and margin share the spot one. */
export type PushMarket = 'spot' | 'futures';

/** Each market's order topic. */
export const ORDER_TOPICS: Readonly<Record<PushMarket, string>> = {
  spot: SPOT_ORDERS_TOPIC,
  futures: FUTURES_ORDERS_TOPIC,
};

const isDigit = (c: number): boolean => c >= 48 && c <= 57;

/** `/^\d{1,40}(\.\d{1,40})?$/`: a size or price as KuCoin writes it, zero included. */
export function isUnsignedDecimal(s: string): boolean {
  const n = s.length;
  let i = 0;
  while (i < n && isDigit(s.charCodeAt(i))) i++;
  if (i === 0 || i > 40) return false;
  if (i === n) return true;
  if (s.charCodeAt(i) !== 46) return false; // '.'
  const start = ++i;
  while (i < n && isDigit(s.charCodeAt(i))) i++;
  return i === n && i - start >= 1 && i - start <= 40;
}

/** A size, price or amount as a decimal string ("0", "0.001", "20000"); no sign, no exponent. */
export const Amount = new t.Type<string, string, unknown>(
  'Amount',
  (u): u is string => typeof u === 'string' && isUnsignedDecimal(u),
  (u, c) =>
    typeof u === 'string' && isUnsignedDecimal(u)
      ? t.success(u)
      : t.failure(u, c, 'must be a decimal string such as "0" or "0.001" (no sign, no exponent)'),
  t.identity,
);

/** What happened to the order (the event's `type`). */
export const SpotEventType = OneOf(['received', 'open', 'match', 'update', 'filled', 'canceled'] as const);
/** Futures orders have no `received` event. */
export const FuturesEventType = OneOf(['open', 'match', 'update', 'filled', 'canceled'] as const);
/**
 * Where the order stands after the event: `new` (entered the engine), `open` (rests in the
 * book), `match` (a taker that traded), `done` (filled or canceled: no more events).
 */
export const OrderStatus = OneOf(['new', 'open', 'match', 'done'] as const);
const Side = OneOf(['buy', 'sell'] as const);
const OrderType = OneOf(['limit', 'market'] as const);
const Liquidity = OneOf(['maker', 'taker'] as const);

const isRecord = (u: unknown): u is Record<string, unknown> =>
  typeof u === 'object' && u !== null && !Array.isArray(u);

// The hand-written `is` of the two event codecs. Every order event runs through one, so each
// field is read by name: on events of one shape (one hidden class) every read is a monomorphic
// inline-cached load. Reading by a key from a list (a keyed, megamorphic load per field) or
// walking the keys with for…in cost 1-3 µs per event, about as much as JSON.parse itself.
const isStr = (v: unknown): boolean => typeof v === 'string';
const isNum = (v: unknown): boolean => typeof v === 'number' && Number.isFinite(v);
const isAmount = (v: unknown): boolean => typeof v === 'string' && isUnsignedDecimal(v);
const optStr = (v: unknown): boolean => v === undefined || typeof v === 'string';
const optAmount = (v: unknown): boolean => v === undefined || isAmount(v);

function isCommonEvent(o: Record<string, unknown>): boolean {
  const side = o.side;
  const orderType = o.orderType;
  const status = o.status;
  const liquidity = o.liquidity;
  return (
    isStr(o.orderId) &&
    isStr(o.symbol) &&
    (side === 'buy' || side === 'sell') &&
    (orderType === 'limit' || orderType === 'market') &&
    (status === 'new' || status === 'open' || status === 'match' || status === 'done') &&
    isNum(o.ts) &&
    optStr(o.clientOid) &&
    optAmount(o.price) &&
    optAmount(o.size) &&
    optAmount(o.filledSize) &&
    optAmount(o.remainSize) &&
    optAmount(o.canceledSize) &&
    optAmount(o.matchPrice) &&
    optAmount(o.matchSize) &&
    optStr(o.tradeId) &&
    (liquidity === undefined || liquidity === 'maker' || liquidity === 'taker')
  );
}

function isSpotEvent(u: unknown): boolean {
  if (!isRecord(u) || !isCommonEvent(u)) return false;
  const type = u.type;
  return (
    (type === 'open' ||
      type === 'match' ||
      type === 'received' ||
      type === 'filled' ||
      type === 'canceled' ||
      type === 'update') &&
    isNum(u.orderTime) &&
    optAmount(u.originSize) &&
    optAmount(u.funds) &&
    optAmount(u.remainFunds) &&
    optStr(u.feeType) &&
    optAmount(u.oldSize)
  );
}

function isFuturesEvent(u: unknown): boolean {
  if (!isRecord(u) || !isCommonEvent(u)) return false;
  const type = u.type;
  const orderTime = u.orderTime;
  return (
    (type === 'open' || type === 'match' || type === 'filled' || type === 'canceled' || type === 'update') &&
    (orderTime === undefined || isNum(orderTime)) &&
    optAmount(u.oldSize)
  );
}

/** Fields every order event has, spot and futures. */
const commonRequired = {
  orderId: Str,
  symbol: Str,
  side: Side,
  orderType: OrderType,
  status: OrderStatus,
  /** When the event happened, in nanoseconds since the epoch. */
  ts: Num,
};

/** Fields an event may carry (a `received` has no sizes yet; only a `match` has the match fields). */
const commonOptional = {
  /** Absent for an order placed without one (not by this client, which always sets one). */
  clientOid: Str,
  price: Amount,
  size: Amount,
  filledSize: Amount,
  remainSize: Amount,
  canceledSize: Amount,
  matchPrice: Amount,
  matchSize: Amount,
  tradeId: Str,
  liquidity: Liquidity,
};

/**
 * The `data` of an `orderChange` message on `/spotMarket/tradeOrdersV2` (spot and margin HF
 * orders). `orderTime` is in ms, `ts` in ns.
 */
export const SpotOrderEvent = new OpenObjectType(
  'SpotOrderEvent',
  { ...commonRequired, type: SpotEventType, orderTime: Num },
  {
    ...commonOptional,
    originSize: Amount,
    funds: Amount,
    remainFunds: Amount,
    /** On `match`: 'makerFee' or 'takerFee'. */
    feeType: Str,
    /** On `update`: the remaining size before it. */
    oldSize: Amount,
  },
  isSpotEvent,
);
export type SpotOrderEvent = t.TypeOf<typeof SpotOrderEvent>;

/**
 * The `data` of an `orderChange` message on `/contractMarket/tradeOrders` (futures orders).
 * Sizes are lots; `orderTime` and `ts` are in ns.
 */
export const FuturesOrderEvent = new OpenObjectType(
  'FuturesOrderEvent',
  { ...commonRequired, type: FuturesEventType },
  { ...commonOptional, orderTime: Num, oldSize: Amount },
  isFuturesEvent,
);
export type FuturesOrderEvent = t.TypeOf<typeof FuturesOrderEvent>;

/** Where an update comes from: the push channel, or a REST lookup that filled a gap. */
export type UpdateSource = 'push' | 'rest';

/** A spot or margin order event. */
export type SpotOrderUpdate = SpotOrderEvent & {
  readonly market: 'spot';
  readonly topic: typeof SPOT_ORDERS_TOPIC;
  readonly source: UpdateSource;
};

/** A futures order event. */
export type FuturesOrderUpdate = FuturesOrderEvent & {
  readonly market: 'futures';
  readonly topic: typeof FUTURES_ORDERS_TOPIC;
  readonly source: UpdateSource;
};

/**
 * One order event as `client.orderUpdates$` emits it: the event's `data` fields at top level,
 * plus `market` (`'spot'` for spot and margin orders, `'futures'`), the `topic` it came on, and
 * `source` (`'push'`, or `'rest'` for what a REST lookup learned after a gap in the push
 * channel). Narrow on `market` for the market's own fields.
 */
export type OrderUpdate = SpotOrderUpdate | FuturesOrderUpdate;

/** Whether an event ends its order's life: nothing follows `filled` or `canceled` (status `done`). */
export function isTerminal(update: Pick<OrderUpdate, 'type' | 'status'>): boolean {
  return update.status === 'done' || update.type === 'filled' || update.type === 'canceled';
}

/** The `data` codec of each market's order events. */
export const ORDER_EVENT_CODECS = {
  spot: SpotOrderEvent,
  futures: FuturesOrderEvent,
} as const;

/** An order event that could be read, or why it could not (the fields that are wrong). */
export type OrderEventResult = { ok: true; update: OrderUpdate } | { ok: false; reason: string };

/**
 * `data` of an `orderChange` message on `market`'s topic as an OrderUpdate with
 * `source: 'push'`, or undefined when it does not fit (`orderEventIssues` says why). The parsed
 * object itself becomes the update (the fields are added to it, nothing is copied): it must not
 * be shared. The hot path of every order event: no allocation beyond the added fields.
 */
export function asOrderUpdate(market: PushMarket, data: unknown): OrderUpdate | undefined {
  if (!ORDER_EVENT_CODECS[market].is(data)) return undefined;
  const update = data as { market?: PushMarket; topic?: string; source?: UpdateSource };
  update.market = market;
  update.topic = ORDER_TOPICS[market];
  update.source = 'push';
  return update as OrderUpdate;
}

/** Why `data` is not an order event of `market`: the field paths and rules, never the values. */
export function orderEventIssues(market: PushMarket, data: unknown): string {
  const decoded = ORDER_EVENT_CODECS[market].decode(data);
  return decoded._tag === 'Left'
    ? `${ORDER_TOPICS[market]} orderChange data does not fit: ${formatIssues(toIssues(decoded.left))}`
    : `${ORDER_TOPICS[market]} orderChange data does not fit`;
}

/** asOrderUpdate and orderEventIssues together. */
export function readOrderEvent(market: PushMarket, data: unknown): OrderEventResult {
  const update = asOrderUpdate(market, data);
  return update === undefined ? { ok: false, reason: orderEventIssues(market, data) } : { ok: true, update };
}
