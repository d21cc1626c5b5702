import type { WsApiCall } from './call';

/**
 * A clientOid that a success answer's data names and its request did not: the answer is about
 * another order (a gateway, or a proxy, that mixed two requests up) and must not settle the
 * call as its success. For one order, its clientOid against the request's; for a batch
 * (futures.multi_order), each item's against the batch's clientOids, each named once (items may
 * come in another order). Undefined when it names none of another order, or when the request
 * had no clientOid to compare (a cancel by orderId, a batch cancel).
 */
export function foreignClientOid(
  call: Pick<WsApiCall, 'clientOid' | 'clientOids'>,
  data: unknown,
): string | undefined {
  const own = call.clientOid;
  if (own !== undefined) {
    const named =
      typeof data === 'object' && data !== null ? (data as { clientOid?: unknown }).clientOid : undefined;
    return typeof named === 'string' && named !== own ? named : undefined;
  }
  const batch = call.clientOids;
  if (batch === undefined || !Array.isArray(data)) return undefined;
  const seen = new Set<string>();
  for (const item of data as unknown[]) {
    const named =
      typeof item === 'object' && item !== null ? (item as { clientOid?: unknown }).clientOid : undefined;
    if (typeof named !== 'string') continue;
    if (!batch.includes(named) || seen.has(named)) return named;
    seen.add(named);
  }
  return undefined;
}
