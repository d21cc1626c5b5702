/**
 * The order tracker as a pure unit: a Subject stands in for the push feed and a function for the
 * REST lookup. It joins events to orders by clientOid (buffering those that come before the
 * answer), replays, completes at the terminal event, errors with the call's error, forgets ended
 * orders, and fills gaps over REST with bounded concurrency.
 */
import { filter, Observable, Subject } from 'rxjs';
import { RateLimitError } from '../../src';
import {
  missedUpdates,
  OrderTracker,
  TrackedOrder,
  type OrderFeed,
  type TrackedRequest,
} from '../../src/orders/tracker';
import type { OrderUpdate, PushMarket } from '../../src/push/order-update';
import type { LookupOrderParams } from '../../src/rest/lookup-order';
import type { OrderSnapshot } from '../../src/rest/order-snapshot';
import type { WSAPIResponse } from '../../src/rpc/response';

function feed(ready = true): OrderFeed & { updates: Subject<OrderUpdate>; ready: Subject<PushMarket> } {
  const updates = new Subject<OrderUpdate>();
  const readyS = new Subject<PushMarket>();
  const state = { ready };
  readyS.subscribe(() => (state.ready = true));
  return {
    updates,
    ready: readyS,
    updatesOf: (market) => updates.pipe(filter((u) => u.market === market)),
    ready$: readyS.asObservable(),
    isReady: () => state.ready,
  };
}

let ts = 1;
/** A spot order event. */
function ev(
  orderId: string,
  clientOid: string,
  type: string,
  extra: Record<string, unknown> = {},
): OrderUpdate {
  const status =
    type === 'received'
      ? 'new'
      : type === 'filled' || type === 'canceled'
        ? 'done'
        : type === 'match'
          ? 'match'
          : 'open';
  return {
    orderId,
    clientOid,
    symbol: 'BTC-USDT',
    side: 'buy',
    orderType: 'limit',
    type,
    status,
    orderTime: 1,
    ts: ts++,
    market: 'spot',
    topic: '/spotMarket/tradeOrdersV2',
    source: 'push',
    ...extra,
  } as OrderUpdate;
}

const request = (clientOid: string, op = 'spot.order'): TrackedRequest => ({
  op,
  clientOid,
  clientOids: undefined,
  symbols: 'BTC-USDT',
});

const answer = (data: unknown, op = 'spot.order'): WSAPIResponse =>
  ({
    id: '1',
    op,
    code: '200000',
    data,
    inTime: 0,
    outTime: 0,
    wsKey: 'wsApiSpotV1',
    isWSAPIResponse: true,
  }) as WSAPIResponse;

function snapshot(o: Partial<OrderSnapshot>): OrderSnapshot {
  return {
    market: 'spot',
    clientOid: 'c1',
    orderId: 'o1',
    symbol: 'BTC-USDT',
    side: 'buy',
    type: 'limit',
    status: 'open',
    price: '20000',
    size: '1',
    dealSize: '0',
    canceledSize: '0',
    canceled: false,
    filled: false,
    createdAt: 1,
    updatedAt: 2,
    raw: {} as never,
    ...o,
  } as OrderSnapshot;
}

const noLookup = (): Promise<OrderSnapshot | null> => Promise.reject(new Error('no lookup expected'));

function collect(_tracker: OrderTracker, orders: ReturnType<OrderTracker['track']>) {
  const seen: OrderUpdate[] = [];
  const end: { done?: boolean; error?: unknown } = {};
  OrderTracker.stream(orders).subscribe({
    next: (u) => seen.push(u),
    complete: () => (end.done = true),
    error: (e: unknown) => (end.error = e),
  });
  return { seen, end, types: () => seen.map((u) => `${u.type}:${u.source}`) };
}

