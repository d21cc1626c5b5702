import { isRight } from 'fp-ts/lib/Either.js';
import type * as t from 'io-ts';
import { CODES } from '../codecs/codes';
import { strictObject } from '../codecs/object';
import { ClientOid, OneOf, PathIdentifier, Symbol_ } from '../codecs/primitives';
import { toIssues, type ValidationIssue } from '../codecs/report';
import { ProtocolError, ValidationError } from '../errors';
import { FuturesOrderDetail, HfOrderDetail } from './codecs';
import { futuresSnapshot, hfSnapshot, type OrderSnapshot } from './order-snapshot';
import { isNotFound, type RestClient, type RestRequest } from './rest-client';

const OP = 'lookupOrder';

/**
 * What `lookupOrder` takes: the order's clientOid or its orderId (exactly one), its market, and
 * its symbol (required for spot and margin, which KuCoin looks up per symbol; optional for
 * futures, where a found order on another symbol counts as not found).
 */
export const LookupOrderParams = strictObject(
  'LookupOrderParams',
  { market: OneOf(['spot', 'margin', 'futures'] as const) },
  // Both go into the path as one segment: ClientOid's characters all do, PathIdentifier
  // refuses what would not (dot segments).
  { clientOid: ClientOid, orderId: PathIdentifier, symbol: Symbol_ },
  (p): ValidationIssue[] => [
    ...(p.clientOid === undefined && p.orderId === undefined
      ? [{ field: 'clientOid', rule: 'clientOid or orderId is required' }]
      : []),
    ...(p.clientOid !== undefined && p.orderId !== undefined
      ? [{ field: 'orderId', rule: 'give clientOid or orderId, not both' }]
      : []),
    ...(p.market !== 'futures' && p.symbol === undefined
      ? [{ field: 'symbol', rule: `is required for market '${p.market}'` }]
      : []),
  ],
);
export type LookupOrderParams = t.TypeOf<typeof LookupOrderParams>;

/** The REST request that looks the order up (by orderId when given, else by clientOid). */
export function lookupRequest(p: LookupOrderParams): RestRequest {
  const symbol = encodeURIComponent(p.symbol ?? '');
  let target: string;
  if (p.orderId !== undefined) {
    const id = encodeURIComponent(p.orderId);
    target =
      p.market === 'spot'
        ? `/api/v1/hf/orders/${id}?symbol=${symbol}`
        : p.market === 'margin'
          ? `/api/v3/hf/margin/orders/${id}?symbol=${symbol}`
          : `/api/v1/orders/${id}`;
  } else {
    const oid = encodeURIComponent(p.clientOid ?? '');
    target =
      p.market === 'spot'
        ? `/api/v1/hf/orders/client-order/${oid}?symbol=${symbol}`
        : p.market === 'margin'
          ? `/api/v3/hf/margin/orders/client-order/${oid}?symbol=${symbol}`
          : `/api/v1/orders/byClientOid?clientOid=${oid}`;
  }
  return {
    op: OP,
    base: p.market === 'futures' ? 'futures' : 'spot',
    method: 'GET',
    target,
    signed: true,
    clientOid: p.clientOid,
  };
}

/** The parameters, read once and checked; a ValidationError (nothing sent) otherwise. */
function validated(params: unknown): LookupOrderParams {
  let issues: ValidationIssue[];
  let clientOid: string | undefined;
  try {
    // Each field read once: what is checked is what is sent.
    const copy: unknown =
      typeof params === 'object' && params !== null && !Array.isArray(params) ? { ...params } : params;
    const decoded = LookupOrderParams.decode(copy);
    if (isRight(decoded)) return decoded.right;
    issues = toIssues(decoded.left);
    const oid = (copy as { clientOid?: unknown } | null)?.clientOid;
    clientOid = typeof oid === 'string' && ClientOid.is(oid) ? oid : undefined;
  } catch {
    issues = [{ field: '(request)', rule: 'could not be read (a getter threw)' }];
  }
  throw new ValidationError(issues, { op: OP, clientOid });
}

/**
 * Looks an order up by clientOid or orderId over signed REST: its snapshot, or null when the exchange
 * has no such order for this account (on this symbol). Errors: ValidationError for bad
 * parameters (nothing sent), GatewayError with the REST code, RateLimitError (429000),
 * AuthenticationError, TimeoutError, NetworkError, ProtocolError for an answer that does not
 * fit.
 */
export async function lookupOrder(rest: RestClient, params: unknown): Promise<OrderSnapshot | null> {
  const p = validated(params);
  const request = lookupRequest(p);
  const reply = await rest.request(request);
  if (isNotFound(reply)) return null;
  if (reply.code !== CODES.SUCCESS) throw rest.failure(request, reply);
  const snapshot =
    p.market === 'futures'
      ? futuresSnapshot(rest.decode(request, reply.data, FuturesOrderDetail))
      : hfSnapshot(p.market, rest.decode(request, reply.data, HfOrderDetail));
  const other =
    p.orderId !== undefined
      ? snapshot.orderId !== p.orderId && 'orderId'
      : snapshot.clientOid !== p.clientOid && 'clientOid';
  if (other !== false) {
    throw new ProtocolError(`the ${OP} answer is about another ${other}`, {
      op: OP,
      clientOid: p.clientOid,
    });
  }
  return p.symbol !== undefined && snapshot.symbol !== p.symbol ? null : snapshot;
}
