import { defer, Observable } from 'rxjs';
import { ClientClosedError, type DisconnectedError, TimeoutError } from '../errors';
import type { OperationSpec, WSAPIWsKey } from '../operations';
import type { OrderUpdate } from '../push/order-update';
import { WsApiCall, type UnobservedFailureHook } from '../rpc/call';
import { clientOidsOf } from '../rpc/prepare';
import type { WSAPIResponse } from '../rpc/response';
import {
  CancelByIdCall,
  ModifyCall,
  MultiCancelCall,
  OrderCall,
  type CancelTarget,
  type ModifyTerms,
} from './order-call';
import {
  isOutcomeUnknown,
  isReconcilable,
  reconcile,
  Waits,
  withCause,
  type OrderLookup,
  type ReconcileClock,
} from './reconcile';
import { OrderTracker, orderFeedOf, placesOrders, type PushFeed } from './tracker';

/** Takes an error and does nothing with it (it is told elsewhere). */
const ignore = (): void => undefined;

/** What the desk needs from the client. */
export interface OrderDeskConfig {
  /** `reconcile` option: look lost answers up instead of failing them as outcome unknown. */
  readonly reconcile: boolean;
  /** `reconcileGraceMs` option. */
  readonly graceMs: number;
  readonly lookup: OrderLookup;
  /** The server clock: reconcile tells an order this call placed from an earlier one by it. */
  readonly clock?: ReconcileClock;
  /** The push channel's order events (undefined: tracking learns from REST only). */
  readonly feed?: PushFeed;
  /** `orderUpdates` option: track every order from the moment its call is made. */
  readonly trackFromSend?: boolean;
  /** Events kept per order before its WS API answer (default 256). */
  readonly maxEarlyEvents?: number;
}

/** How many orderIds of answered order-placing calls reconcile remembers (reconcile: true only). */
const ANSWERED_IDS = 1_024;

/** The symbol of an order, read from its validated arguments. */
function symbolOf(u: unknown): string | undefined {
  const s = typeof u === 'object' && u !== null ? (u as { symbol?: unknown }).symbol : undefined;
  return typeof s === 'string' ? s : undefined;
}

/** The symbol(s) of a request's order(s), read from its validated arguments. */
function symbolsOf(args: unknown): string | readonly string[] | undefined {
  // symbolOf is a module function: a closure made here would be made once per call.
  return Array.isArray(args) ? args.map((a) => symbolOf(a) ?? '') : symbolOf(args);
}

/** The orderId a cancel names, when it names no clientOid. */
function cancelOrderIdOf(args: unknown, clientOid: string | undefined): string | undefined {
  if (clientOid !== undefined || typeof args !== 'object' || args === null) return undefined;
  const orderId = (args as { orderId?: unknown }).orderId;
  return typeof orderId === 'string' ? orderId : undefined;
}

/** The orders a batch cancel's validated arguments name, in its answer's order (orderIds first). */
function cancelTargetsOf(args: unknown): CancelTarget[] {
  const a = (typeof args === 'object' && args !== null ? args : {}) as {
    orderIdsList?: readonly string[];
    clientOidsList?: ReadonlyArray<{ clientOid: string; symbol: string }>;
  };
  return [
    ...(a.orderIdsList ?? []).map((orderId): CancelTarget => ({ orderId })),
    ...(a.clientOidsList ?? []).map(({ clientOid, symbol }): CancelTarget => ({ clientOid, symbol })),
  ];
}

/**
 * REST lookups in flight at once across every reconciliation of a client. A dropped link fails
 * every call written on it at once: without a bound, a burst of a thousand calls in flight would
 * be a thousand lookups at once, and they would time out (or hit 429000) instead of telling.
 */
const RECONCILE_CONCURRENCY = 8;

/** A string field of validated arguments. */
function field(args: unknown, name: string): string | undefined {
  const v = typeof args === 'object' && args !== null ? (args as Record<string, unknown>)[name] : undefined;
  return typeof v === 'string' ? v : undefined;
}

/**
 * The client's order-side state beside the WS API: makes the calls of order requests, tracks
 * the orders they place (`call.updates$`), and (with `reconcile: true`) takes over the calls
 * whose answer was lost, looks them up, and settles them. Kept apart from the request core:
 * the core only asks it for a call object, and tells it when the client closes.
 */
