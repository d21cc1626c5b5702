import * as t from 'io-ts';
import type { ValidationIssue } from '../codecs/report';
import { ValidationError } from '../errors';
import { OPERATIONS, OPERATIONS_BY_OP, WS_KEY_MAP, type OperationSpec, type WSAPIWsKey } from '../operations';
import { WsApiCall, type UnobservedFailureHook } from './call';
import type { RpcChannel } from './channel';
import { requestDetails } from './error-details';
import type { FrameIdGenerator } from './ids';
import { checkedFrame, prepareArgs, RejectedRequest } from './prepare';

/** What the request core needs from the client around it. */
export interface RequestContext {
  readonly nextId: FrameIdGenerator;
  /** The channel of `wsKey`; undefined for a key the client does not have. */
  channelOf(wsKey: string): RpcChannel | undefined;
  /** Whether the client has closed: a new call then fails with `closedError` and sends nothing. */
  closed(): boolean;
  /** The error a new call meets when the client has closed. */
  closedError(call: WsApiCall): unknown;
  readonly onUnobservedFailure: UnobservedFailureHook;
  /**
   * The call of a valid request, from the arguments `prepareArgs` made (`clientOidsOf` reads
   * their clientOids); an order request's call also follows its order.
   */
  makeCall(id: string, spec: OperationSpec, wsKey: WSAPIWsKey, args: unknown): WsApiCall;
}

const hasOwn = (o: object, k: string): boolean => Object.prototype.hasOwnProperty.call(o, k);

/** Method name or op name → its operation (inherited names such as 'toString' are not names). */
function operationOf(name: string): OperationSpec | undefined {
  return hasOwn(OPERATIONS, name) ? OPERATIONS[name as keyof typeof OPERATIONS] : OPERATIONS_BY_OP.get(name);
}

/** A codec that accepts nothing. */
const NOTHING: t.Mixed = new t.Type<unknown>(
  'nothing',
  (_u): _u is unknown => false,
  (u, c) => t.failure(u, c, 'unknown operation'),
  t.identity,
);

/**
 * The operation of a request by a name the client does not know: it only carries the name
 * into the call and its ValidationError. Its codecs accept nothing, so nothing can be sent.
 */
function unknownOperation(name: string): OperationSpec {
  return {
    op: name,
    wsKey: WS_KEY_MAP.wsApiSpotV1,
    request: NOTHING,
    response: NOTHING,
    clientOid: 'lookup',
    orders: undefined,
  };
}

const NO_OIDS: Pick<RejectedRequest, 'clientOid' | 'clientOids'> = {
  clientOid: undefined,
  clientOids: undefined,
};

/** A new call on `wsKey`, timed from now. */
function newCall(
  context: RequestContext,
  id: string,
  spec: OperationSpec,
  wsKey: WSAPIWsKey,
  oids = NO_OIDS,
): WsApiCall {
  const { clientOid, clientOids } = oids;
  return new WsApiCall(
    id,
    spec,
    wsKey,
    clientOid,
    clientOids,
    performance.now(),
    context.onUnobservedFailure,
  );
}

/** A call that fails validation before anything is prepared (unknown op or wsKey). */
function invalid(
  context: RequestContext,
  id: string,
  spec: OperationSpec,
  issue: ValidationIssue,
): WsApiCall<unknown> {
  const call = newCall(context, id, spec, spec.wsKey);
  call.reject(new ValidationError([issue], requestDetails(call)));
  return call;
}

/**
 * The request core: resolves the operation (by method or op name) and the wsKey, prepares
 * the parameters (copy, clientOid filled in, validated; an order's clientOid characters right
 * after the frame is made, see `checkedFrame`), builds the frame and hands it to the wsKey's
 * channel, which writes it at once when it can; then makes the call, which the channel
 * follows (or queues with its frame until the connection is ready). The frame leaves before
 * the call object is made: on a sequential path the making then overlaps the round trip
 * instead of adding to it (an answer is read in a later turn, so the call is always followed
 * in time). Never throws: bad input, an unknown operation or wsKey, and a closed client all
 * come back as a call that has failed, with nothing sent.
 */
export function startCall(
  context: RequestContext,
  name: string,
  params: unknown,
  wsKey: WSAPIWsKey | undefined,
): WsApiCall<unknown> {
  const id = context.nextId();
  const spec = operationOf(name);
  if (spec === undefined) {
    const rule = `unknown operation ${JSON.stringify(String(name)).slice(0, 60)}`;
    return invalid(context, id, unknownOperation(name), { field: 'op', rule });
  }
  const key = wsKey ?? spec.wsKey;
  const channel = context.channelOf(key);
  if (channel === undefined) {
    const rule = `must be one of ${Object.keys(WS_KEY_MAP).join(', ')}`;
    return invalid(context, id, spec, { field: 'wsKey', rule });
  }
  // The arguments to send and their frame, or why nothing may be sent (no result object for a
  // valid request). An order's clientOid characters are checked once the frame is made.
  const args = prepareArgs(spec, params, undefined, false);
  const frame = args instanceof RejectedRequest ? args : checkedFrame(id, spec, args);
  if (frame instanceof RejectedRequest) {
    const call = newCall(context, id, spec, key, frame);
    call.reject(new ValidationError(frame.issues, requestDetails(call)));
    return call;
  }
  if (context.closed()) {
    const call = context.makeCall(id, spec, key, args);
    call.reject(context.closedError(call));
    return call;
  }
  const written = channel.sendNow(frame);
  const call = context.makeCall(id, spec, key, args);
  channel.track(call, frame, written);
  return call;
}
