/**
 * The order tracker behind `call.updates$`: joins the push channel's order events to the calls
 * that placed the orders, by clientOid, and fills gaps in the push channel over REST.
 *
 * - An order is tracked from the moment its call is made (`orderUpdates: true`) or from the
 *   first subscription to `updates$` (otherwise). Its events are kept for replay until it ends.
 * - Events that reach the push socket before the WS API answer (which tells the orderId) wait
 *   in the order's early buffer (at most `maxEarlyEvents`; past it the oldest go, and the order
 *   is looked up over REST once answered, so nothing is missed).
 * - After every push (re)subscription of a market, every tracked open order of that market is
 *   looked up over REST (at most `concurrency` at once, 429000 waited out), and what the push
 *   channel missed is emitted with `source: 'rest'`: the fills since the last event seen as one
 *   `match`, then `filled` or `canceled` when the order is done.
 * - An order stops being tracked at its terminal event (`filled`/`canceled`, status `done`):
 *   the tracker forgets it, and its events stay only with the call (for replay to later
 *   subscribers) for as long as the caller holds the call.
 */
import { merge, Observable, ReplaySubject, Subscription, EMPTY } from 'rxjs';
import {
  FUTURES_ORDERS_TOPIC,
  isTerminal,
  SPOT_ORDERS_TOPIC,
  type OrderUpdate,
  type PushMarket,
} from '../push/order-update';
import type { OrderMarket, OrderSnapshot } from '../rest/order-snapshot';
import type { WSAPIResponse } from '../rpc/response';
import { lookupPolitely, subtract, Waits, type OrderLookup } from './reconcile';
import { orderRoleOf } from '../operations';

/** The push channel as the tracker reads it. */
export interface OrderFeed {
  /** Every order event of the account (subscribing opens the push connections, refcounted). */
  readonly updates$: Observable<OrderUpdate>;
  /** The market each time its push session is (re)subscribed: events from then on arrive. */
  readonly ready$: Observable<PushMarket>;
  /** Whether the market's push session is subscribed now. */
  isReady(market: PushMarket): boolean;
}

export interface TrackerConfig {
  /** The push feed; undefined: REST only (what is missed is looked up once answered). */
  readonly feed: OrderFeed | undefined;
  readonly lookup: OrderLookup;
  /** Events kept per order before its WS API answer (default 256). */
  readonly maxEarlyEvents?: number;
  /** REST lookups in flight at once when filling gaps (default 4). */
  readonly concurrency?: number;
  /** First wait before looking an order up again after a failed lookup (ms, default 1 000; doubles up to 30 s). */
  readonly retryDelayMs?: number;
}

/** The push connection an order's events come on. */
const pushMarketOf = (market: OrderMarket): PushMarket => (market === 'futures' ? 'futures' : 'spot');

/** One order followed from placement to its terminal event. */
export class TrackedOrder {
  /** Every event so far, replayed to each subscriber; completes at the terminal event. */
  readonly events = new ReplaySubject<OrderUpdate>();
  /** The exchange's order id, once the WS API answer (or a reconciliation) told it. */
  orderId: string | undefined = undefined;
  /** Events before the orderId was known (undefined once it is). */
  early: OrderUpdate[] | undefined = [];
  /**
   * The push channel may have missed some of its events before the orderId was known (it was
   * not subscribed when tracking began, it was resubscribed since, or the early buffer
   * overflowed): look the order up once it is answered.
   */
  gap = false;
  /** The filled size of the last event seen (decimal string). */
  filled = '0';
  /** Whether any event was emitted. */
  seen = false;
  /** Whether an event built from a REST lookup was emitted (push events it covers are then left out). */
  fromRest = false;
  done = false;
  /** A REST lookup is queued or under way. */
  looking = false;
  /** Failed lookups in a row (for the retry's backoff). */
  failures = 0;

  constructor(
    /** undefined for a modify by orderId until its answer names the clientOid. */
    public clientOid: string | undefined,
    readonly market: OrderMarket,
    readonly symbol: string | undefined,
  ) {}

  get pushMarket(): PushMarket {
    return pushMarketOf(this.market);
  }
}

/** What a call tells the tracker about its orders. */
export interface TrackedRequest {
  readonly op: string;
  readonly clientOid: string | undefined;
  readonly clientOids: readonly string[] | undefined;
  readonly symbols: string | readonly string[] | undefined;
}

