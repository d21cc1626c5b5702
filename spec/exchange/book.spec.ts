import { OrderBook, type BookOrder, type Side } from '../../src/simulator/exchange/book';
import { fromInt } from '../../src/simulator/exchange/decimal';
import {
  canFillCompletely,
  match,
  type MatchHooks,
  type Stp,
  type Taker,
} from '../../src/simulator/exchange/matching';

interface TestOrder extends BookOrder {
  readonly owner: string;
}

const order = (
  id: string,
  side: Side,
  price: number,
  size: number,
  extra: { owner?: string; hidden?: boolean; peak?: number } = {},
): TestOrder => {
  const remaining = fromInt(size);
  const peak = extra.peak === undefined ? undefined : fromInt(extra.peak);
  return {
    id,
    side,
    price: fromInt(price),
    remaining,
    visible: peak !== undefined && peak < remaining ? peak : remaining,
    peak,
    hidden: extra.hidden ?? false,
    bookLevel: undefined,
    bookPrev: undefined,
    bookNext: undefined,
    owner: extra.owner ?? 'house',
  };
};

interface Trade {
  maker: string;
  price: number;
  size: number;
}

/** Hooks that record trades and STP cancels as plain numbers. */
function recorder(owner = 'taker') {
  const trades: Trade[] = [];
  const canceled: Array<{ maker: string; size: number; removed: boolean }> = [];
  const hooks: MatchHooks<TestOrder> = {
    isSelf: (maker) => maker.owner === owner,
    affordable: () => undefined,
    fill: (maker, price, size) =>
      trades.push({ maker: maker.id, price: Number(price / 10n ** 18n), size: Number(size / 10n ** 18n) }),
    makerCanceled: (maker, size, removed) =>
      canceled.push({ maker: maker.id, size: Number(size / 10n ** 18n), removed }),
  };
  return { trades, canceled, hooks };
}

const taker = (side: Side, size: number, limit?: number, stp?: Stp): Taker => ({
  side,
  limit: limit === undefined ? undefined : fromInt(limit),
  remaining: fromInt(size),
  stp,
});

const levels = (book: OrderBook<TestOrder>, side: Side) =>
  book.depth(side).map(([p, s]) => [Number(p / 10n ** 18n), Number(s / 10n ** 18n)]);

describe('OrderBook', () => {
  it('keeps bids best-first (highest) and asks best-first (lowest), aggregating levels', () => {
    const book = new OrderBook<TestOrder>();
    book.add(order('b1', 'buy', 99, 1));
    book.add(order('b2', 'buy', 101, 2));
    book.add(order('b3', 'buy', 100, 3));
    book.add(order('b4', 'buy', 100, 4));
    book.add(order('a1', 'sell', 105, 1));
    book.add(order('a2', 'sell', 103, 2));
    book.add(order('a3', 'sell', 104, 3));
    expect(levels(book, 'buy')).toEqual([
      [101, 2],
      [100, 7],
      [99, 1],
    ]);
    expect(levels(book, 'sell')).toEqual([
      [103, 2],
      [104, 3],
      [105, 1],
    ]);
    expect(Number(book.bestPrice('buy')! / 10n ** 18n)).toBe(101);
    expect(Number(book.bestPrice('sell')! / 10n ** 18n)).toBe(103);
    expect(book.size).toBe(7);
  });

  it('cancels by order in O(1) and drops emptied levels (best or inner)', () => {
    const book = new OrderBook<TestOrder>();
    const orders = [order('a', 'buy', 100, 1), order('b', 'buy', 99, 1), order('c', 'buy', 98, 1)];
    orders.forEach((o) => book.add(o));
    expect(book.remove(orders[1])).toBe(true);
    expect(book.remove(orders[1])).toBe(false);
    expect(levels(book, 'buy')).toEqual([
      [100, 1],
      [98, 1],
    ]);
    book.remove(orders[0]);
    expect(book.front('buy')?.id).toBe('c');
    book.remove(orders[2]);
    expect(book.bestPrice('buy')).toBeUndefined();
    expect(book.size).toBe(0);
  });

  it('refuses to rest the same order twice', () => {
    const book = new OrderBook<TestOrder>();
    const o = order('a', 'buy', 100, 1);
    book.add(o);
    expect(() => book.add(o)).toThrow(/already/);
  });

  it('leaves hidden orders out of depth and icebergs show only their slice', () => {
    const book = new OrderBook<TestOrder>();
    book.add(order('h', 'sell', 100, 5, { hidden: true }));
    book.add(order('i', 'sell', 101, 10, { peak: 2 }));
    expect(levels(book, 'sell')).toEqual([[101, 2]]);
    expect(Number(book.bestPrice('sell')! / 10n ** 18n)).toBe(100);
  });
});

