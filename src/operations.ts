import type * as t from 'io-ts';
import * as req from './codecs/requests';
import * as res from './codecs/responses';
import type { OrderMarket } from './rest/order-snapshot';

/** The connections a client keeps, one socket each (kucoin-api's WS_KEY_MAP for the WS API). */
export const WS_KEY_MAP = {
  wsApiSpotV1: 'wsApiSpotV1',
  wsApiFuturesV1: 'wsApiFuturesV1',
} as const;
export type WSAPIWsKey = (typeof WS_KEY_MAP)[keyof typeof WS_KEY_MAP];

/**
 * How a request carries clientOids: `single` — one order whose clientOid the client fills in
 * when omitted; `batch` — an array of such orders; `lookup` — a clientOid that names an
 * existing order and must never be invented.
 */
export type ClientOidMode = 'single' | 'batch' | 'lookup';

/** What an operation does to orders, for tracking (`call.updates$`) and `reconcile: true`. */
export interface OrderRole {
  readonly market: OrderMarket;
  /** It places orders whose events `updates$` follows. */
  readonly places: boolean;
  /**
   * How a lost answer is reconciled: by looking the placed order(s) up ('place'), the cancelled
   * one ('cancel'), each order a batch cancel names ('cancel-batch'), or the modified order and
   * its replacement ('modify'); undefined: it is not.
   */
  readonly reconcile: 'place' | 'cancel' | 'cancel-batch' | 'modify' | undefined;
}

export interface OperationSpec<
  Req extends t.Mixed = t.Mixed,
  Res extends t.Mixed = t.Mixed,
  Op extends string = string,
> {
  readonly op: Op;
  readonly wsKey: WSAPIWsKey;
  readonly request: Req;
  readonly response: Res;
  readonly clientOid: ClientOidMode;
  /** What it does to orders (every row of the table says; undefined only for a name the client does not know). */
  readonly orders: OrderRole | undefined;
}

/** A row of the table: its order effects are required, so a row cannot leave them out. */
const spec = <Op extends string, Req extends t.Mixed, Res extends t.Mixed>(
  op: Op,
  wsKey: WSAPIWsKey,
  request: Req,
  response: Res,
  clientOid: ClientOidMode,
  orders: OrderRole,
): OperationSpec<Req, Res, Op> & { readonly orders: OrderRole } => ({
  op,
  wsKey,
  request,
  response,
  clientOid,
  orders,
});

const SPOT = WS_KEY_MAP.wsApiSpotV1;
const FUTURES = WS_KEY_MAP.wsApiFuturesV1;

/** Method name → operation. The single source the client facade and the simulator both read. */
export const OPERATIONS = {
  submitNewSpotOrder: spec('spot.order', SPOT, req.SubmitHFOrderRequest, res.WSAPIOrderResponse, 'single', {
    market: 'spot',
    places: true,
    reconcile: 'place',
  }),
  submitSyncSpotOrder: spec(
    'spot.sync_order',
    SPOT,
    req.SubmitHFOrderRequest,
    res.SubmitHFOrderSyncResponse,
    'single',
    { market: 'spot', places: true, reconcile: 'place' },
  ),
  modifySpotOrder: spec('spot.modify', SPOT, req.ModifyHFOrderRequest, res.ModifyHFOrderResponse, 'lookup', {
    market: 'spot',
    places: true,
    reconcile: 'modify',
  }),
  cancelSpotOrder: spec('spot.cancel', SPOT, req.WSAPICancelOrderRequest, res.WSAPIOrderResponse, 'lookup', {
    market: 'spot',
    places: false,
    reconcile: 'cancel',
  }),
  cancelSyncSpotOrder: spec(
    'spot.sync_cancel',
    SPOT,
    req.WSAPICancelOrderRequest,
    res.SyncCancelHFOrderResponse,
    'lookup',
    { market: 'spot', places: false, reconcile: 'cancel' },
  ),
  submitMarginOrder: spec(
    'margin.order',
    SPOT,
    req.SubmitHFMarginOrderRequest,
    res.MarginSubmitOrderV3Response,
    'single',
    { market: 'margin', places: true, reconcile: 'place' },
  ),
  cancelMarginOrder: spec(
    'margin.cancel',
    SPOT,
    req.WSAPICancelOrderRequest,
    res.WSAPIOrderResponse,
    'lookup',
    { market: 'margin', places: false, reconcile: 'cancel' },
  ),
  submitFuturesOrder: spec(
    'futures.order',
    FUTURES,
    req.FuturesOrderRequest,
    res.FuturesOrderResponse,
    'single',
    { market: 'futures', places: true, reconcile: 'place' },
  ),
  cancelFuturesOrder: spec(
    'futures.cancel',
    FUTURES,
    req.FuturesCancelRequest,
    res.FuturesCancelResponse,
    'lookup',
    { market: 'futures', places: false, reconcile: 'cancel' },
  ),
  submitMultipleFuturesOrders: spec(
    'futures.multi_order',
    FUTURES,
    req.FuturesMultiOrderRequest,
    res.FuturesMultiOrderResponse,
    'batch',
    { market: 'futures', places: true, reconcile: 'place' },
  ),
  cancelMultipleFuturesOrders: spec(
    'futures.multi_cancel',
    FUTURES,
    req.FuturesMultiCancelRequest,
    res.FuturesMultiCancelResponse,
    'lookup',
    { market: 'futures', places: false, reconcile: 'cancel-batch' },
  ),
} as const;

export type MethodName = keyof typeof OPERATIONS;
export type OperationName = (typeof OPERATIONS)[MethodName]['op'];

/** The order effects of `op`; undefined for a name that is not an operation. */
export function orderRoleOf(op: string): OrderRole | undefined {
  return OPERATIONS_BY_OP.get(op)?.orders;
}

/** Operation name → spec, for whoever receives frames (the simulator, tools). */
export const OPERATIONS_BY_OP: ReadonlyMap<string, OperationSpec> = new Map(
  Object.values(OPERATIONS).map((s) => [s.op, s as OperationSpec]),
);