/** Whether `op` places orders whose events `updates$` follows. */
export function placesOrders(op: string): boolean {
  return orderRoleOf(op)?.places === true;
}

/** The order ids a successful answer gives each tracked order (null: that order was not placed). */
function answeredIds(op: string, data: unknown): Array<{ clientOid: string; orderId: string | null }> {
  if (Array.isArray(data)) {
    return (data as Array<{ clientOid: string; orderId?: string | null; code: string }>).map((item) => ({
      clientOid: item.clientOid,
      orderId: item.code === '200000' && typeof item.orderId === 'string' ? item.orderId : null,
    }));
  }
  const d = data as { orderId?: string; newOrderId?: string; clientOid: string };
  const orderId = op === 'spot.modify' ? d.newOrderId : d.orderId;
  return [{ clientOid: d.clientOid, orderId: orderId === undefined || orderId === '' ? null : orderId }];
}

/**
 * The client's order tracker. One per client; `close()` stops it (tracked streams then error
 * with the reason given).
 */
export class OrderTracker {
  /** Tracked open orders by clientOid (a modify shares its clientOid with the order it replaced). */
  private readonly index = new Map<string, TrackedOrder[]>();
  private readonly maxEarly: number;
  private readonly concurrency: number;
  private readonly retryDelayMs: number;
  private feedSubscription: Subscription | undefined = undefined;
  /** Orders waiting for a REST lookup, in order. */
  private readonly lookups: TrackedOrder[] = [];
  private lookupsRunning = 0;
  private readonly waits = new Waits();

  constructor(private readonly config: TrackerConfig) {
    this.maxEarly = config.maxEarlyEvents ?? 256;
    this.concurrency = config.concurrency ?? 4;
    this.retryDelayMs = config.retryDelayMs ?? 1_000;
  }

  /** How many orders are tracked now (open ones; ended orders are forgotten). */
  get size(): number {
    let n = 0;
    for (const list of this.index.values()) n += list.length;
    return n;
  }

  /**
   * Starts tracking a request's orders (one, or each of a batch). `fromSend`: tracked from the
   * moment the request is made (else it started later, and what came before is looked up).
   */
  track(request: TrackedRequest, fromSend: boolean): TrackedOrder[] {
    const market = orderRoleOf(request.op)?.market ?? 'spot';
    const symbolAt = (i: number): string | undefined =>
      typeof request.symbols === 'string' ? request.symbols : request.symbols?.[i];
    const orders =
      request.clientOids !== undefined
        ? request.clientOids.map((oid, i) => new TrackedOrder(oid, market, symbolAt(i)))
        : [new TrackedOrder(request.clientOid, market, symbolAt(0))];
    const stopped = this.waits.stoppedWith;
    if (stopped !== undefined) {
      for (const order of orders) this.end(order, stopped.reason);
      return orders;
    }
    const feed = this.config.feed;
    for (const order of orders) {
      order.gap = !fromSend || feed === undefined || !feed.isReady(order.pushMarket);
      this.add(order);
    }
    return orders;
  }

  /** The orderId of the tracked open order of `market` with this clientOid, when known. */
  openOrderId(clientOid: string, market: OrderMarket): string | undefined {
    const found = this.index
      .get(clientOid)
      ?.find((o) => o.market === market && !o.done && o.orderId !== undefined);
    return found?.orderId;
  }

  /** The request's answer: each order learns its id; an order the answer did not place ends. */
  answered(orders: readonly TrackedOrder[], op: string, response: WSAPIResponse): void {
    const ids = answeredIds(op, response.data);
    orders.forEach((order, i) => {
      const id = ids[i];
      if (order.done || order.orderId !== undefined) return;
      if (id === undefined || id.orderId === null) {
        // Refused (a batch item), or a modify that only canceled: nothing to follow.
        this.forget(order);
        order.early = undefined;
        order.done = true;
        order.events.complete();
        return;
      }
      if (order.clientOid === undefined) {
        // A modify by orderId: its clientOid is only known now, so push events of the new
        // order that came before the answer were not buffered. Look it up over REST.
        order.clientOid = id.clientOid;
        order.gap = true;
        this.add(order);
      }
      this.confirm(order, id.orderId);
    });
  }

