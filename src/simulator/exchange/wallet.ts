import { formatDecimal, parseDecimal } from './decimal';
import type { Balances } from './types';

/** Available and held amounts per currency, as the inspection API reports them. */
export type BalanceView = Record<string, { available: string; hold: string }>;

/** One currency in one wallet. Mutable in place so a hold costs one map lookup. */
interface Pot {
  available: bigint;
  hold: bigint;
  liability: bigint;
}

const EMPTY: Readonly<Pot> = Object.freeze({ available: 0n, hold: 0n, liability: 0n });

/**
 * One pot of money: available and held amounts per currency, plus liabilities for margin pots.
 * An `unlimited` wallet (the house's) never runs short and records nothing, which is how the
 * seeded liquidity can absorb any amount of trading.
 */
export class Wallet {
  private readonly pots = new Map<string, Pot>();

  /** A wallet funded with `initial` (decimal strings); `only` restricts it to some currencies. */
  constructor(
    readonly unlimited: boolean,
    initial: Balances = {},
    only?: readonly string[],
  ) {
    for (const [currency, text] of Object.entries(initial)) {
      if (only !== undefined && !only.includes(currency)) continue;
      const amount = parseDecimal(text);
      if (amount === undefined || amount < 0n) throw new Error(`invalid balance ${currency}: ${text}`);
      this.pot(currency).available = amount;
    }
  }

  private pot(currency: string): Pot {
    let pot = this.pots.get(currency);
    if (pot === undefined) {
      pot = { available: 0n, hold: 0n, liability: 0n };
      this.pots.set(currency, pot);
    }
    return pot;
  }

  private peek(currency: string): Readonly<Pot> {
    return this.pots.get(currency) ?? EMPTY;
  }

  /** Spendable amount. */
  available(currency: string): bigint {
    return this.peek(currency).available;
  }

  /** Amount reserved by open orders. */
  hold(currency: string): bigint {
    return this.peek(currency).hold;
  }

  /** Amount borrowed and not yet repaid (margin wallets). */
  liability(currency: string): bigint {
    return this.peek(currency).liability;
  }

  /** Moves `amount` from available to hold; false (and no change) when short. */
  reserve(currency: string, amount: bigint): boolean {
    if (this.unlimited || amount === 0n) return true;
    const pot = this.pots.get(currency);
    if (pot === undefined || pot.available < amount) return false;
    pot.available -= amount;
    pot.hold += amount;
    return true;
  }

  /** Moves `amount` from hold back to available. */
  release(currency: string, amount: bigint): void {
    if (this.unlimited || amount === 0n) return;
    const pot = this.pot(currency);
    pot.hold -= amount;
    pot.available += amount;
  }

  /** Pays `amount` out of hold (a fill). */
  spendHeld(currency: string, amount: bigint): void {
    if (this.unlimited || amount === 0n) return;
    this.pot(currency).hold -= amount;
  }

  /** Adds `amount` (may be negative: a realised loss) to available. */
  credit(currency: string, amount: bigint): void {
    if (this.unlimited || amount === 0n) return;
    this.pot(currency).available += amount;
  }

  /** Takes up to `amount` from available; returns what was taken. */
  debitUpTo(currency: string, amount: bigint): bigint {
    if (this.unlimited) return amount;
    const pot = this.pot(currency);
    const taken = pot.available < amount ? (pot.available > 0n ? pot.available : 0n) : amount;
    pot.available -= taken;
    return taken;
  }

  /** Borrows `amount` into available and records the liability. */
  borrow(currency: string, amount: bigint): void {
    if (this.unlimited || amount === 0n) return;
    const pot = this.pot(currency);
    pot.liability += amount;
    pot.available += amount;
  }

  /** Repays up to `amount` of the liability from available; returns what was repaid. */
  repay(currency: string, amount: bigint): bigint {
    if (this.unlimited) return 0n;
    const pot = this.pot(currency);
    let paid = pot.liability < amount ? pot.liability : amount;
    if (pot.available < paid) paid = pot.available;
    if (paid <= 0n) return 0n;
    pot.liability -= paid;
    pot.available -= paid;
    return paid;
  }

  /** Currencies this wallet has ever touched, sorted. */
  currencies(): string[] {
    return [...this.pots.keys()].sort();
  }

  /** Available and hold per currency, as decimal strings. */
  view(): BalanceView {
    const out: BalanceView = {};
    for (const c of this.currencies()) {
      out[c] = { available: formatDecimal(this.available(c)), hold: formatDecimal(this.hold(c)) };
    }
    return out;
  }
}
