/**
 * Exact decimal arithmetic on scaled BigInts: a value is an integer count of 10^-18 units.
 * Prices, sizes and balances never touch floating point, so 0.1 + 0.2 is exactly 0.3 and a
 * balance never drifts by a rounding error after a million fills.
 */

/** Digits after the decimal point every value carries. */
export const SCALE_DIGITS = 18;
/** 1.0 in scaled units. */
export const ONE = 10n ** BigInt(SCALE_DIGITS);
/** 0 in scaled units. */
export const ZERO = 0n;

/** 10^k for k = 0..18, so scaling a parsed value is one multiplication. */
const POW10: readonly bigint[] = Array.from({ length: SCALE_DIGITS + 1 }, (_, k) => 10n ** BigInt(k));
/** Digits a double holds exactly (2^53 > 10^15): below this a Number accumulates the digits. */
const EXACT_DIGITS = 15;

/**
 * Parses "20000", "0.0001" or "-1.5" into scaled units; undefined when the text is not a plain
 * decimal or has more than 18 fractional digits (which could not be represented exactly).
 * Hot path (every price and size of every order): one pass over the characters, digits summed
 * in a Number while that is exact, one BigInt conversion and one multiplication.
 */
export function parseDecimal(text: string): bigint | undefined {
  const n = text.length;
  let i = text.charCodeAt(0) === 45 ? 1 : 0; // '-'
  const negative = i === 1;
  let digits = 0;
  let fractionDigits = -1; // -1 until the point is seen
  let accumulated = 0;
  for (; i < n; i++) {
    const c = text.charCodeAt(i);
    if (c === 46) {
      if (fractionDigits >= 0 || digits === 0) return undefined;
      fractionDigits = 0;
      continue;
    }
    if (c < 48 || c > 57) return undefined;
    digits += 1;
    if (fractionDigits >= 0) fractionDigits += 1;
    accumulated = accumulated * 10 + (c - 48);
  }
  if (digits === 0 || fractionDigits === 0 || fractionDigits > SCALE_DIGITS) return undefined;
  const scale = POW10[SCALE_DIGITS - (fractionDigits < 0 ? 0 : fractionDigits)];
  const unscaled =
    digits <= EXACT_DIGITS ? BigInt(accumulated) : BigInt(text.replace('.', '').replace('-', ''));
  const value = unscaled * scale;
  return negative ? -value : value;
}

/** Canonical text of a scaled value: no exponent, no trailing zeros ("0.0001", "20000", "-1.5"). */
export function formatDecimal(value: bigint): string {
  if (value === 0n) return '0';
  // One BigInt-to-text conversion, then the point is placed by slicing: no BigInt division.
  const negative = value < 0n;
  const digits = (negative ? -value : value).toString();
  const sign = negative ? '-' : '';
  const n = digits.length;
  let end = n;
  while (end > n - SCALE_DIGITS && end > 0 && digits.charCodeAt(end - 1) === 48) end--; // trailing '0's
  if (n <= SCALE_DIGITS) {
    // Below 1: "0." and the fraction's leading zeros.
    return `${sign}0.${'0'.repeat(SCALE_DIGITS - n)}${digits.slice(0, end)}`;
  }
  const whole = digits.slice(0, n - SCALE_DIGITS);
  return end === n - SCALE_DIGITS ? sign + whole : `${sign}${whole}.${digits.slice(n - SCALE_DIGITS, end)}`;
}

/** An integer as a scaled value. */
export const fromInt = (n: number | bigint): bigint => BigInt(n) * ONE;

/** a + b. */
export const add = (a: bigint, b: bigint): bigint => a + b;

/** a − b. */
export const sub = (a: bigint, b: bigint): bigint => a - b;

/** a × b, truncated toward zero at the 18th decimal. */
export const mul = (a: bigint, b: bigint): bigint => (a * b) / ONE;

/** a ÷ b, truncated toward zero at the 18th decimal. Throws RangeError when b is zero. */
export const div = (a: bigint, b: bigint): bigint => (a * ONE) / b;

/** −1, 0 or 1 as a is below, equal to or above b. */
export const compare = (a: bigint, b: bigint): -1 | 0 | 1 => (a < b ? -1 : a > b ? 1 : 0);

/** The smaller of a and b. */
export const min = (a: bigint, b: bigint): bigint => (a < b ? a : b);

/** The larger of a and b. */
export const max = (a: bigint, b: bigint): bigint => (a > b ? a : b);

/** |a|. */
export const abs = (a: bigint): bigint => (a < 0n ? -a : a);

/** Whether a is a whole number of steps (a step of 0 accepts anything). */
export const isMultiple = (a: bigint, step: bigint): boolean => step === 0n || a % step === 0n;

/** The largest multiple of `step` not above a non-negative a. */
export const floorTo = (a: bigint, step: bigint): bigint => a - (a % step);

/** How many distinct texts `parseDecimalCached` remembers before it starts over. */
const CACHE_LIMIT = 4096;
const parsed = new Map<string, bigint>();

/**
 * parseDecimal with a small memo: order prices and sizes repeat a lot, so most parses become
 * one lookup, and equal values share one BigInt instead of each resting order keeping its
 * own. Bounded: the memo is simply cleared when full. Pure, so sharing it is safe.
 */
export function parseDecimalCached(text: string): bigint | undefined {
  const hit = parsed.get(text);
  if (hit !== undefined) return hit;
  const value = parseDecimal(text);
  if (value === undefined) return undefined;
  if (parsed.size >= CACHE_LIMIT) parsed.clear();
  parsed.set(text, value);
  return value;
}
