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
 *   looked up over REST by its orderId (at most `concurrency` at once, 429000 waited out), and
 *   what the push channel missed is emitted with `source: 'rest'`: the fills not yet emitted as
 *   one `match`, then `filled` or `canceled` when the order is done.
 * - A push `match` whose cumulative `filledSize` is ahead of the fills emitted plus its own
 *   `matchSize` shows a missed fill: the order is looked up too. A terminal event whose
 *   `filledSize` is ahead of the fills emitted is held until that lookup has told the missing
 *   fill (emitted first, as a `match` from REST), so the matches of a completed stream sum to
 *   the order's filled size; a failed lookup releases it anyway (it then tells, by its
 *   `filledSize`, more than the matches did).
 * - A `match` that does not advance the cumulative filled size (or repeats the last tradeId) is
 *   a duplicate and is left out.
 * - While an order is tracked, the push connection of its market is held open (subscribed to),
 *   not the other market's.
 * - An order stops being tracked at its terminal event (`filled`/`canceled`, status `done`):
 *   the tracker forgets it, and its events stay only with the call (for replay to later
 *   subscribers) for as long as the caller holds the call.
 */
import { Observable, ReplaySubject, Subscription, EMPTY } from 'rxjs';
import {
  FUTURES_ORDERS_TOPIC,
  isTerminal,
  SPOT_ORDERS_TOPIC,
  type OrderUpdate,
  type PushMarket,
} from '../push/order-update';
import { PUSH_WS_KEYS, type PushWsKey } from '../push/push-key';
import type { OrderMarket, OrderSnapshot } from '../rest/order-snapshot';
import type { WSAPIResponse } from '../rpc/response';
import { lookupPolitely, subtract, Waits, type OrderLookup } from './reconcile';
import { orderRoleOf } from '../operations';

const NOTHING = (): void => undefined;

/** The push channel as the tracker reads it. */
export interface OrderFeed {
  /** Every order event of the account on one market (subscribing opens its push connection, refcounted). */
  updatesOf(market: PushMarket): Observable<OrderUpdate>;
  /** The market each time its push session is (re)subscribed: events from then on arrive. */
  readonly ready$: Observable<PushMarket>;
  /** Whether the market's push session is subscribed now. */
  isReady(market: PushMarket): boolean;
  /**
   * Tells `listener` each event of the market before any subscriber of `updatesOf` (which is
   * then only what holds the connection open). Optional: without it, events come through
   * `updatesOf`.
   */
  first?(market: PushMarket, listener: (update: OrderUpdate) => void): void;
}

/** The push channel as the client has it (`OrderFeed` of src/push): one connection per market. */
export interface PushFeed {
  readonly ready$: Observable<PushMarket>;
  isReady(market: PushMarket): boolean;
  connection(wsKey: PushWsKey): {
    readonly updates$: Observable<OrderUpdate>;
    tellFirst(listener: (update: OrderUpdate) => void): void;
  };
}

