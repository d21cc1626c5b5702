import { hmacBase64, importHmacKey } from '../hmac';
import { privateUrl, scrubSecrets } from './url';

/** API credentials. They go into {@link createSigner} and nowhere else. */
export interface Credentials {
  readonly apiKey: string;
  readonly apiSecret: string;
  readonly apiPassphrase: string;
}

/** Signs what the gateway asks to be signed; holds the credentials in a closure. */
export interface Signer {
  /** A freshly signed connection URL (a new timestamp every time). */
  signedUrl(baseUrl: string): Promise<string>;
  /** The session signature: base64(HMAC-SHA256(apiSecret, challenge text byte for byte)). */
  signChallenge(challengeText: string): Promise<string>;
  /**
   * The five KC-API headers of a private REST request (a new timestamp every time): the sign is
   * base64(HMAC-SHA256(apiSecret, timestamp + METHOD + path-with-query + body)).
   */
  restHeaders(method: string, target: string, body: string): Promise<Record<string, string>>;
  /**
   * Gateway text (a refusal's message) without the secret, the passphrase, the passphrase
   * signature, any signature, or signed URL values (see scrubSecrets): for failure paths.
   */
  scrub(text: string): string;
}

/**
 * The only holder of the secret and passphrase (docs/protocol.md §1–2). They live in this
 * closure: the returned object has no fields, so JSON.stringify and util.inspect of it, or of
 * anything that holds it, show nothing. The CryptoKey is imported once (non-extractable) and
 * the passphrase signature, which never changes, is computed once.
 */
export function createSigner(credentials: Credentials, now: () => number = Date.now): Signer {
  const { apiKey, apiSecret, apiPassphrase } = credentials;
  let key: Promise<CryptoKey> | undefined;
  let passphraseSign: Promise<string> | undefined;
  // The passphrase signature once known, for scrub() (which is synchronous).
  let passphraseSigned = '';
  const signingKey = (): Promise<CryptoKey> => (key ??= importHmacKey(apiSecret));
  const sign = async (message: string): Promise<string> => hmacBase64(await signingKey(), message);
  return {
    async signedUrl(baseUrl: string): Promise<string> {
      const timestamp = now();
      passphraseSign ??= sign(apiPassphrase);
      const [signature, passphrase] = await Promise.all([sign(apiKey + String(timestamp)), passphraseSign]);
      passphraseSigned = passphrase;
      return privateUrl(baseUrl, { apikey: apiKey, sign: signature, passphrase, timestamp });
    },
    signChallenge: sign,
    async restHeaders(method: string, target: string, body: string): Promise<Record<string, string>> {
      const timestamp = String(now());
      passphraseSign ??= sign(apiPassphrase);
      const [signature, passphrase] = await Promise.all([
        sign(timestamp + method + target + body),
        passphraseSign,
      ]);
      passphraseSigned = passphrase;
      return {
        'KC-API-KEY': apiKey,
        'KC-API-TIMESTAMP': timestamp,
        'KC-API-SIGN': signature,
        'KC-API-PASSPHRASE': passphrase,
        'KC-API-KEY-VERSION': '2',
      };
    },
    scrub(text: string): string {
      return scrubSecrets(text, [apiSecret, apiPassphrase, passphraseSigned]);
    },
  };
}
