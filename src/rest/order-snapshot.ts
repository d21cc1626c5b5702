import type { FuturesOrderDetail, HfOrderDetail } from './codecs';

/** Where an order lives: spot and margin are HF orders of the spot exchange; futures its own. */
export type OrderMarket = 'spot' | 'margin' | 'futures';

interface SnapshotFields {
  /** The clientOid it was looked up by. */
  readonly clientOid: string;
  /** The exchange's order id. */
  readonly orderId: string;
  readonly symbol: string;
  readonly side: 'buy' | 'sell';
  /** 'limit' or 'market' (as the exchange names it). */
  readonly type: string;
  /** 'open' while it can still trade (resting, or not fully matched yet), 'done' once it cannot. */
  readonly status: 'open' | 'done';
  /** The limit price as a decimal string; undefined where the exchange gives none (futures market orders). */
  readonly price: string | undefined;
  /** The ordered size: base currency for spot and margin, lots for futures (as a decimal string). */
  readonly size: string;
  /** How much of `size` has traded. */
  readonly dealSize: string;
  /** How much of `size` was canceled (by a cancel, IOC/FOK, STP or expiry); '0' when none. */
  readonly canceledSize: string;
  /** Whether any part of the order was canceled. */
  readonly canceled: boolean;
  /**
   * Done, nothing canceled and the whole order traded. A market order by funds (size '0') counts
   * as filled when it traded and the exchange reports no cancel: the dust too small to buy one
   * more size step is not a cancel; funds returned because nothing (or not enough) could be
   * bought is.
   */
  readonly filled: boolean;
  /** When the exchange created it (ms since the epoch, exchange clock). */
  readonly createdAt: number;
  /** Its last change (ms since the epoch, exchange clock). */
  readonly updatedAt: number;
}

/**
 * An order as `lookupOrder` returns it: the exchange's answer normalised to one shape for the
 * three markets, with that answer itself in `raw` (typed by `market`). Sizes are decimal
 * strings whatever the market (futures lots included), so they compare as the WS API's do.
 */
export type OrderSnapshot =
  | (SnapshotFields & { readonly market: 'spot' | 'margin'; readonly raw: HfOrderDetail })
  | (SnapshotFields & { readonly market: 'futures'; readonly raw: FuturesOrderDetail });

/** A spot or margin HF order's detail as a snapshot. */
export function hfSnapshot(market: 'spot' | 'margin', d: HfOrderDetail): OrderSnapshot {
  const status = d.active ? 'open' : 'done';
  const canceledSize = d.cancelledSize ?? '0';
  // Whatever did not trade of a done order was canceled (by funds: nothing traded at all), even
  // where the exchange's flag and sizes say nothing: `filled` must mean the whole order traded.
  const untraded =
    status === 'done' && (isZero(d.size) ? isZero(d.dealSize) : !sameDecimal(d.dealSize, d.size));
  const canceled = d.cancelExist === true || !isZero(canceledSize) || untraded;
  return {
    market,
    clientOid: d.clientOid,
    orderId: d.id,
    symbol: d.symbol,
    side: d.side,
    type: d.type,
    status,
    price: d.price,
    size: d.size,
    dealSize: d.dealSize,
    canceledSize,
    canceled,
    filled: status === 'done' && !canceled,
    createdAt: d.createdAt,
    updatedAt: d.lastUpdatedAt,
    raw: d,
  };
}

/** A futures order's detail as a snapshot. */
export function futuresSnapshot(d: FuturesOrderDetail): OrderSnapshot {
  const status = d.status;
  // Futures sizes are whole lots: what did not trade of a done order was canceled.
  const canceledLots = status === 'done' ? Math.max(0, d.size - d.dealSize) : 0;
  const canceled = d.cancelExist || canceledLots > 0;
  return {
    market: 'futures',
    clientOid: d.clientOid,
    orderId: d.id,
    symbol: d.symbol,
    side: d.side,
    type: d.type,
    status,
    price: d.price ?? undefined,
    size: String(d.size),
    dealSize: String(d.dealSize),
    canceledSize: String(canceledLots),
    canceled,
    filled: status === 'done' && !canceled,
    createdAt: d.createdAt,
    updatedAt: d.updatedAt,
    raw: d,
  };
}

/** Whether a decimal string is zero ('0', '0.000'). */
function isZero(s: string): boolean {
  return /^0*(\.0*)?$/.test(s);
}

/** Whether two decimal strings are the same number ('0.50' and '.5'). */
function sameDecimal(a: string, b: string): boolean {
  return canonical(a) === canonical(b);
}

const canonical = (s: string): string => {
  const [whole = '', frac = ''] = s.split('.');
  return `${whole.replace(/^0+/, '')}.${frac.replace(/0+$/, '')}`;
};
