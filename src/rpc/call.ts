import { Observable, type Subscriber, type TeardownLogic } from 'rxjs';
import type { WsApiError } from '../errors';
import type { OperationSpec, WSAPIWsKey } from '../operations';
import type { OrderUpdate } from '../push/order-update';
import type { WSAPIResponse } from './response';

/** The outcome of a call whose answer is not in yet. */
const PENDING: unique symbol = Symbol('pending');

/** A rejected call's outcome (a response is stored as it is). */
class Failure {
  constructor(readonly error: unknown) {}
}

type Observer<T> = Subscriber<WSAPIResponse<T>>;

/**
 * `observers` once the last subscriber has gone, or after a subscription to a settled call:
 * somebody did observe the call (never mutated; the array branch finds nothing in it).
 */
const DETACHED: Array<Observer<never>> = [];

/** Told about a call that failed while nobody had awaited or subscribed to it. */
export type UnobservedFailureHook = (call: WsApiCall, error: unknown) => void;

/** Where a call stands: waiting for its answer, or settled one way for good. */
export type CallStatus = 'pending' | 'resolved' | 'rejected';

/**
 * One request: a Promise and an Observable of the same single outcome.
 *
 * The frame is sent once, when the method is called; awaiting, subscribing, re-subscribing or
 * `retry()` only replay the outcome. The call holds its outcome and a tiny list of observers
 * instead of a Subject (it is its own Observable: subscribing runs `_subscribe`), and makes its
 * Promise only when asked: a caller that only subscribes never creates a Promise, so it
 * never sees an unhandled rejection.
 *
 * Every pending call lives until its answer, so its size is the client's memory per call in
 * flight: twelve fields (one for the clientOid or the batch's clientOids, one for the state
 * and outcome together, one for the client's shared unobserved-failure hook), one number box, nothing else until a consumer asks. The Promise
 * keeps only its resolve function (a rejection resolves it with a rejected promise), so a
 * pending awaited call holds one resolving function instead of two.
 */
