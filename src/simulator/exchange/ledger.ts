import type { Line, Order } from './order';
import type { Fill, LedgerEntry } from './types';

/** The ledger entry the exchange keeps updating as its order fills and completes. */
export type MutableLedgerEntry = { -readonly [K in keyof LedgerEntry]: LedgerEntry[K] };

/** Entries start with this shared, frozen list and get their own on the first fill (one less allocation per resting order). */
export const NO_FILLS: Fill[] = Object.freeze([]) as unknown as Fill[];

interface Slot {
  latest: LedgerEntry;
  count: number;
  /** The live order using this clientOid, if any. */
  live: Order | undefined;
  /** Further live orders using it: only possible across accounts or product lines. */
  more: Order[] | undefined;
}

const inScope = (order: Order | undefined, apiKey: string, line: Line): order is Order =>
  order !== undefined && order.account.apiKey === apiKey && order.line === line;

/**
 * Every order the exchange accepted, in acceptance order, and per clientOid the latest entry,
 * the count, and the live orders using it (the de-duplication index). One map serves all three
 * so accepting an order costs one lookup. Orders without a clientOid are listed, not indexed.
 */
export class Ledger {
  private readonly entries: LedgerEntry[] = [];
  private readonly byClientOid = new Map<string, Slot>();

  /** Records an accepted order and its (live, mutable) entry. */
  record(entry: MutableLedgerEntry, order: Order): MutableLedgerEntry {
    this.entries.push(entry);
    if (entry.clientOid === '') return entry;
    const slot = this.byClientOid.get(entry.clientOid);
    if (slot === undefined) {
      this.byClientOid.set(entry.clientOid, { latest: entry, count: 1, live: order, more: undefined });
      return entry;
    }
    slot.latest = entry;
    slot.count += 1;
    if (slot.live === undefined) slot.live = order;
    else (slot.more ??= []).push(order);
    return entry;
  }

  /** The live order of this account and line using `clientOid`. */
  liveOrder(clientOid: string, apiKey: string, line: Line): Order | undefined {
    const slot = this.byClientOid.get(clientOid);
    if (slot === undefined) return undefined;
    if (inScope(slot.live, apiKey, line)) return slot.live;
    return slot.more?.find((o) => inScope(o, apiKey, line));
  }

  /** Drops a done order from its clientOid's live orders. */
  retire(order: Order): void {
    if (order.clientOid === '') return;
    const slot = this.byClientOid.get(order.clientOid);
    if (slot === undefined) return;
    if (slot.live === order) slot.live = slot.more?.shift();
    else if (slot.more !== undefined) {
      const i = slot.more.indexOf(order);
      if (i >= 0) slot.more.splice(i, 1);
    }
  }

  /** The latest order accepted with this clientOid. */
  get(clientOid: string): LedgerEntry | undefined {
    return this.byClientOid.get(clientOid)?.latest;
  }

  /** How many orders were ever accepted with this clientOid. */
  count(clientOid: string): number {
    return this.byClientOid.get(clientOid)?.count ?? 0;
  }

  /** All entries in acceptance order. */
  all(): readonly LedgerEntry[] {
    return this.entries;
  }
}