export class OrderDesk {
  readonly tracker: OrderTracker;
  /** The calls being reconciled, with the outcome-unknown error each would fail with. */
  private readonly reconciling = new Map<OrderCall, DisconnectedError | TimeoutError>();
  /**
   * With reconcile: the orderIds the latest answers of order-placing calls told (a ring of
   * ANSWERED_IDS), so that reconcile never takes another call's order for a lost call's.
   */
  private readonly answeredIds: string[] = [];
  private answeredNext = 0;
  /**
   * Orders a reconciliation judged its call's, by orderId, until it ends (then a resolved
   * call's orderId is among the answered ones): two reconciliations never take one order.
   */
  private readonly claims = new Map<string, OrderCall>();
  private readonly waits = new Waits();
  /** Reconciliations' lookups waiting for one of the RECONCILE_CONCURRENCY slots, oldest first. */
  private readonly lookupQueue: Array<(stalled?: unknown) => void> = [];
  private lookupsRunning = 0;
  /**
   * The REST timeout of the latest lookup that timed out, until a lookup gets an answer again:
   * REST is stalled, and lookups that would wait for a slot fail at once with it.
   */
  private restStalled: TimeoutError | undefined = undefined;
  /** This desk's OrderCall: `desk` comes from its prototype, so no call carries it as a field. */
  private readonly OrderCall: new (...args: ConstructorParameters<typeof OrderCall>) => OrderCall;
  /** This desk's CancelByIdCall, the same way. */
  private readonly CancelByIdCall: new (
    ...args: ConstructorParameters<typeof CancelByIdCall>
  ) => CancelByIdCall;
  /** This desk's MultiCancelCall, the same way. */
  private readonly MultiCancelCall: new (
    ...args: ConstructorParameters<typeof MultiCancelCall>
  ) => MultiCancelCall;
  /** This desk's ModifyCall, the same way. */
  private readonly ModifyCall: new (...args: ConstructorParameters<typeof ModifyCall>) => ModifyCall;

  constructor(private readonly config: OrderDeskConfig) {
    // eslint-disable-next-line @typescript-eslint/no-this-alias -- the subclass's prototype getter answers it
    const desk = this;
    this.OrderCall = class DeskOrderCall<T = unknown> extends OrderCall<T> {
      override get desk(): OrderDesk {
        return desk;
      }
    };
    this.CancelByIdCall = class DeskCancelByIdCall<T = unknown> extends CancelByIdCall<T> {
      override get desk(): OrderDesk {
        return desk;
      }
    };
    this.MultiCancelCall = class DeskMultiCancelCall<T = unknown> extends MultiCancelCall<T> {
      override get desk(): OrderDesk {
        return desk;
      }
    };
    this.ModifyCall = class DeskModifyCall<T = unknown> extends ModifyCall<T> {
      override get desk(): OrderDesk {
        return desk;
      }
    };
    this.tracker = new OrderTracker({
      feed: config.feed === undefined ? undefined : orderFeedOf(config.feed),
      lookup: config.lookup,
      maxEarlyEvents: config.maxEarlyEvents,
    });
  }

  /** How many calls are being reconciled now. */
  get reconcilingCount(): number {
    return this.reconciling.size;
  }

  /** Whether calls whose answer is lost are reconciled (`reconcile: true`). */
  get reconciles(): boolean {
    return this.config.reconcile;
  }

  /**
   * The call object for a valid request (`args`: what prepareArgs made): an OrderCall for
   * order requests, else a plain one.
   */
  makeCall(
    id: string,
    spec: OperationSpec,
    wsKey: WSAPIWsKey,
    args: unknown,
    createdAt: number,
    onUnobservedFailure: UnobservedFailureHook,
  ): WsApiCall {
    const oids = clientOidsOf(spec, args);
    const clientOid = typeof oids === 'string' ? oids : undefined;
    const clientOids = typeof oids === 'object' ? oids : undefined;
    // The operation's own row (what placesOrders and isReconcilable look up by op name).
    const role = spec.orders;
    const places = role?.places === true;
    if (places || (this.config.reconcile && role?.reconcile !== undefined)) {
      const kind = this.config.reconcile ? spec.orders?.reconcile : undefined;
      if (kind === 'cancel-batch') {
        const cancels = cancelTargetsOf(args);
        return new this.MultiCancelCall(cancels, id, spec, wsKey, createdAt, onUnobservedFailure);
      }
      if (kind === 'modify') {
        const call = new this.ModifyCall(
          this.modifyTermsOf(args, clientOid),
          symbolOf(args),
          id,
          spec,
          wsKey,
          clientOid,
          createdAt,
          onUnobservedFailure,
        );
        if (this.config.trackFromSend === true)
          call.tracked = this.tracker.track(call, true, this.replacedClientOid(spec, args, clientOid));
        return call;
      }
      const symbols = symbolsOf(args);
      const orderId = places ? undefined : cancelOrderIdOf(args, clientOid);
      if (orderId !== undefined && typeof symbols !== 'object') {
        return new this.CancelByIdCall(orderId, symbols, id, spec, wsKey, createdAt, onUnobservedFailure);
      }
      const call = new this.OrderCall(
        symbols,
        id,
        spec,
        wsKey,
        clientOid,
        clientOids,
        createdAt,
        onUnobservedFailure,
      );
      if (places && this.config.trackFromSend === true)
        call.tracked = this.tracker.track(call, true, this.replacedClientOid(spec, args, clientOid));
      return call;
    }
    return new WsApiCall(id, spec, wsKey, clientOid, clientOids, createdAt, onUnobservedFailure);
  }

