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
