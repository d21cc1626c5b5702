import type * as t from 'io-ts';
import * as req from './codecs/requests';
import * as res from './codecs/responses';

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
}

const spec = <Op extends string, Req extends t.Mixed, Res extends t.Mixed>(
  op: Op,
  wsKey: WSAPIWsKey,
  request: Req,
  response: Res,
  clientOid: ClientOidMode,
): OperationSpec<Req, Res, Op> => ({ op, wsKey, request, response, clientOid });

const SPOT = WS_KEY_MAP.wsApiSpotV1;
const FUTURES = WS_KEY_MAP.wsApiFuturesV1;

/** Method name → operation. The single source the client facade and the simulator both read. */
export const OPERATIONS = {
  submitNewSpotOrder: spec('spot.order', SPOT, req.SubmitHFOrderRequest, res.WSAPIOrderResponse, 'single'),
  submitSyncSpotOrder: spec(
    'spot.sync_order',
    SPOT,
    req.SubmitHFOrderRequest,
    res.SubmitHFOrderSyncResponse,
    'single',
  ),
  modifySpotOrder: spec('spot.modify', SPOT, req.ModifyHFOrderRequest, res.ModifyHFOrderResponse, 'lookup'),
  cancelSpotOrder: spec('spot.cancel', SPOT, req.WSAPICancelOrderRequest, res.WSAPIOrderResponse, 'lookup'),
  cancelSyncSpotOrder: spec(
    'spot.sync_cancel',
    SPOT,
    req.WSAPICancelOrderRequest,
    res.SyncCancelHFOrderResponse,
    'lookup',
  ),
  submitMarginOrder: spec(
    'margin.order',
    SPOT,
    req.SubmitHFMarginOrderRequest,
    res.MarginSubmitOrderV3Response,
    'single',
  ),
  cancelMarginOrder: spec(
    'margin.cancel',
    SPOT,
    req.WSAPICancelOrderRequest,
    res.WSAPIOrderResponse,
    'lookup',
  ),
  submitFuturesOrder: spec(
    'futures.order',
    FUTURES,
    req.FuturesOrderRequest,
    res.FuturesOrderResponse,
    'single',
  ),
  cancelFuturesOrder: spec(
    'futures.cancel',
    FUTURES,
    req.FuturesCancelRequest,
    res.FuturesCancelResponse,
    'lookup',
  ),
  submitMultipleFuturesOrders: spec(
    'futures.multi_order',
    FUTURES,
    req.FuturesMultiOrderRequest,
    res.FuturesMultiOrderResponse,
    'batch',
  ),
  cancelMultipleFuturesOrders: spec(
    'futures.multi_cancel',
    FUTURES,
    req.FuturesMultiCancelRequest,
    res.FuturesMultiCancelResponse,
    'lookup',
  ),
} as const;

export type MethodName = keyof typeof OPERATIONS;
export type OperationName = (typeof OPERATIONS)[MethodName]['op'];

/** Operation name → spec, for whoever receives frames (the simulator, tools). */
export const OPERATIONS_BY_OP: ReadonlyMap<string, OperationSpec> = new Map(
  Object.values(OPERATIONS).map((s) => [s.op, s as OperationSpec]),
);
