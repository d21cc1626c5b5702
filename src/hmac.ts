/**
 * base64(HMAC-SHA256(key, message)), every signature of the protocol, through Web Crypto
 * (Node 20's globalThis.crypto and browsers alike). The one HMAC helper: the client signs with
 * it and the simulator verifies with it.
 */

const encoder = new TextEncoder();

/** base64 of bytes, with what both Node 20 and browsers have (btoa). */
export function toBase64(bytes: ArrayBuffer): string {
  const view = new Uint8Array(bytes);
  let binary = '';
  for (let i = 0; i < view.length; i++) binary += String.fromCharCode(view[i]);
  return btoa(binary);
}

/**
 * Imports an HMAC-SHA256 signing key (non-extractable). Web Crypto refuses a zero-length
 * key, so an empty secret rejects.
 */
export function importHmacKey(
  secret: string,
  subtle: SubtleCrypto = globalThis.crypto.subtle,
): Promise<CryptoKey> {
  return subtle.importKey('raw', encoder.encode(secret), { name: 'HMAC', hash: 'SHA-256' }, false, ['sign']);
}

/** base64(HMAC-SHA256(key, message)) with an imported key. */
export async function hmacBase64(
  key: CryptoKey,
  message: string,
  subtle: SubtleCrypto = globalThis.crypto.subtle,
): Promise<string> {
  return toBase64(await subtle.sign('HMAC', key, encoder.encode(message)));
}
