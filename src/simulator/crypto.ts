import { createHmac, timingSafeEqual } from 'node:crypto';

/**
 * base64(HMAC-SHA256(secret, message)), every signature of the protocol: the client's
 * `hmacBase64` (src/transport/auth.ts, Web Crypto, asynchronous, browser-safe) computed
 * synchronously with node:crypto, because the gateway checks signatures inside synchronous
 * handlers. spec/unit/auth.spec.ts checks that both give the same text.
 */
export function hmacBase64Sync(secret: string, message: string): string {
  return createHmac('sha256', secret).update(message).digest('base64');
}

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