  /** The request failed: its orders' streams fail with the same error. */
  failed(orders: readonly TrackedOrder[], error: unknown): void {
    for (const order of orders) this.end(order, error);
  }

  /** One event from the push feed (or a test's). */
  receive(update: OrderUpdate): void {
    const oid = update.clientOid;
    if (oid === undefined) return;
    const list = this.index.get(oid);
    if (list === undefined) return;
    for (const order of [...list]) {
      if (order.orderId === undefined) {
        const early = order.early as OrderUpdate[];
        early.push(update);
        if (early.length > this.maxEarly) {
          early.shift();
          order.gap = true;
        }
      } else if (update.orderId === order.orderId) {
        this.emit(order, update);
      }
    }
  }

  /** A market's push session is (re)subscribed: look every open order of it up. */
  resubscribed(market: PushMarket): void {
    for (const list of this.index.values()) {
      for (const order of list) {
        if (order.pushMarket !== market) continue;
        if (order.orderId === undefined) order.gap = true;
        else this.lookUp(order);
      }
    }
  }

  /** Stops: open orders' streams error with `reason`, lookups and timers stop. */
  close(reason: Error): void {
    if (this.waits.stoppedWith !== undefined) return;
    this.waits.stop(reason);
    for (const list of [...this.index.values()]) for (const order of list) this.end(order, reason);
    this.lookups.length = 0;
    this.feedSubscription?.unsubscribe();
    this.feedSubscription = undefined;
  }

  /** `updates$` of a call's orders: their events merged, completing when every one has ended. */
  static stream(orders: readonly TrackedOrder[]): Observable<OrderUpdate> {
    if (orders.length === 0) return EMPTY;
    if (orders.length === 1) return (orders[0] as TrackedOrder).events.asObservable();
    return merge(...orders.map((o) => o.events));
  }

  // ---- internals ----

  private add(order: TrackedOrder): void {
    const oid = order.clientOid;
    if (oid === undefined) return;
    const list = this.index.get(oid);
    if (list === undefined) this.index.set(oid, [order]);
    else list.push(order);
    this.watchFeed();
  }

  private forget(order: TrackedOrder): void {
    const oid = order.clientOid;
    if (oid === undefined) return;
    const list = this.index.get(oid);
    if (list === undefined) return;
    const i = list.indexOf(order);
    if (i >= 0) list.splice(i, 1);
    if (list.length === 0) this.index.delete(oid);
    if (this.index.size === 0) {
      this.feedSubscription?.unsubscribe();
      this.feedSubscription = undefined;
    }
  }

  /** Ends an order's stream with an error (its call failed, or the client closed). */
  private end(order: TrackedOrder, error: unknown): void {
    if (order.done) return;
    order.done = true;
    order.early = undefined;
    this.forget(order);
    order.events.error(error);
  }

  /** Follows the feed while any order is tracked. */
  private watchFeed(): void {
    const feed = this.config.feed;
    if (feed === undefined || this.feedSubscription !== undefined) return;
    const subscription = new Subscription();
    this.feedSubscription = subscription;
    subscription.add(feed.ready$.subscribe((market) => this.resubscribed(market)));
    subscription.add(
      feed.updates$.subscribe({
        next: (u) => this.receive(u),
        // The push channel closed for good (credentials refused, reconnects spent): the orders
        // still open can no longer be followed, and their streams say why.
        error: (error: unknown) => {
          this.feedSubscription = undefined;
          for (const list of [...this.index.values()]) for (const order of list) this.end(order, error);
        },
      }),
    );
  }

  /** The order's id is known: its early events of that id are emitted, and gaps looked up. */
  private confirm(order: TrackedOrder, orderId: string): void {
    order.orderId = orderId;
    const early = order.early ?? [];
    order.early = undefined;
    for (const update of early) if (update.orderId === orderId && !order.done) this.emit(order, update);
    if (order.done) return;
    const feed = this.config.feed;
    if (order.gap || feed === undefined || !feed.isReady(order.pushMarket)) this.lookUp(order);
  }

  private emit(order: TrackedOrder, update: OrderUpdate): void {
    if (order.done) return;
    if (update.source === 'rest') order.fromRest = true;
    else if (order.fromRest && isStale(order, update)) return;
    order.seen = true;
    if (update.filledSize !== undefined && greater(update.filledSize, order.filled))
      order.filled = update.filledSize;
    order.events.next(update);
    if (isTerminal(update)) {
      order.done = true;
      this.forget(order);
      order.events.complete();
    }
  }

