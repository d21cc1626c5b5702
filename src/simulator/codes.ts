import { CODES } from '../codecs/codes';

/**
 * The gateway's error texts. KuCoin documents the codes but only some texts; where a text is
 * not documented the simulator uses the wording of KuCoin's REST API for the same code.
 */
export const MESSAGES = {
  [CODES.TIMESTAMP_OFF]: 'KC-API-TIMESTAMP Invalid -- Time differs from server time by more than 5 seconds',
  [CODES.KEY_NOT_EXISTS]: 'KC-API-KEY not exists.',
  [CODES.WRONG_PASSPHRASE]: 'Invalid KC-API-PASSPHRASE',
  [CODES.WRONG_SIGNATURE]: 'Signature verification failed',
  [CODES.SESSION_SIGN_WRONG]: 'Session verification failed',
  [CODES.SESSION_TIMEOUT]: 'Session verification timed out',
  [CODES.UNKNOWN_PARTNER]: 'Partner not exists.',
  [CODES.WRONG_PARTNER_SIGN]: 'Invalid partner sign',
  [CODES.TOO_MANY_REQUESTS]: 'Too many requests',
  [CODES.INTERNAL_ERROR]: 'Internal error',
} as const;

/** The documented prefix of every 4001002 text. */
export const MALFORMED_PREFIX = 'Please check the param of your request: ';
/** docs/protocol.md §4, verbatim. */
export const MISSING_ID_MSG = `${MALFORMED_PREFIX}Field 'id' must be a non-empty string.`;

export const sessionLimitMessage = (max: number): string => `exceed max session count limitation of ${max}`;