describe('match', () => {
  it('fills better prices first, then same-price orders in arrival order', () => {
    const book = new OrderBook<TestOrder>();
    book.add(order('late', 'sell', 100, 1));
    book.add(order('later', 'sell', 100, 1));
    book.add(order('worse', 'sell', 101, 1));
    book.add(order('better', 'sell', 99, 1));
    const { trades, hooks } = recorder();
    const t = taker('buy', 3, 100);
    const outcome = match(book, t, hooks);
    expect(trades).toEqual([
      { maker: 'better', price: 99, size: 1 },
      { maker: 'late', price: 100, size: 1 },
      { maker: 'later', price: 100, size: 1 },
    ]);
    expect(outcome.filled).toBe(fromInt(3));
    expect(t.remaining).toBe(0n);
    expect(book.front('sell')?.id).toBe('worse');
  });

  it('stops at the limit and leaves partial makers with their remaining size', () => {
    const book = new OrderBook<TestOrder>();
    const big = order('big', 'buy', 100, 5);
    book.add(big);
    book.add(order('low', 'buy', 98, 5));
    const { trades, hooks } = recorder();
    const t = taker('sell', 7, 99);
    match(book, t, hooks);
    expect(trades).toEqual([{ maker: 'big', price: 100, size: 5 }]);
    expect(t.remaining).toBe(fromInt(2));

    const t2 = taker('sell', 2, 100);
    const partial = order('p', 'buy', 100, 5);
    book.add(partial);
    match(book, t2, recorder().hooks);
    expect(partial.remaining).toBe(fromInt(3));
    expect(book.front('buy')).toBe(partial);
  });

  it('matches hidden orders after the shown ones at the same price', () => {
    const book = new OrderBook<TestOrder>();
    book.add(order('hidden', 'sell', 100, 1, { hidden: true }));
    book.add(order('shown', 'sell', 100, 1));
    const { trades, hooks } = recorder();
    match(book, taker('buy', 2), hooks);
    expect(trades.map((t) => t.maker)).toEqual(['shown', 'hidden']);
  });

  it('trades an iceberg slice by slice, requeueing it behind later orders', () => {
    const book = new OrderBook<TestOrder>();
    const ice = order('ice', 'sell', 100, 5, { peak: 2 });
    book.add(ice);
    book.add(order('other', 'sell', 100, 1));
    const { trades, hooks } = recorder();
    match(book, taker('buy', 4), hooks);
    expect(trades).toEqual([
      { maker: 'ice', price: 100, size: 2 },
      { maker: 'other', price: 100, size: 1 },
      { maker: 'ice', price: 100, size: 1 },
    ]);
    expect(ice.remaining).toBe(fromInt(2));
    expect(ice.visible).toBe(fromInt(1));
  });

  it('limits funds-bound takers through affordable()', () => {
    const book = new OrderBook<TestOrder>();
    book.add(order('a', 'sell', 100, 10));
    const { trades, hooks } = recorder();
    const t = taker('buy', 10);
    let budget = fromInt(3); // what the taker can still pay for, spent by each fill
    match(book, t, {
      ...hooks,
      affordable: () => budget,
      fill: (maker, price, size) => {
        budget -= size;
        hooks.fill(maker, price, size);
      },
    });
    expect(trades).toEqual([{ maker: 'a', price: 100, size: 3 }]);
    expect(t.remaining).toBe(fromInt(7));
  });

  describe('self-trade prevention', () => {
    const setup = () => {
      const book = new OrderBook<TestOrder>();
      const own = order('own', 'sell', 100, 2, { owner: 'taker' });
      const other = order('other', 'sell', 100, 5);
      book.add(own);
      book.add(other);
      return { book, own, other };
    };

    it('CO cancels the resting own order and keeps matching', () => {
      const { book, own } = setup();
      const { trades, canceled, hooks } = recorder();
      const t = taker('buy', 3, undefined, 'CO');
      const outcome = match(book, t, hooks);
      expect(canceled).toEqual([{ maker: 'own', size: 2, removed: true }]);
      expect(trades).toEqual([{ maker: 'other', price: 100, size: 3 }]);
      expect(own.remaining).toBe(0n);
      expect(outcome.stpCanceled).toBe(0n);
    });

    it('CN cancels the taker and leaves the book alone', () => {
      const { book, own } = setup();
      const { trades, canceled, hooks } = recorder();
      const t = taker('buy', 3, undefined, 'CN');
      const outcome = match(book, t, hooks);
      expect(trades).toEqual([]);
      expect(canceled).toEqual([]);
      expect(outcome.stpCanceled).toBe(fromInt(3));
      expect(own.remaining).toBe(fromInt(2));
      expect(book.size).toBe(2);
    });

    it('CB cancels both', () => {
      const { book } = setup();
      const { trades, canceled, hooks } = recorder();
      const outcome = match(book, taker('buy', 3, undefined, 'CB'), hooks);
      expect(trades).toEqual([]);
      expect(canceled).toEqual([{ maker: 'own', size: 2, removed: true }]);
      expect(outcome.stpCanceled).toBe(fromInt(3));
      expect(book.size).toBe(1);
    });

    it('DC with a larger taker cancels the resting order and decreases the taker', () => {
      const { book } = setup();
      const { trades, canceled, hooks } = recorder();
      const t = taker('buy', 3, undefined, 'DC');
      const outcome = match(book, t, hooks);
      expect(canceled).toEqual([{ maker: 'own', size: 2, removed: true }]);
      expect(outcome.stpCanceled).toBe(fromInt(2));
      expect(trades).toEqual([{ maker: 'other', price: 100, size: 1 }]);
    });

    it('DC with a smaller taker cancels the taker and decreases the resting order', () => {
      const book = new OrderBook<TestOrder>();
      const own = order('own', 'sell', 100, 5, { owner: 'taker' });
      book.add(own);
      const { trades, canceled, hooks } = recorder();
      const outcome = match(book, taker('buy', 2, undefined, 'DC'), hooks);
      expect(trades).toEqual([]);
      expect(canceled).toEqual([{ maker: 'own', size: 2, removed: false }]);
      expect(own.remaining).toBe(fromInt(3));
      expect(outcome.stpCanceled).toBe(fromInt(2));
      expect(book.size).toBe(1);
    });

    it('without an STP mode an account trades with itself', () => {
      const { book } = setup();
      const { trades, hooks } = recorder();
      match(book, taker('buy', 3), hooks);
      expect(trades).toEqual([
        { maker: 'own', price: 100, size: 2 },
        { maker: 'other', price: 100, size: 1 },
      ]);
    });
  });

  it('canFillCompletely counts others, skips own under CO, stops at own under CN', () => {
    const book = new OrderBook<TestOrder>();
    book.add(order('own', 'sell', 100, 2, { owner: 'taker' }));
    book.add(order('other', 'sell', 101, 3));
    const self = (o: TestOrder) => o.owner === 'taker';
    expect(canFillCompletely(book, taker('buy', 5, 101), self)).toBe(true);
    expect(canFillCompletely(book, taker('buy', 6, 101), self)).toBe(false);
    expect(canFillCompletely(book, taker('buy', 5, 100), self)).toBe(false);
    expect(canFillCompletely(book, taker('buy', 3, 101, 'CO'), self)).toBe(true);
    expect(canFillCompletely(book, taker('buy', 4, 101, 'CO'), self)).toBe(false);
    expect(canFillCompletely(book, taker('buy', 1, 101, 'CN'), self)).toBe(false);
  });
});
