import type { BookOrder, OrderBook, Side } from './book';

/** Self-trade prevention: decrease-and-cancel, cancel oldest, cancel newest, cancel both. */
export type Stp = 'DC' | 'CO' | 'CN' | 'CB';

/** The incoming order as the matcher sees it. `remaining` is decreased as it fills. */
export interface Taker {
  readonly side: Side;
  /** Limit price; undefined for a market order. */
  readonly limit: bigint | undefined;
  remaining: bigint;
  /** STP mode; undefined lets an account trade with itself. */
  readonly stp: Stp | undefined;
}

/** How the exchange takes part in matching, without the matcher knowing about accounts. */
export interface MatchHooks<T> {
  /** Whether the resting order belongs to the taker's account. */
  isSelf(maker: T): boolean;
  /** The largest size the taker can pay for at `price` (funds-limited orders); undefined: no limit. */
  affordable(price: bigint): bigint | undefined;
  /** A trade happened. The maker's sizes are already updated (and it left the book if filled). */
  fill(maker: T, price: bigint, size: bigint): void;
  /** STP cancelled `size` of the resting order; `removed` when it left the book. */
  makerCanceled(maker: T, size: bigint, removed: boolean): void;
}

/** What matching did to the taker. */
export interface MatchOutcome {
  /** Size traded. */
  filled: bigint;
  /** Size of the taker cancelled by self-trade prevention. */
  stpCanceled: bigint;
}

/** Whether a resting order at `price` is acceptable to the taker. */
export const crosses = (side: Side, limit: bigint | undefined, price: bigint): boolean =>
  limit === undefined || (side === 'buy' ? price <= limit : price >= limit);

/** The side a taker of `side` trades against. */
export const opposite = (side: Side): Side => (side === 'buy' ? 'sell' : 'buy');

/**
 * Matches a taker against the book in price-time priority: best price first, then shown orders
 * oldest first, then hidden ones. An iceberg trades its slice, then requeues at the tail of its
 * level with a fresh slice. Mutates the book and the orders; reports through `hooks`.
 */
export function match<T extends BookOrder>(
  book: OrderBook<T>,
  taker: Taker,
  hooks: MatchHooks<T>,
): MatchOutcome {
  const against = opposite(taker.side);
  const outcome: MatchOutcome = { filled: 0n, stpCanceled: 0n };
  while (taker.remaining > 0n) {
    const maker = book.front(against);
    if (maker === undefined || !crosses(taker.side, taker.limit, maker.price)) break;
    if (taker.stp !== undefined && hooks.isSelf(maker)) {
      if (preventSelfTrade(book, taker, taker.stp, maker, hooks, outcome)) continue;
      break;
    }
    const price = maker.price;
    let size = taker.remaining < maker.visible ? taker.remaining : maker.visible;
    const affordable = hooks.affordable(price);
    if (affordable !== undefined && affordable < size) size = affordable;
    if (size <= 0n) break;
    maker.remaining -= size;
    maker.visible -= size;
    taker.remaining -= size;
    outcome.filled += size;
    if (maker.remaining === 0n) book.remove(maker);
    else if (maker.visible === 0n) refresh(book, maker);
    hooks.fill(maker, price, size);
  }
  return outcome;
}

function refresh<T extends BookOrder>(book: OrderBook<T>, maker: T): void {
  const peak = maker.peak ?? maker.remaining;
  maker.visible = peak < maker.remaining ? peak : maker.remaining;
  book.requeue(maker);
}

function cancelMaker<T extends BookOrder>(book: OrderBook<T>, maker: T, hooks: MatchHooks<T>): bigint {
  const size = maker.remaining;
  book.remove(maker);
  maker.remaining = 0n;
  maker.visible = 0n;
  hooks.makerCanceled(maker, size, true);
  return size;
}

/** Applies the taker's STP mode to one own resting order. Returns whether matching continues. */
function preventSelfTrade<T extends BookOrder>(
  book: OrderBook<T>,
  taker: Taker,
  mode: Stp,
  maker: T,
  hooks: MatchHooks<T>,
  outcome: MatchOutcome,
): boolean {
  switch (mode) {
    case 'CO':
      cancelMaker(book, maker, hooks);
      return true;
    case 'CN':
      outcome.stpCanceled += taker.remaining;
      taker.remaining = 0n;
      return false;
    case 'CB':
      cancelMaker(book, maker, hooks);
      outcome.stpCanceled += taker.remaining;
      taker.remaining = 0n;
      return false;
    case 'DC': {
      // The smaller order is cancelled and the larger decreased by the same size; equal: both go.
      if (taker.remaining >= maker.remaining) {
        const size = cancelMaker(book, maker, hooks);
        taker.remaining -= size;
        outcome.stpCanceled += size;
        return taker.remaining > 0n;
      }
      const size = taker.remaining;
      maker.remaining -= size;
      if (maker.visible > maker.remaining) maker.visible = maker.remaining;
      hooks.makerCanceled(maker, size, false);
      outcome.stpCanceled += size;
      taker.remaining = 0n;
      return false;
    }
  }
}

/**
 * Walks the liquidity a taker would meet, in priority order, without touching the book.
 * `visit` gets each crossing resting order and whether it is the taker's own; it returns false
 * to stop. Used for FOK checks and to estimate what a market order will cost.
 */
export function walk<T extends BookOrder>(
  book: OrderBook<T>,
  side: Side,
  limit: bigint | undefined,
  visit: (maker: T) => boolean,
): void {
  book.forEach(opposite(side), (maker) => crosses(side, limit, maker.price) && visit(maker));
}

/**
 * Whether a fill-or-kill taker would fill completely: other accounts' liquidity counts; an own
 * order under CO is skipped (it will be cancelled), under DC/CN/CB it stops the fill (those modes
 * cancel or shrink the taker), and with no STP it trades like anyone else's.
 */
export function canFillCompletely<T extends BookOrder>(
  book: OrderBook<T>,
  taker: Taker,
  isSelf: (maker: T) => boolean,
): boolean {
  let need = taker.remaining;
  walk(book, taker.side, taker.limit, (maker) => {
    if (taker.stp !== undefined && isSelf(maker)) return taker.stp === 'CO';
    need -= maker.remaining < need ? maker.remaining : need;
    return need > 0n;
  });
  return need === 0n;
}
