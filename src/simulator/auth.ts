import { CODES } from '../codecs/codes';
import type { AccountConfig } from './exchange/types';
import { MESSAGES } from './codes';
import { hmacBase64Sync, safeEqual } from './crypto';

/** How far the client's `timestamp` may be from the gateway clock (docs/protocol.md §1). */
export const TIMESTAMP_TOLERANCE_MS = 5_000;

export type AuthOutcome =
  | { readonly ok: true; readonly account: AccountConfig }
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
  /** The passphrase signature never changes, so it is computed once. */
  readonly passphraseSign: string;
}

/**
 * Checks the signed connection URL (docs/protocol.md §1). Checks stop at the first failure:
 * timestamp (400002), key (400003), URL signature (400005), passphrase (400004), then the
 * partner pair (400200 / 400201) when partner keys are configured.
 * Secrets stay inside this object: outcomes carry codes and fixed texts only.
 */
export class UrlVerifier {
  private readonly accounts = new Map<string, KnownAccount>();

  constructor(
    accounts: readonly AccountConfig[],
    private readonly partners: Readonly<Record<string, string>> | undefined,
  ) {
    for (const account of accounts) {
      this.accounts.set(account.apiKey, {
        account,
        passphraseSign: hmacBase64Sync(account.apiSecret, account.apiPassphrase),
      });
    }
  }

  /** `query` is the parsed query string of the upgrade request; `now` the gateway clock. */
  verify(query: URLSearchParams, now: number): AuthOutcome {
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
  verifyFields(f: SignedFields, signedText: string, now: number): AuthOutcome {
    const { timestamp, apiKey } = f;
    const t = /^\d{1,16}$/.test(timestamp) ? Number(timestamp) : NaN;
    if (!(Math.abs(now - t) <= TIMESTAMP_TOLERANCE_MS)) return refuse(CODES.TIMESTAMP_OFF);

    const known = this.accounts.get(apiKey);
    if (known === undefined) return refuse(CODES.KEY_NOT_EXISTS);

    // The signature depends on the secret alone, the passphrase signature on the secret
    // and the passphrase: checking the signature first gives each wrong credential its own
    // code (a wrong secret is 400005, a wrong passphrase with the right secret 400004).
    const expectedSign = hmacBase64Sync(known.account.apiSecret, signedText);
    if (!safeEqual(expectedSign, f.sign)) return refuse(CODES.WRONG_SIGNATURE);

    if (!safeEqual(known.passphraseSign, f.passphrase)) return refuse(CODES.WRONG_PASSPHRASE);

    const partner = f.partner;
    // A plain client omits the partner pair; it is only checked when the simulator knows partners.
    if (this.partners !== undefined && partner !== null) {
      const partnerKey = Object.prototype.hasOwnProperty.call(this.partners, partner)
        ? this.partners[partner]
        : undefined;
      if (partnerKey === undefined) return refuse(CODES.UNKNOWN_PARTNER);
      const expected = hmacBase64Sync(partnerKey, timestamp + partner + apiKey);
      if (!safeEqual(expected, f.partnerSign)) return refuse(CODES.WRONG_PARTNER_SIGN);
    }
    return { ok: true, account: known.account };
  }
}

/** The session signature the client must send back: HMAC of the exact challenge text. */
export function verifySessionSignature(apiSecret: string, challengeText: string, received: string): boolean {
  return safeEqual(hmacBase64Sync(apiSecret, challengeText), received);
}
