/**
 * The seam between the simulator's gateway (sockets, auth, rate limits, faults) and its
 * exchange (symbols, order books, balances, margin, futures). The gateway calls
 * `Exchange.handle` once per accepted request; the exchange never sees a socket.
 */

/** Currency → amount as a decimal string, e.g. { USDT: '100000', BTC: '2' }. */
export type Balances = Record<string, string>;

export interface AccountConfig {
  readonly apiKey: string;
  readonly apiSecret: string;
  readonly apiPassphrase: string;
  /** Starting spot balances. Margin and futures accounts start from the same amounts. */
  readonly balances?: Balances;
}

export interface SymbolConfig {
  readonly symbol: string; // 'BTC-USDT' or 'XBTUSDTM'
  readonly market: 'spot' | 'futures'; // spot symbols also trade on margin
  readonly baseCurrency: string; // 'BTC'
  readonly quoteCurrency: string; // 'USDT' (futures: the settle currency)
  readonly priceIncrement: string; // tick size, '0.1'
  readonly baseIncrement: string; // size step; futures: '1' (lots)
  readonly baseMinSize: string; // minimum size; futures: '1' lot
  readonly minFunds?: string; // spot: minimum quote amount of a market-by-funds order
  readonly multiplier?: string; // futures: base quantity per lot, '0.001'
  readonly maxLeverage?: number; // futures
}

export interface ExchangeOptions {
  readonly seed: number;
  readonly accounts: readonly AccountConfig[];
  readonly symbols?: readonly SymbolConfig[];
  /** Symbol → mid price of the seeded house liquidity, e.g. { 'BTC-USDT': '30000' }. */
  readonly referencePrices?: Readonly<Record<string, string>>;
  /** Seed resting liquidity from a house account (default true). */
  readonly seedLiquidity?: boolean;
}

/** What the gateway wraps into the response envelope. `data` only on success. */
export interface OpResult {
  readonly code: string;
  readonly msg?: string;
  readonly data?: unknown;
}

export interface Fill {
  readonly price: string;
  readonly size: string;
  readonly time: number;
  readonly liquidity: 'maker' | 'taker';
}

/** One accepted order as the tests inspect it. */
export interface LedgerEntry {
  readonly clientOid: string;
  readonly orderId: string;
  readonly apiKey: string;
  readonly op: string; // the op that created it: 'spot.order', 'margin.order', 'futures.order', …
  readonly symbol: string;
  readonly side: 'buy' | 'sell';
  readonly type: 'limit' | 'market';
  status: 'open' | 'done';
  dealSize: string;
  readonly fills: Fill[];
}

/** Balances of a margin wallet, with what is owed. */
export type MarginBalances = Record<string, { available: string; hold: string; liability: string }>;

/** A futures position as the inspection API reports it (sizes in lots). */
export interface PositionView {
  readonly symbol: string;
  /** Signed lots: positive long, negative short. */
  readonly qty: string;
  readonly entryPrice: string;
  readonly margin: string;
  readonly realisedPnl: string;
  readonly leverage: string;
}

/** An order book as the public would see it: [price, size] levels, best first, hidden orders left out. */
export interface DepthView {
  readonly bids: Array<[string, string]>;
  readonly asks: Array<[string, string]>;
}

export interface ExchangeApi {
  /** Runs one operation for one account. `now` is the gateway's receive time (ms). Never throws. */
  handle(apiKey: string, op: string, args: unknown, now: number): OpResult;
  /** The order accepted with this clientOid (the latest, when a clientOid was reused after completion). */
  ledger(clientOid: string): LedgerEntry | undefined;
  /** How many orders were ever accepted with this clientOid (dedup tests expect at most 1 while live). */
  acceptedCount(clientOid: string): number;
  /** All accepted orders, in acceptance order. */
  allOrders(): readonly LedgerEntry[];
  /** An account's available and held balances per currency (spot). */
  balances(apiKey: string): Record<string, { available: string; hold: string }>;
  /** Cross margin balances, or the isolated wallet of `isolatedSymbol` (optional: ack mode has none). */
  marginBalances?(apiKey: string, isolatedSymbol?: string): MarginBalances;
  /** The futures wallet: available, and hold = margin reserved by open orders. */
  futuresBalances?(apiKey: string): Record<string, { available: string; hold: string }>;
  /** The net position in a futures symbol. */
  position?(apiKey: string, symbol: string): PositionView;
  /** The visible book of a symbol, `levels` deep per side. */
  orderBook?(symbol: string, levels?: number): DepthView;
}
