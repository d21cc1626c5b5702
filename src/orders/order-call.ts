import type { OperationSpec, WSAPIWsKey } from '../operations';
import { WsApiCall, type UnobservedFailureHook } from '../rpc/call';
import type { OrderDesk } from './desk';

/**
 * The call of an order request (a placement, or a cancel with `reconcile: true`): a
 * {@link WsApiCall} that also knows its order's symbol(s), so that an answer lost to a drop or
 * a timeout can be reconciled by clientOid. Its desk may take a failure over (the call then
 * stays pending until the lookup tells) and settles it later.
 */
export class OrderCall<T = unknown> extends WsApiCall<T> {
  /** @internal The client's order desk. */
  readonly desk: OrderDesk;
  /** @internal The order's symbol, or each batch order's (what a lookup by clientOid needs). */
  readonly symbols: string | readonly string[] | undefined;

  constructor(
    desk: OrderDesk,
    symbols: string | readonly string[] | undefined,
    id: string,
    spec: OperationSpec,
    wsKey: WSAPIWsKey,
    clientOid: string | undefined,
    clientOids: readonly string[] | undefined,
    createdAt: number,
    onUnobservedFailure?: UnobservedFailureHook,
  ) {
    super(id, spec, wsKey, clientOid, clientOids, createdAt, onUnobservedFailure);
    this.desk = desk;
    this.symbols = symbols;
  }

  /** @internal As WsApiCall's, except that the desk may take an outcome-unknown failure over. */
  override reject(error: unknown): boolean {
    if (this.status !== 'pending') return false;
    if (this.desk.takeOver(this, error)) return true;
    return super.reject(error);
  }

  /** @internal Rejects for good (the desk's verdict): no take-over. */
  settleRejected(error: unknown): boolean {
    return super.reject(error);
  }
}