/** The tracker's view of the client's push channel. */
export function orderFeedOf(push: PushFeed): OrderFeed {
  return {
    updatesOf: (market) => push.connection(PUSH_WS_KEYS[market]).updates$,
    ready$: push.ready$,
    isReady: (market) => push.isReady(market),
    first: (market, listener) => push.connection(PUSH_WS_KEYS[market]).tellFirst(listener),
  };
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

/**
 * The events of a call's orders (one, or each of a batch), in the order they were emitted,
 * replayed to each subscriber; it completes once every one of its orders has ended.
 */
export class OrderEvents extends ReplaySubject<OrderUpdate> {
  constructor(
    /** Its orders that have not ended yet. */
    public open: number,
  ) {
    super();
  }
}

/** One order followed from placement to its terminal event. */
export class TrackedOrder {
  /** The exchange's order id, once the WS API answer (or a reconciliation) told it. */
  orderId: string | undefined = undefined;
  /** Events before the orderId was known (undefined until the first, and once it is known). */
  early: OrderUpdate[] | undefined = undefined;
  /**
   * The push channel may have missed some of its events before the orderId was known (it was
   * not subscribed when tracking began, it was resubscribed since, or the early buffer
   * overflowed): look the order up once it is answered.
   */
  gap = false;
  /** The highest cumulative filled size an emitted event showed (decimal string). */
  filled = '0';
  /** The size the emitted `match` events add up to (behind `filled` when a fill was missed). */
  matched = '0';
  /** The tradeId of the last `match` emitted. */
  tradeId: string | undefined = undefined;
  /** A terminal event held until a REST lookup has told the fills it is ahead of. */
  held: OrderUpdate | undefined = undefined;
  /** Whether any event was emitted. */
  seen = false;
  /** Whether a `received` was emitted, and an `open` (each is told once: a repeat is a duplicate). */
  toldReceived = false;
  toldOpen = false;
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
    /** Its events, shared with the other orders of its batch. */
    readonly events: OrderEvents = new OrderEvents(1),
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
 * A batch answer's item for the request's order at `i` with `clientOid`: the item that carries
 * that clientOid (a gateway or proxy may answer in another order than the request's), or the
 * item at `i` when that one carries no clientOid; undefined when no item is the order's.
 */
function batchItemOf(
  ids: ReadonlyArray<{ clientOid: string; orderId: string | null }>,
): (i: number, clientOid: string | undefined) => { clientOid: string; orderId: string | null } | undefined {
  const byOid = new Map<string, { clientOid: string; orderId: string | null }>();
  for (const id of ids)
    if (typeof id.clientOid === 'string' && id.clientOid !== '') byOid.set(id.clientOid, id);
  return (i, clientOid) => {
    const found = clientOid === undefined ? undefined : byOid.get(clientOid);
    if (found !== undefined) return found;
    const at = ids[i];
    return at !== undefined && (typeof at.clientOid !== 'string' || at.clientOid === '') ? at : undefined;
  };
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
  /**
   * Per market: the subscription to its push events, and how many tracked orders need it (only
   * an order's own market's connection is held open, until the order has ended).
   */
  private readonly watching: Record<PushMarket, { orders: number; subscription: Subscription | undefined }> =
    {
      spot: { orders: 0, subscription: undefined },
      futures: { orders: 0, subscription: undefined },
    };
  private readySubscription: Subscription | undefined = undefined;
  /** Orders waiting for a REST lookup, in order. */
  private readonly lookups: TrackedOrder[] = [];
  private lookupsRunning = 0;
  private readonly waits = new Waits();

  /** Whether the feed tells the tracker each event first (then `watch` only holds connections open). */
  private readonly toldFirst: boolean;

  constructor(private readonly config: TrackerConfig) {
    this.maxEarly = config.maxEarlyEvents ?? 256;
    this.concurrency = config.concurrency ?? 4;
    this.retryDelayMs = config.retryDelayMs ?? 1_000;
    const feed = config.feed;
    this.toldFirst = feed?.first !== undefined;
    if (feed?.first !== undefined) {
      // Before any other subscriber: an `orderUpdates$` subscriber that closes the client on an
      // order's terminal event must not leave that order's stream without it.
      const receive = (update: OrderUpdate): void => this.receive(update);
      feed.first('spot', receive);
      feed.first('futures', receive);
    }
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
  track(
    request: TrackedRequest,
    fromSend: boolean,
    /** A modify by orderId: the clientOid of the order it replaces, when the tracker knows it. */
    replacedClientOid?: string,
  ): TrackedOrder[] {
    const market = orderRoleOf(request.op)?.market ?? 'spot';
    const symbolAt = (i: number): string | undefined =>
      typeof request.symbols === 'string' ? request.symbols : request.symbols?.[i];
    const oids = request.clientOids;
    // A batch's orders share one stream: its replay keeps the order the events came in.
    const batch = oids === undefined ? undefined : new OrderEvents(oids.length);
    const orders =
      oids !== undefined
        ? oids.map((oid, i) => new TrackedOrder(oid, market, symbolAt(i), batch))
        : [new TrackedOrder(request.clientOid ?? replacedClientOid, market, symbolAt(0))];
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

  /**
   * The clientOid of the tracked order of `market` with this orderId, when known: a modify by
   * orderId replaces it with an order of the same clientOid, whose push events may come before
   * the modify's answer.
   */
  clientOidOfOrder(orderId: string, market: OrderMarket): string | undefined {
    for (const list of this.index.values())
      for (const order of list)
        if (order.market === market && order.orderId === orderId) return order.clientOid;
    return undefined;
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
    const itemOf = Array.isArray(response.data) ? batchItemOf(ids) : (i: number) => ids[i];
    orders.forEach((order, i) => {
      const id = itemOf(i, order.clientOid);
      if (order.done || order.orderId !== undefined) return;
      if (id === undefined || id.orderId === null) {
        // Refused (a batch item), or a modify that only canceled: nothing to follow.
        this.forget(order);
        order.early = undefined;
        order.done = true;
        ended(order);
        return;
      }
      if (order.clientOid === undefined) {
        // A modify by orderId of an order the tracker did not follow: its clientOid is only
        // known now, so push events of the new order that came before the answer were not
        // buffered. Look it up over REST.
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
        // Made at the first one: most orders have none before their answer.
        const early = (order.early ??= []);
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
    for (const list of [...this.index.values()]) for (const order of [...list]) this.end(order, reason);
    this.lookups.length = 0;
    for (const w of Object.values(this.watching)) {
      w.subscription?.unsubscribe();
      w.subscription = undefined;
    }
    this.readySubscription?.unsubscribe();
    this.readySubscription = undefined;
  }

  /** `updates$` of a call's orders: their events in the order emitted, completing when every one has ended. */
  static stream(orders: readonly TrackedOrder[]): Observable<OrderUpdate> {
    return orders.length === 0 ? EMPTY : (orders[0] as TrackedOrder).events.asObservable();
  }

  // ---- internals ----

  private add(order: TrackedOrder): void {
    const oid = order.clientOid;
    if (oid === undefined) return;
    const list = this.index.get(oid);
    if (list === undefined) this.index.set(oid, [order]);
    else list.push(order);
    this.watch(order.pushMarket);
  }

  private forget(order: TrackedOrder): void {
    const oid = order.clientOid;
    if (oid === undefined) return;
    const list = this.index.get(oid);
    if (list === undefined) return;
    const i = list.indexOf(order);
    if (i < 0) return;
    list.splice(i, 1);
    if (list.length === 0) this.index.delete(oid);
    this.unwatch(order.pushMarket);
  }

  /** Ends an order's stream with an error (its call failed, or the client closed). */
  private end(order: TrackedOrder, error: unknown): void {
    if (order.done) return;
    order.done = true;
    order.early = undefined;
    this.forget(order);
    order.events.error(error);
  }

  /** Follows a market's push events while an order of it is tracked. */
  private watch(market: PushMarket): void {
    const w = this.watching[market];
    w.orders++;
    const feed = this.config.feed;
    if (feed === undefined || w.subscription !== undefined) return;
    this.readySubscription ??= feed.ready$.subscribe((m) => this.resubscribed(m));
    const subscription = new Subscription();
    w.subscription = subscription;
    subscription.add(
      feed.updatesOf(market).subscribe({
        next: this.toldFirst ? NOTHING : (u) => this.receive(u),
        // The push connection closed for good (credentials refused, reconnects spent): the
        // orders of its market still open can no longer be followed, and their streams say why.
        error: (error: unknown) => {
          if (w.subscription === subscription) w.subscription = undefined;
          for (const list of [...this.index.values()])
            for (const order of [...list]) if (order.pushMarket === market) this.end(order, error);
        },
      }),
    );
  }

  /** An order of `market` is no longer tracked: its push connection is let go after the last one. */
  private unwatch(market: PushMarket): void {
    const w = this.watching[market];
    if (--w.orders > 0) return;
    w.subscription?.unsubscribe();
    w.subscription = undefined;
    if (this.watching.spot.orders === 0 && this.watching.futures.orders === 0) {
      this.readySubscription?.unsubscribe();
      this.readySubscription = undefined;
    }
  }

  /** The order's id is known: its early events of that id are emitted, and gaps looked up. */
  private confirm(order: TrackedOrder, orderId: string): void {
    order.orderId = orderId;
    const early = order.early ?? [];
    order.early = undefined;
    // Looked up first: a terminal event among the early ones then waits for what the lookup
    // tells (the buffer may have dropped fills, or the push channel missed them).
    const feed = this.config.feed;
    if (order.gap || feed === undefined || !feed.isReady(order.pushMarket)) this.lookUp(order);
    for (const update of early) if (update.orderId === orderId) this.emit(order, update);
  }

  /** A push event of the order: emitted unless it is stale or a duplicate, or held (a terminal event ahead of the fills emitted). */
  private emit(order: TrackedOrder, update: OrderUpdate): void {
    if (order.done || order.held !== undefined) return;
    switch (update.type) {
      case 'received':
        // A REST lookup already showed the order in the book, or it came twice.
        if (order.fromRest || order.toldReceived) return;
        break;
      case 'open':
        if (order.fromRest || order.toldOpen) return;
        break;
      case 'match': {
        const filled = update.filledSize;
        if (filled === undefined) {
          if (update.tradeId !== undefined && update.tradeId === order.tradeId) return;
          break;
        }
        // Not advancing the filled size: delivered twice, or already told by REST.
        if (!greater(filled, order.filled)) return;
        const size = update.matchSize;
        // Filled before this match more than the events showed: a fill was missed.
        if (size !== undefined && greater(subtract(filled, size), order.filled)) this.lookUp(order);
        break;
      }
      default:
        // `filled`, `canceled`, or another event with status done (a terminal `match` is not
        // held: it carries a fill itself).
        if (isTerminal(update) && greater(update.filledSize ?? order.filled, order.matched)) {
          // Fills were missed: the terminal event waits for the lookup that tells them.
          order.held = update;
          this.lookUp(order);
          return;
        }
        break;
    }
    this.deliver(order, update);
  }

  /** Emits an event to the order's stream (completing it at a terminal event). */
  private deliver(order: TrackedOrder, update: OrderUpdate): void {
    if (update.source === 'rest') order.fromRest = true;
    order.seen = true;
    const filled = update.filledSize;
    if (update.type === 'match') {
      const size = update.matchSize;
      // A match built from REST brings the matches up to the order's dealSize (its filledSize).
      order.matched =
        update.source === 'rest' || size === undefined ? (filled ?? order.matched) : add(order.matched, size);
      order.tradeId = update.tradeId;
    }
    if (filled !== undefined) {
      if (greater(filled, order.filled)) order.filled = filled;
    } else if (update.type === 'match' && greater(order.matched, order.filled)) {
      // An event without the cumulative size: the matches are all there is to go by.
      order.filled = order.matched;
    }
    if (update.type === 'received') order.toldReceived = true;
    else if (update.type === 'open') order.toldOpen = true;
    if (!isTerminal(update)) {
      order.events.next(update);
      return;
    }
    // Done before it is told: a subscriber that closes the client on this event (a kill switch)
    // must not end the stream with an error in the middle of it. Forgotten after: until then it
    // holds its push connection, so that a subscriber placing the next order on this event (a
    // chain) keeps the connection instead of closing and reopening it.
    order.done = true;
    order.held = undefined;
    order.events.next(update);
    this.forget(order);
    ended(order);
  }

  /** Emits the held terminal event (what the lookups could not tell stays missing). */
  private release(order: TrackedOrder): void {
    const held = order.held;
    if (held === undefined || order.done) return;
    order.held = undefined;
    this.deliver(order, held);
  }

  /** Queues a REST lookup of `order` (once at a time). */
  private lookUp(order: TrackedOrder): void {
    if (order.looking || order.done || this.waits.stoppedWith !== undefined) return;
    order.looking = true;
    this.lookups.push(order);
    this.drain();
  }

  /** Looks `order` up again after a backoff (1 s by default, doubling up to 30 s). */
  private retryLater(order: TrackedOrder): void {
    const wait = Math.min(30_000, this.retryDelayMs * 2 ** order.failures++);
    this.waits.sleep(wait).then(
      () => this.lookUp(order),
      () => undefined,
    );
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

  /**
   * Looks `order` up by its orderId and emits what its stream has not shown yet. Looked up
   * again later while it is not found, or shows fewer fills than the push events did (or the
   * lookup failed); a held terminal event is emitted once the fills are told, or when the
   * lookup fails, or after HELD_LOOKUPS lookups.
   */
  private async fill(order: TrackedOrder): Promise<void> {
    let snapshot: OrderSnapshot | null;
    try {
      if (order.done || order.orderId === undefined) {
        order.looking = false;
        return;
      }
      snapshot = await lookupPolitely(
        { lookup: this.config.lookup, waits: this.waits },
        { orderId: order.orderId, market: order.market, symbol: order.symbol },
      );
    } catch {
      order.looking = false;
      if (this.waits.stoppedWith !== undefined || order.done) return;
      // REST cannot tell now: a held terminal event goes out without the missed fills; else
      // try again later (the push channel may come back first and make it moot).
      if (order.held !== undefined) this.release(order);
      else this.retryLater(order);
      return;
    }
    order.looking = false;
    if (order.done || this.waits.stoppedWith !== undefined) return;
    const found = snapshot !== null && snapshot.orderId === order.orderId;
    if (found)
      for (const update of missedUpdates(order, snapshot as OrderSnapshot)) this.deliver(order, update);
    if (order.done) return;
    const held = order.held;
    if (held !== undefined) {
      if (
        !found ||
        !greater(held.filledSize ?? order.filled, order.matched) ||
        order.failures >= HELD_LOOKUPS - 1
      )
        this.release(order);
      else this.retryLater(order);
    } else if (!found || greater(order.filled, order.matched)) {
      // Not found, or behind the push events: REST has not caught up yet.
      this.retryLater(order);
    } else {
      order.failures = 0;
    }
  }
}

/** Lookups a held terminal event waits for at most (the first one included). */
const HELD_LOOKUPS = 3;

/** One of the stream's orders has ended (it completes when the last one has). */
function ended(order: TrackedOrder): void {
  const events = order.events;
  if (--events.open === 0) events.complete();
}

/** a > b for decimal strings. */
function greater(a: string, b: string): boolean {
  const d = subtract(a, b);
  return !d.startsWith('-') && !/^0*(\.0*)?$/.test(d);
}

/** a + b for non-negative decimal strings (exact). */
export function add(a: string, b: string): string {
  const scale = Math.max(decimalsOf(a), decimalsOf(b));
  const digits = (scaledBy(a, scale) + scaledBy(b, scale)).toString().padStart(scale + 1, '0');
  const frac = scale === 0 ? '' : digits.slice(digits.length - scale).replace(/0+$/, '');
  return frac === ''
    ? digits.slice(0, digits.length - scale)
    : `${digits.slice(0, digits.length - scale)}.${frac}`;
}

const decimalsOf = (s: string): number => {
  const dot = s.indexOf('.');
  return dot === -1 ? 0 : s.length - dot - 1;
};

const scaledBy = (s: string, scale: number): bigint => {
  const dot = s.indexOf('.');
  const whole = dot === -1 ? s : s.slice(0, dot);
  const frac = dot === -1 ? '' : s.slice(dot + 1);
  return BigInt(`${whole}${frac.padEnd(scale, '0')}`);
};

/**
 * The events `snapshot` shows that the order's stream has not: the fills its matches have not
 * told as one `match`, the order's `open` if nothing was seen, and once done the held terminal
 * event, else `filled` or `canceled` built from the snapshot.
 */
export function missedUpdates(order: TrackedOrder, snapshot: OrderSnapshot): OrderUpdate[] {
  const out: OrderUpdate[] = [];
  const done = snapshot.status === 'done';
  const base = restUpdate(snapshot);
  if (greater(snapshot.dealSize, order.matched)) {
    out.push({
      ...base,
      type: 'match',
      status: restMatchStatus(snapshot),
      matchSize: subtract(snapshot.dealSize, order.matched),
    } as OrderUpdate);
  } else if (!order.seen && !done) {
    out.push({ ...base, type: 'open', status: 'open' } as OrderUpdate);
  }
  if (done) {
    out.push(
      order.held ??
        ({ ...base, type: snapshot.canceled ? 'canceled' : 'filled', status: 'done' } as OrderUpdate),
    );
  }
  return out;
}

/**
 * The status of a `match` built from REST, which does not say whether a fill took or made
 * liquidity. What it does say: a market, IOC or FOK order only ever takes ('match', a taker's);
 * any other order gets 'open', a resting maker's, which is what an open order is and the usual
 * case for a limit order whose fills the push channel missed (docs/api.md: approximate).
 */
function restMatchStatus(s: OrderSnapshot): 'open' | 'match' {
  const tif = s.raw.timeInForce;
  return s.type === 'market' || tif === 'IOC' || tif === 'FOK' ? 'match' : 'open';
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