export class WsApiCall<T = unknown>
  extends Observable<WSAPIResponse<T>>
  implements PromiseLike<WSAPIResponse<T>>
{
  /** The correlation id of the request frame. */
  readonly id: string;
  /** The connection that carries the request. */
  readonly wsKey: WSAPIWsKey;
  /** @internal The operation this call runs. */
  readonly spec: OperationSpec;
  /** @internal performance.now() at creation: the timeout counts from here. */
  readonly createdAt: number;
  /**
   * @internal When the frame was written to a socket (performance.now()), or undefined while
   * not written. Written at once, it is `createdAt` itself (the same number, no new box).
   */
  sentAt: number | undefined = undefined;
  /** @internal The request frame while it waits for a ready connection; dropped once written. */
  frame: string | undefined = undefined;

  /** A clientOid, a batch's clientOids, or undefined: a call has one or the other. */
  private readonly oids: string | readonly string[] | undefined;
  /** PENDING, then the response, or a Failure. */
  private outcome: unknown = PENDING;
  private observers: Observer<T> | Array<Observer<T>> | undefined = undefined;
  private promise: Promise<WSAPIResponse<T>> | undefined = undefined;
  // Typed without T so that a WsApiCall<Specific> is assignable to WsApiCall<unknown>.
  private resolvePromise: ((value: unknown) => void) | undefined = undefined;
  private readonly onUnobservedFailure: UnobservedFailureHook | undefined;

  constructor(
    id: string,
    spec: OperationSpec,
    wsKey: WSAPIWsKey,
    clientOid: string | undefined,
    clientOids: readonly string[] | undefined,
    createdAt: number,
    onUnobservedFailure?: UnobservedFailureHook,
  ) {
    // No subscribe function: subscribing runs `_subscribe` below, from the prototype, so a call
    // carries no closure of its own for it.
    super();
    this.id = id;
    this.spec = spec;
    this.wsKey = wsKey;
    this.oids = clientOids ?? clientOid;
    this.createdAt = createdAt;
    this.onUnobservedFailure = onUnobservedFailure;
  }

  /** The order's clientOid (filled in when the caller left it out), or undefined. */
  get clientOid(): string | undefined {
    const oids = this.oids;
    return typeof oids === 'string' ? oids : undefined;
  }

  /** A batch's clientOids (futures.multi_order), one per order, or undefined. */
  get clientOids(): readonly string[] | undefined {
    const oids = this.oids;
    return typeof oids === 'object' ? oids : undefined;
  }

  /** The operation, e.g. 'spot.order'. */
  get op(): string {
    return this.spec.op;
  }

  /** 'pending' until the answer (or a failure) arrives, then 'resolved' or 'rejected' for good. */
  get status(): CallStatus {
    const outcome = this.outcome;
    return outcome === PENDING ? 'pending' : outcome instanceof Failure ? 'rejected' : 'resolved';
  }

  /**
   * @internal Whether anybody ever awaited it (then/catch/finally/toPromise) or subscribed to it
   * (a subscription that has ended counts).
   */
  get observed(): boolean {
    return this.promise !== undefined || this.observers !== undefined;
  }

  /**
   * Whether the request frame was handed to a socket (written, not necessarily delivered):
   * once true, a failure leaves the outcome unknown; while false, the gateway cannot have
   * seen the request.
   */
  get sent(): boolean {
    return this.sentAt !== undefined;
  }

  /**
   * The call itself, kept as an alias from before calls were Observables: emits the response
   * and completes, or errors with the typed error.
   */
  get response$(): Observable<WSAPIResponse<T>> {
    return this;
  }

  /**
   * The order's events from placement to its terminal event, then completes (order-placing
   * calls: spot.order, spot.sync_order, spot.modify, margin.order, futures.order,
   * futures.multi_order). A call that failed errors with its error; any other call has no
   * order to follow and errors with a TypeError once it settles.
   */
  get updates$(): Observable<OrderUpdate> {
    return new Observable<OrderUpdate>((subscriber) =>
      this.subscribe({
        error: (error: unknown) => subscriber.error(error),
        complete: () =>
          subscriber.error(new TypeError(`${this.op} places no order: updates$ has nothing to follow`)),
      }),
    );
  }

  /**
   * What subscribing runs (the Observable's subscribe function, as rxjs' own Subject overrides
   * it): never sends anything; late subscribers get the settled outcome at once.
   * @internal
   */
  protected _subscribe(subscriber: Subscriber<WSAPIResponse<T>>): TeardownLogic {
    const outcome = this.outcome;
    if (outcome === PENDING) {
      this.addObserver(subscriber);
      return () => this.removeObserver(subscriber);
    }
    this.observers ??= DETACHED as Array<Observer<T>>;
    if (outcome instanceof Failure) {
      subscriber.error(outcome.error);
    } else {
      subscriber.next(outcome as WSAPIResponse<T>);
      subscriber.complete();
    }
    return undefined;
  }

  /** Awaiting a call gives its response, or throws its typed error. */
  then<R1 = WSAPIResponse<T>, R2 = never>(
    onfulfilled?: ((value: WSAPIResponse<T>) => R1 | PromiseLike<R1>) | null,
    onrejected?: ((reason: unknown) => R2 | PromiseLike<R2>) | null,
  ): Promise<R1 | R2> {
    return this.toPromise().then(onfulfilled, onrejected);
  }

  /** As Promise.prototype.catch. */
  catch<R = never>(
    onrejected?: ((reason: unknown) => R | PromiseLike<R>) | null,
  ): Promise<WSAPIResponse<T> | R> {
    return this.toPromise().catch(onrejected);
  }

  /** As Promise.prototype.finally. */
  finally(onfinally?: (() => void) | null): Promise<WSAPIResponse<T>> {
    return this.toPromise().finally(onfinally);
  }

  /** Makes a call assignable where kucoin-api's users wrote `Promise<WSAPIResponse<T>>`. */
  get [Symbol.toStringTag](): string {
    return 'WsApiCall';
  }

  /** The outcome as a native Promise (created once, on first use). */
  override toPromise(): Promise<WSAPIResponse<T>> {
    if (this.promise === undefined) {
      const outcome = this.outcome;
      if (outcome instanceof Failure) this.promise = Promise.reject(outcome.error);
      else if (outcome !== PENDING) this.promise = Promise.resolve(outcome as WSAPIResponse<T>);
      else {
        this.promise = new Promise<WSAPIResponse<T>>((resolve) => {
          this.resolvePromise = resolve as (value: unknown) => void;
        });
      }
    }
    return this.promise;
  }

  /** A summary for logs; never the request's parameters. */
  toJSON(): Record<string, unknown> {
    return { id: this.id, op: this.op, wsKey: this.wsKey, clientOid: this.clientOid, status: this.status };
  }

  /** @internal How it settled: its response, or `{ error }`; undefined while pending. */
  get settledWith(): { readonly response: WSAPIResponse<T> } | { readonly error: unknown } | undefined {
    const outcome = this.outcome;
    if (outcome === PENDING) return undefined;
    return outcome instanceof Failure ? outcome : { response: outcome as WSAPIResponse<T> };
  }

  /**
   * @internal Its answer (a response, or the error it reads as) came after it had settled
   * without it: the error that says how the answer disagrees, or undefined. Only an order call
   * reconciled after a timeout settles before its answer; a plain call never does.
   */
  answeredLate(_answer: WSAPIResponse<T> | WsApiError): WsApiError | undefined {
    return undefined;
  }

  /** @internal Settles with the response; false if already settled. */
  resolve(response: WSAPIResponse<T>): boolean {
    if (this.outcome !== PENDING) return false;
    this.outcome = response;
    this.frame = undefined;
    if (this.resolvePromise !== undefined) {
      this.resolvePromise(response);
      this.resolvePromise = undefined;
    }
    const observers = this.observers;
    if (observers !== undefined) {
      this.observers = undefined;
      if (Array.isArray(observers)) {
        for (const o of observers) {
          o.next(response);
          o.complete();
        }
      } else {
        observers.next(response);
        observers.complete();
      }
    }
    return true;
  }

  /**
   * @internal Settles with an error; false if already settled. A call nobody has observed yet
   * goes to the unobserved-failure hook, which decides later whether anybody did.
   */
  reject(error: unknown): boolean {
    if (this.outcome !== PENDING) return false;
    this.outcome = new Failure(error);
    this.frame = undefined;
    if (this.resolvePromise !== undefined) {
      // Adopting a rejected promise rejects ours. Its handler is attached in the next
      // microtask, before Node looks for unhandled rejections.
      this.resolvePromise(Promise.reject(error));
      this.resolvePromise = undefined;
    }
    const observers = this.observers;
    if (observers !== undefined) {
      this.observers = DETACHED as Array<Observer<T>>;
      if (Array.isArray(observers)) for (const o of observers) o.error(error);
      else observers.error(error);
    } else if (this.promise === undefined) {
      this.onUnobservedFailure?.(this, error);
    }
    return true;
  }

  private addObserver(o: Observer<T>): void {
    const current = this.observers;
    if (current === undefined || current === DETACHED) this.observers = o;
    else if (Array.isArray(current)) current.push(o);
    else this.observers = [current, o];
  }

  private removeObserver(o: Observer<T>): void {
    const current = this.observers;
    if (current === o) this.observers = DETACHED as Array<Observer<T>>;
    else if (Array.isArray(current)) {
      const i = current.indexOf(o);
      if (i >= 0) current.splice(i, 1);
    }
  }
}
