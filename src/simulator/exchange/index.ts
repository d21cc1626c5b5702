import type { ExchangeApi, ExchangeOptions, LedgerEntry, OpResult } from './types';

export * from './types';

/**
 * Skeleton exchange: every operation answers a plausible success so the gateway can compile
 * and run against it. The real matching engine replaces this behind the same class.
 */
export class Exchange implements ExchangeApi {
  private counter = 0;
  private readonly entries: LedgerEntry[] = [];

  /** Builds an exchange for the given accounts, symbols and seed. */
  constructor(private readonly options: ExchangeOptions) {}

  /** Runs one operation; never throws. */
  handle(apiKey: string, op: string, args: unknown, now: number): OpResult {
    void apiKey;
    void op;
    void now;
    this.counter += 1;
    const orderId = (this.options.seed * 1_000_000 + this.counter).toString(16).padStart(24, '0');
    const clientOid = isRecord(args) && typeof args.clientOid === 'string' ? args.clientOid : '';
    return { code: '200000', data: { orderId, clientOid } };
  }

  /** The latest order accepted with this clientOid. */
  ledger(clientOid: string): LedgerEntry | undefined {
    return this.entries.find((e) => e.clientOid === clientOid);
  }

  /** Orders ever accepted with this clientOid. */
  acceptedCount(clientOid: string): number {
    return this.entries.filter((e) => e.clientOid === clientOid).length;
  }

  /** All accepted orders in acceptance order. */
  allOrders(): readonly LedgerEntry[] {
    return this.entries;
  }

  /** An account's spot balances. */
  balances(apiKey: string): Record<string, { available: string; hold: string }> {
    const account = this.options.accounts.find((a) => a.apiKey === apiKey);
    const out: Record<string, { available: string; hold: string }> = {};
    for (const [ccy, amount] of Object.entries(account?.balances ?? {})) {
      out[ccy] = { available: amount, hold: '0' };
    }
    return out;
  }
}

const isRecord = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null;
