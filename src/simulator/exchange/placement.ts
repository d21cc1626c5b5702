import type { Account } from './accounts';
import { div, floorTo, formatDecimal, mul } from './decimal';
import { walk } from './matching';
import { Order, type Line, type OrderOwner, type OrderTerms } from './order';
import { orderReceived } from './order-events';
import { reject, type LineCodes } from './results';
import type { ExchangeState } from './state';

/** An amount of one currency an order must reserve. */
export interface Requirement {
  readonly currency: string;
  readonly amount: bigint;
}

/**
 * What a spot or margin order reserves: a limit buy price × size of quote, a sell its size of
 * base, a market buy by funds its funds. A market buy by size reserves what the size would cost
 * against the book now, and a market sell by funds the base the funds would take; own orders
 * that STP would skip are left out of those estimates.
 */
export function holdRequirement(state: ExchangeState, terms: OrderTerms, account: Account): Requirement {
  const { spec, side } = terms;
  if (side === 'buy') {
    if (terms.type === 'limit') return { currency: spec.quote, amount: mul(terms.price, terms.size ?? 0n) };
    if (terms.funds !== undefined) return { currency: spec.quote, amount: terms.funds };
    return { currency: spec.quote, amount: marketBuyCost(state, terms, account) };
  }
  if (terms.size !== undefined) return { currency: spec.base, amount: terms.size };
  return { currency: spec.base, amount: marketSellBase(state, terms, account) };
}

function marketBuyCost(state: ExchangeState, terms: OrderTerms, account: Account): bigint {
  let need = terms.size ?? 0n;
  let cost = 0n;
  walk(state.book(terms.spec.symbol), 'buy', undefined, (maker) => {
    if (terms.stp !== undefined && maker.account === account) return true;
    const size = maker.remaining < need ? maker.remaining : need;
    cost += mul(maker.price, size);
    need -= size;
    return need > 0n;
  });
  return cost;
}

function marketSellBase(state: ExchangeState, terms: OrderTerms, account: Account): bigint {
  let funds = terms.funds ?? 0n;
  let base = 0n;
  const step = terms.spec.step > 0n ? terms.spec.step : 1n;
  walk(state.book(terms.spec.symbol), 'sell', undefined, (maker) => {
    if (terms.stp !== undefined && maker.account === account) return true;
    const affordable = floorTo(div(funds, maker.price), step);
    const size = maker.remaining < affordable ? maker.remaining : affordable;
    base += size;
    funds -= mul(maker.price, size);
    return size === maker.remaining && funds > 0n;
  });
  return base;
}

/** Rejects a clientOid an open order of the same account and line already uses. */
export function ensureNewClientOid(
  state: ExchangeState,
  account: Account,
  line: Line,
  clientOid: string,
  codes: LineCodes,
): void {
  if (clientOid !== '' && state.ledger.liveOrder(clientOid, account.apiKey, line) !== undefined)
    reject(codes.param, 'clientOid duplicated: an open order of this account already uses it');
}

/** Registers an accepted order (live indexes and ledger) with `hold` already reserved. */
export function acceptOrder(
  state: ExchangeState,
  terms: OrderTerms,
  owner: OrderOwner,
  hold: bigint,
  op: string,
  now: number,
): Order {
  const sequence = state.ids.nextSequence();
  const order = new Order(state.ids, sequence, terms, owner, now);
  order.holdLeft = hold;
  state.live.add(order);
  order.op = op;
  state.ledger.record(order);
  orderReceived(order, now);
  return order;
}

/** An account's live order of one line, by orderId or clientOid, on `symbol` (when given). */
export function findLive(
  state: ExchangeState,
  account: Account,
  line: Line,
  ref: { readonly orderId?: unknown; readonly clientOid?: unknown; readonly symbol?: unknown },
): Order | undefined {
  const order =
    typeof ref.orderId === 'string'
      ? state.live.get(ref.orderId)
      : typeof ref.clientOid === 'string'
        ? state.ledger.liveOrder(ref.clientOid, account.apiKey, line)
        : undefined;
  if (order === undefined || order.account !== account || order.line !== line) return undefined;
  if (typeof ref.symbol === 'string' && order.spec.symbol !== ref.symbol) return undefined;
  return order;
}

/** The fill state spot.sync_order answers with. */
export function syncOrderData(order: Order) {
  return {
    orderId: order.id,
    clientOid: order.clientOid,
    orderTime: order.orderTime,
    originSize: formatDecimal(order.size),
    dealSize: formatDecimal(order.dealSize),
    remainSize: formatDecimal(order.remaining),
    canceledSize: formatDecimal(order.canceledSize),
    status: order.status,
    matchTime: order.orderTime,
  };
}

/** The state spot.sync_cancel answers with. */
export function syncCancelData(order: Order) {
  return {
    orderId: order.id,
    clientOid: order.clientOid,
    originSize: formatDecimal(order.size),
    dealSize: formatDecimal(order.dealSize),
    remainSize: formatDecimal(order.remaining),
    canceledSize: formatDecimal(order.canceledSize),
    status: order.status,
  };
}
