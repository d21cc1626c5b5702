import * as t from 'io-ts';
import { Answer, ResponseEnvelope } from '../codecs/envelope';

const isRecord = (u: unknown): u is Record<string, unknown> =>
  typeof u === 'object' && u !== null && !Array.isArray(u);

const optional = (v: unknown, type: 'string' | 'number'): boolean => v === undefined || typeof v === type;

const isTime = (v: unknown): boolean => typeof v === 'number' && Number.isFinite(v);

const isRateLimit = (r: unknown): boolean =>
  r === undefined ||
  (isRecord(r) &&
    typeof r.limit === 'number' &&
    typeof r.reset === 'number' &&
    typeof r.remaining === 'number');

/**
 * The same check as `ResponseEnvelope.is`, written out by hand. Only ever given what
 * JSON.parse returned, where a non-null, non-array object is a plain record (io-ts' own
 * test). spec/unit/response-envelope.spec.ts checks that both agree on arbitrary JSON.
 */
export function isResponseEnvelope(u: unknown): u is ResponseEnvelope {
  if (!isRecord(u) || typeof u.code !== 'string') return false;
  if (!optional(u.id, 'string') || !optional(u.op, 'string') || !optional(u.msg, 'string')) return false;
  if (!optional(u.inTime, 'number') || !optional(u.outTime, 'number')) return false;
  return isRateLimit(u.rateLimit);
}

/**
 * The same check as `Answer.is`, written out by hand for the hot path: io-ts'
 * intersection/partial `is` allocates closures and walks prop maps on every answer; this
 * reads seven fields. spec/unit/response-envelope.spec.ts checks that both agree.
 */
export function isAnswer(u: unknown): u is Answer {
  if (!isRecord(u) || typeof u.id !== 'string' || typeof u.code !== 'string') return false;
  if (!isTime(u.inTime) || !isTime(u.outTime)) return false;
  if (!optional(u.op, 'string') || !optional(u.msg, 'string')) return false;
  return isRateLimit(u.rateLimit);
}

/**
 * `Answer` with the hand-written `is`; validation is io-ts' own. To explain a failure,
 * decode with `Answer` itself: its error paths then name the fields.
 */
export const FastAnswer = new t.Type<Answer, Answer, unknown>(
  Answer.name,
  isAnswer,
  (u, c) => Answer.validate(u, c),
  t.identity,
);
