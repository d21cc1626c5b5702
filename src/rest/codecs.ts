import * as t from 'io-ts';
import { Bool, Num, OneOf, Str } from '../codecs/primitives';

/**
 * Codecs of the REST answers the client reads. They check what the client uses and let the
 * rest through: KuCoin adds fields to its answers, and a new field must not break a lookup.
 */

/** Every answer: `{ code, data }` on success, `{ code, msg }` otherwise; `code` is a string of digits. */
export const RestAnswer = t.intersection([
  t.type({
    code: new t.Type<`${number}`, string, unknown>(
      'RestCode',
      (u): u is `${number}` => typeof u === 'string' && /^\d{1,12}$/.test(u),
      (u, c) =>
        typeof u === 'string' && /^\d{1,12}$/.test(u)
          ? t.success(u as `${number}`)
          : t.failure(u, c, 'must be a string of digits'),
      t.identity,
    ),
  }),
  t.partial({ data: t.unknown, msg: t.string }),
]);
export type RestAnswer = t.TypeOf<typeof RestAnswer>;

/** `GET /api/v1/timestamp`: the server clock, ms since the epoch. */
export const ServerTime = new t.Type<number, number, unknown>(
  'ServerTime',
  (u): u is number => typeof u === 'number' && Number.isSafeInteger(u) && u > 0,
  (u, c) =>
    typeof u === 'number' && Number.isSafeInteger(u) && u > 0
      ? t.success(u)
      : t.failure(u, c, 'must be a whole number of milliseconds since the epoch'),
  t.identity,
);

/** One push server of a `bullet-private` answer. */
export const InstanceServer = t.type({
  endpoint: Str,
  encrypt: Bool,
  protocol: Str,
  pingInterval: Num,
  pingTimeout: Num,
});
export type InstanceServer = t.TypeOf<typeof InstanceServer>;

/** `POST /api/v1/bullet-private`: a push token (valid about a day) and the servers to use it on. */
export const BulletPrivate = t.type({
  token: Str,
  instanceServers: t.refinement(t.array(InstanceServer), (a) => a.length > 0, 'InstanceServers(1..)'),
});
export type BulletPrivate = t.TypeOf<typeof BulletPrivate>;

const Side = OneOf(['buy', 'sell'] as const);

/**
 * A spot or margin HF order's detail (`GET /api/v1/hf/orders/client-order/{clientOid}` and
 * `GET /api/v3/hf/margin/orders/client-order/{clientOid}`). Sizes and prices are decimal strings.
 */
export const HfOrderDetail = t.intersection([
  t.type({
    id: Str,
    clientOid: Str,
    symbol: Str,
    type: Str,
    side: Side,
    price: Str,
    size: Str,
    dealSize: Str,
    /** true while the order can still trade (open), false once it is done. */
    active: Bool,
    createdAt: Num,
    lastUpdatedAt: Num,
  }),
  t.partial({
    funds: Str,
    dealFunds: Str,
    fee: Str,
    feeCurrency: Str,
    timeInForce: Str,
    postOnly: Bool,
    hidden: Bool,
    iceberg: Bool,
    cancelExist: Bool,
    inOrderBook: Bool,
    cancelledSize: Str,
    remainSize: Str,
    tradeType: Str,
  }),
]);
export type HfOrderDetail = t.TypeOf<typeof HfOrderDetail>;

/** A futures order's detail (`GET /api/v1/orders/byClientOid`). Sizes are lots, as numbers. */
export const FuturesOrderDetail = t.intersection([
  t.type({
    id: Str,
    clientOid: Str,
    symbol: Str,
    type: Str,
    side: Side,
    size: Num,
    dealSize: Num,
    status: OneOf(['open', 'done'] as const),
    isActive: Bool,
    cancelExist: Bool,
    createdAt: Num,
    updatedAt: Num,
  }),
  t.partial({
    /** null for market orders on KuCoin. */
    price: t.union([Str, t.null]),
    value: Str,
    dealValue: Str,
    filledSize: Num,
    filledValue: Str,
    leverage: Str,
    marginMode: Str,
    reduceOnly: Bool,
    timeInForce: Str,
    postOnly: Bool,
    hidden: Bool,
    endAt: t.union([Num, t.null]),
    settleCurrency: Str,
  }),
]);
export type FuturesOrderDetail = t.TypeOf<typeof FuturesOrderDetail>;
