import {
  eventHeadText,
  orderEventText,
  type OrderEventHead,
  type OrderEventState,
} from './exchange/order-events';
import type { OrderEventSink, OrderView, PushMarket } from './exchange/types';

type Line = 'spot' | 'margin' | 'futures';
type Args = Record<string, unknown>;

/** Acknowledged orders ack mode remembers, at most; the oldest are forgotten first. */
export const ACK_MEMORY = 10_000;

interface AckOrder {
  readonly head: OrderEventHead;
  readonly headText: string;
  state: OrderEventState;
  readonly line: Line;
  readonly apiKey: string;
  status: 'open' | 'done';
  updatedAt: number;
}

const text = (v: unknown, fallback: string): string =>
  typeof v === 'string' ? v : typeof v === 'number' ? String(v) : fallback;

/**
 * What ack mode knows of its orders: nothing matches, so an acknowledged order is open (with
 * nothing filled) until a cancel of it is acknowledged. The push channel gets `received` and
 * `open` for each acknowledged order (futures: `open` only) and `canceled` for a remembered
 * one that is cancelled; REST lookups find the last ACK_MEMORY orders.
 */
export class AckOrders {
  private readonly orders = new Map<string, AckOrder>();
  private readonly sinks = new Map<string, OrderEventSink>();

  onOrderEvents(apiKey: string, sink: OrderEventSink | undefined): void {
    if (sink === undefined) this.sinks.delete(apiKey);
    else this.sinks.set(apiKey, sink);
  }

  /** An order acknowledged with `orderId`. */
  placed(apiKey: string, line: Line, orderId: string, a: Args, now: number): void {
    const clientOid = text(a.clientOid, '');
    if (clientOid === '') return;
    const size = text(a.size, '0');
    const funds = a.funds === undefined ? undefined : text(a.funds, '0');
    const market: PushMarket = line === 'futures' ? 'futures' : 'spot';
    const head: OrderEventHead = {
      orderId,
      clientOid,
      symbol: text(a.symbol, ''),
      side: a.side === 'sell' ? 'sell' : 'buy',
      orderType: a.type === 'market' ? 'market' : 'limit',
      market,
      price: text(a.price, '0'),
      size,
      orderTime: now,
    };
    const order: AckOrder = {
      head,
      headText: eventHeadText(head),
      state: { filledSize: '0', remainSize: size, canceledSize: '0', remainFunds: funds },
      line,
      apiKey,
      status: 'open',
      updatedAt: now,
    };
    const key = keyOf(apiKey, line, clientOid);
    this.orders.delete(key);
    this.orders.set(key, order);
    if (this.orders.size > ACK_MEMORY) this.orders.delete(this.orders.keys().next().value ?? '');
    const sink = this.sinks.get(apiKey);
    if (sink === undefined) return;
    if (market === 'spot')
      sink(market, orderEventText(order.headText, market, 'received', 'new', order.state, now));
    sink(market, orderEventText(order.headText, market, 'open', 'open', order.state, now));
  }

  /** A cancel was acknowledged: a remembered open order of that clientOid or id is done. */
  canceled(apiKey: string, line: Line, ref: { clientOid?: unknown; orderId?: unknown }, now: number): void {
    let order: AckOrder | undefined;
    if (typeof ref.clientOid === 'string') order = this.orders.get(keyOf(apiKey, line, ref.clientOid));
    else if (typeof ref.orderId === 'string') {
      for (const o of this.orders.values())
        if (o.head.orderId === ref.orderId && o.apiKey === apiKey && o.line === line) order = o;
    }
    if (order === undefined || order.status === 'done') return;
    order.status = 'done';
    order.updatedAt = now;
    order.state = { ...order.state, remainSize: '0', canceledSize: order.head.size };
    const market = order.head.market;
    this.sinks.get(apiKey)?.(
      market,
      orderEventText(order.headText, market, 'canceled', 'done', order.state, now),
    );
  }

  find(apiKey: string, line: Line, clientOid: string): OrderView | undefined {
    const order = this.orders.get(keyOf(apiKey, line, clientOid));
    if (order === undefined) return undefined;
    const f = order.head;
    const st = order.state;
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
}

const keyOf = (apiKey: string, line: Line, clientOid: string): string =>
  `${apiKey}\u0000${line}\u0000${clientOid}`;
