/**
 * Written from the protocol, not with the library: the benchmarks' own HMAC signing and a
 * `bullet-private` token request by hand (the raw readers must not share the client's code).
 */
import { createHmac } from 'node:crypto';

/** KuCoin's signature: base64 HMAC-SHA256. */
export const sign = (key: string, message: string): string =>
  createHmac('sha256', key).update(message).digest('base64');

export interface Bullet {
  token: string;
  instanceServers: Array<{ endpoint: string; pingInterval: number }>;
}

/** `POST /api/v1/bullet-private` on `restUrl`, signed with the five KC-API headers. */
export async function bulletPrivate(
  restUrl: string,
  { apiKey, apiSecret, apiPassphrase }: { apiKey: string; apiSecret: string; apiPassphrase: string },
): Promise<Bullet> {
  const target = '/api/v1/bullet-private';
  const ts = String(Date.now());
  const res = await fetch(restUrl + target, {
    method: 'POST',
    headers: {
      'KC-API-KEY': apiKey,
      'KC-API-TIMESTAMP': ts,
      'KC-API-SIGN': sign(apiSecret, ts + 'POST' + target),
      'KC-API-PASSPHRASE': sign(apiSecret, apiPassphrase),
      'KC-API-KEY-VERSION': '2',
    },
  });
  return ((await res.json()) as { data: Bullet }).data;
}
