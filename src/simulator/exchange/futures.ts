import type {
  FuturesCancelRequest,
  FuturesMultiCancelRequest,
  FuturesOrderRequest,
} from '../../codecs/requests';
import type { Account } from './accounts';
import { abs, div, floorTo, fromInt, isMultiple, mul, ONE, parseDecimal } from './decimal';
import { cancelRemainder, execute } from './execution';
import { walk, opposite, type Stp } from './matching';
import type { Order, OrderTerms } from './order';
import { acceptOrder, ensureNewClientOid, findLive } from './placement';
import { FUTURES_CODES, ok, reject, Rejection } from './results';
import type { ExchangeState } from './state';
import type { SymbolSpec } from './symbols';
import { checkPostOnly, checkPrice, positiveDecimal, symbolOf } from './terms';
import type { OpResult } from './types';

const CODES = FUTURES_CODES;

/** The most orders futures.multi_order takes. */
export const MAX_BATCH_ORDERS = 20;

type FuturesArgs = Partial<FuturesOrderRequest>;

/** A validated futures order: its terms plus what only futures orders carry. */
interface FuturesTerms {
  readonly terms: OrderTerms;
  readonly leverage: bigint;
  readonly reduceOnly: boolean;
}

function parseLeverage(value: unknown, spec: SymbolSpec): bigint {
  const text = typeof value === 'number' ? String(value) : typeof value === 'string' ? value : undefined;
  const leverage = text === undefined ? undefined : parseDecimal(text);
  if (leverage === undefined || leverage < ONE || leverage > spec.maxLeverage)
    reject(CODES.param, `leverage must be from 1 to ${spec.config.maxLeverage ?? 1}`);
  return leverage;
}

function wholeLots(value: bigint, field: string): bigint {
  const lots = floorTo(value, ONE);
  if (lots < ONE) reject(CODES.param, `${field} must amount to at least 1 lot`);
  return lots;
}

/** The price a market order will roughly trade at: the average over the book, else the mark. */
function expectedPrice(state: ExchangeState, spec: SymbolSpec, side: 'buy' | 'sell', lots: bigint): bigint {
  let need = lots;
  let value = 0n;
  let filled = 0n;
  walk(state.book(spec.symbol), side, undefined, (maker) => {
    const size = maker.remaining < need ? maker.remaining : need;
    value += mul(maker.price, size);
    filled += size;
    need -= size;
    return need > 0n;
  });
  return filled > 0n ? div(value, filled) : (state.markPrice(spec.symbol) ?? 0n);
}

function lotsOf(
  state: ExchangeState,
  spec: SymbolSpec,
  args: FuturesArgs,
  side: 'buy' | 'sell',
  price: bigint,
) {
  if (args.size !== undefined) {
    if (typeof args.size !== 'number' || !Number.isSafeInteger(args.size) || args.size < 1)
      reject(CODES.param, 'size must be a whole number of lots, at least 1');
    return fromInt(args.size);
  }
  if (args.qty !== undefined)
    return wholeLots(div(positiveDecimal(args.qty, 'qty', CODES), spec.multiplier), 'qty');
  if (args.valueQty === undefined) reject(CODES.param, 'size, qty or valueQty is required');
  const valueQty = positiveDecimal(args.valueQty, 'valueQty', CODES);
  const unit =
    price > 0n ? price : (state.book(spec.symbol).bestPrice(opposite(side)) ?? state.markPrice(spec.symbol));
  if (unit === undefined || unit === 0n) reject(CODES.param, 'valueQty needs a price to convert to lots');
  return wholeLots(div(valueQty, mul(unit, spec.multiplier)), 'valueQty');
}

/**
 * Validates a futures order (symbol, clientOid, unsupported features, price tick, lots,
 * leverage, reduceOnly and closeOrder against the position). Throws a Rejection; changes nothing.
 */