  /** Queues a REST lookup of `order` (once at a time). */
  private lookUp(order: TrackedOrder): void {
    if (order.looking || order.done || this.waits.stoppedWith !== undefined) return;
    order.looking = true;
    this.lookups.push(order);
    this.drain();
  }

  private drain(): void {
    while (this.lookupsRunning < this.concurrency && this.lookups.length > 0) {
      const order = this.lookups.shift() as TrackedOrder;
      this.lookupsRunning++;
      void this.fill(order).finally(() => {
        this.lookupsRunning--;
        this.drain();
      });
    }
  }

  /** Looks `order` up and emits what its stream has not shown yet. */
  private async fill(order: TrackedOrder): Promise<void> {
    let snapshot: OrderSnapshot | null;
    try {
      if (order.done || order.clientOid === undefined) return;
      snapshot = await lookupPolitely(
        { lookup: this.config.lookup, waits: this.waits },
        { clientOid: order.clientOid, market: order.market, symbol: order.symbol },
      );
      order.failures = 0;
    } catch {
      order.looking = false;
      if (this.waits.stoppedWith !== undefined || order.done) return;
      // Try again later (the push channel may come back first and make it moot).
      const wait = Math.min(30_000, this.retryDelayMs * 2 ** order.failures++);
      this.waits.sleep(wait).then(
        () => this.lookUp(order),
        () => undefined,
      );
      return;
    }
    order.looking = false;
    if (snapshot === null || order.done || snapshot.orderId !== order.orderId) return;
    for (const update of missedUpdates(order, snapshot)) this.emit(order, update);
  }
}

/**
 * A push event that a REST lookup has already accounted for: the order's entry into the book
 * (REST showed it open), or a match that adds nothing to the filled size emitted.
 */
function isStale(order: TrackedOrder, update: OrderUpdate): boolean {
  if (update.type === 'received' || update.type === 'open') return true;
  return (
    update.type === 'match' && update.filledSize !== undefined && !greater(update.filledSize, order.filled)
  );
}

/** a > b for decimal strings. */
function greater(a: string, b: string): boolean {
  const d = subtract(a, b);
  return !d.startsWith('-') && !/^0*(\.0*)?$/.test(d);
}

/**
 * The events `snapshot` shows that the order's stream has not: the fills since the last event
 * as one `match`, the order's `open` if nothing was seen, and `filled` or `canceled` once done.
 */
export function missedUpdates(order: TrackedOrder, snapshot: OrderSnapshot): OrderUpdate[] {
  const out: OrderUpdate[] = [];
  const done = snapshot.status === 'done';
  const base = restUpdate(snapshot);
  if (greater(snapshot.dealSize, order.filled)) {
    out.push({
      ...base,
      type: 'match',
      status: done ? 'match' : 'open',
      matchSize: subtract(snapshot.dealSize, order.filled),
    } as OrderUpdate);
  } else if (!order.seen && !done) {
    out.push({ ...base, type: 'open', status: 'open' } as OrderUpdate);
  }
  if (done) {
    out.push({ ...base, type: snapshot.canceled ? 'canceled' : 'filled', status: 'done' } as OrderUpdate);
  }
  return out;
}

/** The fields every update built from a REST snapshot has (`type` and `status` set by the caller). */
function restUpdate(s: OrderSnapshot): Omit<OrderUpdate, 'type' | 'status'> {
  const remain = s.status === 'done' ? '0' : subtract(subtract(s.size, s.dealSize), s.canceledSize);
  const common = {
    orderId: s.orderId,
    clientOid: s.clientOid,
    symbol: s.symbol,
    side: s.side,
    orderType: s.type === 'market' ? ('market' as const) : ('limit' as const),
    size: s.size,
    filledSize: s.dealSize,
    remainSize: remain,
    canceledSize: s.canceledSize,
    ...(s.price === undefined ? {} : { price: s.price }),
    ts: s.updatedAt * 1e6,
    source: 'rest' as const,
  };
  return s.market === 'futures'
    ? { ...common, market: 'futures', topic: FUTURES_ORDERS_TOPIC, orderTime: s.createdAt * 1e6 }
    : { ...common, market: 'spot', topic: SPOT_ORDERS_TOPIC, orderTime: s.createdAt };
}
