import { CODES } from '../codecs/codes';
import { hmacBase64, importHmacKey } from '../hmac';
import type { AccountConfig } from './exchange/types';
import { MESSAGES } from './codes';
import { safeEqual } from './crypto';

/** How far the client's `timestamp` may be from the gateway clock (docs/protocol.md §1). */
export const TIMESTAMP_TOLERANCE_MS = 5_000;

export type AuthOutcome =
  | { readonly ok: true; readonly account: AccountConfig; readonly key: CryptoKey }
  | { readonly ok: false; readonly code: string; readonly msg: string };

const refuse = (code: keyof typeof MESSAGES): AuthOutcome => ({ ok: false, code, msg: MESSAGES[code] });

/** The credentials of one signed request, whatever carried them. */
export interface SignedFields {
  readonly timestamp: string;
  readonly apiKey: string;
  readonly sign: string;
  readonly passphrase: string;
  /** null when absent. */
  readonly partner: string | null;
  readonly partnerSign: string;
}

interface KnownAccount {
  readonly account: AccountConfig;
  /** The account's signing key, imported once, on first use. */
  key?: Promise<CryptoKey>;
  /** The passphrase signature never changes, so it is computed once. */
  passphraseSign?: Promise<string>;
}

/**
 * Checks the signed connection URL (docs/protocol.md §1). Checks stop at the first failure:
 * timestamp (400002), key (400003), URL signature (400005), passphrase (400004), then the
 * partner pair (400200 / 400201) when partner keys are configured.
 * Secrets stay inside this object: outcomes carry codes and fixed texts only (and, on success,
 * the account's non-extractable signing key, for the session signature).
 */
export class UrlVerifier {
  private readonly accounts = new Map<string, KnownAccount>();
  private readonly partnerKeys = new Map<string, Promise<CryptoKey>>();

  constructor(
    accounts: readonly AccountConfig[],
    private readonly partners: Readonly<Record<string, string>> | undefined,
  ) {
    for (const account of accounts) this.accounts.set(account.apiKey, { account });
  }

  /** `query` is the parsed query string of the upgrade request; `now` the gateway clock. */
  verify(query: URLSearchParams, now: number): Promise<AuthOutcome> {
    const apiKey = query.get('apikey') ?? '';
    const timestamp = query.get('timestamp') ?? '';
    return this.verifyFields(
      {
        timestamp,
        apiKey,
        sign: query.get('sign') ?? '',
        passphrase: query.get('passphrase') ?? '',
        partner: query.get('partner'),
        partnerSign: query.get('partner_sign') ?? '',
      },
      apiKey + timestamp,
      now,
    );
  }

  /**
   * The same checks in the same order for any transport: REST sends these fields as KC-API
   * headers and signs `signedText` (timestamp + method + path + body) instead of key + timestamp.
   */
  async verifyFields(f: SignedFields, signedText: string, now: number): Promise<AuthOutcome> {
    const { timestamp, apiKey } = f;
    const t = /^\d{1,16}$/.test(timestamp) ? Number(timestamp) : NaN;
    if (!(Math.abs(now - t) <= TIMESTAMP_TOLERANCE_MS)) return refuse(CODES.TIMESTAMP_OFF);

    const known = this.accounts.get(apiKey);
    if (known === undefined) return refuse(CODES.KEY_NOT_EXISTS);
    const key = await (known.key ??= importHmacKey(known.account.apiSecret));

    // The signature depends on the secret alone, the passphrase signature on the secret
    // and the passphrase: checking the signature first gives each wrong credential its own
    // code (a wrong secret is 400005, a wrong passphrase with the right secret 400004).
    const expectedSign = await hmacBase64(key, signedText);
    if (!safeEqual(expectedSign, f.sign)) return refuse(CODES.WRONG_SIGNATURE);

    const passphraseSign = await (known.passphraseSign ??= hmacBase64(key, known.account.apiPassphrase));
    if (!safeEqual(passphraseSign, f.passphrase)) return refuse(CODES.WRONG_PASSPHRASE);

    const partner = f.partner;
    // A plain client omits the partner pair; it is only checked when the simulator knows partners.
    if (this.partners !== undefined && partner !== null) {
      const partnerKey = Object.prototype.hasOwnProperty.call(this.partners, partner)
        ? this.partners[partner]
        : undefined;
      if (partnerKey === undefined) return refuse(CODES.UNKNOWN_PARTNER);
      let partnerCryptoKey = this.partnerKeys.get(partner);
      if (partnerCryptoKey === undefined) {
        partnerCryptoKey = importHmacKey(partnerKey);
        this.partnerKeys.set(partner, partnerCryptoKey);
      }
      const expected = await hmacBase64(await partnerCryptoKey, timestamp + partner + apiKey);
      if (!safeEqual(expected, f.partnerSign)) return refuse(CODES.WRONG_PARTNER_SIGN);
    }
    return { ok: true, account: known.account, key };
  }
}

/** The session signature the client must send back: HMAC of the exact challenge text. */
export async function verifySessionSignature(
  key: CryptoKey,
  challengeText: string,
  received: string,
): Promise<boolean> {
  return safeEqual(await hmacBase64(key, challengeText), received);
}
