import * as t from 'io-ts';
import { listOf, strictObject } from './object';
import {
  compareDecimals,
  hasClientOidLength,
  isDecimalString,
  isPositiveInt,
  isSymbol,
  Bool,
  BoundedString,
  ClientOid,
  DecimalString,
  Identifier,
  OneOf,
  PositiveInt,
  Symbol_,
} from './primitives';
import type { ValidationIssue } from './report';

export const Side = OneOf(['buy', 'sell'] as const);
export const OrderType = OneOf(['limit', 'market'] as const);
export const SpotTimeInForce = OneOf(['GTC', 'GTT', 'IOC', 'FOK'] as const);
export const SpotStp = OneOf(['DC', 'CO', 'CN', 'CB'] as const);

interface OrderFields {
  type?: 'limit' | 'market';
  price?: string;
  size?: string;
  funds?: string;
  timeInForce?: string;
  cancelAfter?: number;
  postOnly?: boolean;
  hidden?: boolean;
  iceberg?: boolean;
  visibleSize?: string;
  clientTimestamp?: number;
  allowMaxTimeWindow?: number;
}

/**
 * What the cross-field rules return when nothing is wrong: one shared list (frozen) instead of
 * a new empty one per request, which every valid order paid for. The codecs only read it.
 */
const NO_ISSUES = Object.freeze([]) as unknown as ValidationIssue[];

/** 1 when a field is given, else 0 (counts without making an array). */
const given = (v: unknown): number => (v === undefined ? 0 : 1);

/** Cross-field rules shared by spot and margin orders (docs/protocol.md §5). */
function orderRules(o: OrderFields, icebergNeedsClientTimestamp: boolean): ValidationIssue[] {
  let issues: ValidationIssue[] | undefined;
  const type = o.type ?? 'limit';
  if (type === 'limit') {
    if (o.price === undefined) (issues ??= []).push({ field: 'price', rule: 'is required for limit orders' });
    if (o.size === undefined) (issues ??= []).push({ field: 'size', rule: 'is required for limit orders' });
    if (o.funds !== undefined)
      (issues ??= []).push({ field: 'funds', rule: 'is only allowed on market orders' });
  } else {
    if (o.size === undefined && o.funds === undefined)
      (issues ??= []).push({ field: 'size', rule: 'market orders need size or funds' });
    if (o.size !== undefined && o.funds !== undefined)
      (issues ??= []).push({ field: 'funds', rule: 'market orders take size or funds, not both' });
    if (o.price !== undefined)
      (issues ??= []).push({ field: 'price', rule: 'is not allowed on market orders' });
    for (const f of ['postOnly', 'hidden', 'iceberg', 'cancelAfter'] as const) {
      if (o[f] !== undefined && o[f] !== false)
        (issues ??= []).push({ field: f, rule: 'is only allowed on limit orders' });
    }
  }
  if (o.cancelAfter !== undefined && o.timeInForce !== 'GTT')
    (issues ??= []).push({ field: 'cancelAfter', rule: "is only allowed with timeInForce 'GTT'" });
  if (o.postOnly === true && (o.timeInForce === 'IOC' || o.timeInForce === 'FOK'))
    (issues ??= []).push({ field: 'postOnly', rule: "is not allowed with timeInForce 'IOC' or 'FOK'" });
  if (o.iceberg === true) {
    if (o.visibleSize === undefined)
      (issues ??= []).push({ field: 'visibleSize', rule: 'is required for iceberg orders' });
    if (icebergNeedsClientTimestamp && o.clientTimestamp === undefined)
      (issues ??= []).push({ field: 'clientTimestamp', rule: 'is required for iceberg orders' });
    if (o.hidden === true)
      (issues ??= []).push({ field: 'hidden', rule: 'an order cannot be both hidden and iceberg' });
    if (
      o.visibleSize !== undefined &&
      o.size !== undefined &&
      isDecimalString(o.visibleSize) &&
      isDecimalString(o.size) &&
      compareDecimals(o.visibleSize, o.size) > 0
    )
      (issues ??= []).push({ field: 'visibleSize', rule: 'must not exceed size' });
  } else if (o.visibleSize !== undefined) {
    (issues ??= []).push({ field: 'visibleSize', rule: 'is only allowed with iceberg: true' });
  }
  if (o.allowMaxTimeWindow !== undefined && o.clientTimestamp === undefined)
    (issues ??= []).push({ field: 'allowMaxTimeWindow', rule: 'needs clientTimestamp' });
  return issues ?? NO_ISSUES;
}

