/**
 * 24-character strings that a lenient hex parse (`parseInt(…, 16)`) reads as the same
 * sequence number as the simulator's order id `id`: a sign, a 0x prefix, a leading blank,
 * trailing junk, upper case. None of them is `id`; none may name its order.
 */
export function lookAlikes(id: string): string[] {
  const prefix = id.slice(0, 16);
  const hex = parseInt(id.slice(16), 16).toString(16);
  if (hex.length > 5) throw new Error(`sequence ${hex} too long for the look-alikes`);
  const fakes = [
    `${prefix}+${hex.padStart(7, '0')}`,
    `${prefix}0x${hex.padStart(6, '0')}`,
    `${prefix}${hex.padStart(5, '0')}zzz`,
    `${prefix} ${hex.padStart(7, '0')}`,
    `${prefix}${hex.padStart(8, '0').toUpperCase()}`,
  ];
  return fakes.filter((fake) => fake !== id);
}