  /**
   * A modify by orderId: the clientOid of the order it replaces, when the tracker follows that
   * order. The replacement keeps it, so its push events are buffered by it before the answer
   * (else they would be looked up over REST, without match prices or trade ids).
   */
  private replacedClientOid(
    spec: OperationSpec,
    args: unknown,
    clientOid: string | undefined,
  ): string | undefined {
    if (spec.op !== 'spot.modify' || clientOid !== undefined) return undefined;
    const orderId = field(args, 'orderId');
    return orderId === undefined ? undefined : this.tracker.clientOidOfOrder(orderId, 'spot');
  }

  /** What a modify asks for; by clientOid, with the orderId of the open order it replaces when tracked. */
  private modifyTermsOf(args: unknown, clientOid: string | undefined): ModifyTerms {
    const orderId = field(args, 'orderId');
    return {
      orderId,
      priorOrderId:
        orderId === undefined && clientOid !== undefined
          ? this.tracker.openOrderId(clientOid, 'spot')
          : undefined,
      newPrice: field(args, 'newPrice'),
      newSize: field(args, 'newSize'),
    };
  }

  /** `call.updates$`: tracking starts at the first subscription when it has not yet. */
  updatesOf(call: OrderCall): Observable<OrderUpdate> {
    return defer(() => {
      if (!placesOrders(call.op)) {
        return new Observable<OrderUpdate>((subscriber) =>
          call.subscribe({
            error: (e: unknown) => subscriber.error(e),
            complete: () =>
              subscriber.error(new TypeError(`${call.op} places no order: updates$ has nothing to follow`)),
          }),
        );
      }
      let tracked = call.tracked;
      if (tracked === undefined) {
        const orders = this.tracker.track(call, false);
        tracked = call.tracked = orders;
        // Settled already: the outcome is replayed at once.
        if (call.status !== 'pending') {
          call.subscribe({
            next: (response) => this.tracker.answered(orders, call.op, response),
            error: (error: unknown) => this.tracker.failed(orders, error),
          });
        }
      }
      const stream = OrderTracker.stream(tracked);
      // The call's failure reaches this subscriber through the stream: while it listens, the
      // call is observed (its failure is not reported a second time as unobserved).
      return new Observable<OrderUpdate>((subscriber) => {
        subscriber.add(call.subscribe({ error: ignore }));
        return stream.subscribe(subscriber);
      });
    });
  }

  /** A call's answer (or its reconciled response). */
  resolved(call: OrderCall, response: WSAPIResponse): void {
    if (call.tracked !== undefined) this.tracker.answered(call.tracked, call.op, response);
    if (this.config.reconcile && placesOrders(call.op)) this.noteAnswered(response.data);
    // Its late answer came while it was reconciled: the reconciliation stops.
    if (this.reconciling.size > 0 && this.reconciling.has(call)) this.waits.wake(call);
  }

  /** Keeps the orderIds an answer of an order-placing call tells (the last ANSWERED_IDS of them). */
  private noteAnswered(data: unknown): void {
    for (const item of Array.isArray(data) ? (data as unknown[]) : [data]) {
      const d = (typeof item === 'object' ? item : null) as {
        orderId?: unknown;
        newOrderId?: unknown;
      } | null;
      const id = typeof d?.newOrderId === 'string' ? d.newOrderId : d?.orderId;
      if (typeof id !== 'string' || id === '') continue;
      this.answeredIds[this.answeredNext] = id;
      this.answeredNext = (this.answeredNext + 1) % ANSWERED_IDS;
    }
  }

