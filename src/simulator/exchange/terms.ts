import type { SubmitHFMarginOrderRequest, SubmitHFOrderRequest } from '../../codecs/requests';
import { isMultiple, mul, parseDecimalCached } from './decimal';
import { crosses, opposite, type Stp } from './matching';
import type { OrderTerms, TimeInForce } from './order';
import { reject, type LineCodes } from './results';
import type { ExchangeState } from './state';
import type { SymbolSpec } from './symbols';

/** spot.order / spot.sync_order / margin.order arguments, as far as terms are concerned. */
export type SpotOrderArgs = Partial<SubmitHFOrderRequest> & Partial<SubmitHFMarginOrderRequest>;

const STP_MODES: ReadonlySet<string> = new Set(['DC', 'CO', 'CN', 'CB']);
const TIME_IN_FORCE: ReadonlySet<string> = new Set(['GTC', 'GTT', 'IOC', 'FOK']);

/** A listed symbol of the given market, or a rejection naming it. */
export function symbolOf(
  state: ExchangeState,
  symbol: unknown,
  market: 'spot' | 'futures',
  codes: LineCodes,
): SymbolSpec {
  const spec = typeof symbol === 'string' ? state.symbols.get(symbol) : undefined;
  if (spec === undefined || spec.market !== market)
    reject(codes.param, `symbol ${String(symbol)} does not exist`);
  return spec;
}

/** A positive decimal argument, or a rejection naming the field. */
export function positiveDecimal(value: unknown, field: string, codes: LineCodes): bigint {
  const parsed = typeof value === 'string' ? parseDecimalCached(value) : undefined;
  if (parsed === undefined || parsed <= 0n) reject(codes.param, `${field} must be a positive decimal string`);
  return parsed;
}

/** Checks a price against the symbol's tick. */
export function checkPrice(spec: SymbolSpec, price: bigint, codes: LineCodes): void {
  if (!isMultiple(price, spec.tick))
    reject(codes.param, `price must be a multiple of priceIncrement ${spec.config.priceIncrement}`);
}

/** Checks a base size against the symbol's step and minimum. */
export function checkSize(spec: SymbolSpec, size: bigint, field: string, codes: LineCodes): void {
  if (!isMultiple(size, spec.step))
    reject(codes.param, `${field} must be a multiple of baseIncrement ${spec.config.baseIncrement}`);
  if (size < spec.minSize)
    reject(codes.param, `${field} must be at least baseMinSize ${spec.config.baseMinSize}`);
}

/** Rejects a request received after clientTimestamp + allowMaxTimeWindow. */
export function checkTimeWindow(args: SpotOrderArgs, now: number, codes: LineCodes): void {
  const { clientTimestamp, allowMaxTimeWindow } = args;
  if (typeof clientTimestamp === 'number' && typeof allowMaxTimeWindow === 'number') {
    if (now > clientTimestamp + allowMaxTimeWindow)
      reject(codes.param, 'request expired: received after clientTimestamp + allowMaxTimeWindow');
  }
}

/** Rejects a postOnly order whose price would take liquidity. */
export function checkPostOnly(state: ExchangeState, terms: OrderTerms, codes: LineCodes): void {
  if (!terms.postOnly) return;
  const best = state.book(terms.spec.symbol).bestPrice(opposite(terms.side));
  if (best !== undefined && crosses(terms.side, terms.price, best))
    reject(codes.param, 'postOnly order would take liquidity');
}

function limitFields(
  spec: SymbolSpec,
  args: SpotOrderArgs,
  codes: LineCodes,
): { price: bigint; size: bigint } {
  const price = positiveDecimal(args.price, 'price', codes);
  checkPrice(spec, price, codes);
  const size = positiveDecimal(args.size, 'size', codes);
  checkSize(spec, size, 'size', codes);
  if (mul(price, size) < spec.minFunds)
    reject(
      codes.param,
      `order value (price * size) must be at least minFunds ${spec.config.minFunds ?? '0'}`,
    );
  return { price, size };
}

function marketFields(
  spec: SymbolSpec,
  args: SpotOrderArgs,
  codes: LineCodes,
): { size: bigint | undefined; funds: bigint | undefined } {
  if (args.funds !== undefined && args.size !== undefined)
    reject(codes.param, 'market orders take size or funds, not both');
  if (args.funds !== undefined) {
    const funds = positiveDecimal(args.funds, 'funds', codes);
    if (funds < spec.minFunds)
      reject(codes.param, `funds must be at least minFunds ${spec.config.minFunds ?? '0'}`);
    return { size: undefined, funds };
  }
  const size = positiveDecimal(args.size, 'size', codes);
  checkSize(spec, size, 'size', codes);
  return { size, funds: undefined };
}

