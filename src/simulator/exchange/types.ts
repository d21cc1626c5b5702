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

/** The two push topics: spot and margin orders ('spot'), futures orders ('futures'). */
export type PushMarket = 'spot' | 'futures';

/**
 * Receives an account's order events as they happen, in engine order: the market (which
 * topic) and the `data` object of the orderChange message as UTF-8 JSON, `data[start..end)`.
 * The bytes are only valid during the call (the buffer is reused for the next event).
 */
export interface OrderEventSink {
  /** Whether events of `market` are wanted now: none are made for a market that is not. */
  wants(market: PushMarket): boolean;
  event(market: PushMarket, data: Uint8Array, start: number, end: number): void;
}

/** An order as the REST lookups describe it. Sizes and prices are decimal strings. */
export interface OrderView {
  readonly id: string;
  readonly clientOid: string;
  readonly symbol: string;
  readonly line: 'spot' | 'margin' | 'futures';
  readonly type: 'limit' | 'market';
  readonly side: 'buy' | 'sell';
  readonly price: string;
  /** Original size (futures: lots); '0' for a market order by funds. */
  readonly size: string;
  /** Market orders by funds: the quote amount; else '0'. */
  readonly funds: string;
  readonly dealSize: string;
  readonly dealFunds: string;
  readonly canceledSize: string;
  readonly remainSize: string;
  /**
   * Whether any of the order was cancelled (KuCoin's `cancelExist`); when absent, whether
   * `canceledSize` is not '0'. A market order by funds has no size: it is cancelled when it
   * ended with funds it could still have spent (nothing to trade with, or STP), not for dust.
   */
  readonly cancelExist?: boolean;
  /** Market orders by funds: what was returned unspent once done (dust included); else '0'. */
  readonly cancelledFunds?: string;
  /** Market orders by funds: what may still be spent while open; else '0'. */
  readonly remainFunds?: string;
  readonly timeInForce: string;
  readonly postOnly: boolean;
  readonly hidden: boolean;
  readonly iceberg: boolean;
  readonly visibleSize: string;
  readonly stp: string;
  readonly status: 'open' | 'done';
  readonly inOrderBook: boolean;
  /** ms. */
  readonly createdAt: number;
  readonly updatedAt: number;
  /** Margin: whether the order used an isolated wallet. */
  readonly isolated: boolean;
  /**
   * GTT: seconds from its creation to its expiry (a modify's replacement keeps the original's
   * expiry); absent or 0: it does not expire by time.
   */
  readonly cancelAfter?: number;
  /** Futures only. */
  readonly leverage?: string;
  readonly reduceOnly?: boolean;
  readonly closeOrder?: boolean;
  readonly forceHold?: boolean;
  readonly marginMode?: 'ISOLATED' | 'CROSS';
  /** Futures: price × lots × multiplier of the order, and of what traded (quote). */
  readonly value?: string;
  readonly dealValue?: string;
  readonly settleCurrency: string;
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
  /** An account's latest order of a line with this clientOid (REST lookups); never another account's. */
  findOrder?(apiKey: string, line: 'spot' | 'margin' | 'futures', clientOid: string): OrderView | undefined;
  /** An account's order of a line with this orderId (REST lookups); never another account's. */
  findOrderById?(apiKey: string, line: 'spot' | 'margin' | 'futures', orderId: string): OrderView | undefined;
  /** Starts (a sink) or stops (undefined) the order events of an account. */
  onOrderEvents?(apiKey: string, sink: OrderEventSink | undefined): void;
  /** When the earliest GTT order may expire (ms, the gateway's clock), if any. */
  nextExpiry?(): number | undefined;
  /** Expires the GTT orders due at `now` (their events go out as for any cancel). Never throws. */
  expire?(now: number): void;
}
