import type { Account } from './accounts';
import type { BookOrder, Side } from './book';
import type { OrderIds } from './ids';
import type { MutableLedgerEntry } from './ledger';
import type { Stp } from './matching';
import type { SymbolSpec } from './symbols';
import type { Fill } from './types';
import type { Wallet } from './wallet';

/** The product line an order belongs to: each has its own wallets, codes and clientOid space. */
export type Line = 'spot' | 'margin' | 'futures';

export type TimeInForce = 'GTC' | 'GTT' | 'IOC' | 'FOK';

/** Everything that defines an order when it is accepted. */
export interface OrderTerms {
  readonly spec: SymbolSpec;
  readonly side: Side;
  readonly type: 'limit' | 'market';
  /** Limit price; 0 for market orders. */
  readonly price: bigint;
  /** Size in base units (futures: lots); undefined for a market order by funds. */
  readonly size: bigint | undefined;
  /** Quote amount of a market order by funds. */
  readonly funds: bigint | undefined;
  readonly timeInForce: TimeInForce;
  /** GTT: the time (ms) from which the order is expired. */
  readonly expireAt: number | undefined;
  readonly postOnly: boolean;
  readonly hidden: boolean;
  /** Iceberg slice size. */
  readonly peak: bigint | undefined;
  readonly stp: Stp | undefined;
  /** '' when the request had none. */
  readonly clientOid: string;
}

/** Who owns an order and where its money sits. */
export interface OrderOwner {
  readonly account: Account;
  readonly wallet: Wallet;
  readonly line: Line;
}

/** What only futures orders carry. */
export interface FuturesTerms {
  readonly leverage: bigint;
  readonly marginMode: 'ISOLATED' | 'CROSS';
  /** Initial margin reserved per lot that opens or extends the position. */
  readonly marginPerLot: bigint;
  /** May only reduce the position (reduceOnly and closeOrder). */
  readonly reduceOnly: boolean;
  /** Placed with closeOrder (close the whole position) and forceHold, as the request said. */
  readonly closeOrder: boolean;
  readonly forceHold: boolean;
}

/**
 * An accepted order: the book's view (BookOrder) plus its owner, fills and hold. Kept lean
 * because every resting order stays in memory: the id is formatted on demand from the
 * sequence number, and the hold currency and match time are derived.
 */
export class Order implements BookOrder {
  /** The id's sequence number: the order's slot in the live-order index. */
  readonly sequence: number;
  readonly clientOid: string;
  readonly account: Account;
  readonly wallet: Wallet;
  readonly line: Line;
  readonly spec: SymbolSpec;
  readonly side: Side;
  readonly type: 'limit' | 'market';
  readonly price: bigint;
  /** Original size; 0 for a market order by funds. */
  readonly size: bigint;
  readonly funds: bigint | undefined;
  readonly timeInForce: TimeInForce;
  readonly expireAt: number | undefined;
  readonly postOnly: boolean;
  readonly hidden: boolean;
  readonly peak: bigint | undefined;
  readonly stp: Stp | undefined;
  /** Acceptance time; matching runs synchronously then, so it is also the match time. */
  readonly orderTime: number;
  remaining: bigint;
  visible: bigint;
  bookLevel: object | undefined = undefined;
  bookPrev: BookOrder | undefined = undefined;
  bookNext: BookOrder | undefined = undefined;
  dealSize = 0n;
  dealFunds = 0n;
  canceledSize = 0n;
  status: 'open' | 'done' = 'open';
  /** What is still reserved in `wallet` for this order. */
  holdLeft = 0n;
  /** The op that created it ('seed' for the house's liquidity). */
  op = 'seed';
  /** Fills so far, oldest first; undefined until the first (the house keeps none). */
  fills: Fill[] | undefined = undefined;
  /** The ledger entry, once somebody asked for it (see entryOf). */
  entry: MutableLedgerEntry | undefined = undefined;
  /** How many orders were accepted with this clientOid up to this one. */
  clientOidCount = 0;
  /** The order accepted before this one with the same clientOid (any account): lookups walk it. */
  olderSameOid: Order | undefined = undefined;
  /** When the order last changed (ms). */
  updatedAt: number;
  /** Margin: repay liabilities from fill proceeds. */
  autoRepay = false;
  /**
   * Market orders by funds (which have no size to cancel): it ended with funds it could still
   * have spent (nothing to trade with, or STP stopped it), so it ends cancelled, not filled.
   */
  fundsReturned = false;
  /** Futures orders only. */
  futures: FuturesTerms | undefined = undefined;

  /** An order with its terms and owner; `remaining` starts at the full size. */
  constructor(
    private readonly ids: OrderIds,
    sequence: number,
    terms: OrderTerms,
    owner: OrderOwner,
    now: number,
  ) {
    this.sequence = sequence;
    this.clientOid = terms.clientOid;
    this.account = owner.account;
    this.wallet = owner.wallet;
    this.line = owner.line;
    this.spec = terms.spec;
    this.side = terms.side;
    this.type = terms.type;
    this.price = terms.price;
    this.size = terms.size ?? 0n;
    this.funds = terms.funds;
    this.timeInForce = terms.timeInForce;
    this.expireAt = terms.expireAt;
    this.postOnly = terms.postOnly;
    this.hidden = terms.hidden;
    this.peak = terms.peak;
    this.stp = terms.stp;
    this.orderTime = now;
    this.updatedAt = now;
    this.remaining = this.size;
    this.visible = this.size;
  }

  /** The 24-hex-character order id. */
  get id(): string {
    return this.ids.format(this.sequence);
  }

  /** The currency the hold is in: quote for buys and all futures orders, base for spot sells. */
  get holdCurrency(): string {
    return this.side === 'buy' || this.line === 'futures' ? this.spec.quote : this.spec.base;
  }

  /** Whether the remainder may rest in the book once matching stops. */
  get rests(): boolean {
    return this.type === 'limit' && (this.timeInForce === 'GTC' || this.timeInForce === 'GTT');
  }
}
