/**
 * Order events of the private push channel (`orderChange`), made by the engine as an order's
 * state changes. An account nobody listens to costs one property read per change: events are
 * only made for an account with a sink, and only for the markets it wants.
 *
 * Events are written straight into bytes (UTF-8 JSON), never built as strings: the fixed words
 * are encoded once, an order's fixed members once per order and its sizes once per change,
 * numbers are written as digits, and each event is these pieces copied into one reused buffer.
 * Building each event as text and encoding it had cost more than the rest of the push path.
 */
import { formatDecimal } from './decimal';
import type { Order } from './order';
import type { OrderEventSink, PushMarket } from './types';

/** What never changes about an order, as strings ready for the wire. */
export interface OrderEventHead {
  readonly orderId: string;
  readonly clientOid: string;
  readonly symbol: string;
  readonly side: 'buy' | 'sell';
  readonly orderType: 'limit' | 'market';
  readonly market: PushMarket;
  readonly price: string;
  readonly size: string;
  /** ms. */
  readonly orderTime: number;
}

/** What an event says about its order now. */
export interface OrderEventState {
  readonly filledSize: string;
  readonly remainSize: string;
  readonly canceledSize: string;
  /** Market orders by funds only. */
  readonly remainFunds: string | undefined;
}

export type OrderEventType = 'received' | 'open' | 'match' | 'update' | 'filled' | 'canceled';

/** What only a match event carries. */
export interface MatchFields {
  readonly matchPrice: string;
  readonly matchSize: string;
  readonly tradeId: string;
  readonly liquidity: 'maker' | 'taker';
}

const bytes = (text: string): Buffer => Buffer.from(text, 'utf8');

export type OrderEventStatus = 'new' | 'open' | 'match' | 'done';

/** `{"type":"…","status":"…",` per type and status, made on first use. */
const PREFIXES = new Map<string, Buffer>();
function prefixOf(type: OrderEventType, status: OrderEventStatus): Buffer {
  const key = `${type} ${status}`;
  let prefix = PREFIXES.get(key);
  if (prefix === undefined) PREFIXES.set(key, (prefix = bytes(`{"type":"${type}","status":"${status}",`)));
  return prefix;
}
// The engine's events, looked up without building a key.
const RECEIVED = prefixOf('received', 'new');
const OPENED = prefixOf('open', 'open');
const TAKER_MATCH = prefixOf('match', 'match');
const MAKER_MATCH = prefixOf('match', 'open');
const UPDATED = prefixOf('update', 'open');
const FILLED = prefixOf('filled', 'done');
const CANCELED = prefixOf('canceled', 'done');

const ORDER_ID = bytes('"orderId":"');
const CLIENT_OID = bytes('","clientOid":');
const SYMBOL = bytes(',"symbol":"');
/** `","side":"…","orderType":"…","price":"` for each side and order type. */
const SIDE_TYPE_PRICE = {
  buy: {
    limit: bytes('","side":"buy","orderType":"limit","price":"'),
    market: bytes('","side":"buy","orderType":"market","price":"'),
  },
  sell: {
    limit: bytes('","side":"sell","orderType":"limit","price":"'),
    market: bytes('","side":"sell","orderType":"market","price":"'),
  },
};
const SIZE = bytes('","size":"');
const ORIGIN_SIZE = bytes('","originSize":"');
const ORDER_TIME = bytes('","orderTime":');
const FILLED_SIZE = bytes('"filledSize":"');
const REMAIN_SIZE = bytes('","remainSize":"');
const CANCELED_SIZE = bytes('","canceledSize":"');
const REMAIN_FUNDS = bytes('","remainFunds":"');
const END_STATE = bytes('",');
const TS = bytes('"ts":');
const MATCH_PRICE = bytes(',"matchPrice":"');
const MATCH_SIZE = bytes('","matchSize":"');
const TRADE_ID = bytes('","tradeId":"');
const MAKER = bytes('","liquidity":"maker"');
const TAKER = bytes('","liquidity":"taker"');
const MAKER_FEE = bytes(',"feeType":"makerFee"');
const TAKER_FEE = bytes(',"feeType":"takerFee"');
const OLD_SIZE = bytes(',"oldSize":"');
const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const COMMA = 0x2c;
const CLOSE = 0x7d;
const ZERO = 0x30;

