import type { WsApiCall } from './call';

/**
 * Why a success answer's data cannot be the answer to `call`'s request, or undefined: it names a
 * clientOid the request did not (an answer about another order, from a gateway or proxy that
 * mixed two requests up), or, for a batch (futures.multi_order), it does not have one item per
 * order, or an item names a clientOid that is not one of the batch's, or one twice (items may
 * come in another order). An empty clientOid names none (such an item is paired by position).
 * Nothing to compare when the request had no clientOid (a cancel by orderId, a batch cancel).
 */
export function answerMismatch(
  call: Pick<WsApiCall, 'clientOid' | 'clientOids'>,
  data: unknown,
): string | undefined {
  const own = call.clientOid;
  if (own !== undefined) {
    const named = clientOidOf(data);
    return named !== undefined && named !== own ? foreign(named) : undefined;
  }
  const batch = call.clientOids;
  if (batch === undefined || !Array.isArray(data)) return undefined;
  const items = data as unknown[];
  if (items.length !== batch.length)
    return `the answer has ${items.length} item(s) for the batch's ${batch.length} order(s)`;
  const seen = new Set<string>();
  for (const item of items) {
    const named = clientOidOf(item);
    if (named === undefined) continue;
    if (!batch.includes(named) || seen.has(named)) return foreign(named);
    seen.add(named);
  }
  return undefined;
}

/** The clientOid an answer's data (or a batch item) names: a non-empty string, else undefined. */
function clientOidOf(data: unknown): string | undefined {
  const named =
    typeof data === 'object' && data !== null ? (data as { clientOid?: unknown }).clientOid : undefined;
  return typeof named === 'string' && named !== '' ? named : undefined;
}

const foreign = (named: string): string =>
  `the answer names clientOid ${JSON.stringify(named)}, which is not the request's`;
