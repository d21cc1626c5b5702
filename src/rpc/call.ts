import { Observable, type Subscriber, type TeardownLogic } from 'rxjs';
import type { WsApiError } from '../errors';
import type { OperationSpec, WSAPIWsKey } from '../operations';
import type { OrderUpdate } from '../push/order-update';
import { lateAnswerDisagreement } from './late-answer';
import type { WSAPIResponse } from './response';

/** The outcome of a call whose answer is not in yet. */
const PENDING: unique symbol = Symbol('pending');

/** A rejected call's outcome (a response is stored as it is). */
class Failure {
  constructor(readonly error: unknown) {}
}

type Observer<T> = Subscriber<WSAPIResponse<T>>;

/** The resolve function of a call's Promise (a rejection resolves it with a rejected promise). */
type Resolve = (value: unknown) => void;

/** Who waits for a call's outcome: a subscriber, or its Promise's resolve function. */
type Waiter<T> = Observer<T> | Resolve;

/**
 * `waiters` once the last subscriber has gone, or after a subscription to a settled call:
 * somebody did observe the call (never mutated; the array branch finds nothing in it).
 */
const DETACHED: Array<Waiter<never>> = [];

/** Told about a call that failed while nobody had awaited or subscribed to it. */
export type UnobservedFailureHook = (call: WsApiCall, error: unknown) => void;

/**
 * The unobserved-failure hook of each pending call that subscribers took over (the call holds
 * them in its place). The last one to leave before the call settles puts it back: a call every
 * subscriber left (`switchMap` dropped it, `takeUntil` fired) is unobserved again, so a failure
 * after that is still reported. Only subscribed calls have an entry: `await` keeps no hook.
 */
const displacedHooks = new WeakMap<WsApiCall, UnobservedFailureHook>();

/**
 * Captures the resolve function of a new Promise (the executor runs at once): a module
 * function, so that making a call's Promise makes no closure of its own for it.
 */
let captured: Resolve | undefined;
const capture = (resolve: (value: never) => void): void => {
  captured = resolve as Resolve;
};

/** The operation routed to another connection than its own, one object per pair. */
const routedSpecs = new WeakMap<OperationSpec, Map<string, OperationSpec>>();

