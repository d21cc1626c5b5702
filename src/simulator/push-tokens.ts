import { randomBytes } from 'node:crypto';

/** KuCoin's push tokens last a day. */
export const TOKEN_TTL_MS = 24 * 60 * 60 * 1_000;

/** Tokens kept per key, newest first; older ones are forgotten (bounded memory). */
const MAX_TOKENS_PER_KEY = 1_000;

/**
 * Push-channel tokens handed out by `POST /api/v1/bullet-private`, each bound to the account
 * that asked. Tokens are random (another account cannot guess one); `expireAll` invalidates
 * every token issued so far, as a day passing would.
 */
export class PushTokens {
  private readonly byToken = new Map<string, { apiKey: string; expiresAt: number }>();
  private readonly byKey = new Map<string, string[]>();

  /** A new token for `apiKey`, valid for a day from `now`. */
  issue(apiKey: string, now: number): string {
    const token = randomBytes(36).toString('base64url');
    this.byToken.set(token, { apiKey, expiresAt: now + TOKEN_TTL_MS });
    let list = this.byKey.get(apiKey);
    if (list === undefined) this.byKey.set(apiKey, (list = []));
    list.push(token);
    if (list.length > MAX_TOKENS_PER_KEY) this.byToken.delete(list.shift() ?? '');
    return token;
  }

  /** The account a live token belongs to, or undefined (unknown, expired or expired by fault). */
  accountOf(token: string, now: number): string | undefined {
    const entry = this.byToken.get(token);
    if (entry === undefined) return undefined;
    if (now >= entry.expiresAt) {
      this.byToken.delete(token);
      return undefined;
    }
    return entry.apiKey;
  }

  /** Forgets every token: connects with any of them are refused from now on. */
  expireAll(): void {
    this.byToken.clear();
    this.byKey.clear();
  }
}