/** Writes `text` at `at` as UTF-8 (there must be room for 3 bytes per unit); returns the end. */
function put(buf: Buffer, at: number, text: string): number {
  // Short ASCII text (ids, symbols, decimals) is copied by hand: cheaper than a call to C++.
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c > 0x7f) return at - i + buf.write(text, at - i, 'utf8');
    buf[at++] = c;
  }
  return at;
}

/** Writes `text` as a JSON string (as JSON.stringify writes it; there must be room for 6 bytes per unit). */
function putJsonString(buf: Buffer, at: number, text: string): number {
  const start = at;
  buf[at++] = QUOTE;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    // Anything JSON escapes, and all but ASCII, goes the long way.
    if (c < 0x20 || c > 0x7e || c === QUOTE || c === BACKSLASH) return put(buf, start, JSON.stringify(text));
    buf[at++] = c;
  }
  buf[at++] = QUOTE;
  return at;
}

function putBytes(buf: Buffer, at: number, b: Uint8Array): number {
  buf.set(b, at);
  return at + b.length;
}

/** Writes a number as JSON does: a whole number below 2^53 digit by digit. */
function putNumber(buf: Buffer, at: number, n: number): number {
  if (!Number.isSafeInteger(n) || n < 0) return put(buf, at, String(n));
  let end = at + 1;
  for (let p = 10; p <= n; p *= 10) end++;
  for (let i = end - 1; i > at; i--) {
    const q = Math.floor(n / 10);
    buf[i] = ZERO + n - q * 10;
    n = q;
  }
  buf[at] = ZERO + n;
  return end;
}

/**
 * A time in ms as ns. For a whole number of ms (every clock reading) the digits and six zeros
 * are the same text as `String(ms * 1e6)`, without formatting a double above 2^53.
 */
function putNs(buf: Buffer, at: number, ms: number): number {
  if (!(Number.isInteger(ms) && ms > 0 && ms < 1e15)) return put(buf, at, String(ms * 1_000_000));
  at = putNumber(buf, at, ms);
  for (let i = 0; i < 6; i++) buf[at++] = ZERO;
  return at;
}

/** Room before the fixed members for the longest `{"type":…,"status":…,` (35 bytes). */
const PREFIX_ROOM = 48;

/**
 * Writes one account's order events into bytes and hands them to its sink. Each event is laid
 * out in one buffer that is kept between events: `{"type":…,"status":…,` ends at PREFIX_ROOM,
 * the order's fixed members follow, then its sizes, then `ts` and what only some events carry.
 * The fixed members and the sizes stay in place while they do not change: an order's events
 * mostly come in a row (received then open; a taker's matches then its end), and a resting
 * order's received and open carry the same sizes, so such an event writes only its type, `ts`
 * and a brace. Only the last order's are kept, so nothing is held per resting order.
 */
export class OrderEventWriter {
  private out = Buffer.allocUnsafe(1024);
  /** End of the fixed members (a comma follows). */
  private headEnd = PREFIX_ROOM;
  /** End of the sizes (each followed by a comma). */
  private stateEnd = PREFIX_ROOM;
  /** Whose members are held (an engine order, or ack mode's record). */
  private headOwner: object | undefined = undefined;
  /** The order's size and its text, for a remaining size equal to it. */
  private headSize: bigint | undefined = undefined;
  private headSizeText = '';
  // What the sizes were made from (the engine's orders).
  private stateOrder: object | undefined = undefined;
  private stateRemaining = 0n;
  private stateDealSize = 0n;
  private stateDealFunds = 0n;
  private stateCanceled = 0n;

  constructor(readonly sink: OrderEventSink) {}

  /** Whether `owner`'s fixed members are the ones held. */
  holds(owner: object): boolean {
    return this.headOwner === owner;
  }

  /** `out` with room up to `size`, what comes before `keep` kept. */
  private room(size: number, keep: number): Buffer {
    if (this.out.length >= size) return this.out;
    const bigger = Buffer.allocUnsafe(Math.max(size, this.out.length * 2));
    this.out.copy(bigger, 0, 0, keep);
    return (this.out = bigger);
  }

