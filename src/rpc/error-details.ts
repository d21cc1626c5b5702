import type { WsApiErrorDetails } from '../errors';

/** A request as errors name it: a call, or a REST request (which has no correlation id). */
export interface RequestRef {
  readonly op: string;
  readonly id?: string;
  readonly clientOid?: string | undefined;
  readonly clientOids?: readonly string[] | undefined;
}

/** What an error says about the request it belongs to. */
export type RequestDetails = Pick<WsApiErrorDetails, 'op' | 'requestId' | 'clientOid' | 'clientOids'>;

/**
 * The one place that says which request an error is about: every error a call rejects with
 * (validation, gateway code, rate limit, timeout, disconnect, closed, malformed answer) is
 * built on this, so they all name the request the same way. Request metadata only: never the
 * parameters, so never anything a caller did not mean to show.
 */
export function requestDetails(request: RequestRef, found?: { readonly clientOid?: string }): RequestDetails {
  return {
    op: request.op,
    requestId: request.id,
    // A request by orderId has no clientOid of its own: reconcile names the one of the order it found.
    clientOid: request.clientOid ?? found?.clientOid,
    clientOids: request.clientOids,
  };
}

/** The same request details again, read from an error that already carries them. */
export function detailsOf(error: RequestDetails): RequestDetails {
  return {
    op: error.op,
    requestId: error.requestId,
    clientOid: error.clientOid,
    clientOids: error.clientOids,
  };
}
