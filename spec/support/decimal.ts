/** Exact sum of decimal strings (at most 18 fractional digits), as the exchange writes sizes. */
export function decimalSum(values: readonly string[]): string {
  let total = 0n;
  for (const v of values) {
    const [w = '0', f = ''] = v.split('.');
    total += BigInt(w + f.padEnd(18, '0'));
  }
  const s = total.toString().padStart(19, '0');
  const whole = s.slice(0, -18);
  const frac = s.slice(-18).replace(/0+$/, '');
  return frac === '' ? whole : `${whole}.${frac}`;
}