describe('OrderTracker', () => {
  it('buffers events that come before the answer, then emits them in order and completes at filled', () => {
    const f = feed();
    const tracker = new OrderTracker({ feed: f, lookup: noLookup });
    const orders = tracker.track(request('c1'), true);
    const out = collect(tracker, orders);
    f.updates.next(ev('o1', 'c1', 'received'));
    f.updates.next(ev('o1', 'c1', 'match', { matchSize: '0.4', filledSize: '0.4' }));
    expect(out.seen).toHaveLength(0);
    tracker.answered(orders, 'spot.order', answer({ orderId: 'o1', clientOid: 'c1' }));
    expect(out.types()).toEqual(['received:push', 'match:push']);
    f.updates.next(ev('o2', 'other', 'open'));
    f.updates.next(ev('o1', 'c1', 'match', { matchSize: '0.6', filledSize: '1' }));
    f.updates.next(ev('o1', 'c1', 'filled', { filledSize: '1' }));
    expect(out.types()).toEqual(['received:push', 'match:push', 'match:push', 'filled:push']);
    expect(out.end.done).toBe(true);
    // Ended orders are forgotten; a late subscriber still gets the whole replay.
    expect(tracker.size).toBe(0);
    expect(collect(tracker, orders).types()).toHaveLength(4);
    f.updates.next(ev('o1', 'c1', 'canceled'));
    expect(out.seen).toHaveLength(4);
  });

  it('a modify follows the new order only: the old order’s events under the same clientOid are left out', () => {
    const f = feed();
    const tracker = new OrderTracker({ feed: f, lookup: noLookup });
    const orders = tracker.track(request('c1', 'spot.modify'), true);
    const out = collect(tracker, orders);
    f.updates.next(ev('old', 'c1', 'canceled'));
    f.updates.next(ev('new', 'c1', 'received'));
    f.updates.next(ev('new', 'c1', 'open'));
    tracker.answered(orders, 'spot.modify', answer({ newOrderId: 'new', clientOid: 'c1' }, 'spot.modify'));
    expect(out.seen.map((u) => `${u.orderId}:${u.type}`)).toEqual(['new:received', 'new:open']);
    expect(out.end.done).toBeUndefined();
  });

  it('a failed call: updates$ errors with the same error, and the order is forgotten', () => {
    const tracker = new OrderTracker({ feed: feed(), lookup: noLookup });
    const orders = tracker.track(request('c1'), true);
    const out = collect(tracker, orders);
    const error = new Error('refused');
    tracker.failed(orders, error);
    expect(out.end.error).toBe(error);
    expect(tracker.size).toBe(0);
  });

  /** A tracker following a futures batch of three orders (clientOids a, b, c), and what it emits. */
  const trackedBatch = () => {
    const f = feed();
    const tracker = new OrderTracker({ feed: f, lookup: noLookup });
    const orders = tracker.track(
      {
        op: 'futures.multi_order',
        clientOid: undefined,
        clientOids: ['a', 'b', 'c'],
        symbols: ['X', 'X', 'X'],
      },
      true,
    );
    const out = collect(tracker, orders);
    return { f, tracker, orders, out };
  };

  it('a batch: refused items end at the answer, the stream completes when every placed order has ended', () => {
    const { f, tracker, orders, out } = trackedBatch();
    tracker.answered(
      orders,
      'futures.multi_order',
      answer([
        { orderId: 'oa', clientOid: 'a', symbol: 'X', code: '200000', msg: '' },
        { orderId: null, clientOid: 'b', symbol: 'X', code: '300003', msg: 'balance' },
        { orderId: 'oc', clientOid: 'c', symbol: 'X', code: '200000', msg: '' },
      ]),
    );
    f.updates.next(ev('oa', 'a', 'filled', { market: 'futures' }));
    expect(out.end.done).toBeUndefined();
    f.updates.next(ev('oc', 'c', 'canceled', { market: 'futures' }));
    expect(out.seen.map((u) => u.clientOid)).toEqual(['a', 'c']);
    expect(out.end.done).toBe(true);
    expect(tracker.size).toBe(0);
  });

  it('a batch answer whose items come in another order than the request’s: each order gets the item with its clientOid', () => {
    const { f, tracker, orders, out } = trackedBatch();
    tracker.answered(
      orders,
      'futures.multi_order',
      answer([
        { orderId: 'oc', clientOid: 'c', symbol: 'X', code: '200000', msg: '' },
        { orderId: null, clientOid: 'b', symbol: 'X', code: '300003', msg: 'balance' },
        { orderId: 'oa', clientOid: 'a', symbol: 'X', code: '200000', msg: '' },
      ]),
    );
    expect(orders.map((o) => o.orderId)).toEqual(['oa', undefined, 'oc']);
    expect(orders.map((o) => o.done)).toEqual([false, true, false]);
    f.updates.next(ev('oa', 'a', 'filled', { market: 'futures' }));
    f.updates.next(ev('oc', 'c', 'filled', { market: 'futures' }));
    expect(out.seen.map((u) => u.clientOid)).toEqual(['a', 'c']);
    expect(out.end.done).toBe(true);
    expect(tracker.size).toBe(0);
  });

  it('a batch answer whose items carry no clientOid is paired by position', () => {
    const tracker = new OrderTracker({ feed: feed(), lookup: noLookup });
    const orders = tracker.track(
      { op: 'futures.multi_order', clientOid: undefined, clientOids: ['a', 'b'], symbols: ['X', 'X'] },
      true,
    );
    tracker.answered(
      orders,
      'futures.multi_order',
      answer([
        { orderId: 'oa', clientOid: '', symbol: 'X', code: '200000', msg: '' },
        { orderId: 'ob', symbol: 'X', code: '200000', msg: '' },
      ]),
    );
    expect(orders.map((o) => o.orderId)).toEqual(['oa', 'ob']);
  });

  it('a push resubscription looks open orders up and emits what was missed with source rest', async () => {
    const f = feed();
    const lookups: LookupOrderParams[] = [];
    let shown = snapshot({});
    const tracker = new OrderTracker({
      feed: f,
      lookup: (p) => {
        lookups.push(p);
        return Promise.resolve(shown);
      },
    });
    const orders = tracker.track(request('c1'), true);
    const out = collect(tracker, orders);
    tracker.answered(orders, 'spot.order', answer({ orderId: 'o1', clientOid: 'c1' }));
    f.updates.next(ev('o1', 'c1', 'open'));
    f.updates.next(ev('o1', 'c1', 'match', { filledSize: '0.25', matchSize: '0.25' }));
    expect(lookups).toHaveLength(0);
    // The push socket was down while the rest filled; it comes back.
    shown = snapshot({ status: 'done', dealSize: '1', filled: true });
    f.ready.next('futures');
    expect(lookups).toHaveLength(0);
    f.ready.next('spot');
    await new Promise((r) => setImmediate(r));
    expect(lookups).toEqual([{ orderId: 'o1', market: 'spot', symbol: 'BTC-USDT' }]);
    expect(out.types()).toEqual(['open:push', 'match:push', 'match:rest', 'filled:rest']);
    expect(out.seen[2]).toMatchObject({ matchSize: '0.75', filledSize: '1', orderId: 'o1' });
    expect(out.seen[3]).toMatchObject({ status: 'done', remainSize: '0' });
    expect(out.end.done).toBe(true);
  });

  it('a match built from REST claims the taker status only for orders that can only take', () => {
    // REST does not say whether a fill took or made liquidity. A resting limit order filled while
    // the push channel was away gets match/open, as push gives a maker's fill.
    const order = new TrackedOrder('c1', 'spot', 'BTC-USDT');
    order.orderId = 'o1';
    const shown = (o: Partial<OrderSnapshot>, raw: object = {}) =>
      missedUpdates(
        order,
        snapshot({ status: 'done', dealSize: '1', filled: true, ...o, raw: raw as never }),
      ).map((u) => `${u.type}/${u.status}/${u.source}`);
    expect(shown({}, { timeInForce: 'GTC' })).toEqual(['match/open/rest', 'filled/done/rest']);
    expect(shown({}, { timeInForce: 'GTT' })).toEqual(['match/open/rest', 'filled/done/rest']);
    expect(shown({ dealSize: '0.2', filled: false, canceled: true }, { timeInForce: 'GTC' })).toEqual([
      'match/open/rest',
      'canceled/done/rest',
    ]);
    // Market, IOC and FOK orders never rest: their fills are a taker's.
    expect(shown({ type: 'market' })).toEqual(['match/match/rest', 'filled/done/rest']);
    expect(shown({}, { timeInForce: 'IOC' })).toEqual(['match/match/rest', 'filled/done/rest']);
    expect(shown({}, { timeInForce: 'FOK' })).toEqual(['match/match/rest', 'filled/done/rest']);
    // Still open: it rests.
    expect(shown({ status: 'open', dealSize: '0.4', filled: false }, { timeInForce: 'GTC' })).toEqual([
      'match/open/rest',
    ]);
  });

  it('tracking that starts late (or with the push socket down) looks the order up once answered', async () => {
    const f = feed(false);
    const tracker = new OrderTracker({ feed: f, lookup: () => Promise.resolve(snapshot({})) });
    const orders = tracker.track(request('c1'), true);
    const out = collect(tracker, orders);
    tracker.answered(orders, 'spot.order', answer({ orderId: 'o1', clientOid: 'c1' }));
    await new Promise((r) => setImmediate(r));
    expect(out.types()).toEqual(['open:rest']);
    // Then the push channel carries the rest; what REST showed already is not repeated.
    f.updates.next(ev('o1', 'c1', 'received'));
    f.updates.next(ev('o1', 'c1', 'open'));
    f.updates.next(ev('o1', 'c1', 'canceled'));
    expect(out.types()).toEqual(['open:rest', 'canceled:push']);
    expect(out.end.done).toBe(true);
  });

  it('the early buffer is bounded: overflowing it drops the oldest and looks the order up', async () => {
    const f = feed();
    let looked = 0;
    const tracker = new OrderTracker({
      feed: f,
      maxEarlyEvents: 3,
      lookup: () => {
        looked++;
        return Promise.resolve(snapshot({ dealSize: '0.5' }));
      },
    });
    const orders = tracker.track(request('c1'), true);
    const out = collect(tracker, orders);
    for (let i = 1; i <= 5; i++)
      f.updates.next(ev('o1', 'c1', 'match', { filledSize: `0.${i}`, matchSize: '0.1' }));
    tracker.answered(orders, 'spot.order', answer({ orderId: 'o1', clientOid: 'c1' }));
    expect(out.seen.map((u) => u.filledSize)).toEqual(['0.3', '0.4', '0.5']);
    await new Promise((r) => setImmediate(r));
    expect(looked).toBe(1);
    // The two dropped fills come from REST, as one match: the matches sum to the dealSize.
    expect(out.types()).toEqual(['match:push', 'match:push', 'match:push', 'match:rest']);
    expect(out.seen[3]).toMatchObject({ matchSize: '0.2', filledSize: '0.5' });
  });

  it('a gap lookup goes by orderId; a lookup that shows another order (or none) is tried again, not given up', async () => {
    const f = feed();
    const lookups: LookupOrderParams[] = [];
    const answers = [snapshot({ orderId: 'other' }), null, snapshot({ status: 'done', canceled: true })];
    const tracker = new OrderTracker({
      feed: f,
      retryDelayMs: 1,
      lookup: (p) => {
        lookups.push(p);
        return Promise.resolve(answers.shift() ?? null);
      },
    });
    const orders = tracker.track(request('c1'), true);
    const out = collect(tracker, orders);
    tracker.answered(orders, 'spot.order', answer({ orderId: 'o1', clientOid: 'c1' }));
    f.updates.next(ev('o1', 'c1', 'open'));
    f.ready.next('spot');
    while (out.end.done !== true) await new Promise((r) => setTimeout(r, 1));
    expect(lookups).toEqual(Array(3).fill({ orderId: 'o1', market: 'spot', symbol: 'BTC-USDT' }));
    expect(out.types()).toEqual(['open:push', 'canceled:rest']);
  });

  it('gap-filling lookups run at most `concurrency` at once and wait out a 429000', async () => {
    const f = feed();
    let running = 0;
    let most = 0;
    let refusals = 1;
    const release: Array<() => void> = [];
    const tracker = new OrderTracker({
      feed: f,
      concurrency: 2,
      lookup: (p) => {
        if (refusals-- > 0)
          return Promise.reject(new RateLimitError({ code: '429000', msg: '', reset: 1, receivedAt: 0 }));
        running++;
        most = Math.max(most, running);
        return new Promise((resolve) =>
          release.push(() => {
            running--;
            resolve(
              snapshot({
                clientOid: (p.orderId as string).slice(2),
                orderId: p.orderId,
                status: 'done',
                canceled: true,
              }),
            );
          }),
        );
      },
    });
    const all = Array.from({ length: 6 }, (_, i) => {
      const orders = tracker.track(request(`c${i}`), true);
      tracker.answered(orders, 'spot.order', answer({ orderId: `o-c${i}`, clientOid: `c${i}` }));
      return collect(tracker, orders);
    });
    f.ready.next('spot');
    while (all.some((o) => !o.end.done)) {
      await new Promise((r) => setTimeout(r, 5));
      // Release only once every slot is taken (or every order left is in flight).
      const open = all.filter((o) => !o.end.done).length;
      if (release.length >= Math.min(2, open)) release.splice(0).forEach((r) => r());
    }
    expect(most).toBe(2);
    expect(all.map((o) => o.types())).toEqual(Array(6).fill(['canceled:rest']));
    expect(tracker.size).toBe(0);
  });

  it('a match delivered twice is emitted once (its filledSize does not advance; without one, the same tradeId)', () => {
    const f = feed();
    const tracker = new OrderTracker({ feed: f, lookup: noLookup });
    const orders = tracker.track(request('c1'), true);
    const out = collect(tracker, orders);
    tracker.answered(orders, 'spot.order', answer({ orderId: 'o1', clientOid: 'c1' }));
    const first = ev('o1', 'c1', 'match', { matchSize: '0.4', filledSize: '0.4', tradeId: 't1' });
    f.updates.next(first);
    f.updates.next(first);
    const bare = ev('o1', 'c1', 'match', { matchSize: '0.1', tradeId: 't2' });
    f.updates.next(bare);
    f.updates.next(bare);
    f.updates.next(ev('o1', 'c1', 'match', { matchSize: '0.5', filledSize: '1', tradeId: 't3' }));
    f.updates.next(ev('o1', 'c1', 'filled', { filledSize: '1' }));
    expect(out.seen.map((u) => u.tradeId ?? u.type)).toEqual(['t1', 't2', 't3', 'filled']);
    expect(out.end.done).toBe(true);
  });

  it('a received or open delivered twice is emitted once', () => {
    const f = feed();
    const tracker = new OrderTracker({ feed: f, lookup: noLookup });
    const orders = tracker.track(request('c1'), true);
    const out = collect(tracker, orders);
    f.updates.next(ev('o1', 'c1', 'received'));
    f.updates.next(ev('o1', 'c1', 'received'));
    tracker.answered(orders, 'spot.order', answer({ orderId: 'o1', clientOid: 'c1' }));
    f.updates.next(ev('o1', 'c1', 'open'));
    f.updates.next(ev('o1', 'c1', 'received'));
    f.updates.next(ev('o1', 'c1', 'open'));
    f.updates.next(ev('o1', 'c1', 'canceled'));
    expect(out.types()).toEqual(['received:push', 'open:push', 'canceled:push']);
    expect(out.end.done).toBe(true);
  });

  it('close() by a subscriber of the terminal event (a kill switch) leaves the stream complete after it, for every subscriber', () => {
    const f = feed();
    const tracker = new OrderTracker({ feed: f, lookup: noLookup });
    const orders = tracker.track(request('c1'), true);
    const first = collect(tracker, orders);
    OrderTracker.stream(orders).subscribe((u) => {
      if (u.type === 'filled') tracker.close(new Error('closed by the kill switch'));
    });
    const last = collect(tracker, orders);
    tracker.answered(orders, 'spot.order', answer({ orderId: 'o1', clientOid: 'c1' }));
    f.updates.next(ev('o1', 'c1', 'match', { matchSize: '1', filledSize: '1' }));
    f.updates.next(ev('o1', 'c1', 'filled', { filledSize: '1' }));
    for (const out of [first, last, collect(tracker, orders)]) {
      expect(out.types()).toEqual(['match:push', 'filled:push']);
      expect(out.end).toEqual({ done: true });
    }
  });

  it('a feed that tells it first: an earlier subscriber of the feed that closes it on the terminal event leaves the stream complete', () => {
    const updates = new Subject<OrderUpdate>();
    const firsts: Array<(u: OrderUpdate) => void> = [];
    const tellFirst = (u: OrderUpdate): void => firsts.forEach((listener) => listener(u));
    const f: OrderFeed = {
      updatesOf: () => updates,
      ready$: new Subject<PushMarket>(),
      isReady: () => true,
      first: (_market, listener) => firsts.push(listener),
    };
    const tracker = new OrderTracker({ feed: f, lookup: noLookup });
    // Subscribed before the order is tracked (so before the tracker's own subscription): closes
    // everything when the order ends, as an `orderUpdates$` kill switch does.
    updates.subscribe((u) => {
      if (u.type === 'canceled') tracker.close(new Error('closed by the kill switch'));
    });
    const orders = tracker.track(request('c1'), true);
    const out = collect(tracker, orders);
    tracker.answered(orders, 'spot.order', answer({ orderId: 'o1', clientOid: 'c1' }));
    // The feed emits to its subscribers (the tracker's only holds the connection) after telling it.
    const push = (u: OrderUpdate): void => {
      tellFirst(u);
      updates.next(u);
    };
    push(ev('o1', 'c1', 'open'));
    push(ev('o1', 'c1', 'canceled'));
    expect(out.types()).toEqual(['open:push', 'canceled:push']);
    expect(out.end).toEqual({ done: true });
  });

  it('an order placed from the previous order’s terminal event keeps the push connection (one subscription for a chain)', () => {
    const updates = new Subject<OrderUpdate>();
    let opened = 0;
    let closed = 0;
    const f: OrderFeed = {
      updatesOf: () =>
        new Observable<OrderUpdate>((subscriber) => {
          opened++;
          const inner = updates.subscribe(subscriber);
          return () => {
            closed++;
            inner.unsubscribe();
          };
        }),
      ready$: new Subject<PushMarket>(),
      isReady: () => true,
    };
    const tracker = new OrderTracker({ feed: f, lookup: noLookup });
    const ends: string[] = [];
    const place = (n: number): void => {
      const orders = tracker.track(request(`chain-${n}`), true);
      OrderTracker.stream(orders).subscribe({
        next: (u) => {
          // The next link of the chain, from this order's terminal event.
          if (u.type === 'filled' && n < 3) place(n + 1);
        },
        complete: () => ends.push(`chain-${n}`),
      });
      tracker.answered(orders, 'spot.order', answer({ orderId: `o-${n}`, clientOid: `chain-${n}` }));
    };
    place(1);
    for (const n of [1, 2, 3]) {
      updates.next(ev(`o-${n}`, `chain-${n}`, 'match', { matchSize: '1', filledSize: '1' }));
      updates.next(ev(`o-${n}`, `chain-${n}`, 'filled', { filledSize: '1' }));
    }
    expect(ends).toEqual(['chain-1', 'chain-2', 'chain-3']);
    expect({ opened, closed }).toEqual({ opened: 1, closed: 1 });
  });

  it('close() errors every open stream with the reason', () => {
    const tracker = new OrderTracker({ feed: feed(), lookup: noLookup });
    const out = collect(tracker, tracker.track(request('c1'), true));
    const reason = new Error('closed');
    tracker.close(reason);
    expect(out.end.error).toBe(reason);
    const after = collect(tracker, tracker.track(request('c2'), true));
    expect(after.end.error).toBe(reason);
  });
});