function futuresTerms(state: ExchangeState, account: Account, args: FuturesArgs): FuturesTerms {
  if (typeof args.clientOid !== 'string' || args.clientOid === '')
    reject(CODES.param, 'clientOid is required for futures orders');
  const spec = symbolOf(state, args.symbol, 'futures', CODES);
  if (args.positionSide === 'LONG' || args.positionSide === 'SHORT')
    reject(CODES.param, 'hedge mode (positionSide LONG/SHORT) is not supported; use BOTH');
  if (args.stop !== undefined || args.stopPrice !== undefined)
    reject(CODES.param, 'stop orders are not supported by the simulator');
  // A closeOrder without a price closes at market; anything else defaults to limit, as KuCoin does.
  const type = args.type ?? (args.closeOrder === true && args.price === undefined ? 'market' : 'limit');
  if (type !== 'limit' && type !== 'market') reject(CODES.param, "type must be 'limit' or 'market'");
  let price = 0n;
  if (type === 'limit') {
    price = positiveDecimal(args.price, 'price', CODES);
    checkPrice(spec, price, CODES);
  } else if (args.price !== undefined) reject(CODES.param, 'price is not allowed on market orders');
  const position = account.position(spec.symbol);
  const closeOrder = args.closeOrder === true;
  let side: 'buy' | 'sell';
  let lots: bigint;
  if (closeOrder) {
    if (position.qty === 0n) reject(CODES.param, 'closeOrder: there is no position to close');
    side = position.qty > 0n ? 'sell' : 'buy';
    lots = abs(position.qty);
  } else {
    if (args.side !== 'buy' && args.side !== 'sell') reject(CODES.param, "side must be 'buy' or 'sell'");
    side = args.side;
    lots = lotsOf(state, spec, args, side, price);
  }
  const reduceOnly = closeOrder || args.reduceOnly === true;
  if (reduceOnly && !closeOrder) {
    const reduces = position.qty !== 0n && position.qty > 0n === (side === 'sell');
    if (!reduces) reject(CODES.param, 'reduceOnly order would open or increase a position');
    if (lots > abs(position.qty)) lots = abs(position.qty);
  }
  const leverage =
    args.leverage === undefined && reduceOnly
      ? position.leverage > 0n
        ? position.leverage
        : ONE
      : parseLeverage(args.leverage, spec);
  const tif = type === 'market' ? 'IOC' : (args.timeInForce ?? 'GTC');
  const postOnly = args.postOnly === true;
  if (postOnly && tif === 'IOC') reject(CODES.param, "postOnly is not allowed with timeInForce 'IOC'");
  let peak: bigint | undefined;
  if (args.iceberg === true) {
    if (args.hidden === true) reject(CODES.param, 'an order cannot be both hidden and iceberg');
    peak = positiveDecimal(args.visibleSize, 'visibleSize', CODES);
    if (!isMultiple(peak, ONE) || peak > lots)
      reject(CODES.param, 'visibleSize must be whole lots, at most size');
  }
  const terms: OrderTerms = {
    spec,
    side,
    type,
    price,
    size: lots,
    funds: undefined,
    timeInForce: tif,
    expireAt: undefined,
    postOnly,
    hidden: args.hidden === true,
    peak,
    stp: args.stp as Stp | undefined,
    clientOid: args.clientOid,
  };
  return { terms, leverage, reduceOnly };
}

/**
 * Reserves initial margin and runs a futures order. Margin is price × lots × multiplier ÷
 * leverage for the lots that open or extend the position (lots that close an opposite
 * position need none; market orders use the expected average price).
 */