/** `spec` itself on its own connection; else a copy whose `wsKey` is `wsKey` (made once per pair). */
function specOn(spec: OperationSpec, wsKey: WSAPIWsKey): OperationSpec {
  if (spec.wsKey === wsKey) return spec;
  let byKey = routedSpecs.get(spec);
  if (byKey === undefined) routedSpecs.set(spec, (byKey = new Map()));
  let routed = byKey.get(wsKey);
  if (routed === undefined) byKey.set(wsKey, (routed = Object.freeze({ ...spec, wsKey })));
  return routed;
}

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
 * flight: eight fields and one number box, nothing else until a consumer asks. Fields share
 * what never coexists: the clientOid or a batch's clientOids; the queued frame or the time it
 * was written; the client's unobserved-failure hook (needed only while nobody waits) or the
 * waiters (subscribers and the Promise's resolve function). The connection is read from
 * `spec` (the operation, routed to another connection only when the caller chose one). The
 * Promise keeps only its resolve function (a rejection resolves it with a rejected promise),
 * made without a closure of its own.
 */
export class WsApiCall<T = unknown>
  extends Observable<WSAPIResponse<T>>
  implements PromiseLike<WSAPIResponse<T>>
{
  /** The correlation id of the request frame. */
  readonly id: string;
  /**
   * @internal The operation this call runs, as routed: its `wsKey` is the call's connection
   * (the operation's own, or a copy of it made once for another connection).
   */
  readonly spec: OperationSpec;
  /** @internal performance.now() at creation: the timeout counts from here. */
  readonly createdAt: number;
  /**
   * The request frame (a string) while it waits for a ready connection, then when it was
   * written to a socket (performance.now(), a number: `createdAt` itself when written at
   * once, the same number and no new box); undefined before either, and a settled call drops
   * its frame. Protected for OrderCall's `sentAt` accessors, which write it directly: a
   * `super.sentAt = …` store is a V8 runtime call (SetPropertyInternal in a perf profile).
   * @internal
   */
  protected wire: string | number | undefined = undefined;
  /** A clientOid, a batch's clientOids, or undefined: a call has one or the other. */
  private readonly oids: string | readonly string[] | undefined;
  /** PENDING, then the response, or a Failure. */
  private outcome: unknown = PENDING;
  /**
   * Who waits: one waiter, an array of them, DETACHED, or undefined. While nobody has
   * observed the call it holds the client's unobserved-failure hook instead (or undefined):
   * a function here is the hook exactly when the call has no Promise, since making the
   * Promise replaces the hook with the Promise's resolve function. See `waiting`.
   */
  // Typed without T so that a WsApiCall<Specific> is assignable to WsApiCall<unknown>.
  private waiters: Waiter<never> | Array<Waiter<never>> | UnobservedFailureHook | undefined;
  private promise: Promise<WSAPIResponse<T>> | undefined = undefined;

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
    this.spec = specOn(spec, wsKey);
    this.oids = clientOids ?? clientOid;
    this.createdAt = createdAt;
    this.waiters = onUnobservedFailure;
  }

  /** The connection that carries the request. */
  get wsKey(): WSAPIWsKey {
    return this.spec.wsKey;
  }

  /**
   * @internal When the frame was written to a socket (performance.now()), or undefined while
   * not written.
   */
  get sentAt(): number | undefined {
    const wire = this.wire;
    return typeof wire === 'number' ? wire : undefined;
  }

  set sentAt(at: number | undefined) {
    this.wire = at;
  }

  /** @internal The request frame while it waits for a ready connection; dropped once written. */
  get frame(): string | undefined {
    const wire = this.wire;
    return typeof wire === 'string' ? wire : undefined;
  }

  set frame(frame: string | undefined) {
    this.wire = frame;
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
    return this.promise !== undefined || this.waiting !== undefined;
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
      this.addWaiter(subscriber as Observer<never>);
      return () => this.removeObserver(subscriber as Observer<never>);
    }
    if (this.waiting === undefined) this.waiters = DETACHED;
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
        const promise = new Promise<WSAPIResponse<T>>(capture);
        const resolve = captured as Resolve;
        captured = undefined;
        // Before `promise` is set: until then `waiting` tells the hook from a waiter.
        this.addWaiter(resolve);
        this.promise = promise;
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
   * @internal Its answer (a response, or the error it reads as) came after its timeout had
   * settled it (reconciled, or failed as outcome unknown): the error that says how the answer
   * disagrees or what outcome it tells, or undefined when it agrees.
   */
  answeredLate(answer: WSAPIResponse<T> | WsApiError): WsApiError | undefined {
    return lateAnswerDisagreement(this, answer);
  }

  /** @internal Settles with the response; false if already settled. */
  resolve(response: WSAPIResponse<T>): boolean {
    if (this.outcome !== PENDING) return false;
    const waiters = this.waiting;
    this.outcome = response;
    this.dropFrame();
    this.waiters = undefined;
    if (waiters === undefined) return true;
    if (Array.isArray(waiters)) for (const w of waiters) fulfil(w, response);
    else fulfil(waiters, response);
    return true;
  }

  /**
   * @internal Settles with an error; false if already settled. A call nobody has observed yet
   * goes to the unobserved-failure hook, which decides later whether anybody did.
   */
  reject(error: unknown): boolean {
    if (this.outcome !== PENDING) return false;
    const waiters = this.waiting;
    const hook = waiters === undefined ? (this.waiters as UnobservedFailureHook | undefined) : undefined;
    this.outcome = new Failure(error);
    this.dropFrame();
    if (waiters === undefined) {
      this.waiters = undefined;
      hook?.(this, error);
      return true;
    }
    this.waiters = DETACHED;
    if (Array.isArray(waiters)) for (const w of waiters) fail(w, error);
    else fail(waiters, error);
    return true;
  }

  /** The waiters, or undefined while nobody has observed the call (`waiters` may hold the hook then). */
  private get waiting(): Waiter<never> | Array<Waiter<never>> | undefined {
    const waiters = this.waiters;
    return typeof waiters === 'function' && this.promise === undefined
      ? undefined
      : (waiters as Waiter<never> | Array<Waiter<never>> | undefined);
  }

  private addWaiter(w: Waiter<never>): void {
    const current = this.waiting;
    const hook = this.waiters;
    // The first subscriber in place of the hook (not the Promise, which observes for good).
    if (current === undefined && typeof hook === 'function' && typeof w !== 'function')
      displacedHooks.set(this, hook as UnobservedFailureHook);
    if (current === undefined || current === DETACHED) this.waiters = w;
    else if (Array.isArray(current)) current.push(w);
    else this.waiters = [current, w];
  }

  private removeObserver(o: Observer<never>): void {
    const current = this.waiters;
    if (current === o) this.waiters = this.nobodyLeft();
    else if (Array.isArray(current)) {
      const i = current.indexOf(o);
      if (i >= 0) current.splice(i, 1);
      if (current.length === 0) this.waiters = this.nobodyLeft();
    }
  }

  /**
   * What `waiters` holds once the last subscriber has left: while pending with no Promise, the
   * hook again (the call is unobserved again), else DETACHED.
   */
  private nobodyLeft(): Waiter<never> | Array<Waiter<never>> | UnobservedFailureHook {
    const hook =
      this.outcome === PENDING && this.promise === undefined ? displacedHooks.get(this) : undefined;
    return hook ?? DETACHED;
  }

  /** A settled call keeps when it was written (`sent`), never its frame. */
  private dropFrame(): void {
    if (typeof this.wire === 'string') this.wire = undefined;
  }
}

/** Tells a waiter the response. */
function fulfil(w: Waiter<never>, response: WSAPIResponse): void {
  if (typeof w === 'function') w(response);
  else {
    w.next(response as never);
    w.complete();
  }
}

/** Tells a waiter the error. */
function fail(w: Waiter<never>, error: unknown): void {
  // Adopting a rejected promise rejects the call's Promise. Its handler is attached in the
  // next microtask, before Node looks for unhandled rejections.
  if (typeof w === 'function') w(Promise.reject(error));
  else w.error(error);
}
