/**
 * A price-time-priority order book. Each side keeps its price levels in a sorted array (worst
 * first, so the best level is the last element and removing it is a pop); each level keeps two
 * FIFO queues as intrusive doubly linked lists (the links live on the orders): shown orders
 * (plain and iceberg) and hidden orders, which match only after every shown order at the same
 * price. Joining an existing level is a hash lookup; opening one is a binary search plus an
 * array splice (a push when it is the new best); cancel is O(1) unless it empties a level.
 */

export type Side = 'buy' | 'sell';

/** What the book needs to know about an order. Matching mutates `remaining` and `visible`. */
export interface BookOrder {
  readonly id: string;
  readonly side: Side;
  readonly price: bigint;
  /** Unfilled size. */
  remaining: bigint;
  /** The size that matches before the order must requeue: the iceberg's current slice, else `remaining`. */
  visible: bigint;
  /** Iceberg: the slice size shown at the front; undefined for other orders. */
  readonly peak: bigint | undefined;
  /** Hidden orders are not shown in depth and match after the level's shown orders. */
  readonly hidden: boolean;
  /**
   * Owned by the book: the level the order rests at (undefined when not resting) and its
   * neighbours in its queue. Intrusive links cost no allocation per resting order.
   */
  bookLevel: object | undefined;
  bookPrev: BookOrder | undefined;
  bookNext: BookOrder | undefined;
}

class Queue<T extends BookOrder> {
  head: T | undefined = undefined;
  tail: T | undefined = undefined;

  push(order: T): void {
    order.bookPrev = this.tail;
    order.bookNext = undefined;
    if (this.tail) this.tail.bookNext = order;
    else this.head = order;
    this.tail = order;
  }

  unlink(order: T): void {
    const prev = order.bookPrev as T | undefined;
    const next = order.bookNext as T | undefined;
    if (prev) prev.bookNext = next;
    else this.head = next;
    if (next) next.bookPrev = prev;
    else this.tail = prev;
    order.bookPrev = undefined;
    order.bookNext = undefined;
  }
}

interface Level<T extends BookOrder> {
  readonly price: bigint;
  /** Sort key: bids rank by price, asks by −price, so "better" is always "greater". */
  readonly rank: bigint;
  readonly shown: Queue<T>;
  readonly hidden: Queue<T>;
}

const isEmpty = <T extends BookOrder>(level: Level<T>): boolean =>
  level.shown.head === undefined && level.hidden.head === undefined;

const queueOf = <T extends BookOrder>(level: Level<T>, order: T): Queue<T> =>
  order.hidden ? level.hidden : level.shown;

class BookSide<T extends BookOrder> {
  /** Worst → best. */
  readonly levels: Level<T>[] = [];
  /** Price → level: joining an existing level is one hash lookup, no search. */
  private readonly byPrice = new Map<bigint, Level<T>>();

  constructor(private readonly sign: 1n | -1n) {}

  rankOf(price: bigint): bigint {
    return this.sign === 1n ? price : -price;
  }

  /** Index of the level with this rank, or −(insertion point) − 1. */
  search(rank: bigint): number {
    let lo = 0;
    let hi = this.levels.length - 1;
    while (lo <= hi) {
      const mid = (lo + hi) >>> 1;
      const r = this.levels[mid].rank;
      if (r < rank) lo = mid + 1;
      else if (r > rank) hi = mid - 1;
      else return mid;
    }
    return -lo - 1;
  }

  levelFor(price: bigint): Level<T> {
    const existing = this.byPrice.get(price);
    if (existing !== undefined) return existing;
    const rank = this.rankOf(price);
    const level = { price, rank, shown: new Queue<T>(), hidden: new Queue<T>() };
    this.byPrice.set(price, level);
    const n = this.levels.length;
    // A new best level is a push; anything else is a binary search and a splice.
    if (n === 0 || this.levels[n - 1].rank < rank) this.levels.push(level);
    else this.levels.splice(-this.search(rank) - 1, 0, level);
    return level;
  }