/** A DecimalString field's value, or absent. */
const optionalDecimal = (v: unknown): boolean =>
  v === undefined || (typeof v === 'string' && isDecimalString(v));

/**
 * A spread copy of a spot order (`margin` false: SubmitHFOrderRequest) or a margin order
 * (SubmitHFMarginOrderRequest) by every rule but the clientOid's characters (see
 * `StrictObjectType.exceptClientOid`), in one function: each field the value has, by a `switch`
 * on its name with its rule written out in place, then the cross-field rules. The codec's own
 * check reaches the same answer through a Map of fields and a codec object per field. On the
 * sequential path the gateway and the kernel run on the client's core between two calls, so
 * every object and function a call touches is fetched again: fewer of them cost less there
 * (bench/in-situ.ts). Anything it does not know (an unknown or inherited key, an odd prototype)
 * is false and goes to the codec. spec/unit/codec-fast.spec.ts checks it against the codec.
 */
function orderExceptClientOid(o: Record<string, unknown>, margin: boolean): boolean {
  const proto: unknown = Object.getPrototypeOf(o);
  if (proto !== Object.prototype && proto !== null) return false;
  let required = 0;
  for (const k in o) {
    const v = o[k];
    switch (k) {
      case 'symbol':
        if (typeof v !== 'string' || !isSymbol(v)) return false;
        required++;
        break;
      case 'side':
        if (v !== 'buy' && v !== 'sell') return false;
        required++;
        break;
      case 'type':
        if (v === 'limit' || v === 'market') {
          if (!margin) required++;
        } else if (!margin || v !== undefined) return false;
        break;
      case 'clientOid':
        // Its length only: reading its characters would flatten a rope (see checkedFrame).
        if (v !== undefined && !hasClientOidLength(v)) return false;
        break;
      case 'price':
      case 'size':
      case 'funds':
      case 'visibleSize':
        if (!optionalDecimal(v)) return false;
        break;
      case 'timeInForce':
        if (v !== undefined && v !== 'GTC' && v !== 'GTT' && v !== 'IOC' && v !== 'FOK') return false;
        break;
      case 'cancelAfter':
        if (v !== undefined && !isPositiveInt(v)) return false;
        break;
      case 'postOnly':
      case 'hidden':
      case 'iceberg':
        if (v !== undefined && typeof v !== 'boolean') return false;
        break;
      case 'stp':
        if (v !== undefined && v !== 'DC' && v !== 'CO' && v !== 'CN' && v !== 'CB') return false;
        break;
      case 'tags':
      case 'remark':
        if (margin || (v !== undefined && !(typeof v === 'string' && v.length > 0 && v.length <= 20)))
          return false;
        break;
      case 'clientTimestamp':
      case 'allowMaxTimeWindow':
        if (margin || (v !== undefined && !isPositiveInt(v))) return false;
        break;
      case 'isIsolated':
      case 'autoBorrow':
      case 'autoRepay':
        if (!margin || (v !== undefined && typeof v !== 'boolean')) return false;
        break;
      default:
        return false;
    }
  }
  return required === (margin ? 2 : 3) && orderRules(o, !margin).length === 0;
}

const orderOptional = {
  clientOid: ClientOid,
  price: DecimalString,
  size: DecimalString,
  funds: DecimalString,
  timeInForce: SpotTimeInForce,
  cancelAfter: PositiveInt,
  postOnly: Bool,
  hidden: Bool,
  iceberg: Bool,
  visibleSize: DecimalString,
  stp: SpotStp,
};

