import type { RateLimit } from '../codecs/envelope';
import type { WSAPIWsKey } from '../operations';

/**
 * What every method resolves with (kucoin-api's `WSAPIResponse<T>`): the gateway's envelope
 * plus the two fields the client adds, `wsKey` and `isWSAPIResponse`.
 */
export interface WSAPIResponse<TData = unknown, TOperation extends string = string> {
  /** The request's correlation id, echoed by the gateway. */
  id: string;
  /** The operation that ran, e.g. 'spot.order'. */
  op: TOperation;
  /** '200000' on success; a gateway error code otherwise. */
  code: string;
  /** The gateway's message; present on failures. */
  msg?: string;
  /** The operation's result. */
  data: TData;
  /** Gateway receive time (ms). */
  inTime: number;
  /** Gateway send time (ms); `outTime - inTime` is the gateway's own processing time. */
  outTime: number;
  /** The account's quota after this request, when the gateway reports it. */
  rateLimit?: RateLimit;
  /** The connection that carried the request. */
  wsKey: WSAPIWsKey;
  /** Always true: tells WS API answers apart from streaming updates. */
  isWSAPIResponse: true;
}
