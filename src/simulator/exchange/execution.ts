import { div, floorTo, formatDecimal, mul } from './decimal';
import {
  canFillCompletely,
  crosses,
  match,
  opposite,
  type MatchHooks,
  type Stp,
  type Taker,
} from './matching';
import type { Order } from './order';
import { orderDone, orderMatched, orderOpened, orderUpdated } from './order-events';
import { holdFor, releasePart, settleFuturesFill, settleSpotFill } from './settlement';
import type { ExchangeState } from './state';

/** A size no funds-limited order can reach: such a taker is bounded by `affordable` instead. */
const UNBOUNDED = 10n ** 60n;

/**
 * Runs a freshly accepted order: FOK check, matching (only when it crosses, so a resting
 * limit order costs one price comparison), then rest the remainder (GTC/GTT limit orders) or
 * cancel it (IOC, FOK, market).
 */
export function execute(state: ExchangeState, order: Order, now: number): void {
  const book = state.book(order.spec.symbol);
  const limit = order.type === 'limit' ? order.price : undefined;
  const best = book.bestPrice(opposite(order.side));
  if (best !== undefined && crosses(order.side, limit, best)) {
    const byFunds = order.funds !== undefined;
    const stp: Stp | undefined = byFunds && order.stp === 'DC' ? 'CN' : order.stp;
    const taker: Taker = { side: order.side, limit, remaining: byFunds ? UNBOUNDED : order.remaining, stp };
    const hooks = new TakerHooks(state, order, taker, now);
    if (order.timeInForce === 'FOK' && !canFillCompletely(book, taker, hooks.isSelf)) {
      cancelRemainder(state, order);
      return;
    }
    const outcome = match(book, taker, hooks);
    // By funds there is no size to cancel (STP's count is of the unbounded stand-in size).
    if (byFunds) order.fundsReturned = outcome.stpCanceled > 0n || !onlyDustLeft(state, order);
    else order.canceledSize += outcome.stpCanceled;
    order.remaining = byFunds ? 0n : taker.remaining;
  } else if (order.funds !== undefined) order.fundsReturned = true;
  if (order.remaining > 0n && order.rests) {
    order.visible = order.peak !== undefined && order.peak < order.remaining ? order.peak : order.remaining;
    book.add(order);
    orderOpened(order, now);
    if (order.expireAt !== undefined) state.expiries.push(order.expireAt, order);
    return;
  }
  cancelRemainder(state, order);
}

/** Cancels whatever an order has left (in the book or not) and completes it. */
export function cancelRemainder(state: ExchangeState, order: Order): void {
  // A taker that matched all it had and lost nothing to STP ends filled, not cancelled.
  const filled =
    order.remaining === 0n && order.canceledSize === 0n && order.dealSize > 0n && !order.fundsReturned;
  state.book(order.spec.symbol).remove(order);
  order.canceledSize += order.remaining;
  order.remaining = 0n;
  order.visible = 0n;
  complete(state, order, filled);
}

/**
 * Whether a market order by funds stopped because what it has left cannot buy one more size
 * step (at the best price left, or the last trade's when the book ran out), not because the
 * book ran out of liquidity: the dust is kept and the order counts as filled.
 */
function onlyDustLeft(state: ExchangeState, order: Order): boolean {
  const left = (order.funds ?? 0n) - order.dealFunds;
  if (left <= 0n) return true;
  if (order.dealSize === 0n) return false;
  const price =
    state.book(order.spec.symbol).bestPrice(opposite(order.side)) ?? state.lastPrice.get(order.spec.symbol);
  if (price === undefined || price <= 0n) return false;
  const step = order.spec.step > 0n ? order.spec.step : 1n;
  return floorTo(div(left, price), step) === 0n;
}

/**
 * Marks an order done: releases what it still holds and forgets it as live. `filled`: it ended
 * by trading its last size (its terminal event is `filled`, else `canceled`).
 */
export function complete(state: ExchangeState, order: Order, filled: boolean): void {
  order.status = 'done';
  order.updatedAt = state.now;
  releasePart(order, order.holdLeft);
  state.live.delete(order);
  state.ledger.retire(order);
  if (order.entry !== undefined) order.entry.status = 'done';
  orderDone(order, filled, state.now);
}

/** Expires GTT orders whose time has come (cheap when none has: one heap peek). */
export function expireDue(state: ExchangeState, now: number): void {
  for (let key = state.expiries.peekKey(); key !== undefined && key <= now; key = state.expiries.peekKey()) {
    const order = state.expiries.pop();
    if (order !== undefined && order.status === 'open') cancelRemainder(state, order);
  }
}

/** The matcher's view of the exchange for one taker. */
class TakerHooks implements MatchHooks<Order> {
  constructor(
    private readonly state: ExchangeState,
    private readonly taker: Order,
    /** The matcher's view of the taker: its `remaining` is current during matching. */
    private readonly takerState: Taker,
    private readonly now: number,
  ) {}

  readonly isSelf = (maker: Order): boolean => maker.account === this.taker.account;

  affordable(price: bigint): bigint | undefined {
    const taker = this.taker;
    if (taker.type !== 'market' || taker.line === 'futures') return undefined;
    const step = taker.spec.step > 0n ? taker.spec.step : 1n;
    if (taker.side === 'buy') return floorTo(div(taker.holdLeft, price), step);
    if (taker.funds === undefined) return undefined;
    const byFunds = floorTo(div(taker.funds - taker.dealFunds, price), step);
    return byFunds < taker.holdLeft ? byFunds : taker.holdLeft;
  }

  fill(maker: Order, price: bigint, size: bigint): void {
    const settle = maker.line === 'futures' ? settleFuturesFill : settleSpotFill;
    settle(this.taker, price, size);
    settle(maker, price, size);
    const taker = this.taker;
    record(taker, price, size, 'taker', this.now);
    record(maker, price, size, 'maker', this.now);
    this.state.lastPrice.set(maker.spec.symbol, price);
    const tradeId = ++this.state.trades;
    // Per order, events follow the engine: the taker's match, then the maker's, then its end.
    if (taker.account.orderEvents !== undefined) {
      const left = taker.funds !== undefined ? 0n : this.takerState.remaining;
      orderMatched(taker, price, size, tradeId, 'taker', left, this.now);
    }
    orderMatched(maker, price, size, tradeId, 'maker', maker.remaining, this.now);
    if (maker.remaining === 0n) complete(this.state, maker, true);
  }

  makerCanceled(maker: Order, size: bigint, removed: boolean): void {
    maker.canceledSize += size;
    maker.updatedAt = this.now;
    if (removed) complete(this.state, maker, false);
    else {
      releasePart(maker, holdFor(maker, size));
      orderUpdated(maker, maker.remaining + size, this.now);
    }
  }
}

function record(order: Order, price: bigint, size: bigint, liquidity: 'maker' | 'taker', now: number): void {
  order.dealSize += size;
  order.dealFunds += mul(price, size);
  order.updatedAt = now;
  if (order.account.house) return;
  const fill = { price: formatDecimal(price), size: formatDecimal(size), time: now, liquidity };
  if (order.fills === undefined) order.fills = [fill];
  else order.fills.push(fill);
  // A materialised entry shares `fills`; only its dealSize needs refreshing.
  if (order.entry !== undefined) order.entry.dealSize = formatDecimal(order.dealSize);
}