  /** A call failed for good. */
  rejected(call: OrderCall, error: unknown): void {
    if (call.tracked !== undefined) this.tracker.failed(call.tracked, error);
    if (this.reconciling.has(call)) this.waits.wake(call);
  }

  /**
   * Takes an outcome-unknown failure of `call` over: looks the order up and settles the call
   * later. False (the call fails as it would have) when reconciling is off, the failure is
   * another one, the call is being reconciled already, or the client is closed.
   */
  takeOver(call: OrderCall, error: unknown): boolean {
    if (!this.config.reconcile || this.waits.stoppedWith !== undefined || this.reconciling.has(call))
      return false;
    if (!isOutcomeUnknown(error) || !isReconcilable(call.op)) return false;
    this.reconciling.set(call, error);
    void reconcile(call, error, {
      lookup: this.boundedLookup,
      graceMs: this.config.graceMs,
      waits: this.waits,
      clock: this.config.clock,
      isOtherCallsOrder: (order, market, self) => {
        const claimant = this.claims.get(order.orderId);
        return (
          (claimant !== undefined && claimant !== self) ||
          this.answeredIds.includes(order.orderId) ||
          this.tracker.openOrderId(order.clientOid, market) === order.orderId
        );
      },
      claim: (order) => this.claims.set(order.orderId, call),
    }).then((outcome) => {
      this.reconciling.delete(call);
      // Its claims end: a resolved call's orderIds are among the answered ones by now.
      for (const [orderId, claimant] of this.claims) if (claimant === call) this.claims.delete(orderId);
      // undefined: its late answer settled it first.
      if (outcome === undefined) return;
      if (outcome instanceof Error) call.settleRejected(outcome);
      else call.resolve(outcome);
    });
    return true;
  }

  /**
   * The client's lookup, at most RECONCILE_CONCURRENCY at once (the rest wait their turn, oldest
   * first). Once a lookup timed out (REST accepts but does not answer), a lookup that finds no
   * free slot fails at once with that timeout, and so do those waiting, instead of each waiting
   * its turn and then restTimeoutMs: a lookup in a free slot still tries REST, and the first
   * that gets an answer ends this.
   */
  private readonly boundedLookup: OrderLookup = (params) =>
    new Promise((resolve, reject) => {
      if (this.restStalled !== undefined && this.lookupsRunning >= RECONCILE_CONCURRENCY) {
        reject(this.restStalled);
        return;
      }
      this.lookupQueue.push((stalled?: unknown) => {
        if (stalled !== undefined) {
          reject(stalled);
          return;
        }
        const stopped = this.waits.stoppedWith;
        if (stopped !== undefined) {
          // The client closed: no lookup (startLookups' loop goes on to the next).
          this.lookupsRunning--;
          reject(stopped.reason);
          return;
        }
        this.config.lookup(params).then(
          (order) => {
            this.restStalled = undefined;
            this.lookupDone();
            resolve(order);
          },
          (error: unknown) => {
            if (error instanceof TimeoutError) {
              // REST stalled: those waiting fail now, before this slot goes to one of them.
              this.restStalled = error;
              for (const waiting of this.lookupQueue.splice(0)) waiting(error);
            }
            this.lookupDone();
            reject(error);
          },
        );
      });
      this.startLookups();
    });

  private lookupDone(): void {
    this.lookupsRunning--;
    this.startLookups();
  }

  private startLookups(): void {
    while (this.lookupsRunning < RECONCILE_CONCURRENCY && this.lookupQueue.length > 0) {
      this.lookupsRunning++;
      (this.lookupQueue.shift() as () => void)();
    }
  }

  /**
   * The client closed: waits stop, calls under reconciliation fail (their cause: `reason`),
   * and tracked orders' streams error with `reason`.
   */
  close(reason: Error = new ClientClosedError({})): void {
    this.waits.stop(reason);
    // Settled now, not when their lookups end: a fetch that ignores the abort signal must not
    // keep a call pending after close(). What the lookups tell later is dropped (settled).
    for (const [call, error] of [...this.reconciling]) call.settleRejected(withCause(error, reason));
    // Queued lookups end at once with the reason (each sees the waits stopped).
    this.startLookups();
    this.tracker.close(reason);
  }
}
