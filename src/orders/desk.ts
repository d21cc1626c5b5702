import { ClientClosedError } from '../errors';
import type { OperationSpec, WSAPIWsKey } from '../operations';
import { WsApiCall, type UnobservedFailureHook } from '../rpc/call';
import type { PreparedRequest, RejectedRequest } from '../rpc/prepare';
import { OrderCall } from './order-call';
import { isOutcomeUnknown, isReconcilable, reconcile, type OrderLookup } from './reconcile';

/** What the desk needs from the client. */
export interface OrderDeskConfig {
  /** `reconcile` option: look lost answers up instead of failing them as outcome unknown. */
  readonly reconcile: boolean;
  /** `reconcileGraceMs` option. */
  readonly graceMs: number;
  readonly lookup: OrderLookup;
}

/** The symbol(s) of a request's order(s), read from its validated arguments. */
function symbolsOf(args: unknown): string | readonly string[] | undefined {
  const symbolOf = (u: unknown): string | undefined => {
    const s = typeof u === 'object' && u !== null ? (u as { symbol?: unknown }).symbol : undefined;
    return typeof s === 'string' ? s : undefined;
  };
  return Array.isArray(args) ? args.map((a) => symbolOf(a) ?? '') : symbolOf(args);
}

/**
 * The client's order-side state beside the WS API: makes the calls of order requests, and
 * (with `reconcile: true`) takes over those whose answer was lost, looks them up, and settles
 * them. Kept apart from the request core: the core only asks it for a call object.
 */
export class OrderDesk {
  private readonly reconciling = new Set<OrderCall>();
  private readonly closer = new AbortController();

  constructor(private readonly config: OrderDeskConfig) {}

  /** How many calls are being reconciled now. */
  get reconcilingCount(): number {
    return this.reconciling.size;
  }

  /** The call object for a request: an OrderCall where reconciling applies, else a plain one. */
  makeCall(
    id: string,
    spec: OperationSpec,
    wsKey: WSAPIWsKey,
    prepared: PreparedRequest | RejectedRequest,
    createdAt: number,
    onUnobservedFailure: UnobservedFailureHook,
  ): WsApiCall {
    const { clientOid, clientOids } = prepared;
    if (prepared.ok && this.config.reconcile && isReconcilable(spec.op)) {
      const symbols = symbolsOf(prepared.args);
      return new OrderCall(
        this,
        symbols,
        id,
        spec,
        wsKey,
        clientOid,
        clientOids,
        createdAt,
        onUnobservedFailure,
      );
    }
    return new WsApiCall(id, spec, wsKey, clientOid, clientOids, createdAt, onUnobservedFailure);
  }

  /**
   * Takes an outcome-unknown failure of `call` over: looks the order up and settles the call
   * later. False (the call fails as it would have) when reconciling is off, the failure is
   * another one, the call is being reconciled already, or the client is closed.
   */
  takeOver(call: OrderCall, error: unknown): boolean {
    if (!this.config.reconcile || this.closer.signal.aborted || this.reconciling.has(call)) return false;
    if (!isOutcomeUnknown(error)) return false;
    this.reconciling.add(call);
    void reconcile(call, error, {
      lookup: this.config.lookup,
      graceMs: this.config.graceMs,
      signal: this.closer.signal,
    }).then((outcome) => {
      this.reconciling.delete(call);
      if (outcome instanceof Error) call.settleRejected(outcome);
      else call.resolve(outcome);
    });
    return true;
  }

  /** The client closed: waits stop, and the calls under reconciliation fail (their cause: `reason`). */
  close(reason: Error = new ClientClosedError({})): void {
    this.closer.abort(reason);
  }
}