/** spot.order / spot.sync_order arguments (kucoin-api's SubmitHFOrderRequest). */
export const SubmitHFOrderRequest = strictObject(
  'SubmitHFOrderRequest',
  { type: OrderType, symbol: Symbol_, side: Side },
  {
    ...orderOptional,
    tags: BoundedString(20),
    remark: BoundedString(20),
    clientTimestamp: PositiveInt,
    allowMaxTimeWindow: PositiveInt,
  },
  (o) => orderRules(o, true),
  (o) => orderExceptClientOid(o, false),
);
export type SubmitHFOrderRequest = t.TypeOf<typeof SubmitHFOrderRequest>;

/** margin.order arguments (kucoin-api's SubmitHFMarginOrderRequest). clientOid is filled in when omitted. */
export const SubmitHFMarginOrderRequest = strictObject(
  'SubmitHFMarginOrderRequest',
  { symbol: Symbol_, side: Side },
  {
    ...orderOptional,
    type: OrderType,
    isIsolated: Bool,
    autoBorrow: Bool,
    autoRepay: Bool,
  },
  (o) => orderRules(o, false),
  (o) => orderExceptClientOid(o, true),
);
export type SubmitHFMarginOrderRequest = t.TypeOf<typeof SubmitHFMarginOrderRequest>;

function orderIdOrClientOid(o: { orderId?: string; clientOid?: string }): ValidationIssue[] {
  return o.orderId === undefined && o.clientOid === undefined
    ? [{ field: 'orderId', rule: 'orderId or clientOid is required' }]
    : [];
}

/** spot.modify arguments (kucoin-api's ModifyHFOrderRequest). */
export const ModifyHFOrderRequest = strictObject(
  'ModifyHFOrderRequest',
  { symbol: Symbol_ },
  { orderId: Identifier, clientOid: ClientOid, newPrice: DecimalString, newSize: DecimalString },
  (o) => [
    ...orderIdOrClientOid(o),
    ...(o.newPrice === undefined && o.newSize === undefined
      ? [{ field: 'newPrice', rule: 'newPrice or newSize is required' }]
      : []),
  ],
);
export type ModifyHFOrderRequest = t.TypeOf<typeof ModifyHFOrderRequest>;

/** spot.cancel / spot.sync_cancel / margin.cancel arguments (kucoin-api's WSAPICancelOrderRequest). */
export const WSAPICancelOrderRequest = strictObject(
  'WSAPICancelOrderRequest',
  { symbol: Symbol_ },
  { orderId: Identifier, clientOid: ClientOid },
  orderIdOrClientOid,
);
export type WSAPICancelOrderRequest = t.TypeOf<typeof WSAPICancelOrderRequest>;

/**
 * Futures leverage, 1 to 125, as its rule says: a leverage below 1 (0.5 passed an earlier
 * `> 0` check) is refused by the exchange, so it must not leave the client.
 */
const isLeverage = (u: unknown): u is number | string =>
  (typeof u === 'number' && Number.isFinite(u) && u >= 1 && u <= 125) ||
  (typeof u === 'string' && /^\d{1,3}(\.\d{1,2})?$/.test(u) && Number(u) >= 1 && Number(u) <= 125);

const Leverage = new t.Type<number | string, number | string, unknown>(
  'Leverage',
  isLeverage,
  (u, c) => (isLeverage(u) ? t.success(u) : t.failure(u, c, 'must be a number from 1 to 125')),
  t.identity,
);

