import type { Observable } from 'rxjs';
import type { OperationSpec, WSAPIWsKey } from '../operations';
import type { OrderUpdate } from '../push/order-update';
import { WsApiCall, type UnobservedFailureHook } from '../rpc/call';
import type { WSAPIResponse } from '../rpc/response';
import type { OrderDesk } from './desk';
import type { TrackedOrder } from './tracker';

/** Its symbol(s) until its orders are tracked, then the orders (each knows its symbol). */
type Orders = string | readonly string[] | undefined | TrackedOrder[];

/** Whether `orders` holds tracked orders (a batch's symbols are strings; a batch has one order at least). */
const isTracked = (orders: Orders): orders is TrackedOrder[] =>
  Array.isArray(orders) && orders.length > 0 && typeof orders[0] !== 'string';

/**
 * The call of an order request (a placement; a cancel with `reconcile: true`): a
 * {@link WsApiCall} that also knows its order's symbol(s), so that its order can be tracked
 * (`updates$`) and an answer lost to a drop or a timeout reconciled by clientOid. Its desk may
 * take a failure over (the call then stays pending until the lookup tells) and settles it later.
 *
 * Every order call is pending until its answer, so each field is memory per call in flight:
 * it adds two fields to WsApiCall's (its orders, and the wall-clock time of its write, which
 * reconcile needs). Its desk is not a field: each desk has its own subclass
 * ({@link OrderDesk.makeCall}) that answers `desk` from its prototype. The symbols and the
 * tracked orders share one field: once tracked, the orders carry the symbols.
 */
export abstract class OrderCall<T = unknown> extends WsApiCall<T> {
  /** @internal The client's order desk (from the desk's subclass, not a field). */
  abstract get desk(): OrderDesk;
  private orders: Orders;
  /**
   * @internal When the request was written, by Date.now() (reconcile's wall-clock view of the
   * send); undefined when the desk does not reconcile.
   */
  sentWallAt: number | undefined = undefined;

  constructor(
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
    this.orders = symbols;
  }

  /** @internal The order's symbol, or each batch order's (what a lookup by clientOid needs). */
  get symbols(): string | readonly string[] | undefined {
    const orders = this.orders;
    if (!isTracked(orders)) return orders;
    return this.clientOids === undefined ? orders[0].symbol : orders.map((o) => o.symbol ?? '');
  }

  /**
   * @internal As WsApiCall's; the wall-clock time of the write is kept too (sentWallAt). Both
   * accessors use `wire` itself rather than `super` (see `wire`).
   */
  override get sentAt(): number | undefined {
    const wire = this.wire;
    return typeof wire === 'number' ? wire : undefined;
  }

  override set sentAt(at: number | undefined) {
    this.wire = at;
    // Only reconcile reads it: without reconcile the wall clock is not read (Date.now() is a
    // call into C++, about 0.2 µs on the sequential path, bench/in-situ.ts).
    this.sentWallAt = at === undefined || !this.desk.reconciles ? undefined : Date.now();
  }

  /** @internal Its orders as the tracker follows them, once tracked. */
  get tracked(): TrackedOrder[] | undefined {
    const orders = this.orders;
    return isTracked(orders) ? orders : undefined;
  }

  set tracked(orders: TrackedOrder[] | undefined) {
    // Tracked once, for good: the orders keep the symbols.
    if (orders !== undefined && orders.length > 0) this.orders = orders;
  }

  /**
   * The order's events from placement to its terminal event (`filled`/`canceled`, or status
   * `done`), then completes; replays what came before subscribing. A batch: every placed
   * order's events, merged, completing when each has ended. Errors with the call's error if
   * the call fails.
   */
  override get updates$(): Observable<OrderUpdate> {
    return this.desk.updatesOf(this);
  }

  /** @internal As WsApiCall's; the tracker learns the order ids. */
  override resolve(response: WSAPIResponse<T>): boolean {
    if (!super.resolve(response)) return false;
    this.desk.resolved(this, response);
    return true;
  }

  /** @internal As WsApiCall's, except that the desk may take an outcome-unknown failure over. */
  override reject(error: unknown): boolean {
    if (this.status !== 'pending') return false;
    if (this.desk.takeOver(this, error)) return true;
    return this.settleRejected(error);
  }

  /** @internal Rejects for good (the desk's verdict): no take-over. */
  settleRejected(error: unknown): boolean {
    if (!super.reject(error)) return false;
    this.desk.rejected(this, error);
    return true;
  }
}

/**
 * The call of a cancel by orderId with `reconcile: true`: it also keeps the orderId, which a
 * lost answer is looked up by (the other calls do without the field).
 */
export abstract class CancelByIdCall<T = unknown> extends OrderCall<T> {
  /** @internal The orderId the cancel names. */
  readonly orderId: string;

  constructor(
    orderId: string,
    symbols: string | undefined,
    id: string,
    spec: OperationSpec,
    wsKey: WSAPIWsKey,
    createdAt: number,
    onUnobservedFailure?: UnobservedFailureHook,
  ) {
    super(symbols, id, spec, wsKey, undefined, undefined, createdAt, onUnobservedFailure);
    this.orderId = orderId;
  }
}

/** One order a batch cancel names: by its orderId, or by its clientOid and symbol. */
export type CancelTarget =
  | { readonly orderId: string; readonly clientOid?: undefined; readonly symbol?: undefined }
  | { readonly orderId?: undefined; readonly clientOid: string; readonly symbol: string };

/**
 * The call of a batch cancel (futures.multi_cancel) with `reconcile: true`: it also keeps the
 * orders it names, in the order the answer lists them (the orderIds, then the clientOids),
 * which a lost answer is looked up by one by one.
 */
export abstract class MultiCancelCall<T = unknown> extends OrderCall<T> {
  /** @internal The orders the cancel names. */
  readonly cancels: readonly CancelTarget[];

  constructor(
    cancels: readonly CancelTarget[],
    id: string,
    spec: OperationSpec,
    wsKey: WSAPIWsKey,
    createdAt: number,
    onUnobservedFailure?: UnobservedFailureHook,
  ) {
    super(undefined, id, spec, wsKey, undefined, undefined, createdAt, onUnobservedFailure);
    this.cancels = cancels;
  }
}

/** What a modify asked for, as reconciling it needs. */
export interface ModifyTerms {
  /** The orderId the modify named (undefined: it named a clientOid). */
  readonly orderId: string | undefined;
  /**
   * A modify by clientOid: the orderId the tracker knew for the open order with that clientOid
   * when the modify was made (the order it replaces), if any.
   */
  readonly priorOrderId: string | undefined;
  readonly newPrice: string | undefined;
  readonly newSize: string | undefined;
}

/**
 * The call of a spot.modify with `reconcile: true`: it also keeps what the modify asked for,
 * by which a lost answer is looked up (the order it named, and its replacement).
 */
export abstract class ModifyCall<T = unknown> extends OrderCall<T> {
  /** @internal What the modify asked for. */
  readonly modify: ModifyTerms;

  constructor(
    modify: ModifyTerms,
    symbol: string | undefined,
    id: string,
    spec: OperationSpec,
    wsKey: WSAPIWsKey,
    clientOid: string | undefined,
    createdAt: number,
    onUnobservedFailure?: UnobservedFailureHook,
  ) {
    super(symbol, id, spec, wsKey, clientOid, undefined, createdAt, onUnobservedFailure);
    this.modify = modify;
  }
}