  /**
   * Sets the fixed members of `owner`'s events (the sizes must be set next). Spot and margin
   * carry `orderTime` in ms and `originSize`; futures carry `orderTime` in ns. `sizeValue`: the
   * size as a number, so that a remaining size equal to it is written from its text.
   */
  setHead(owner: object, h: OrderEventHead, sizeValue?: bigint): void {
    const most =
      3 * (h.orderId.length + 2 * h.clientOid.length + h.symbol.length + h.price.length + 2 * h.size.length) +
      200;
    const buf = this.room(PREFIX_ROOM + most, 0);
    let at = putBytes(buf, PREFIX_ROOM, ORDER_ID);
    at = put(buf, at, h.orderId);
    at = putBytes(buf, at, CLIENT_OID);
    at = putJsonString(buf, at, h.clientOid);
    at = putBytes(buf, at, SYMBOL);
    at = put(buf, at, h.symbol);
    at = putBytes(buf, at, SIDE_TYPE_PRICE[h.side][h.orderType]);
    at = put(buf, at, h.price);
    at = putBytes(buf, at, SIZE);
    at = put(buf, at, h.size);
    if (h.market === 'futures') {
      at = putBytes(buf, at, ORDER_TIME);
      at = putNs(buf, at, h.orderTime);
    } else {
      at = putBytes(buf, at, ORIGIN_SIZE);
      at = put(buf, at, h.size);
      at = putBytes(buf, at, ORDER_TIME);
      at = putNumber(buf, at, h.orderTime);
    }
    buf[at] = COMMA;
    this.headEnd = at;
    this.stateEnd = at + 1;
    this.headOwner = owner;
    this.headSize = sizeValue;
    this.headSizeText = h.size;
    this.stateOrder = undefined;
  }

  /** Sets the sizes of the next events, after the fixed members. */
  setState(st: OrderEventState): void {
    const funds = st.remainFunds ?? '';
    const most =
      3 * (st.filledSize.length + st.remainSize.length + st.canceledSize.length + funds.length) + 80;
    const buf = this.room(this.headEnd + 1 + most, this.headEnd + 1);
    let at = putBytes(buf, this.headEnd + 1, FILLED_SIZE);
    at = put(buf, at, st.filledSize);
    at = putBytes(buf, at, REMAIN_SIZE);
    at = put(buf, at, st.remainSize);
    at = putBytes(buf, at, CANCELED_SIZE);
    at = put(buf, at, st.canceledSize);
    if (st.remainFunds !== undefined) {
      at = putBytes(buf, at, REMAIN_FUNDS);
      at = put(buf, at, st.remainFunds);
    }
    this.stateEnd = putBytes(buf, at, END_STATE);
    this.stateOrder = undefined;
  }

  /**
   * An engine order's sizes now; `remaining` overrides the order's (a taker's is updated after
   * matching). Unchanged sizes (a resting order's received then open) are not written again.
   */
  setOrderState(order: Order, remaining: bigint): void {
    if (
      this.stateOrder === order &&
      this.stateRemaining === remaining &&
      this.stateDealSize === order.dealSize &&
      this.stateDealFunds === order.dealFunds &&
      this.stateCanceled === order.canceledSize
    )
      return;
    const byFunds = order.funds !== undefined;
    this.setState({
      filledSize: formatDecimal(order.dealSize),
      remainSize: byFunds ? '0' : remaining === this.headSize ? this.headSizeText : formatDecimal(remaining),
      canceledSize: formatDecimal(order.canceledSize),
      remainFunds: byFunds ? formatDecimal((order.funds ?? 0n) - order.dealFunds) : undefined,
    });
    this.stateOrder = order;
    this.stateRemaining = remaining;
    this.stateDealSize = order.dealSize;
    this.stateDealFunds = order.dealFunds;
    this.stateCanceled = order.canceledSize;
  }

  /**
   * Completes the `data` object of one orderChange message (`ts` in ns) around the held
   * members and sizes and hands it to the sink. `prefix`: the type and status (prefixOf).
   */
  emit(market: PushMarket, prefix: Buffer, now: number, match?: MatchFields, oldSize?: string): void {
    let most = this.stateEnd + 48;
    if (match !== undefined)
      most += 3 * (match.matchPrice.length + match.matchSize.length + match.tradeId.length) + 120;
    if (oldSize !== undefined) most += 3 * oldSize.length + 16;
    const buf = this.room(most, this.stateEnd);
    const start = PREFIX_ROOM - prefix.length;
    buf.set(prefix, start);
    let at = putBytes(buf, this.stateEnd, TS);
    at = putNs(buf, at, now);
    if (match !== undefined) {
      at = putBytes(buf, at, MATCH_PRICE);
      at = put(buf, at, match.matchPrice);
      at = putBytes(buf, at, MATCH_SIZE);
      at = put(buf, at, match.matchSize);
      at = putBytes(buf, at, TRADE_ID);
      at = put(buf, at, match.tradeId);
      const maker = match.liquidity === 'maker';
      at = putBytes(buf, at, maker ? MAKER : TAKER);
      if (market !== 'futures') at = putBytes(buf, at, maker ? MAKER_FEE : TAKER_FEE);
    }
    if (oldSize !== undefined) {
      at = putBytes(buf, at, OLD_SIZE);
      at = put(buf, at, oldSize);
      buf[at++] = QUOTE;
    }
    buf[at++] = CLOSE;
    this.sink.event(market, buf, start, at);
  }

