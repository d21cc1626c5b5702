import type {
  FuturesCancelRequest,
  FuturesCancelResponse,
  FuturesMultiCancelRequest,
  FuturesMultiCancelResponse,
  FuturesMultiOrderRequest,
  FuturesMultiOrderResponse,
  FuturesOrderRequest,
  FuturesOrderResponse,
  MarginSubmitOrderV3Response,
  ModifyHFOrderRequest,
  ModifyHFOrderResponse,
  SubmitHFMarginOrderRequest,
  SubmitHFOrderRequest,
  SubmitHFOrderSyncResponse,
  SyncCancelHFOrderResponse,
  WSAPICancelOrderRequest,
  WSAPIOrderResponse,
} from '../codecs';
import type { WSAPIWsKey } from '../operations';
import type { WsApiCall } from '../rpc/call';
import type { MethodOrOperation, OperationMethods, RequestOf, ResponseOf } from './types';

/**
 * The eleven WS API methods of kucoin-api's `WebsocketAPIClient` and the four futures ones,
 * each one line over {@link WsApiMethods.request}: the operation table (src/operations.ts) is
 * what they send. `implements OperationMethods`: a row of the table without its method here,
 * or a method whose types drift from its row, does not compile.
 */
export abstract class WsApiMethods implements OperationMethods {
  /** Sends any operation by method or op name; see WebsocketAPIClient.request. */
  abstract request<N extends MethodOrOperation>(
    name: N,
    params: RequestOf<N>,
    wsKey?: WSAPIWsKey,
  ): WsApiCall<ResponseOf<N>>;

  // ---- spot ----

  /** Places a new HF spot order (`spot.order`): `data` is `{ orderId, clientOid }`. */
  submitNewSpotOrder(params: SubmitHFOrderRequest, wsKey?: WSAPIWsKey): WsApiCall<WSAPIOrderResponse> {
    return this.request('submitNewSpotOrder', params, wsKey);
  }

  /** Places a spot order and waits for matching (`spot.sync_order`): `data` has status and fill sizes. */
  submitSyncSpotOrder(
    params: SubmitHFOrderRequest,
    wsKey?: WSAPIWsKey,
  ): WsApiCall<SubmitHFOrderSyncResponse> {
    return this.request('submitSyncSpotOrder', params, wsKey);
  }

  /** Changes an open spot order's price or size (`spot.modify`, cancel-and-replace): `data` is `{ newOrderId, clientOid }`. */
  modifySpotOrder(params: ModifyHFOrderRequest, wsKey?: WSAPIWsKey): WsApiCall<ModifyHFOrderResponse> {
    return this.request('modifySpotOrder', params, wsKey);
  }

  /** Cancels a spot order by orderId or clientOid (`spot.cancel`): `data` is `{ orderId, clientOid }`. */
  cancelSpotOrder(params: WSAPICancelOrderRequest, wsKey?: WSAPIWsKey): WsApiCall<WSAPIOrderResponse> {
    return this.request('cancelSpotOrder', params, wsKey);
  }

  /** Cancels a spot order and returns its final sizes and status (`spot.sync_cancel`). */
  cancelSyncSpotOrder(
    params: WSAPICancelOrderRequest,
    wsKey?: WSAPIWsKey,
  ): WsApiCall<SyncCancelHFOrderResponse> {
    return this.request('cancelSyncSpotOrder', params, wsKey);
  }

  // ---- margin ----

  /** Places a cross or isolated HF margin order (`margin.order`): `data` has `borrowSize`, `loanApplyId`. */
  submitMarginOrder(
    params: SubmitHFMarginOrderRequest,
    wsKey?: WSAPIWsKey,
  ): WsApiCall<MarginSubmitOrderV3Response> {
    return this.request('submitMarginOrder', params, wsKey);
  }

  /** Cancels a margin order by orderId or clientOid (`margin.cancel`). */
  cancelMarginOrder(params: WSAPICancelOrderRequest, wsKey?: WSAPIWsKey): WsApiCall<WSAPIOrderResponse> {
    return this.request('cancelMarginOrder', params, wsKey);
  }

  // ---- futures ----

  /** Places a futures order (`futures.order`, default wsKey `wsApiFuturesV1`). */
  submitFuturesOrder(params: FuturesOrderRequest, wsKey?: WSAPIWsKey): WsApiCall<FuturesOrderResponse> {
    return this.request('submitFuturesOrder', params, wsKey);
  }

  /** Cancels a futures order by `{ orderId }` or `{ clientOid, symbol }` (`futures.cancel`). */
  cancelFuturesOrder(params: FuturesCancelRequest, wsKey?: WSAPIWsKey): WsApiCall<FuturesCancelResponse> {
    return this.request('cancelFuturesOrder', params, wsKey);
  }

  /** Places up to 20 futures orders at once (`futures.multi_order`); each item succeeds or fails alone. */
  submitMultipleFuturesOrders(
    params: FuturesMultiOrderRequest,
    wsKey?: WSAPIWsKey,
  ): WsApiCall<FuturesMultiOrderResponse> {
    return this.request('submitMultipleFuturesOrders', params, wsKey);
  }

  /** Cancels futures orders by `orderIdsList` and/or `clientOidsList` (`futures.multi_cancel`). */
  cancelMultipleFuturesOrders(
    params: FuturesMultiCancelRequest,
    wsKey?: WSAPIWsKey,
  ): WsApiCall<FuturesMultiCancelResponse> {
    return this.request('cancelMultipleFuturesOrders', params, wsKey);
  }
}
