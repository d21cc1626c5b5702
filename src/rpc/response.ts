import type { Answer } from '../codecs/envelope';
import type { WSAPIWsKey } from '../operations';

/**
 * What every method resolves with (kucoin-api's `WSAPIResponse<T>`): the gateway's answer as
 * the `Answer` codec accepts it (`id`, `code`, `inTime`, `outTime` always there; `msg` and
 * `rateLimit` when the gateway sent them), with `op` always set (the request's op when the
 * gateway left it out), `data` typed per operation, and the two fields the client adds,
 * `wsKey` and `isWSAPIResponse`.
 */
export type WSAPIResponse<TData = unknown, TOperation extends string = string> = Omit<
  Answer,
  'op' | 'data'
> & {
  /** The operation that ran, e.g. 'spot.order'. */
  op: TOperation;
  /** The operation's result. */
  data: TData;
  /** The connection that carried the request. */
  wsKey: WSAPIWsKey;
  /** Always true: tells WS API answers apart from streaming updates. */
  isWSAPIResponse: true;
  /**
   * Present (true) only on a response the client built after the answer was lost
   * (`reconcile: true`): `data` comes from looking the order up over REST, and `inTime` /
   * `outTime` are the order's time on the exchange (created, or last updated for a cancel).
   */
  reconciled?: true;
};
