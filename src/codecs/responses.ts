import * as t from 'io-ts';

// Generic in both halves: with `required: t.Props` the required fields' type was an index
// signature of `any` (any field name compiled, orderId was `any`).
const optional = <R extends t.Props, P extends t.Props>(required: R, opt: P) =>
  t.intersection([t.type(required), t.partial(opt)]);

type PrimitiveC = t.StringC | t.NumberC | t.BooleanC;

const toString = Object.prototype.toString;

/**
 * `t.type(props, name)` for fields that are all strings, numbers or booleans, with an `is` that
 * reads each field once and compares its `typeof`: the same answers as io-ts' own (its record
 * test included), without its generic loop over the field codecs. The client checks the data
 * of every answer with its operation's response codec, so the plain order answers use this
 * (about 100 ns less per answer, measured with a million checks of a parsed answer);
 * spec/unit/codec-fast.spec.ts checks that both agree.
 */
export function primitiveType<P extends Record<string, PrimitiveC>>(props: P, name: string): t.TypeC<P> {
  const plain = t.type(props, name);
  const keys = Object.keys(props);
  const types = keys.map((k) => (props[k] as PrimitiveC).name);
  const is = (u: unknown): u is t.TypeOf<typeof plain> => {
    if (toString.call(u) !== '[object Object]') return false;
    const o = u as Record<string, unknown>;
    for (let i = 0; i < keys.length; i++) if (typeof o[keys[i]] !== types[i]) return false;
    return true;
  };
  return new t.InterfaceType(name, is, plain.validate, plain.encode, props);
}

/** data of spot.order, spot.cancel and margin.cancel (kucoin-api's WSAPIOrderResponse). */
export const WSAPIOrderResponse = primitiveType(
  { orderId: t.string, clientOid: t.string },
  'WSAPIOrderResponse',
);
export type WSAPIOrderResponse = t.TypeOf<typeof WSAPIOrderResponse>;

export const OrderStatus = t.keyof({ open: null, done: null }, 'OrderStatus');

/** data of spot.sync_order (kucoin-api's SubmitHFOrderSyncResponse). */
export const SubmitHFOrderSyncResponse = t.type(
  {
    orderId: t.string,
    clientOid: t.string,
    orderTime: t.number,
    originSize: t.string,
    dealSize: t.string,
    remainSize: t.string,
    canceledSize: t.string,
    status: OrderStatus,
    matchTime: t.number,
  },
  'SubmitHFOrderSyncResponse',
);
export type SubmitHFOrderSyncResponse = t.TypeOf<typeof SubmitHFOrderSyncResponse>;

/** data of spot.modify: cancel-and-replace gives a new order id. */
export const ModifyHFOrderResponse = primitiveType(
  { newOrderId: t.string, clientOid: t.string },
  'ModifyHFOrderResponse',
);
export type ModifyHFOrderResponse = t.TypeOf<typeof ModifyHFOrderResponse>;

/** data of spot.sync_cancel (kucoin-api's SyncCancelHFOrderResponse). */
export const SyncCancelHFOrderResponse = t.type(
  {
    orderId: t.string,
    clientOid: t.string,
    originSize: t.string,
    dealSize: t.string,
    remainSize: t.string,
    canceledSize: t.string,
    status: OrderStatus,
  },
  'SyncCancelHFOrderResponse',
);
export type SyncCancelHFOrderResponse = t.TypeOf<typeof SyncCancelHFOrderResponse>;

/** data of margin.order (kucoin-api's MarginSubmitOrderV3Response). */
export const MarginSubmitOrderV3Response = optional(
  { orderId: t.string, clientOid: t.string },
  { borrowSize: t.string, loanApplyId: t.union([t.string, t.null]) },
);
export type MarginSubmitOrderV3Response = t.TypeOf<typeof MarginSubmitOrderV3Response>;

/** data of futures.order. */
export const FuturesOrderResponse = primitiveType(
  { orderId: t.string, clientOid: t.string },
  'FuturesOrderResponse',
);
export type FuturesOrderResponse = t.TypeOf<typeof FuturesOrderResponse>;

/** data of futures.cancel: by orderId the cancelled ids, by clientOid the clientOid. */
export const FuturesCancelResponse = t.union(
  [t.type({ cancelledOrderIds: t.array(t.string) }), t.type({ clientOid: t.string })],
  'FuturesCancelResponse',
);
export type FuturesCancelResponse = t.TypeOf<typeof FuturesCancelResponse>;

/** One item of futures.multi_order's answer: each order succeeds or fails on its own. */
export const FuturesMultiOrderItem = optional(
  { clientOid: t.string, symbol: t.string, code: t.string, msg: t.string },
  { orderId: t.union([t.string, t.null]) },
);
export type FuturesMultiOrderItem = t.TypeOf<typeof FuturesMultiOrderItem>;
export const FuturesMultiOrderResponse = t.array(FuturesMultiOrderItem, 'FuturesMultiOrderResponse');
export type FuturesMultiOrderResponse = t.TypeOf<typeof FuturesMultiOrderResponse>;

/** One item of futures.multi_cancel's answer. */
export const FuturesMultiCancelItem = t.type({
  orderId: t.union([t.string, t.null]),
  clientOid: t.union([t.string, t.null]),
  code: t.string,
  msg: t.string,
});
export type FuturesMultiCancelItem = t.TypeOf<typeof FuturesMultiCancelItem>;
export const FuturesMultiCancelResponse = t.array(FuturesMultiCancelItem, 'FuturesMultiCancelResponse');
export type FuturesMultiCancelResponse = t.TypeOf<typeof FuturesMultiCancelResponse>;
