import { mul } from './decimal';

/** A net (one-way, positionSide BOTH) futures position. Sizes in lots, scaled. */
export interface Position {
  readonly symbol: string;
  /** Signed lots: positive long, negative short. */
  qty: bigint;
  /** Average entry price; 0 when flat. */
  entryPrice: bigint;
  /** Margin committed to the position (USDT). */
  margin: bigint;
  /** Profit and loss realised by reductions, accumulated (USDT). */
  realisedPnl: bigint;
  /** The leverage of the order that last opened or increased it. */
  leverage: bigint;
}

/** What one fill did to a position. */
export interface PositionChange {
  /** Lots that opened or increased the position (they need margin). */
  readonly opened: bigint;
  /** Lots that reduced it. */
  readonly closed: bigint;
  /** PnL realised by the reduction. */
  readonly pnl: bigint;
  /** Position margin freed by the reduction. */
  readonly releasedMargin: bigint;
}

/** A flat position. */
export const flatPosition = (symbol: string): Position => ({
  symbol,
  qty: 0n,
  entryPrice: 0n,
  margin: 0n,
  realisedPnl: 0n,
  leverage: 0n,
});

const absolute = (a: bigint): bigint => (a < 0n ? -a : a);

/**
 * Applies a fill of `lots` (signed: buy positive) at `price` to a net position: the part
 * against the position reduces it (realising PnL and freeing a proportional share of its
 * margin); any rest opens or extends it at a size-weighted average entry price. The caller
 * adds the margin for the opened lots.
 */
export function applyFill(
  position: Position,
  lots: bigint,
  price: bigint,
  multiplier: bigint,
): PositionChange {
  const size = absolute(lots);
  const direction = lots > 0n ? 1n : -1n;
  const held = absolute(position.qty);
  const against = position.qty !== 0n && position.qty > 0n !== lots > 0n;
  const closed = against ? (size < held ? size : held) : 0n;
  let pnl = 0n;
  let releasedMargin = 0n;
  if (closed > 0n) {
    const perUnit = position.qty > 0n ? price - position.entryPrice : position.entryPrice - price;
    pnl = mul(mul(perUnit, closed), multiplier);
    releasedMargin = (position.margin * closed) / held;
    position.margin -= releasedMargin;
    position.qty += direction * closed;
    position.realisedPnl += pnl;
    if (position.qty === 0n) position.entryPrice = 0n;
  }
  const opened = size - closed;
  if (opened > 0n) {
    const before = absolute(position.qty);
    position.entryPrice = (position.entryPrice * before + price * opened) / (before + opened);
    position.qty += direction * opened;
  }
  return { opened, closed, pnl, releasedMargin };
}
