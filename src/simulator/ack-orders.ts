import { OrderEventWriter, type OrderEventHead, type OrderEventState } from './exchange/order-events';
import type { OrderEventSink, OrderView } from './exchange/types';

type Line = 'spot' | 'margin' | 'futures';
type Args = Record<string, unknown>;

/**
 * Acknowledged orders ack mode remembers per account and line (an order replaced by a modify
 * counts too); the oldest are forgotten first.
 */
export const ACK_MEMORY = 1_000;

/** A remembered order a cancel named: what its answer reports. */
export interface AckCancel {
  readonly orderId: string;
  readonly clientOid: string;
  /** Its size as requested ('0' by funds): nothing trades in ack mode, so all of it is cancelled. */
  readonly size: string;
}

/** What is kept per order: the validated request itself, no copy and no text. */
interface AckOrder {
  readonly args: Args;
  readonly orderId: string;
  readonly orderTime: number;
  status: 'open' | 'done';
  updatedAt: number;
}

const text = (v: unknown, fallback: string): string =>
  typeof v === 'string' ? v : typeof v === 'number' ? String(v) : fallback;

function headOf(o: AckOrder, line: Line): OrderEventHead {
  const a = o.args;
  return {
    orderId: o.orderId,
    clientOid: text(a.clientOid, ''),
    symbol: text(a.symbol, ''),
    side: a.side === 'sell' ? 'sell' : 'buy',
    orderType: a.type === 'market' ? 'market' : 'limit',
    market: line === 'futures' ? 'futures' : 'spot',
    price: text(a.price, '0'),
    size: text(a.size, '0'),
    orderTime: o.orderTime,
  };
}

function stateOf(o: AckOrder): OrderEventState {
  const size = text(o.args.size, '0');
  const done = o.status === 'done';
  return {
    filledSize: '0',
    remainSize: done ? '0' : size,
    canceledSize: done ? size : '0',
    remainFunds: o.args.funds === undefined ? undefined : text(o.args.funds, '0'),
  };
}

/**
 * What ack mode knows of its orders: nothing matches, so an acknowledged order is open (with
 * nothing filled) until a cancel of it is acknowledged. The push channel gets `received` and
 * `open` for each acknowledged order (futures: `open` only) and `canceled` for a remembered
 * one that is cancelled; REST lookups find the last ACK_MEMORY orders of each account and line.
 * Remembering costs a Map entry per order; event text is only made for a subscribed account.
 */
export class AckOrders {
  /** `${apiKey} ${line}` → clientOid → order, oldest first. */
  private readonly books = new Map<string, Map<string, AckOrder>>();
  private readonly writers = new Map<string, OrderEventWriter>();

  onOrderEvents(apiKey: string, sink: OrderEventSink | undefined): void {
    if (sink === undefined) this.writers.delete(apiKey);
    else this.writers.set(apiKey, new OrderEventWriter(sink));
  }

  /** The account's event writer with `order`'s members and sizes set, if its market is wanted. */
  private writerFor(apiKey: string, order: AckOrder, line: Line): OrderEventWriter | undefined {
    const writer = this.writers.get(apiKey);
    if (writer === undefined || !writer.sink.wants(line === 'futures' ? 'futures' : 'spot')) return undefined;
    writer.setHead(order, headOf(order, line));
    writer.setState(stateOf(order));
    return writer;
  }

  private bookOf(apiKey: string, line: Line): Map<string, AckOrder> {
    const key = `${apiKey} ${line}`;
    let book = this.books.get(key);
    if (book === undefined) this.books.set(key, (book = new Map()));
    return book;
  }

  /** An order acknowledged with `orderId`. */
  placed(apiKey: string, line: Line, orderId: string, args: Args, now: number): void {
    const clientOid = args.clientOid;
    if (typeof clientOid !== 'string' || clientOid === '') return;
    const book = this.bookOf(apiKey, line);
    const order: AckOrder = { args, orderId, orderTime: now, status: 'open', updatedAt: now };
    book.delete(clientOid);
    book.set(clientOid, order);
    if (book.size > ACK_MEMORY) book.delete(book.keys().next().value ?? '');
    const writer = this.writerFor(apiKey, order, line);
    if (writer === undefined) return;
    if (line === 'futures') writer.emitAs('futures', 'open', 'open', now);
    else {
      writer.emitAs('spot', 'received', 'new', now);
      writer.emitAs('spot', 'open', 'open', now);
    }
  }

