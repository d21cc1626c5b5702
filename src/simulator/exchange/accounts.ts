import { flatPosition, type Position } from './positions';
import type { SymbolSpec } from './symbols';
import type { OrderEventWriter } from './order-events';
import type { Balances } from './types';
import { Wallet } from './wallet';

/**
 * One API key's money. Spot, cross margin, each isolated margin pair and
 * futures are separate pots that all start from the configured balances (each gets its own
 * copy; an isolated pair gets only its base and quote currencies).
 */
export class Account {
  /** Spot wallet. */
  readonly spot: Wallet;
  /** Cross margin wallet. */
  readonly cross: Wallet;
  /** Futures wallet (settle currency, USDT). */
  readonly futures: Wallet;
  /** Writes this account's order events to their sink; undefined while nobody listens (the usual case). */
  orderEvents: OrderEventWriter | undefined = undefined;
  private readonly isolated = new Map<string, Wallet>();
  private readonly positions = new Map<string, Position>();

  /** An account; the `house` account has unlimited funds and keeps no books. */
  constructor(
    readonly apiKey: string,
    readonly house: boolean,
    private readonly balances: Balances = {},
  ) {
    this.spot = new Wallet(house, balances);
    this.cross = new Wallet(house, balances);
    this.futures = new Wallet(house, balances);
  }

  /** The isolated margin wallet of a spot symbol, created funded on first use. */
  isolatedWallet(spec: SymbolSpec): Wallet {
    let wallet = this.isolated.get(spec.symbol);
    if (wallet === undefined) {
      wallet = new Wallet(this.house, this.balances, [spec.base, spec.quote]);
      this.isolated.set(spec.symbol, wallet);
    }
    return wallet;
  }

  /** The net position in a futures symbol (flat when never traded). */
  position(symbol: string): Position {
    let position = this.positions.get(symbol);
    if (position === undefined) {
      position = flatPosition(symbol);
      this.positions.set(symbol, position);
    }
    return position;
  }

  /** Positions ever opened, flat ones included. */
  allPositions(): Position[] {
    return [...this.positions.values()];
  }
}
