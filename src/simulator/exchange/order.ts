import type { Account } from './accounts';
import type { BookNode, BookOrder, Side } from './book';
import type { MutableLedgerEntry } from './ledger';
import type { Stp } from './matching';
import type { SymbolSpec } from './symbols';
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
  /** The currency the order's hold is in. */
  readonly holdCurrency: string;
}

/** An accepted order: the book's view (BookOrder) plus its owner, fills and hold. */
export class Order implements BookOrder {
  readonly id: string;
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
  readonly holdCurrency: string;
  readonly orderTime: number;
  remaining: bigint;
  visible: bigint;
  bookNode: BookNode | undefined = undefined;
  dealSize = 0n;
  dealFunds = 0n;
  canceledSize = 0n;
  status: 'open' | 'done' = 'open';
  /** What is still reserved in `wallet` for this order. */
  holdLeft = 0n;
  matchTime: number;
  /** The ledger entry; undefined for the house's seeded orders. */
  entry: MutableLedgerEntry | undefined = undefined;
  /** Margin: repay liabilities from fill proceeds. */
  autoRepay = false;
  /** Futures: leverage, margin reserved per opening lot, and whether it may only reduce. */
  leverage = 0n;
  marginPerLot = 0n;
  reduceOnly = false;

  /** An order with its terms and owner; `remaining` starts at the full size. */
  constructor(sequence: number, id: string, terms: OrderTerms, owner: OrderOwner, now: number) {
    this.sequence = sequence;
    this.id = id;
    this.clientOid = terms.clientOid;
    this.account = owner.account;
    this.wallet = owner.wallet;
    this.line = owner.line;
    this.holdCurrency = owner.holdCurrency;
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
    this.matchTime = now;
    this.remaining = this.size;
    this.visible = this.size;
  }

  /** Whether the remainder may rest in the book once matching stops. */
  get rests(): boolean {
    return this.type === 'limit' && (this.timeInForce === 'GTC' || this.timeInForce === 'GTT');
  }
}
