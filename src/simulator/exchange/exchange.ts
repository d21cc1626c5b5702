import { CODES } from '../../codecs/codes';
import { OPERATION_HANDLERS, type ExchangeHandler } from '../operation-handlers';
import { formatDecimal } from './decimal';
import { expireDue } from './execution';
import { seedLiquidity } from './liquidity';
import { OrderEventWriter } from './order-events';
import { orderView } from './order-view';
import { Rejection } from './results';
import { ExchangeState } from './state';
import type {
  DepthView,
  ExchangeApi,
  ExchangeOptions,
  LedgerEntry,
  MarginBalances,
  OpResult,
  OrderEventSink,
  OrderView,
  PositionView,
} from './types';

/** Operation name → the engine's handler (OPERATION_HANDLERS), for names that arrive as strings. */
const HANDLERS: ReadonlyMap<string, ExchangeHandler> = new Map(
  Object.entries(OPERATION_HANDLERS).map(([op, h]) => [op, h.exchange]),
);

/**
 * The simulator's exchange: symbols, price-time-priority books seeded with house liquidity,
 * spot/margin wallets with holds, futures positions, and a ledger of accepted orders. The
 * gateway calls `handle` once per validated request; everything is synchronous and
 * deterministic for a given seed and sequence of calls.
 */
export class Exchange implements ExchangeApi {
  private readonly state: ExchangeState;

  /** An exchange with the given accounts, symbols (default BTC-USDT, ETH-USDT, XBTUSDTM, ETHUSDTM) and seed. */
  constructor(options: ExchangeOptions) {
    this.state = new ExchangeState(options);
    if (options.seedLiquidity !== false) seedLiquidity(this.state, options.seed);
  }

  /** Runs one operation for one account at time `now` (ms). Never throws: a bug answers 500000. */
  handle(apiKey: string, op: string, args: unknown, now: number): OpResult {
    try {
      this.state.now = now;
      expireDue(this.state, now);
      const account = this.state.accounts.get(apiKey);
      if (account === undefined) return { code: CODES.KEY_NOT_EXISTS, msg: 'API key does not exist' };
      const handler = HANDLERS.get(op);
      if (handler === undefined) return { code: CODES.SPOT_PARAM_ERROR, msg: `unsupported operation ${op}` };
      // A missing body reads as an empty one: every field is then reported missing, not a crash.
      return handler(this.state, account, args ?? {}, now);
    } catch (error) {
      if (error instanceof Rejection) return error.toResult();
      return { code: CODES.INTERNAL_ERROR, msg: `internal error: ${String(error)}` };
    }
  }

  /** When the earliest GTT order may expire (ms), if any (it may have ended already). */
  nextExpiry(): number | undefined {
    return this.state.expiries.peekKey();
  }

  /** Expires the GTT orders due at `now`, as the start of a request would. Never throws. */
  expire(now: number): void {
    try {
      this.state.now = now;
      expireDue(this.state, now);
    } catch {
      // As `handle`: the exchange never throws at the gateway.
    }
  }

  /** The latest order accepted with this clientOid. */
  ledger(clientOid: string): LedgerEntry | undefined {
    return this.state.ledger.get(clientOid);
  }

  /** An account's latest order of `line` with this clientOid, as REST describes it. */
  findOrder(apiKey: string, line: 'spot' | 'margin' | 'futures', clientOid: string): OrderView | undefined {
    const order = this.state.ledger.find(clientOid, apiKey, line);
    return order === undefined ? undefined : orderView(order);
  }

  /** An account's order of `line` with this id, as REST describes it (never another account's). */
  findOrderById(apiKey: string, line: 'spot' | 'margin' | 'futures', orderId: string): OrderView | undefined {
    const sequence = this.state.ids.sequenceOf(orderId);
    const order = sequence === undefined ? undefined : this.state.ledger.bySequence(sequence);
    if (order === undefined || order.account.apiKey !== apiKey || order.line !== line) return undefined;
    return orderView(order);
  }

  /** Sends an account's order events to `sink` from now on (undefined: stops them). */
  onOrderEvents(apiKey: string, sink: OrderEventSink | undefined): void {
    const account = this.state.accounts.get(apiKey);
    if (account !== undefined)
      account.orderEvents = sink === undefined ? undefined : new OrderEventWriter(sink);
  }

  /** How many orders were ever accepted with this clientOid. */
  acceptedCount(clientOid: string): number {
    return this.state.ledger.count(clientOid);
  }

  /** All accepted orders in acceptance order (the house's seeded orders are not listed). */
  allOrders(): readonly LedgerEntry[] {
    return this.state.ledger.all();
  }

  /** An account's spot balances; {} for an unknown key. */
  balances(apiKey: string): Record<string, { available: string; hold: string }> {
    return this.state.accounts.get(apiKey)?.spot.view() ?? {};
  }

  /** An account's cross margin wallet, or its isolated wallet of `symbol`. */
  marginBalances(apiKey: string, isolatedSymbol?: string): MarginBalances {
    const account = this.state.accounts.get(apiKey);
    if (account === undefined) return {};
    const spec = isolatedSymbol === undefined ? undefined : this.state.symbols.get(isolatedSymbol);
    if (isolatedSymbol !== undefined && spec === undefined) return {};
    const wallet = spec === undefined ? account.cross : account.isolatedWallet(spec);
    const out: MarginBalances = {};
    for (const currency of wallet.currencies()) {
      out[currency] = {
        available: formatDecimal(wallet.available(currency)),
        hold: formatDecimal(wallet.hold(currency)),
        liability: formatDecimal(wallet.liability(currency)),
      };
    }
    return out;
  }

  /** An account's futures wallet (available, and hold = margin reserved by open orders). */
  futuresBalances(apiKey: string): Record<string, { available: string; hold: string }> {
    return this.state.accounts.get(apiKey)?.futures.view() ?? {};
  }

  /** An account's net position in a futures symbol (flat when none). */
  position(apiKey: string, symbol: string): PositionView {
    const p = this.state.accounts.get(apiKey)?.position(symbol);
    return {
      symbol,
      qty: formatDecimal(p?.qty ?? 0n),
      entryPrice: formatDecimal(p?.entryPrice ?? 0n),
      margin: formatDecimal(p?.margin ?? 0n),
      realisedPnl: formatDecimal(p?.realisedPnl ?? 0n),
      leverage: formatDecimal(p?.leverage ?? 0n),
    };
  }

  /** The visible book of a symbol, `levels` deep per side. */
  orderBook(symbol: string, levels = 20): DepthView {
    const book = this.state.books.get(symbol);
    const view = (side: 'buy' | 'sell'): Array<[string, string]> =>
      (book?.depth(side, levels) ?? []).map(([p, s]) => [formatDecimal(p), formatDecimal(s)]);
    return { bids: view('buy'), asks: view('sell') };
  }

  /** How many orders rest in a symbol's book, hidden ones included. */
  restingCount(symbol: string): number {
    return this.state.books.get(symbol)?.size ?? 0;
  }
}