  /** An event of the held members and sizes by type and status (ack mode). */
  emitAs(market: PushMarket, type: OrderEventType, status: OrderEventStatus, now: number): void {
    this.emit(market, prefixOf(type, status), now);
  }
}

/**
 * The `data` object of one orderChange message as JSON text (`ts` in ns): the bytes the
 * writer sends, as a string. For tests and tools; the push path never makes this string.
 */
export function orderEventText(
  head: OrderEventHead,
  type: OrderEventType,
  status: OrderEventStatus,
  st: OrderEventState,
  now: number,
  match?: MatchFields,
  oldSize?: string,
): string {
  let text = '';
  const writer = new OrderEventWriter({
    wants: () => true,
    event: (_market, data, start, end) =>
      void (text = Buffer.from(data.subarray(start, end)).toString('utf8')),
  });
  writer.setHead(head, head);
  writer.setState(st);
  writer.emit(head.market, prefixOf(type, status), now, match, oldSize);
  return text;
}

/** The market an order's events go to: spot and margin share the spot topic. */
const marketOf = (order: Order): PushMarket => (order.line === 'futures' ? 'futures' : 'spot');

/** The writer of the order's account if its market's events are wanted, its head and sizes set. */
function writerFor(order: Order, remaining: bigint = order.remaining): OrderEventWriter | undefined {
  const writer = order.account.orderEvents;
  if (writer === undefined || !writer.sink.wants(marketOf(order))) return undefined;
  if (!writer.holds(order))
    writer.setHead(
      order,
      {
        orderId: order.id,
        clientOid: order.clientOid,
        symbol: order.spec.symbol,
        side: order.side,
        orderType: order.type,
        market: marketOf(order),
        price: formatDecimal(order.price),
        size: formatDecimal(order.size),
        orderTime: order.orderTime,
      },
      order.size,
    );
  writer.setOrderState(order, remaining);
  return writer;
}

/** The order entered the engine (spot and margin only: futures have no `received`). */
export function orderReceived(order: Order, now: number): void {
  if (order.line === 'futures') return;
  writerFor(order)?.emit('spot', RECEIVED, now);
}

/** The order rests in the book. */
export function orderOpened(order: Order, now: number): void {
  writerFor(order)?.emit(marketOf(order), OPENED, now);
}

/** One trade of the order; `remaining` is its unfilled size after the trade. */
export function orderMatched(
  order: Order,
  price: bigint,
  size: bigint,
  tradeId: number,
  liquidity: 'maker' | 'taker',
  remaining: bigint,
  now: number,
): void {
  const writer = writerFor(order, remaining);
  if (writer === undefined) return;
  const match: MatchFields = {
    matchPrice: formatDecimal(price),
    matchSize: formatDecimal(size),
    tradeId: tradeIdText(tradeId),
    liquidity,
  };
  writer.emit(marketOf(order), liquidity === 'taker' ? TAKER_MATCH : MAKER_MATCH, now, match);
}

/** Self-trade prevention shrank a resting order from `oldSize` (its remaining before). */
export function orderUpdated(order: Order, oldSize: bigint, now: number): void {
  writerFor(order)?.emit(marketOf(order), UPDATED, now, undefined, formatDecimal(oldSize));
}

/** The order is done: `filled` when it ended by trading its last size, else `canceled`. */
export function orderDone(order: Order, filled: boolean, now: number): void {
  writerFor(order)?.emit(marketOf(order), filled ? FILLED : CANCELED, now);
}

/** Trade ids look like KuCoin's: a long decimal number, here 10^13 + a per-exchange counter. */
export const tradeIdText = (n: number): string => String(10_000_000_000_000 + n);
