/**
 * A call's answer that came after the call had settled without it (its timeout fired, and
 * either reconcile settled it from REST or it failed as outcome unknown): whether it agrees with
 * how the call settled, and if not, the LateAnswerError that says how (an `exception` event;
 * the call stays as it settled).
 */
import { CODES } from '../codecs/codes';
import {
  CancelNotAppliedError,
  ClientClosedError,
  LateAnswerError,
  ModifyNotAppliedError,
  OrderNotPlacedError,
  WsApiError,
} from '../errors';
import type { WsApiCall } from './call';
import { requestDetails } from './error-details';
import type { WSAPIResponse } from './response';

/** A definite "nothing happened" verdict of reconcile. */
const nothingHappened = (error: unknown): boolean =>
  error instanceof OrderNotPlacedError ||
  error instanceof CancelNotAppliedError ||
  error instanceof ModifyNotAppliedError;

/** What an answer's data says per order: the order's id where it succeeded, null where it did not. */
function outcomes(data: unknown): Array<string | null> {
  if (Array.isArray(data)) {
    return (data as Array<{ code?: unknown; orderId?: unknown; clientOid?: unknown }>).map((item) =>
      item.code === CODES.SUCCESS ? idOf(item) : null,
    );
  }
  return [idOf(data)];
}

/**
 * The order id a success answer names ('' when it names none: a modify that only canceled, a
 * futures cancel by clientOid, an item without one).
 */
function idOf(data: unknown): string {
  const d = (typeof data === 'object' && data !== null ? data : {}) as Record<string, unknown>;
  const ids = d.cancelledOrderIds;
  const id = d.newOrderId ?? d.orderId ?? (Array.isArray(ids) ? ids.join(',') : undefined);
  return typeof id === 'string' ? id : '';
}

/**
 * A batch answer's outcomes in the order of its items' clientOids when every item carries one
 * (a gateway may answer a batch's items in another order), else as they come.
 */
function orderedOutcomes(data: unknown): Array<string | null> {
  const ids = outcomes(data);
  if (!Array.isArray(data)) return ids;
  const oids = (data as Array<{ clientOid?: unknown }>).map((item) => item.clientOid);
  if (!oids.every((oid) => typeof oid === 'string' && oid !== '')) return ids;
  const keyed = ids.map((id, i) => ({ id, oid: oids[i] as string }));
  keyed.sort((p, q) => (p.oid < q.oid ? -1 : p.oid > q.oid ? 1 : 0));
  return keyed.map((k) => k.id);
}

/** Whether two answers' data name the same outcome per order (ids compared where both have one). */
function sameOutcomes(a: unknown, b: unknown): boolean {
  const x = orderedOutcomes(a);
  const y = orderedOutcomes(b);
  return (
    x.length === y.length &&
    x.every((id, i) => {
      const other = y[i] ?? null;
      if (id === null || other === null) return id === other;
      return id === '' || other === '' || id === other;
    })
  );
}

/** A short account of an answer for a message. */
function describeAnswer(answer: WSAPIResponse | WsApiError): string {
  if (answer instanceof WsApiError) return `a refusal, ${answer.code} ${JSON.stringify(answer.msg)}`;
  return `a success, ${describeData(answer.data)}`;
}

function describeData(data: unknown): string {
  const ids = outcomes(data).map((id) => (id === null ? 'not done' : id === '' ? 'done' : id));
  return Array.isArray(data) ? `per order [${ids.join(', ')}]` : `order ${ids[0] ?? ''}`;
}

/** How the call had settled, and how the answer relates to it, for a message. */
function describeSettled(settled: { response: WSAPIResponse } | { error: unknown }): string {
  if ('response' in settled)
    return `reconcile had resolved the call from REST (${describeData(settled.response.data)}), and disagrees`;
  const error = settled.error;
  if (nothingHappened(error))
    return `reconcile had rejected the call with ${(error as WsApiError).name}, and disagrees`;
  const name = error instanceof Error ? error.name : 'an error';
  // Reconcile gives the error it could not settle a cause; a timeout without reconcile has none.
  // A ClientClosedError's cause is why the client closed (a give-up, refused credentials).
  const reconciled =
    error instanceof Error && !(error instanceof ClientClosedError) && error.cause !== undefined;
  const why = reconciled ? `${name}; REST could not tell` : name;
  return `the call had failed as outcome unknown (${why}), and tells its outcome`;
}

/**
 * The late `answer` to `call`, which settled without it: undefined when it agrees (the same
 * orders resolved, or a refusal where reconcile found nothing happened), else the error that
 * says how it disagrees. A call left outcome unknown (a timeout without reconcile, or REST could
 * not tell) disagrees with any answer: the answer tells what the call could not.
 */
export function lateAnswerDisagreement(
  call: WsApiCall,
  answer: WSAPIResponse | WsApiError,
): LateAnswerError | undefined {
  const settled = call.settledWith;
  if (settled === undefined) return undefined;
  const refused = answer instanceof WsApiError;
  if ('response' in settled) {
    if (!refused && sameOutcomes(settled.response.data, answer.data)) return undefined;
  } else if (refused && nothingHappened(settled.error)) {
    return undefined;
  }
  const error = 'error' in settled ? settled.error : undefined;
  return new LateAnswerError({
    ...requestDetails(call),
    msg: `the gateway's answer came after ${describeSettled(settled)}: it is ${describeAnswer(answer)}`,
    answer,
    settled:
      'response' in settled ? settled.response : error instanceof Error ? error : new Error(String(error)),
  });
}