/** futures.order arguments and the items of futures.multi_order. clientOid is filled in when omitted. */
export const FuturesOrderRequest = strictObject(
  'FuturesOrderRequest',
  { symbol: Symbol_, side: Side },
  {
    clientOid: ClientOid,
    type: OrderType,
    leverage: Leverage,
    price: DecimalString,
    size: PositiveInt,
    qty: DecimalString,
    valueQty: DecimalString,
    timeInForce: OneOf(['GTC', 'IOC'] as const),
    postOnly: Bool,
    hidden: Bool,
    iceberg: Bool,
    visibleSize: DecimalString,
    reduceOnly: Bool,
    closeOrder: Bool,
    forceHold: Bool,
    marginMode: OneOf(['ISOLATED', 'CROSS'] as const),
    positionSide: OneOf(['BOTH', 'LONG', 'SHORT'] as const),
    stp: OneOf(['CN', 'CO', 'CB'] as const),
    remark: BoundedString(100),
    stop: OneOf(['down', 'up'] as const),
    stopPriceType: OneOf(['TP', 'MP', 'IP'] as const),
    stopPrice: DecimalString,
  },
  (o) => {
    let issues: ValidationIssue[] | undefined;
    const type = o.type ?? 'limit';
    const amounts = given(o.size) + given(o.qty) + given(o.valueQty);
    if (amounts > 1) (issues ??= []).push({ field: 'size', rule: 'give one of size, qty or valueQty' });
    if (amounts === 0 && o.closeOrder !== true)
      (issues ??= []).push({ field: 'size', rule: 'size, qty or valueQty is required (unless closeOrder)' });
    if (type === 'limit' && o.price === undefined)
      (issues ??= []).push({ field: 'price', rule: 'is required for limit orders' });
    if (type === 'market' && o.price !== undefined)
      (issues ??= []).push({ field: 'price', rule: 'is not allowed on market orders' });
    if (o.postOnly === true && o.timeInForce === 'IOC')
      (issues ??= []).push({ field: 'postOnly', rule: "is not allowed with timeInForce 'IOC'" });
    if (o.iceberg === true && o.visibleSize === undefined)
      (issues ??= []).push({ field: 'visibleSize', rule: 'is required for iceberg orders' });
    if (o.iceberg !== true && o.visibleSize !== undefined)
      (issues ??= []).push({ field: 'visibleSize', rule: 'is only allowed with iceberg: true' });
    const stopFields = given(o.stop) + given(o.stopPriceType) + given(o.stopPrice);
    if (stopFields !== 0 && stopFields !== 3)
      (issues ??= []).push({ field: 'stop', rule: 'stop, stopPriceType and stopPrice go together' });
    return issues ?? NO_ISSUES;
  },
);
export type FuturesOrderRequest = t.TypeOf<typeof FuturesOrderRequest>;

/** futures.multi_order arguments: 1 to 20 orders. */
export const FuturesMultiOrderRequest = listOf(FuturesOrderRequest, 1, 20);
export type FuturesMultiOrderRequest = t.TypeOf<typeof FuturesMultiOrderRequest>;

/** futures.cancel arguments: `{ orderId }` or `{ clientOid, symbol }`. */
export const FuturesCancelRequest = strictObject(
  'FuturesCancelRequest',
  {},
  { orderId: Identifier, clientOid: ClientOid, symbol: Symbol_ },
  (o) => {
    if (o.orderId !== undefined) {
      return o.clientOid !== undefined
        ? [{ field: 'clientOid', rule: 'give orderId, or clientOid with symbol, not both' }]
        : [];
    }
    if (o.clientOid === undefined)
      return [{ field: 'orderId', rule: 'orderId, or clientOid with symbol, is required' }];
    return o.symbol === undefined
      ? [{ field: 'symbol', rule: 'is required when cancelling by clientOid' }]
      : [];
  },
);
export type FuturesCancelRequest = t.TypeOf<typeof FuturesCancelRequest>;

export const FuturesClientOidRef = strictObject(
  'FuturesClientOidRef',
  { symbol: Symbol_, clientOid: ClientOid },
  {},
);

/** futures.multi_cancel arguments. */
export const FuturesMultiCancelRequest = strictObject(
  'FuturesMultiCancelRequest',
  {},
  { orderIdsList: listOf(Identifier, 1, 100), clientOidsList: listOf(FuturesClientOidRef, 1, 100) },
  (o) =>
    o.orderIdsList === undefined && o.clientOidsList === undefined
      ? [{ field: 'orderIdsList', rule: 'orderIdsList or clientOidsList is required' }]
      : [],
);
export type FuturesMultiCancelRequest = t.TypeOf<typeof FuturesMultiCancelRequest>;
