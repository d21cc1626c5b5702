import * as t from 'io-ts';

/** A type that fails with a readable rule instead of io-ts' default "Invalid value" text. */
function check<A>(name: string, rule: string, is: (u: unknown) => u is A): t.Type<A, A, unknown> {
  return new t.Type<A, A, unknown>(
    name,
    is,
    (u, c) => (is(u) ? t.success(u) : t.failure(u, c, rule)),
    t.identity,
  );
}

// DecimalString and Symbol run on every order, so they scan char codes instead of running
// regular expressions: on such short strings a RegExp test costs more than the whole scan
// (measured: about 16 ns instead of 44 for a price, 21 instead of 29 for a symbol). Each is
// exactly its regular expression, written next to it; spec/unit/codec-fast.spec.ts checks that
// they agree on arbitrary strings. Lengths count UTF-16 code units, as the expressions (no `u`
// flag) do. ClientOid keeps its expression: over a 36-character UUID irregexp's compiled loop
// is about three times faster than a JS scan.

const isDigit = (c: number): boolean => c >= 48 && c <= 57; // 0-9
const isUpperOrDigit = (c: number): boolean => (c >= 65 && c <= 90) || (c >= 48 && c <= 57); // A-Z0-9

/** `/^(0|[1-9]\d{0,17})(\.\d{1,18})?$/.test(s) && /[1-9]/.test(s)` */
export function isDecimalString(s: string): boolean {
  const n = s.length;
  if (n === 0) return false;
  let c = s.charCodeAt(0);
  let i = 1;
  let nonZero = c !== 48;
  if (nonZero) {
    if (!isDigit(c)) return false;
    while (i < n && isDigit(s.charCodeAt(i))) i++;
    if (i > 18) return false;
  }
  if (i === n) return nonZero;
  if (s.charCodeAt(i) !== 46) return false; // '.'
  const start = ++i;
  while (i < n) {
    c = s.charCodeAt(i);
    if (!isDigit(c)) return false;
    if (c !== 48) nonZero = true;
    i++;
  }
  return i - start >= 1 && i - start <= 18 && nonZero;
}

/** `/^[A-Z0-9]{1,20}(-[A-Z0-9]{1,20})?$/.test(s)` */
export function isSymbol(s: string): boolean {
  const n = s.length;
  let i = 0;
  while (i < n && isUpperOrDigit(s.charCodeAt(i))) i++;
  if (i === 0 || i > 20) return false;
  if (i === n) return true;
  if (s.charCodeAt(i) !== 45) return false; // '-'
  const start = ++i;
  while (i < n && isUpperOrDigit(s.charCodeAt(i))) i++;
  return i === n && i - start >= 1 && i - start <= 20;
}

/**
 * Compares two decimal strings of the DecimalString form exactly: -1, 0 or 1. Cross-field
 * rules must not compare them as JS numbers, which hold 15-17 significant digits while a
 * DecimalString may carry 36 ('123456789012345679' > '123456789012345678', equal as numbers).
 */
export function compareDecimals(a: string, b: string): -1 | 0 | 1 {
  const [ai, af = ''] = a.split('.');
  const [bi, bf = ''] = b.split('.');
  // No leading zeros in the integer part: the longer one is the larger.
  if (ai.length !== bi.length) return ai.length < bi.length ? -1 : 1;
  if (ai !== bi) return ai < bi ? -1 : 1;
  const n = Math.max(af.length, bf.length);
  const x = af.padEnd(n, '0');
  const y = bf.padEnd(n, '0');
  return x === y ? 0 : x < y ? -1 : 1;
}

/** A positive decimal number written as a string ("20000", "0.0001"); no sign, no exponent. */
export const DecimalString = check(
  'DecimalString',
  'must be a positive decimal string such as "0.001" (at most 18 digits before the point and 18 after; no sign, no exponent)',
  (u): u is string => typeof u === 'string' && isDecimalString(u),
);

/** A non-empty string of at most `max` characters. */
export function BoundedString(max: number, name = `String(1..${max})`): t.Type<string, string, unknown> {
  return check(
    name,
    `must be a non-empty string of at most ${max} characters`,
    (u): u is string => typeof u === 'string' && u.length > 0 && u.length <= max,
  );
}

const CLIENT_OID = /^[A-Za-z0-9_-]{1,40}$/;

/**
 * A string of a clientOid's length (1 to 40): what can be checked of a clientOid without
 * reading its characters (see `StrictObjectType.exceptClientOid`).
 */
export const hasClientOidLength = (u: unknown): boolean =>
  typeof u === 'string' && u.length > 0 && u.length <= 40;

/** KuCoin's clientOid: letters, digits, "_" and "-", at most 40 characters (a UUID fits). */
export const ClientOid = check(
  'ClientOid',
  'must be 1 to 40 characters of letters, digits, "_" or "-"',
  (u): u is string => typeof u === 'string' && CLIENT_OID.test(u),
);

/** An order or symbol identifier sent back to the gateway. */
export const Identifier = check(
  'Identifier',
  'must be a non-empty string of at most 64 characters without spaces',
  (u): u is string => typeof u === 'string' && /^[^\s]{1,64}$/.test(u),
);

/**
 * Whether `u` stays one path segment, byte for byte, once URL-encoded: `.` and `..` are dot
 * segments that URL parsing (fetch) removes, so the path sent would not be the path signed; a
 * lone surrogate cannot be encoded at all.
 */
function isPathSegment(u: string): boolean {
  if (u === '.' || u === '..') return false;
  try {
    encodeURIComponent(u);
    return true;
  } catch {
    return false;
  }
}

/** An {@link Identifier} that goes into a REST path as one segment (an orderId to look up). */
export const PathIdentifier = check(
  'PathIdentifier',
  'must be a non-empty string of at most 64 characters without spaces, not "." or ".."',
  (u): u is string => Identifier.is(u) && isPathSegment(u),
);

/** A trading symbol such as "BTC-USDT" or "XBTUSDTM". */
export const Symbol_ = check(
  'Symbol',
  'must be a symbol such as "BTC-USDT" or "XBTUSDTM"',
  (u): u is string => typeof u === 'string' && isSymbol(u),
);

/** `PositiveInt.is`. */
export const isPositiveInt = (u: unknown): boolean =>
  typeof u === 'number' && Number.isSafeInteger(u) && u > 0;

/** A positive safe integer. */
export const PositiveInt = check('PositiveInt', 'must be a positive whole number', (u): u is number =>
  isPositiveInt(u),
);

/** A boolean, strictly: "true" as a string is a bug worth reporting. */
export const Bool = check('boolean', 'must be true or false', (u): u is boolean => typeof u === 'boolean');

/** One of a fixed set of string literals. */
export function OneOf<const L extends readonly string[]>(values: L): t.Type<L[number], L[number], unknown> {
  const set = new Set<string>(values);
  return check(
    values.join(' | '),
    `must be one of ${values.map((v) => `'${v}'`).join(', ')}`,
    (u): u is L[number] => typeof u === 'string' && set.has(u),
  );
}

/** The default io-ts string, with a readable rule. */
export const Str = check('string', 'must be a string', (u): u is string => typeof u === 'string');
/** A finite number. */
export const Num = check(
  'number',
  'must be a finite number',
  (u): u is number => typeof u === 'number' && Number.isFinite(u),
);
