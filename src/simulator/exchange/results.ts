import { CODES } from '../../codecs/codes';
import type { OpResult } from './types';

/** The codes one product line answers with (spot and margin share KuCoin's spot codes). */
export interface LineCodes {
  readonly param: string;
  readonly balance: string;
  readonly notFound: string;
}

/** Spot and margin: 400100 for bad parameters and unknown orders, 200004 when short. */
export const SPOT_CODES: LineCodes = {
  param: CODES.SPOT_PARAM_ERROR,
  balance: CODES.SPOT_BALANCE_INSUFFICIENT,
  notFound: CODES.SPOT_PARAM_ERROR,
};

/** Futures: 100001 for bad parameters, 100004 for unknown or done orders, 300003 when short. */
export const FUTURES_CODES: LineCodes = {
  param: CODES.FUTURES_PARAM_ERROR,
  balance: CODES.FUTURES_BALANCE_NOT_ENOUGH,
  notFound: CODES.FUTURES_NOT_CANCELABLE,
};

/** A successful answer. */
export const ok = (data: unknown): OpResult => ({ code: CODES.SUCCESS, data });

/**
 * An order or request the exchange refuses. Thrown by validation before any state changes and
 * turned into `{ code, msg }` at the operation boundary, so rules read as straight-line checks.
 */
export class Rejection extends Error {
  /** A refusal with the gateway code and message to answer with. */
  constructor(
    readonly code: string,
    msg: string,
  ) {
    super(msg);
    this.name = 'Rejection';
  }

  /** The answer this refusal becomes. */
  toResult(): OpResult {
    return { code: this.code, msg: this.message };
  }
}

/** Throws a Rejection. */
export function reject(code: string, msg: string): never {
  throw new Rejection(code, msg);
}