  drop(level: Level<T>): void {
    this.byPrice.delete(level.price);
    const n = this.levels.length;
    if (this.levels[n - 1] === level) {
      this.levels.pop();
      return;
    }
    const i = this.search(level.rank);
    if (i >= 0) this.levels.splice(i, 1);
  }

  best(): Level<T> | undefined {
    return this.levels[this.levels.length - 1];
  }
}

/** One symbol's book. */
export class OrderBook<T extends BookOrder> {
  private readonly bids = new BookSide<T>(1n);
  private readonly asks = new BookSide<T>(-1n);
  private count = 0;

  /** Resting orders on both sides. */
  get size(): number {
    return this.count;
  }

  private sideOf(side: Side): BookSide<T> {
    return side === 'buy' ? this.bids : this.asks;
  }

  /** Rests an order at the tail of its price level (hidden orders at the tail of the hidden queue). */
  add(order: T): void {
    if (order.bookLevel !== undefined) throw new Error(`order ${order.id} is already in a book`);
    const level = this.sideOf(order.side).levelFor(order.price);
    queueOf(level, order).push(order);
    order.bookLevel = level;
    this.count += 1;
  }

  /** Removes a resting order; false when it was not resting. */
  remove(order: T): boolean {
    const level = order.bookLevel as Level<T> | undefined;
    if (level === undefined) return false;
    queueOf(level, order).unlink(order);
    order.bookLevel = undefined;
    this.count -= 1;
    if (isEmpty(level)) this.sideOf(order.side).drop(level);
    return true;
  }

  /** Moves an order to the tail of its queue: an iceberg refresh loses time priority. */
  requeue(order: T): void {
    const level = order.bookLevel as Level<T> | undefined;
    if (level === undefined) return;
    const queue = queueOf(level, order);
    queue.unlink(order);
    queue.push(order);
  }

  /** The best price resting on `side` ('buy' = bids). */
  bestPrice(side: Side): bigint | undefined {
    return this.sideOf(side).best()?.price;
  }

  /** The order a taker meets first on `side`: the best level's oldest shown order, else its oldest hidden one. */
  front(side: Side): T | undefined {
    const level = this.sideOf(side).best();
    if (level === undefined) return undefined;
    return level.shown.head ?? level.hidden.head;
  }

  /** Visits `side`'s orders in matching priority until `visit` returns false. */
  forEach(side: Side, visit: (order: T) => boolean): void {
    const levels = this.sideOf(side).levels;
    for (let i = levels.length - 1; i >= 0; i--) {
      for (const queue of [levels[i].shown, levels[i].hidden]) {
        for (let order = queue.head; order !== undefined; order = order.bookNext as T | undefined) {
          if (!visit(order)) return;
        }
      }
    }
  }

  /**
   * What the public would see on `side`, best first: per price, the sum of shown sizes (an
   * iceberg counts its current slice; hidden orders count nothing; levels with only hidden
   * orders are left out).
   */
  depth(side: Side, maxLevels = Infinity): Array<[bigint, bigint]> {
    const out: Array<[bigint, bigint]> = [];
    const levels = this.sideOf(side).levels;
    for (let i = levels.length - 1; i >= 0 && out.length < maxLevels; i--) {
      let shown = 0n;
      for (let o: BookOrder | undefined = levels[i].shown.head; o !== undefined; o = o.bookNext)
        shown += o.visible;
      if (shown > 0n) out.push([levels[i].price, shown]);
    }
    return out;
  }

  /** Every resting order, bids then asks, each in matching priority. */
  orders(): T[] {
    const out: T[] = [];
    const collect = (o: T): boolean => {
      out.push(o);
      return true;
    };
    this.forEach('buy', collect);
    this.forEach('sell', collect);
    return out;
  }
}
