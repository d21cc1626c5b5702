/** Gateway codes from docs/protocol.md §6. Codes travel as strings. */
export const CODES = {
  SUCCESS: '200000',
  TIMESTAMP_OFF: '400002',
  KEY_NOT_EXISTS: '400003',
  WRONG_PASSPHRASE: '400004',
  WRONG_SIGNATURE: '400005',
  IP_NOT_WHITELISTED: '400006',
  NO_PERMISSION: '400007',
  SESSION_SIGN_WRONG: '400011',
  SESSION_TIMEOUT: '400012',
  UNKNOWN_PARTNER: '400200',
  WRONG_PARTNER_SIGN: '400201',
  MALFORMED_REQUEST: '4001002',
  SPOT_PARAM_ERROR: '400100',
  SPOT_BALANCE_INSUFFICIENT: '200004',
  FUTURES_PARAM_ERROR: '100001',
  FUTURES_NOT_CANCELABLE: '100004',
  FUTURES_INVALID_PARAMS: '300000',
  FUTURES_BALANCE_NOT_ENOUGH: '300003',
  TOO_MANY_REQUESTS: '429000',
  INTERNAL_ERROR: '500000',
  /** WebSocket-level: more than 50 sessions for one API key. */
  SESSION_LIMIT: '509',
} as const;

/** The codes of AUTH_FAILURE_CODES. */
const AUTH_FAILURES = [
  CODES.TIMESTAMP_OFF,
  CODES.KEY_NOT_EXISTS,
  CODES.WRONG_PASSPHRASE,
  CODES.WRONG_SIGNATURE,
  CODES.IP_NOT_WHITELISTED,
  CODES.NO_PERMISSION,
  CODES.SESSION_SIGN_WRONG,
  CODES.UNKNOWN_PARTNER,
  CODES.WRONG_PARTNER_SIGN,
] as const;

/** A code that refuses the credentials or the handshake (AuthenticationError's codes). */
export type AuthFailureCode = (typeof AUTH_FAILURES)[number];

/** Codes that mean the credentials or the handshake were refused: retrying cannot help. */
export const AUTH_FAILURE_CODES: ReadonlySet<string> = new Set(AUTH_FAILURES);

export function isAuthFailureCode(code: string): code is AuthFailureCode {
  return AUTH_FAILURE_CODES.has(code);
}
