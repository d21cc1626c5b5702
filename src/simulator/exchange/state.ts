import { Account } from './accounts';
import { OrderBook } from './book';
import { parseDecimal } from './decimal';
import { MinHeap } from './heap';
import { OrderIds } from './ids';
import { Ledger } from './ledger';
import { LiveOrders } from './live-orders';
import type { Order } from './order';
import { DEFAULT_REFERENCE_PRICES, DEFAULT_SYMBOLS, toSymbolSpec, type SymbolSpec } from './symbols';
import type { ExchangeOptions } from './types';

/** The api key of the account that owns the seeded liquidity. */
export const HOUSE_API_KEY = '__house__';

/** Everything the operations share: symbols, books, accounts, live orders, ledger, ids, expiries. */
export class ExchangeState {
  readonly symbols = new Map<string, SymbolSpec>();
  readonly books = new Map<string, OrderBook<Order>>();
  readonly accounts = new Map<string, Account>();
  readonly house = new Account(HOUSE_API_KEY, true);
  readonly ledger = new Ledger();
  readonly ids: OrderIds;
  /** Live orders of every line by order id. */
  readonly live: LiveOrders;
  /** GTT orders by expiry time. Cancelled ones stay until popped and are skipped then. */
  readonly expiries = new MinHeap<Order>();
  /** Last trade price per symbol: the mark for margin valuation and futures valueQty. */
  readonly lastPrice = new Map<string, bigint>();
  readonly referencePrices = new Map<string, bigint>();
  /** The time of the operation being run (ms): order events and update times use it. */
  now = 0;
  /** Trades so far: the last trade's id number. */
  trades = 0;

  /** State for the options' symbols and accounts (seeding is done by the caller). */
  constructor(options: ExchangeOptions) {
    this.ids = new OrderIds(options.seed);
    this.live = new LiveOrders(this.ids);
    for (const config of options.symbols ?? DEFAULT_SYMBOLS) {
      const spec = toSymbolSpec(config);
      this.symbols.set(spec.symbol, spec);
      this.books.set(spec.symbol, new OrderBook<Order>());
    }
    const references = options.referencePrices ?? DEFAULT_REFERENCE_PRICES;
    for (const [symbol, text] of Object.entries(references)) {
      const price = parseDecimal(text);
      if (price === undefined || price <= 0n) throw new Error(`invalid reference price ${symbol}: ${text}`);
      this.referencePrices.set(symbol, price);
    }
    for (const config of options.accounts) {
      this.accounts.set(config.apiKey, new Account(config.apiKey, false, config.balances));
    }
  }

  /** The book of a listed symbol. */
  book(symbol: string): OrderBook<Order> {
    const book = this.books.get(symbol);
    if (book === undefined) throw new Error(`no book for ${symbol}`);
    return book;
  }

  /** The mark price of a symbol: last trade, else the reference price. */
  markPrice(symbol: string): bigint | undefined {
    return this.lastPrice.get(symbol) ?? this.referencePrices.get(symbol);
  }
}
