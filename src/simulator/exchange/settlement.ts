import { mul } from './decimal';
import type { Order } from './order';
import { applyFill } from './positions';

/**
 * Moves the money of one spot or margin fill for one side of the trade. A buyer pays from its
 * hold and gets base; a limit buyer filled below its limit gets the difference released. A
 * seller pays base from its hold and gets quote. No fees. autoRepay orders repay liabilities in
 * the currency they receive, up to what this fill brought in.
 */
export function settleSpotFill(order: Order, price: bigint, size: bigint): void {
  const wallet = order.wallet;
  if (wallet.unlimited) return;
  const { base, quote } = order.spec;
  const value = mul(price, size);
  if (order.side === 'buy') {
    spend(order, value);
    if (order.type === 'limit' && order.price > price) {
      releasePart(order, mul(order.price - price, size));
    }
    wallet.credit(base, size);
    if (order.autoRepay) wallet.repay(base, size);
  } else {
    spend(order, size);
    wallet.credit(quote, value);
    if (order.autoRepay) wallet.repay(quote, value);
  }
}

/**
 * Applies one futures fill to one side's net position. Reduced lots realise PnL and free their
 * share of position margin into available; opened lots take margin from the order's hold and,
 * if the hold falls short (the position moved since the order was placed), from available.
 */
export function settleFuturesFill(order: Order, price: bigint, lots: bigint): void {
  if (order.account.house) return;
  const position = order.account.position(order.spec.symbol);
  const change = applyFill(position, order.side === 'buy' ? lots : -lots, price, order.spec.multiplier);
  const wallet = order.wallet;
  if (change.closed > 0n) wallet.credit(order.holdCurrency, change.releasedMargin + change.pnl);
  if (change.opened > 0n) {
    const need = mul(order.futures?.marginPerLot ?? 0n, change.opened);
    const fromHold = need < order.holdLeft ? need : order.holdLeft;
    spend(order, fromHold);
    const fromAvailable = wallet.debitUpTo(order.holdCurrency, need - fromHold);
    position.margin += fromHold + fromAvailable;
    position.leverage = order.futures?.leverage ?? 0n;
  }
}

function spend(order: Order, amount: bigint): void {
  const paid = amount < order.holdLeft ? amount : order.holdLeft;
  order.wallet.spendHeld(order.holdCurrency, paid);
  order.holdLeft -= paid;
}

/** Releases up to `amount` of an order's hold back to available. */
export function releasePart(order: Order, amount: bigint): void {
  const released = amount < order.holdLeft ? amount : order.holdLeft;
  if (released <= 0n) return;
  order.wallet.release(order.holdCurrency, released);
  order.holdLeft -= released;
}

/** The hold that `size` of an order accounts for: what to release when STP shrinks it. */
export function holdFor(order: Order, size: bigint): bigint {
  if (order.line === 'futures') return mul(order.futures?.marginPerLot ?? 0n, size);
  return order.side === 'buy' ? mul(order.price, size) : size;
}
