import type { Account } from './accounts';
import { formatDecimal, mul } from './decimal';
import { execute } from './execution';
import { acceptOrder, ensureNewClientOid, holdRequirement } from './placement';
import { ok, reject, SPOT_CODES } from './results';
import type { ExchangeState } from './state';
import { checkPostOnly, spotTerms, type SpotOrderArgs } from './terms';
import type { OpResult } from './types';
import type { Wallet } from './wallet';

const CODES = SPOT_CODES;

/** Cross margin: assets up to 5× equity, so liabilities up to 4× equity. */
export const CROSS_MAX_LEVERAGE = 5n;
/** Isolated margin: assets up to 10× equity, so liabilities up to 9× equity. */
export const ISOLATED_MAX_LEVERAGE = 10n;

/** The USDT value of one unit of `currency`: 1 for USDT, else the mark of `<currency>-USDT`. */
export function unitValue(state: ExchangeState, currency: string): bigint | undefined {
  if (currency === 'USDT') return 10n ** 18n;
  return state.markPrice(`${currency}-USDT`);
}

/** A margin wallet's equity and liabilities in USDT; currencies without a price count as zero. */
export function valuation(state: ExchangeState, wallet: Wallet): { equity: bigint; liabilities: bigint } {
  let assets = 0n;
  let liabilities = 0n;
  for (const currency of wallet.currencies()) {
    const price = unitValue(state, currency) ?? 0n;
    assets += mul(wallet.available(currency) + wallet.hold(currency), price);
    liabilities += mul(wallet.liability(currency), price);
  }
  return { equity: assets - liabilities, liabilities };
}

/**
 * Borrows `amount` of `currency` into a margin wallet when the borrow limit allows it:
 * liabilities after the loan must stay within (maxLeverage − 1) × equity. No interest accrues.
 */
export function borrowWithinLimit(
  state: ExchangeState,
  wallet: Wallet,
  currency: string,
  amount: bigint,
  maxLeverage: bigint,
): void {
  const price = unitValue(state, currency);
  if (price === undefined) reject(CODES.balance, `cannot borrow ${currency}: no price to value it`);
  const { equity, liabilities } = valuation(state, wallet);
  const limit = equity * (maxLeverage - 1n);
  if (liabilities + mul(amount, price) > limit)
    reject(CODES.balance, `Balance insufficient! borrowing would exceed the ${maxLeverage}x margin limit`);
  wallet.borrow(currency, amount);
}

/**
 * margin.order: a spot order from the cross or an isolated margin wallet. With autoBorrow the
 * shortfall of the order's hold is borrowed first; the answer reports borrowSize ('0' when
 * nothing was borrowed) and loanApplyId (null then). With autoRepay, fills repay liabilities
 * in the currency they bring in.
 */
export function placeMarginOrder(
  state: ExchangeState,
  account: Account,
  args: unknown,
  now: number,
): OpResult {
  const request = (args ?? {}) as SpotOrderArgs;
  if (typeof request.clientOid !== 'string' || request.clientOid === '')
    reject(CODES.param, 'clientOid is required for margin orders');
  const terms = spotTerms(state, request, now, CODES);
  ensureNewClientOid(state, account, 'margin', terms.clientOid, CODES);
  checkPostOnly(state, terms, CODES);
  const isolated = request.isIsolated === true;
  const wallet = isolated ? account.isolatedWallet(terms.spec) : account.cross;
  const need = holdRequirement(state, terms, account);
  const shortfall = need.amount - wallet.available(need.currency);
  let borrowed = 0n;
  if (shortfall > 0n) {
    if (request.autoBorrow !== true) reject(CODES.balance, 'Balance insufficient!');
    borrowWithinLimit(
      state,
      wallet,
      need.currency,
      shortfall,
      isolated ? ISOLATED_MAX_LEVERAGE : CROSS_MAX_LEVERAGE,
    );
    borrowed = shortfall;
  }
  if (!wallet.reserve(need.currency, need.amount)) reject(CODES.balance, 'Balance insufficient!');
  const order = acceptOrder(
    state,
    terms,
    { account, wallet, line: 'margin' },
    need.amount,
    'margin.order',
    now,
  );
  order.autoRepay = request.autoRepay === true;
  execute(state, order, now);
  return ok({
    orderId: order.id,
    clientOid: order.clientOid,
    borrowSize: formatDecimal(borrowed),
    loanApplyId: borrowed > 0n ? state.ids.next() : null,
  });
}
