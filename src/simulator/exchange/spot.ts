import type { ModifyHFOrderRequest, WSAPICancelOrderRequest } from '../../codecs/requests';
import type { Account } from './accounts';
import { mul } from './decimal';
import { cancelRemainder, execute } from './execution';
import type { Line, Order, OrderTerms } from './order';
import {
  acceptOrder,
  ensureNewClientOid,
  findLive,
  holdRequirement,
  syncCancelData,
  syncOrderData,
} from './placement';
import { ok, reject, SPOT_CODES } from './results';
import type { ExchangeState } from './state';
import {
  checkPostOnly,
  checkPrice,
  checkSize,
  positiveDecimal,
  spotTerms,
  type SpotOrderArgs,
} from './terms';
import type { OpResult } from './types';

const CODES = SPOT_CODES;

/** Reserves, accepts and runs a validated spot order. */
function submitSpot(
  state: ExchangeState,
  account: Account,
  terms: OrderTerms,
  op: string,
  now: number,
): Order {
  ensureNewClientOid(state, account, 'spot', terms.clientOid, CODES);
  checkPostOnly(state, terms, CODES);
  const need = holdRequirement(state, terms, account);
  if (!account.spot.reserve(need.currency, need.amount)) reject(CODES.balance, 'Balance insufficient!');
  const order = acceptOrder(
    state,
    terms,
    { account, wallet: account.spot, line: 'spot' },
    need.amount,
    op,
    now,
  );
  execute(state, order, now);
  return order;
}

/** spot.order: accepts, matches, answers {orderId, clientOid}. */
export function placeSpotOrder(state: ExchangeState, account: Account, args: unknown, now: number): OpResult {
  const order = submitSpot(
    state,
    account,
    spotTerms(state, args as SpotOrderArgs, now, CODES),
    'spot.order',
    now,
  );
  return ok({ orderId: order.id, clientOid: order.clientOid });
}

/** spot.sync_order: like spot.order, answering with the fill state after matching. */
export function placeSpotOrderSync(
  state: ExchangeState,
  account: Account,
  args: unknown,
  now: number,
): OpResult {
  const terms = spotTerms(state, args as SpotOrderArgs, now, CODES);
  return ok(syncOrderData(submitSpot(state, account, terms, 'spot.sync_order', now)));
}

/** The live order a spot/margin cancel names, or a rejection. */
export function liveOrder(state: ExchangeState, account: Account, line: Line, args: unknown): Order {
  const ref = (args ?? {}) as Partial<WSAPICancelOrderRequest>;
  const order = findLive(state, account, line, ref);
  if (order === undefined) reject(CODES.notFound, 'order not exists (unknown, or already done)');
  return order;
}

/** spot.cancel / margin.cancel: cancels an open order, answers {orderId, clientOid}. */
export function cancelOrder(state: ExchangeState, account: Account, line: Line, args: unknown): OpResult {
  const order = liveOrder(state, account, line, args);
  cancelRemainder(state, order);
  return ok({ orderId: order.id, clientOid: order.clientOid });
}

/** spot.sync_cancel: cancels and answers with the order's final sizes. */
export function cancelSpotOrderSync(state: ExchangeState, account: Account, args: unknown): OpResult {
  const order = liveOrder(state, account, 'spot', args);
  cancelRemainder(state, order);
  return ok(syncCancelData(order));
}

/**
 * spot.modify: cancel-and-replace. The replacement keeps the clientOid and every other term,
 * takes the new price and/or size (newSize is the new total: the replacement's size is newSize
 * minus what already filled), gets a new order id and joins the back of its level. When newSize
 * does not exceed the filled size the order is just cancelled and newOrderId is ''. If the
 * replacement is refused (balance, increments, postOnly) the original stays cancelled.
 */
export function modifySpotOrder(
  state: ExchangeState,
  account: Account,
  args: unknown,
  now: number,
): OpResult {
  const request = (args ?? {}) as Partial<ModifyHFOrderRequest>;
  const old = liveOrder(state, account, 'spot', request);
  const spec = old.spec;
  const price =
    request.newPrice === undefined ? old.price : positiveDecimal(request.newPrice, 'newPrice', CODES);
  checkPrice(spec, price, CODES);
  const total =
    request.newSize === undefined ? undefined : positiveDecimal(request.newSize, 'newSize', CODES);
  const size = total === undefined ? old.remaining : total - old.dealSize;
  if (size > 0n) {
    checkSize(spec, size, 'newSize', CODES);
    if (mul(price, size) < spec.minFunds)
      reject(
        CODES.param,
        `order value (price * size) must be at least minFunds ${spec.config.minFunds ?? '0'}`,
      );
  }
  cancelRemainder(state, old);
  if (size <= 0n) return ok({ newOrderId: '', clientOid: old.clientOid });
  const terms: OrderTerms = {
    spec,
    side: old.side,
    type: old.type,
    price,
    size,
    funds: undefined,
    timeInForce: old.timeInForce,
    expireAt: old.expireAt,
    postOnly: old.postOnly,
    hidden: old.hidden,
    peak: old.peak !== undefined && old.peak > size ? size : old.peak,
    stp: old.stp,
    clientOid: old.clientOid,
  };
  const replacement = submitSpot(state, account, terms, 'spot.modify', now);
  return ok({ newOrderId: replacement.id, clientOid: replacement.clientOid });
}
