import { formatDecimal } from './decimal';
import type { Line, Order } from './order';
import type { LedgerEntry } from './types';

/** The ledger entry the exchange keeps updating as its order fills and completes. */
export type MutableLedgerEntry = { -readonly [K in keyof LedgerEntry]: LedgerEntry[K] };

/**
 * An order's ledger entry, made on first request and then kept current by the exchange (it
 * shares the order's fill list; status and dealSize are updated on each change). Making it
 * lazily keeps a resting order down to one object, which the benchmark's GC notices.
 */
export function entryOf(order: Order): LedgerEntry {
  if (order.entry !== undefined) return order.entry;
  order.fills ??= [];
  order.entry = {
    clientOid: order.clientOid,
    orderId: order.id,
    apiKey: order.account.apiKey,
    op: order.op,
    symbol: order.spec.symbol,
    side: order.side,
    type: order.type,
    status: order.status,
    dealSize: formatDecimal(order.dealSize),
    fills: order.fills,
  };
  return order.entry;
}

const inScope = (order: Order | undefined, apiKey: string, line: Line): order is Order =>
  order !== undefined && order.status === 'open' && order.account.apiKey === apiKey && order.line === line;

/**
 * Every accepted order, in acceptance order, and per clientOid the latest one (which carries
 * the count) — also the de-duplication index: a clientOid is taken while an open order of the
 * same account and line uses it. An older order still open when another account or line
 * reuses its clientOid is kept aside in `shadowed` (rare), so it can still be found.
 */
export class Ledger {
  private readonly orders: Order[] = [];
  private readonly entries: LedgerEntry[] = [];
  private readonly latest = new Map<string, Order>();
  private readonly shadowed = new Map<string, Order[]>();

  /** Records an accepted order. */
  record(order: Order): void {
    this.orders.push(order);
    const clientOid = order.clientOid;
    if (clientOid === '') return;
    const previous = this.latest.get(clientOid);
    order.clientOidCount = (previous?.clientOidCount ?? 0) + 1;
    order.olderSameOid = previous;
    if (previous !== undefined && previous.status === 'open') {
      const aside = this.shadowed.get(clientOid);
      if (aside === undefined) this.shadowed.set(clientOid, [previous]);
      else aside.push(previous);
    }
    this.latest.set(clientOid, order);
  }

  /** The open order of this account and line using `clientOid`. */
  liveOrder(clientOid: string, apiKey: string, line: Line): Order | undefined {
    const latest = this.latest.get(clientOid);
    if (inScope(latest, apiKey, line)) return latest;
    return this.shadowed.get(clientOid)?.find((o) => inScope(o, apiKey, line));
  }

  /** Forgets a done order that was kept aside. */
  retire(order: Order): void {
    const aside = order.clientOid === '' ? undefined : this.shadowed.get(order.clientOid);
    if (aside === undefined) return;
    const i = aside.indexOf(order);
    if (i >= 0) aside.splice(i, 1);
    if (aside.length === 0) this.shadowed.delete(order.clientOid);
  }

  /** The entry of the latest order accepted with this clientOid. */
  get(clientOid: string): LedgerEntry | undefined {
    const order = this.latest.get(clientOid);
    return order === undefined ? undefined : entryOf(order);
  }

  /** An account's latest order of `line` with this clientOid, open or done. */
  find(clientOid: string, apiKey: string, line: Line): Order | undefined {
    for (let o = this.latest.get(clientOid); o !== undefined; o = o.olderSameOid)
      if (o.account.apiKey === apiKey && o.line === line) return o;
    return undefined;
  }

  /**
   * The accepted order with this id's sequence number (orders are recorded in sequence order,
   * so a binary search finds it without an index by id).
   */
  bySequence(sequence: number): Order | undefined {
    let lo = 0;
    let hi = this.orders.length - 1;
    while (lo <= hi) {
      const mid = (lo + hi) >>> 1;
      const at = this.orders[mid].sequence;
      if (at === sequence) return this.orders[mid];
      if (at < sequence) lo = mid + 1;
      else hi = mid - 1;
    }
    return undefined;
  }

  /** How many orders were ever accepted with this clientOid. */
  count(clientOid: string): number {
    return this.latest.get(clientOid)?.clientOidCount ?? 0;
  }

  /** All entries in acceptance order (made on demand, then kept). */
  all(): readonly LedgerEntry[] {
    for (let i = this.entries.length; i < this.orders.length; i++) this.entries.push(entryOf(this.orders[i]));
    return this.entries;
  }
}