  /**
   * A spot.modify was acknowledged with `newOrderId`: a remembered open order it names is
   * cancelled and its replacement (same clientOid, the new price and/or size) is open, with
   * the events the engine sends for a modify. Returns the order's clientOid, if remembered.
   */
  modified(
    apiKey: string,
    ref: { clientOid?: unknown; orderId?: unknown; newPrice?: unknown; newSize?: unknown },
    newOrderId: string,
    now: number,
  ): string | undefined {
    const old = this.canceled(apiKey, 'spot', ref, now);
    if (old === undefined) return undefined;
    // The replaced order stays findable by its orderId, cancelled (as the engine's is: reconciling
    // a lost modify looks it up), under a key no clientOid can be; it is forgotten in turn.
    const book = this.bookOf(apiKey, 'spot');
    const clientOid = text(old.args.clientOid, '');
    if (book.get(clientOid) === old) {
      book.delete(clientOid);
      book.set(` ${old.orderId}`, old);
    }
    const args: Args = { ...old.args };
    if (ref.newPrice !== undefined) args.price = ref.newPrice;
    if (ref.newSize !== undefined) args.size = ref.newSize;
    this.placed(apiKey, 'spot', newOrderId, args, now);
    return text(args.clientOid, '');
  }

  /**
   * A cancel was acknowledged: the remembered order it names (open, which it makes done, or done
   * already), for the answer to report; undefined when none is remembered.
   */
  cancel(
    apiKey: string,
    line: Line,
    ref: { clientOid?: unknown; orderId?: unknown },
    now: number,
  ): AckCancel | undefined {
    const order = this.named(apiKey, line, ref);
    if (order === undefined) return undefined;
    if (order.status === 'open') this.close(apiKey, line, order, now);
    const a = order.args;
    return { orderId: order.orderId, clientOid: text(a.clientOid, ''), size: text(a.size, '0') };
  }

  /** A cancel was acknowledged: a remembered open order of that clientOid or id is done (and returned). */
  canceled(
    apiKey: string,
    line: Line,
    ref: { clientOid?: unknown; orderId?: unknown },
    now: number,
  ): AckOrder | undefined {
    const order = this.named(apiKey, line, ref);
    if (order === undefined || order.status === 'done') return undefined;
    this.close(apiKey, line, order, now);
    return order;
  }

  /** The remembered order of that clientOid, else of that id (a scan of at most ACK_MEMORY orders). */
  private named(
    apiKey: string,
    line: Line,
    ref: { clientOid?: unknown; orderId?: unknown },
  ): AckOrder | undefined {
    const book = this.books.get(`${apiKey} ${line}`);
    if (book === undefined) return undefined;
    let order: AckOrder | undefined;
    if (typeof ref.clientOid === 'string') order = book.get(ref.clientOid);
    else if (typeof ref.orderId === 'string') {
      for (const o of book.values()) if (o.orderId === ref.orderId) order = o;
    }
    return order;
  }

  /** Makes a remembered open order done, with its `canceled` event. */
  private close(apiKey: string, line: Line, order: AckOrder, now: number): void {
    order.status = 'done';
    order.updatedAt = now;
    this.writerFor(apiKey, order, line)?.emitAs(
      line === 'futures' ? 'futures' : 'spot',
      'canceled',
      'done',
      now,
    );
  }

  find(apiKey: string, line: Line, clientOid: string): OrderView | undefined {
    const order = this.books.get(`${apiKey} ${line}`)?.get(clientOid);
    return order === undefined ? undefined : viewOf(order, line);
  }

  /** A remembered order by id (a scan of at most ACK_MEMORY orders: lookups are rare). */
  findById(apiKey: string, line: Line, orderId: string): OrderView | undefined {
    const book = this.books.get(`${apiKey} ${line}`);
    if (book === undefined) return undefined;
    for (const order of book.values()) if (order.orderId === orderId) return viewOf(order, line);
    return undefined;
  }
}

/** What REST shows of a remembered order. */
function viewOf(order: AckOrder, line: Line): OrderView {
  const f = headOf(order, line);
  const st = stateOf(order);
  return {
    id: f.orderId,
    clientOid: f.clientOid,
    symbol: f.symbol,
    line,
    type: f.orderType,
    side: f.side,
    price: f.price,
    size: f.size,
    funds: st.remainFunds ?? '0',
    dealSize: '0',
    dealFunds: '0',
    canceledSize: st.canceledSize,
    remainSize: st.remainSize,
    // Nothing trades in ack mode: a done order was cancelled, with all its funds.
    cancelExist: order.status === 'done',
    cancelledFunds: order.status === 'done' ? (st.remainFunds ?? '0') : '0',
    remainFunds: order.status === 'done' ? '0' : (st.remainFunds ?? '0'),
    timeInForce: 'GTC',
    postOnly: false,
    hidden: false,
    iceberg: false,
    visibleSize: '0',
    stp: '',
    status: order.status,
    inOrderBook: order.status === 'open',
    createdAt: f.orderTime,
    updatedAt: order.updatedAt,
    isolated: false,
    settleCurrency: 'USDT',
    ...(line === 'futures' ? { leverage: '1', reduceOnly: false, marginMode: 'ISOLATED' as const } : {}),
  };
}
