/** KuCoin's WS API host (docs/protocol.md §1). */
export const DEFAULT_WS_BASE_URL = 'wss://wsapi.kucoin.com';

/** The one path of the WS API; spot, margin and futures share it. */
export const PRIVATE_PATH = '/v1/private';

/** The query of a signed connection URL. */
export interface UrlSignature {
  readonly apikey: string;
  readonly sign: string;
  readonly passphrase: string;
  readonly timestamp: number;
}

/**
 * `${baseUrl}/v1/private?apikey=…&sign=…&passphrase=…&timestamp=…`, every value URL-encoded.
 * A base URL that already ends with the path is used as is.
 */
export function privateUrl(baseUrl: string, s: UrlSignature): string {
  const base = baseUrl.replace(/\/+$/, '');
  const root = base.endsWith(PRIVATE_PATH) ? base : base + PRIVATE_PATH;
  return (
    `${root}?apikey=${encodeURIComponent(s.apikey)}` +
    `&sign=${encodeURIComponent(s.sign)}` +
    `&passphrase=${encodeURIComponent(s.passphrase)}` +
    `&timestamp=${encodeURIComponent(String(s.timestamp))}`
  );
}

const SIGNED_PARAM = /([?&](?:apikey|sign|passphrase|partner_sign)=)[^&\s'"]*/gi;

/**
 * Removes signed query values from a text (an error message from a socket library may quote
 * the URL): what is left is safe to log.
 */
export function redactUrl(text: string): string {
  return text.replace(SIGNED_PARAM, '$1[redacted]');
}

/**
 * An HMAC-SHA256 in base64 (43 characters and `=`), as sent or URL-encoded: every signature the
 * client sends, and the passphrase signature, look like this.
 */
const DIGEST = /(?:[A-Za-z0-9+/]|%2[BbFf]){43}(?:=|%3[Dd])/g;

/** Known secrets shorter than this are not searched for: they would blank out ordinary words. */
const MIN_SECRET_CHARS = 6;

/**
 * Gateway-provided text (a refusal's message, a close reason) made safe to quote in errors,
 * events, state and logs: a gateway or proxy that echoes what it received must not make the
 * client repeat its credentials. Removes signed query values (as {@link redactUrl}), anything
 * shaped like an HMAC-SHA256 signature (the signatures sent, the passphrase signature), and each
 * of `secrets` (as is and URL-encoded). Run on failure paths only, on the whole text before it
 * is cut short (a cut could leave half a secret).
 */
export function scrubSecrets(text: string, secrets: readonly string[] = []): string {
  let out = redactUrl(text).replace(DIGEST, '[redacted]');
  for (const secret of secrets) {
    if (secret.length < MIN_SECRET_CHARS) continue;
    out = out.replaceAll(secret, '[redacted]');
    const encoded = encodeURIComponent(secret);
    if (encoded !== secret) out = out.replaceAll(encoded, '[redacted]');
  }
  return out;
}