function submitFutures(
  state: ExchangeState,
  account: Account,
  args: FuturesArgs,
  op: string,
  now: number,
): Order {
  const { terms, leverage, reduceOnly } = futuresTerms(state, account, args);
  ensureNewClientOid(state, account, 'futures', terms.clientOid, CODES);
  checkPostOnly(state, terms, CODES);
  const spec = terms.spec;
  const lots = terms.size ?? 0n;
  const position = account.position(spec.symbol);
  const against = position.qty !== 0n && position.qty > 0n === (terms.side === 'sell');
  const openLots = reduceOnly
    ? 0n
    : against
      ? lots > abs(position.qty)
        ? lots - abs(position.qty)
        : 0n
      : lots;
  const price = terms.type === 'limit' ? terms.price : expectedPrice(state, spec, terms.side, lots);
  const marginPerLot = div(mul(price, spec.multiplier), leverage);
  const hold = mul(marginPerLot, openLots);
  if (!account.futures.reserve(spec.quote, hold)) reject(CODES.balance, 'Balance not enough');
  const order = acceptOrder(
    state,
    terms,
    { account, wallet: account.futures, line: 'futures' },
    hold,
    op,
    now,
  );
  order.futures = {
    leverage,
    marginPerLot,
    reduceOnly,
    closeOrder: args.closeOrder === true,
    forceHold: args.forceHold === true,
    marginMode: args.marginMode === 'CROSS' ? 'CROSS' : 'ISOLATED',
  };
  execute(state, order, now);
  return order;
}

/** futures.order: answers {orderId, clientOid}. */
export function placeFuturesOrder(
  state: ExchangeState,
  account: Account,
  args: unknown,
  now: number,
): OpResult {
  const order = submitFutures(state, account, (args ?? {}) as FuturesArgs, 'futures.order', now);
  return ok({ orderId: order.id, clientOid: order.clientOid });
}

/** futures.multi_order: up to 20 orders, each answered with its own code; a bad one fails alone. */
export function placeFuturesOrders(
  state: ExchangeState,
  account: Account,
  args: unknown,
  now: number,
): OpResult {
  if (!Array.isArray(args) || args.length === 0 || args.length > MAX_BATCH_ORDERS)
    reject(CODES.param, `futures.multi_order takes 1 to ${MAX_BATCH_ORDERS} orders`);
  return ok(
    args.map((item: unknown) => {
      const request = (item ?? {}) as FuturesArgs;
      const clientOid = typeof request.clientOid === 'string' ? request.clientOid : '';
      const symbol = typeof request.symbol === 'string' ? request.symbol : '';
      try {
        const order = submitFutures(state, account, request, 'futures.multi_order', now);
        return { orderId: order.id, clientOid, symbol, code: '200000', msg: '' };
      } catch (error) {
        if (!(error instanceof Rejection)) throw error;
        return { orderId: null, clientOid, symbol, code: error.code, msg: error.message };
      }
    }),
  );
}

const NOT_CANCELABLE = 'order does not exist or is not cancelable';

/** futures.cancel: by orderId → {cancelledOrderIds}; by clientOid and symbol → {clientOid}. */
export function cancelFuturesOrder(state: ExchangeState, account: Account, args: unknown): OpResult {
  const request = (args ?? {}) as Partial<FuturesCancelRequest>;
  const order = findLive(state, account, 'futures', request);
  if (order === undefined) reject(CODES.notFound, NOT_CANCELABLE);
  cancelRemainder(state, order);
  return typeof request.orderId === 'string'
    ? ok({ cancelledOrderIds: [order.id] })
    : ok({ clientOid: order.clientOid });
}

/** futures.multi_cancel: one item per id or clientOid, in request order (ids first). */
export function cancelFuturesOrders(state: ExchangeState, account: Account, args: unknown): OpResult {
  const request = (args ?? {}) as Partial<FuturesMultiCancelRequest>;
  const ids = request.orderIdsList ?? [];
  const refs = request.clientOidsList ?? [];
  if (ids.length === 0 && refs.length === 0)
    reject(CODES.param, 'orderIdsList or clientOidsList is required');
  const cancelOne = (order: Order | undefined, orderId: string | null, clientOid: string | null) => {
    if (order === undefined) return { orderId, clientOid, code: CODES.notFound, msg: NOT_CANCELABLE };
    cancelRemainder(state, order);
    return { orderId: order.id, clientOid: order.clientOid, code: '200000', msg: '' };
  };
  return ok([
    ...ids.map((orderId) => cancelOne(findLive(state, account, 'futures', { orderId }), orderId, null)),
    ...refs.map((ref) => cancelOne(findLive(state, account, 'futures', ref), null, ref.clientOid)),
  ]);
}
