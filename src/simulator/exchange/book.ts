/**
 * A price-time-priority order book. Each side keeps its price levels in a sorted array (worst
 * first, so the best level is the last element and removing it is a pop); each level keeps two
 * FIFO queues as intrusive doubly linked lists: shown orders (plain and iceberg) and hidden
 * orders, which match only after every shown order at the same price. Each resting order
 * carries its node, so cancel is O(1) plus O(log levels) when it empties a level; insert is
 * O(log levels) (plus an array splice when it opens a new level inside the book).
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
  /** Owned by the book: where the order rests (undefined when it does not). Saves an id lookup. */
  bookNode: BookNode | undefined;
}

/** The book's record of a resting order: its level and neighbours in its queue. Opaque outside. */
export interface BookNode {
  readonly order: BookOrder;
}

interface Node<T> extends BookNode {
  readonly level: Level<T>;
  queue: Queue<T>;
  prev: Node<T> | undefined;
  next: Node<T> | undefined;
}

class Queue<T> {
  head: Node<T> | undefined = undefined;
  tail: Node<T> | undefined = undefined;

  push(node: Node<T>): void {
    node.queue = this;
    node.prev = this.tail;
    node.next = undefined;
    if (this.tail) this.tail.next = node;
    else this.head = node;
    this.tail = node;
  }

  unlink(node: Node<T>): void {
    if (node.prev) node.prev.next = node.next;
    else this.head = node.next;
    if (node.next) node.next.prev = node.prev;
    else this.tail = node.prev;
    node.prev = undefined;
    node.next = undefined;
  }
}

interface Level<T> {
  readonly price: bigint;
  /** Sort key: bids rank by price, asks by −price, so "better" is always "greater". */
  readonly rank: bigint;
  readonly shown: Queue<T>;
  readonly hidden: Queue<T>;
}

const isEmpty = <T>(level: Level<T>): boolean =>
  level.shown.head === undefined && level.hidden.head === undefined;

class BookSide<T> {
  /** Worst → best. */
  readonly levels: Level<T>[] = [];
  /** Price → level: joining an existing level is one hash lookup, no search. */
  private readonly byPrice = new Map<bigint, Level<T>>();

  constructor(private readonly sign: 1n | -1n) {}

  rankOf(price: bigint): bigint {
    return price * this.sign;
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
    if (order.bookNode !== undefined) throw new Error(`order ${order.id} is already in a book`);
    const level = this.sideOf(order.side).levelFor(order.price);
    const queue = order.hidden ? level.hidden : level.shown;
    const node: Node<T> = { order, level, queue, prev: undefined, next: undefined };
    queue.push(node);
    order.bookNode = node;
    this.count += 1;
  }

  /** Removes a resting order; false when it was not resting. */
  remove(order: T): boolean {
    const node = order.bookNode as Node<T> | undefined;
    if (node === undefined) return false;
    node.queue.unlink(node);
    order.bookNode = undefined;
    this.count -= 1;
    if (isEmpty(node.level)) this.sideOf(order.side).drop(node.level);
    return true;
  }

  /** Whether the order rests in a book. */
  has(order: T): boolean {
    return order.bookNode !== undefined;
  }

  /** Moves an order to the tail of its level's shown queue: an iceberg refresh loses time priority. */
  requeue(order: T): void {
    const node = order.bookNode as Node<T> | undefined;
    if (node === undefined) return;
    node.queue.unlink(node);
    (order.hidden ? node.level.hidden : node.level.shown).push(node);
  }

  /** The best price resting on `side` ('buy' = bids). */
  bestPrice(side: Side): bigint | undefined {
    return this.sideOf(side).best()?.price;
  }

  /** The order a taker meets first on `side`: the best level's oldest shown order, else its oldest hidden one. */
  front(side: Side): T | undefined {
    const level = this.sideOf(side).best();
    if (level === undefined) return undefined;
    return (level.shown.head ?? level.hidden.head)?.order as T | undefined;
  }

  /** Visits `side`'s orders in matching priority until `visit` returns false. */
  forEach(side: Side, visit: (order: T) => boolean): void {
    const levels = this.sideOf(side).levels;
    for (let i = levels.length - 1; i >= 0; i--) {
      for (const queue of [levels[i].shown, levels[i].hidden]) {
        for (let node = queue.head; node !== undefined; node = node.next) {
          if (!visit(node.order as T)) return;
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
      for (let node = levels[i].shown.head; node !== undefined; node = node.next) shown += node.order.visible;
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
