import * as t from 'io-ts';
import { ResponseEnvelope } from '../codecs/envelope';

const isRecord = (u: unknown): u is Record<string, unknown> =>
  typeof u === 'object' && u !== null && !Array.isArray(u);

const optional = (v: unknown, type: 'string' | 'number'): boolean => v === undefined || typeof v === type;

/**
 * The same check as `ResponseEnvelope.is`, written out by hand for the hot path: io-ts'
 * intersection/partial `is` allocates closures and walks prop maps on every answer; this
 * reads seven fields. Only ever given what JSON.parse returned, where a non-null, non-array
 * object is a plain record (io-ts' own test). spec/unit/response-envelope.spec.ts checks
 * that both agree on arbitrary JSON.
 */
export function isResponseEnvelope(u: unknown): u is ResponseEnvelope {
  if (!isRecord(u) || typeof u.code !== 'string') return false;
  if (!optional(u.id, 'string') || !optional(u.op, 'string') || !optional(u.msg, 'string')) return false;
  if (!optional(u.inTime, 'number') || !optional(u.outTime, 'number')) return false;
  const r = u.rateLimit;
  return (
    r === undefined ||
    (isRecord(r) &&
      typeof r.limit === 'number' &&
      typeof r.reset === 'number' &&
      typeof r.remaining === 'number')
  );
}

/**
 * `ResponseEnvelope` with the hand-written `is`; validation is io-ts' own. To explain a
 * failure, decode with `ResponseEnvelope` itself: its error paths then name the fields.
 */
export const FastResponseEnvelope = new t.Type<ResponseEnvelope, ResponseEnvelope, unknown>(
  ResponseEnvelope.name,
  isResponseEnvelope,
  (u, c) => ResponseEnvelope.validate(u, c),
  t.identity,
);