function timeInForceOf(args: SpotOrderArgs, type: 'limit' | 'market', now: number, codes: LineCodes) {
  // Market orders never rest: whatever cannot fill at once is cancelled, as with IOC.
  if (type === 'market') return { timeInForce: 'IOC' as TimeInForce, expireAt: undefined };
  const tif = args.timeInForce ?? 'GTC';
  if (!TIME_IN_FORCE.has(tif)) reject(codes.param, 'timeInForce must be GTC, GTT, IOC or FOK');
  if (tif !== 'GTT') {
    if (args.cancelAfter !== undefined)
      reject(codes.param, "cancelAfter is only allowed with timeInForce 'GTT'");
    return { timeInForce: tif, expireAt: undefined };
  }
  // Without cancelAfter a GTT order never expires, as KuCoin's default (-1, no automatic cancel);
  // the client's codec takes it too.
  if (args.cancelAfter === undefined) return { timeInForce: tif, expireAt: undefined };
  if (typeof args.cancelAfter !== 'number' || args.cancelAfter <= 0)
    reject(codes.param, 'cancelAfter must be a positive number of seconds');
  return { timeInForce: tif, expireAt: now + args.cancelAfter * 1000 };
}

function icebergPeak(spec: SymbolSpec, args: SpotOrderArgs, size: bigint | undefined, codes: LineCodes) {
  if (args.iceberg !== true) return undefined;
  if (args.hidden === true) reject(codes.param, 'an order cannot be both hidden and iceberg');
  const peak = positiveDecimal(args.visibleSize, 'visibleSize', codes);
  if (!isMultiple(peak, spec.step))
    reject(codes.param, `visibleSize must be a multiple of baseIncrement ${spec.config.baseIncrement}`);
  if (size !== undefined && peak > size) reject(codes.param, 'visibleSize must not exceed size');
  return peak;
}

/**
 * Validates a spot or margin order against the exchange's rules (symbol, increments, minimums,
 * time in force, iceberg, time window) and returns its terms. Throws a Rejection; changes nothing.
 */
export function spotTerms(
  state: ExchangeState,
  args: SpotOrderArgs,
  now: number,
  codes: LineCodes,
): OrderTerms {
  const spec = symbolOf(state, args.symbol, 'spot', codes);
  const side = args.side;
  if (side !== 'buy' && side !== 'sell') reject(codes.param, "side must be 'buy' or 'sell'");
  const type = args.type ?? 'limit';
  if (type !== 'limit' && type !== 'market') reject(codes.param, "type must be 'limit' or 'market'");
  checkTimeWindow(args, now, codes);
  if (args.stp !== undefined && !STP_MODES.has(args.stp)) reject(codes.param, 'stp must be DC, CO, CN or CB');
  const clientOid = typeof args.clientOid === 'string' ? args.clientOid : '';
  const { timeInForce, expireAt } = timeInForceOf(args, type, now, codes);
  const postOnly = args.postOnly === true;
  if (postOnly && (timeInForce === 'IOC' || timeInForce === 'FOK'))
    reject(codes.param, "postOnly is not allowed with timeInForce 'IOC' or 'FOK'");
  if (type === 'limit') {
    const { price, size } = limitFields(spec, args, codes);
    return {
      spec,
      side,
      type,
      price,
      size,
      funds: undefined,
      timeInForce,
      expireAt,
      postOnly,
      hidden: args.hidden === true,
      peak: icebergPeak(spec, args, size, codes),
      stp: args.stp as Stp | undefined,
      clientOid,
    };
  }
  if (postOnly || args.hidden === true || args.iceberg === true)
    reject(codes.param, 'postOnly, hidden and iceberg are only allowed on limit orders');
  const { size, funds } = marketFields(spec, args, codes);
  return {
    spec,
    side,
    type,
    price: 0n,
    size,
    funds,
    timeInForce,
    expireAt,
    postOnly: false,
    hidden: false,
    peak: undefined,
    stp: args.stp as Stp | undefined,
    clientOid,
  };
}
