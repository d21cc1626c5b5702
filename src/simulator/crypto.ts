import { timingSafeEqual } from 'node:crypto';

/**
 * Compares a received signature with the expected one in time independent of where they
 * differ. Buffers of unequal length cannot go to timingSafeEqual, so the expected value is
 * compared with itself instead: the work done does not reveal the expected length.
 */
export function safeEqual(expected: string, received: string): boolean {
  const a = Buffer.from(expected, 'utf8');
  const b = Buffer.from(received, 'utf8');
  if (a.length !== b.length) {
    timingSafeEqual(a, a);
    return false;
  }
  return timingSafeEqual(a, b);
}
