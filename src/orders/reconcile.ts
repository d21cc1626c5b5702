/**
 * `reconcile: true`: a written order request whose answer was lost (the link died, or no answer
 * came in time) is looked up over REST (by clientOid; a cancel by orderId, by its orderId)
 * instead of failing as "outcome unknown".
 * It resolves with a response built from the order the exchange shows (marked
 * `reconciled: true`), or rejects with a definite OrderNotPlacedError / CancelNotAppliedError,
 * or, when REST cannot tell, with the original error and the REST failure as its `cause`.
 * Nothing is ever re-sent: this only reads.
 */
import { CODES } from '../codecs/codes';
import {
  CancelNotAppliedError,
  CLIENT_ERROR_CODES,
  DisconnectedError,
  ModifyNotAppliedError,
  notCanceledReason,
  OrderNotPlacedError,
  ProtocolError,
  RateLimitError,
  TimeoutError,
  type WsApiError,
} from '../errors';
import type { LookupOrderParams } from '../rest/lookup-order';
import type { OrderMarket, OrderSnapshot } from '../rest/order-snapshot';
import type { WsApiCall } from '../rpc/call';
import { detailsOf, requestDetails } from '../rpc/error-details';
import type { WSAPIResponse } from '../rpc/response';
import { safeDelay } from '../safe-delay';
import type { CancelTarget, ModifyTerms } from './order-call';
import { orderRoleOf } from '../operations';

/** Looks an order up by clientOid or orderId (the client's `lookupOrder`). */
export type OrderLookup = (params: LookupOrderParams) => Promise<OrderSnapshot | null>;

/** Whether an op's lost answer can be reconciled (by clientOid or a cancel's orderId, given the symbol). */
export function isReconcilable(op: string): boolean {
  return orderRoleOf(op)?.reconcile !== undefined;
}

/**
 * The failures that leave an order request's outcome unknown: the link died after it was
 * written, or it was written and no answer came in time. (`ClientClosedError` with
 * `sent: true` is one too, but a closed client looks nothing up.)
 */
export function isOutcomeUnknown(error: unknown): error is DisconnectedError | TimeoutError {
  return error instanceof DisconnectedError || (error instanceof TimeoutError && error.sent);
}

/** The outcome-unknown error again, with `cause` saying why reconciling could not tell. */
export function withCause(error: DisconnectedError | TimeoutError, cause: unknown): WsApiError {
  const details = { ...detailsOf(error), cause };
  return error instanceof TimeoutError
    ? new TimeoutError({ ...details, timeoutMs: error.timeoutMs, sent: true, msg: error.msg })
    : new DisconnectedError(details);
}

/** A call that can be reconciled: with the symbol(s) a lookup needs. */
export interface Reconcilable extends WsApiCall {
  /** The order's symbol, or each batch order's symbol (in the batch's order). */
  readonly symbols: string | readonly string[] | undefined;
  /** The orderId a cancel by orderId names (then it has no clientOid). */
  readonly orderId?: string;
  /** The orders a batch cancel names, in its answer's order. */
  readonly cancels?: readonly CancelTarget[];
  /** What a modify asked for. */
  readonly modify?: ModifyTerms;
}

/** Timed waits (see {@link Waits}). */
export interface Sleeper {
  sleep(ms: number): Promise<void>;
}

/**
 * How much earlier than a call's send time (both in server time) an order found by the call's
 * clientOid may say it was created and still count as placed by the call (ms), on top of the
 * error bound of the clock offset (half the round trip of the server-time request that
 * measured it): for the exchange's own clocks and millisecond rounding. The request also
 * reaches the exchange one network hop after it was sent, which only adds to the slack.
 */
export const CREATED_BEFORE_SEND_MARGIN_MS = 25;

/** How long a server-clock measurement made for reconcile is trusted (ms). */
const CLOCK_FRESH_MS = 60_000;

/** The exchange's clock, as reconcile reads it to tell a call's order from an earlier one. */
export interface ReconcileClock {
  /** Now in server time: the local clock plus the offset in use (ms since the epoch). */
  serverNow(): number;
  /**
   * The error bound of the offset in use (ms), once it is fresh: measures the server clock
   * first when it was not measured here within a minute. Rejects when it cannot be read.
   */
  errorBound(): Promise<number>;
}

/**
 * A ReconcileClock over the client's clock: `measure` reads the server clock and adopts its
 * offset; the time it took gives the offset's error bound (half of it). Concurrent
 * reconciliations share one measurement, and one is trusted for a minute.
 */
export function reconcileClock(
  serverNow: () => number,
  measure: () => Promise<unknown>,
  now: () => number = () => performance.now(),
): ReconcileClock {
  let fresh: { at: number; bound: number } | undefined;
  let measuring: Promise<number> | undefined;
  return {
    serverNow,
    errorBound: () => {
      if (fresh !== undefined && now() - fresh.at < CLOCK_FRESH_MS) return Promise.resolve(fresh.bound);
      measuring ??= (async () => {
        const t0 = now();
        await measure();
        const t1 = now();
        fresh = { at: t1, bound: (t1 - t0) / 2 };
        return fresh.bound;
      })().finally(() => (measuring = undefined));
      return measuring;
    },
  };
}

/** What a reconciliation needs from the client. */
export interface ReconcileDeps {
  readonly lookup: OrderLookup;
  /** The second lookup of an order not found (or a cancel not applied) waits this long (ms). */
  readonly graceMs: number;
  /** Stopped when the client closes: waits end at once with its reason. */
  readonly waits: Sleeper;
  /** The server clock; without it, the creation time of an order found is not checked. */
  readonly clock?: ReconcileClock;
  /** Whether this client knows `order` as another call's (answered, or tracked and open). */
  readonly isOtherCallsOrder?: (order: OrderSnapshot, market: OrderMarket) => boolean;
}

/** How often a lookup refused with 429000 is tried again (after the quota's reset). */
const RATE_LIMIT_RETRIES = 3;
/** The longest wait for a quota reset before trying a lookup again (ms). */
const MAX_RATE_LIMIT_WAIT_MS = 10_000;
/** Lookups of a batch's orders in flight at once. */
const BATCH_CONCURRENCY = 4;

/**
 * Timed waits that all stop at once when the client closes (each then rejects with the reason),
 * leaving no timer behind. One registry instead of an abort listener per wait: thousands of
 * orders may wait at the same time.
 */
export class Waits {
  private readonly pending = new Set<{
    timer: ReturnType<typeof setTimeout>;
    resolve: () => void;
    reject: (e: unknown) => void;
    key: object | undefined;
  }>();
  private stopped: { reason: unknown } | undefined = undefined;

  /** Whether `stop()` ran. */
  get stoppedWith(): { reason: unknown } | undefined {
    return this.stopped;
  }

  /** Resolves after `ms` (or at `wake(key)`), or rejects with the stop reason. */
  sleep(ms: number, key?: object): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      if (this.stopped !== undefined) {
        reject(this.stopped.reason);
        return;
      }
      const entry = {
        timer: setTimeout(() => {
          this.pending.delete(entry);
          resolve();
        }, safeDelay(ms)),
        resolve,
        reject,
        key,
      };
      this.pending.add(entry);
    });
  }

  /** Ends the waits made with `key` now (they resolve early). */
  wake(key: object): void {
    for (const entry of this.pending) {
      if (entry.key !== key) continue;
      clearTimeout(entry.timer);
      this.pending.delete(entry);
      entry.resolve();
    }
  }

  /** Stops every wait now and every later one at once, with `reason`. */
  stop(reason: unknown): void {
    if (this.stopped !== undefined) return;
    this.stopped = { reason };
    for (const { timer, reject } of this.pending) {
      clearTimeout(timer);
      reject(reason);
    }
    this.pending.clear();
  }
}

/** A lookup that waits out a 429000 (up to RATE_LIMIT_RETRIES times); other failures throw. */
export async function lookupPolitely(
  deps: Pick<ReconcileDeps, 'lookup' | 'waits'>,
  params: LookupOrderParams,
): Promise<OrderSnapshot | null> {
  for (let attempt = 0; ; attempt++) {
    try {
      return await deps.lookup(params);
    } catch (error) {
      if (!(error instanceof RateLimitError) || attempt >= RATE_LIMIT_RETRIES) throw error;
      await deps.waits.sleep(Math.min(MAX_RATE_LIMIT_WAIT_MS, Math.max(error.reset, 100 * 2 ** attempt)));
    }
  }
}

/** `items` mapped by `fn`, at most `limit` at a time, in order. */
export async function mapLimited<A, B>(
  items: readonly A[],
  limit: number,
  fn: (item: A) => Promise<B>,
): Promise<B[]> {
  const out = new Array<B>(items.length);
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < items.length) {
      const i = next++;
      out[i] = await fn(items[i] as A);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return out;
}

/** Thrown inside a reconciliation whose call settled meanwhile (its late answer came): it stops. */
const SETTLED: unique symbol = Symbol('settled meanwhile');

/**
 * The deps of one call's reconciliation: each lookup and wait first checks that the call is
 * still pending, and stops the reconciliation (throws SETTLED) once it is not. `waits` must end
 * a wait made with the call as its key when the call settles (Waits.wake).
 */
function stoppingDeps(target: Reconcilable, deps: ReconcileDeps & { waits: Waits }): ReconcileDeps {
  const check = (): void => {
    if (target.status !== 'pending') throw SETTLED;
  };
  return {
    graceMs: deps.graceMs,
    clock: deps.clock,
    isOtherCallsOrder: deps.isOtherCallsOrder,
    lookup: async (params) => {
      check();
      const order = await deps.lookup(params);
      check();
      return order;
    },
    waits: {
      sleep: async (ms) => {
        check();
        await deps.waits.sleep(ms, target);
        check();
      },
    },
  };
}

/**
 * Learns what became of `target.call`, whose answer was lost with `error`, and says how the
 * call settles: a response built from the order, or the error to reject it with; undefined when
 * the call settled meanwhile (its answer came late, and settled it), which stops it. Never throws.
 */
export async function reconcile(
  target: Reconcilable,
  error: DisconnectedError | TimeoutError,
  waitingDeps: ReconcileDeps & { waits: Waits },
): Promise<WSAPIResponse | WsApiError | undefined> {
  const call = target;
  const plan = orderRoleOf(call.op);
  const deps = stoppingDeps(target, waitingDeps);
  try {
    if (plan?.reconcile === undefined) return error;
    if (plan.reconcile === 'cancel') return await reconcileCancel(target, plan.market, error, deps);
    if (plan.reconcile === 'cancel-batch') return await reconcileCancels(target, error, deps);
    if (plan.reconcile === 'modify') return await reconcileModify(target, error, deps);
    if (call.clientOids !== undefined) return await reconcileBatch(target, error, deps);
    return await reconcilePlacement(target, plan.market, error, deps);
  } catch (failure) {
    return failure === SETTLED ? undefined : withCause(error, failure);
  }
}

function symbolAt(target: Reconcilable, i: number): string | undefined {
  const s = target.symbols;
  return typeof s === 'string' ? s : s?.[i];
}

async function reconcilePlacement(
  target: Reconcilable,
  market: OrderMarket,
  error: DisconnectedError | TimeoutError,
  deps: ReconcileDeps,
): Promise<WSAPIResponse | WsApiError> {
  const call = target;
  const clientOid = call.clientOid;
  if (clientOid === undefined) return error;
  const params: LookupOrderParams = { clientOid, market, symbol: symbolAt(target, 0) };
  const placedBy = placedByCall(target, market, deps);
  let order = await lookupPolitely(deps, params);
  if (order === null || !(await placedBy(order))) {
    await deps.waits.sleep(deps.graceMs);
    order = await lookupPolitely(deps, params);
  }
  if (order === null || !(await placedBy(order)))
    return new OrderNotPlacedError({ ...requestDetails(call), cause: error });
  return envelope(call, placedData(call.op, order), order.createdAt);
}

/**
 * Whether an order found by `target`'s clientOid may be the one `target` placed. A clientOid can
 * name several orders (the exchange takes it again once an order is done, and a retry or a
 * second instance may reuse it): an order this client follows as another call's is not, nor is
 * one created before the call was sent: its createdAt against the send time in server time (by
 * a freshly measured offset), less the offset's error bound and CREATED_BEFORE_SEND_MARGIN_MS.
 */
function placedByCall(
  target: Reconcilable,
  market: OrderMarket,
  deps: ReconcileDeps,
): (order: OrderSnapshot) => Promise<boolean> {
  // The send time on the monotonic clock; mapped to server time when an order is judged.
  const sentAt = target.sentAt ?? target.createdAt;
  return async (order) => {
    if (deps.isOtherCallsOrder?.(order, market) === true) return false;
    const clock = deps.clock;
    if (clock === undefined) return true;
    const bound = await clock.errorBound();
    const sentServerTime = clock.serverNow() - (performance.now() - sentAt);
    return order.createdAt >= sentServerTime - bound - CREATED_BEFORE_SEND_MARGIN_MS;
  };
}

async function reconcileBatch(
  target: Reconcilable,
  error: DisconnectedError | TimeoutError,
  deps: ReconcileDeps,
): Promise<WSAPIResponse | WsApiError> {
  const call = target;
  const oids = call.clientOids ?? [];
  const params = oids.map((clientOid, i): LookupOrderParams => ({
    clientOid,
    market: 'futures',
    symbol: symbolAt(target, i),
  }));
  // An order that is not this call's (see placedByCall) counts as not found.
  const placedBy = placedByCall(target, 'futures', deps);
  const look = async (p: LookupOrderParams): Promise<OrderSnapshot | null> => {
    const order = await lookupPolitely(deps, p);
    return order !== null && (await placedBy(order)) ? order : null;
  };
  const orders = await mapLimited(params, BATCH_CONCURRENCY, look);
  const missing = params.filter((_, i) => orders[i] === null);
  if (missing.length > 0) {
    await deps.waits.sleep(deps.graceMs);
    const again = await mapLimited(missing, BATCH_CONCURRENCY, look);
    let k = 0;
    for (let i = 0; i < orders.length; i++) if (orders[i] === null) orders[i] = again[k++] ?? null;
  }
  if (orders.every((o) => o === null)) {
    return new OrderNotPlacedError({ ...requestDetails(call), clientOids: oids, cause: error });
  }
  const items = params.map((p, i) => {
    const order = orders[i] ?? null;
    return order === null
      ? {
          orderId: null,
          clientOid: p.clientOid,
          symbol: p.symbol ?? '',
          code: 'ORDER_NOT_PLACED',
          msg: 'the answer was lost and the exchange has no such order: not placed',
        }
      : {
          orderId: order.orderId,
          clientOid: order.clientOid,
          symbol: order.symbol,
          code: CODES.SUCCESS,
          msg: '',
        };
  });
  const at = Math.max(...orders.map((o) => o?.createdAt ?? 0));
  return envelope(call, items, at);
}

async function reconcileCancel(
  target: Reconcilable,
  market: OrderMarket,
  error: DisconnectedError | TimeoutError,
  deps: ReconcileDeps,
): Promise<WSAPIResponse | WsApiError> {
  const call = target;
  const { clientOid, orderId } = target;
  const symbol = symbolAt(target, 0);
  // Looked up by what the cancel named the order by.
  const params: LookupOrderParams | undefined =
    clientOid !== undefined
      ? { clientOid, market, symbol }
      : orderId !== undefined
        ? { orderId, market, symbol }
        : undefined;
  if (params === undefined) return error;
  let order = await lookupPolitely(deps, params);
  if (!canceled(order) && (order === null || order.status === 'open')) {
    await deps.waits.sleep(deps.graceMs);
    order = await lookupPolitely(deps, params);
  }
  if (order === null || !canceled(order)) {
    return new CancelNotAppliedError({
      ...requestDetails(call, order ?? undefined),
      order,
      cause: error,
    });
  }
  return envelope(call, canceledData(call.op, order, orderId !== undefined), order.updatedAt);
}

/**
 * A batch cancel (futures.multi_cancel), order by order: each named order is looked up (those
 * not canceled and still open or unknown once more after the grace), and the answer is built
 * as the gateway's is, one item per named order: '200000' for an order the exchange shows
 * canceled, CANCEL_NOT_APPLIED (with why) for one it shows open, done without a cancel, or not
 * at all. A lookup that fails leaves the whole call outcome unknown.
 */
async function reconcileCancels(
  target: Reconcilable,
  error: DisconnectedError | TimeoutError,
  deps: ReconcileDeps,
): Promise<WSAPIResponse | WsApiError> {
  const call = target;
  const cancels = target.cancels ?? [];
  if (cancels.length === 0) return error;
  const params = cancels.map((c): LookupOrderParams =>
    c.orderId !== undefined
      ? { orderId: c.orderId, market: 'futures' }
      : { clientOid: c.clientOid, market: 'futures', symbol: c.symbol },
  );
  const look = (p: LookupOrderParams): Promise<OrderSnapshot | null> => lookupPolitely(deps, p);
  const orders = await mapLimited(params, BATCH_CONCURRENCY, look);
  // Not canceled yet but may still be (open, or not visible yet): once more after the grace.
  const undecided = orders.flatMap((o, i) =>
    !canceled(o) && (o === null || o.status === 'open') ? [i] : [],
  );
  if (undecided.length > 0) {
    await deps.waits.sleep(deps.graceMs);
    const again = await mapLimited(
      undecided.map((i) => params[i] as LookupOrderParams),
      BATCH_CONCURRENCY,
      look,
    );
    undecided.forEach((i, k) => (orders[i] = again[k] ?? null));
  }
  const items = cancels.map((c, i) => {
    const order = orders[i] ?? null;
    return order !== null && canceled(order)
      ? { orderId: order.orderId, clientOid: order.clientOid, code: CODES.SUCCESS, msg: '' }
      : {
          orderId: order?.orderId ?? c.orderId ?? null,
          clientOid: order?.clientOid ?? c.clientOid ?? null,
          code: CLIENT_ERROR_CODES.NOT_CANCELED,
          msg: notCanceledReason(order),
        };
  });
  const at = Math.max(0, ...orders.map((o) => o?.updatedAt ?? 0));
  return envelope(call, items, at > 0 ? at : Date.now());
}

/** What the lookups tell of a modify. */
type ModifyVerdict =
  | {
      readonly kind: 'applied';
      readonly data: { newOrderId: string; clientOid: string };
      readonly at: number;
    }
  /** No replacement was placed; `final`: looking again later cannot change that (the order filled). */
  | { readonly kind: 'not-applied'; readonly order: OrderSnapshot | null; readonly final: boolean }
  | { readonly kind: 'undecided'; readonly why: string };

/**
 * A modify (spot.modify, cancel-and-replace: the order named is canceled and a replacement with
 * the same clientOid, a new orderId and the new terms placed). It took effect when the order
 * it named is canceled and the latest order with that clientOid is a newer one with the new
 * terms (or, when newSize does not exceed what had filled, when the order is just canceled);
 * it did not when the order is still open, filled, unknown, or canceled with no newer order
 * under its clientOid. A modify by clientOid needs the replaced order's orderId to tell the two
 * apart (the tracker's, when it followed that order); without it only "no such order" is
 * definite, and the rest stays outcome unknown.
 */
async function reconcileModify(
  target: Reconcilable,
  error: DisconnectedError | TimeoutError,
  deps: ReconcileDeps,
): Promise<WSAPIResponse | WsApiError> {
  const call = target;
  const terms = target.modify;
  const symbol = symbolAt(target, 0);
  if (terms === undefined || symbol === undefined) return error;
  const decide = (): Promise<ModifyVerdict> => modifyVerdict(target, terms, symbol, deps);
  let verdict = await decide();
  if (verdict.kind !== 'applied' && !(verdict.kind === 'not-applied' && verdict.final)) {
    await deps.waits.sleep(deps.graceMs);
    verdict = await decide();
  }
  switch (verdict.kind) {
    case 'applied':
      return envelope(call, verdict.data, verdict.at);
    case 'not-applied':
      return new ModifyNotAppliedError({
        ...requestDetails(call, verdict.order ?? undefined),
        order: verdict.order,
        cause: error,
      });
    default:
      return withCause(error, new Error(`reconcile could not tell: ${verdict.why}`));
  }
}

async function modifyVerdict(
  target: Reconcilable,
  terms: ModifyTerms,
  symbol: string,
  deps: ReconcileDeps,
): Promise<ModifyVerdict> {
  const oldId = terms.orderId ?? terms.priorOrderId;
  if (oldId === undefined) {
    const clientOid = target.clientOid as string;
    const latest = await lookupPolitely(deps, { clientOid, market: 'spot', symbol });
    if (latest === null) return { kind: 'not-applied', order: null, final: false };
    return {
      kind: 'undecided',
      why: `the modify named its order by clientOid ${clientOid}, and without the orderId of the order it replaces (the client did not track it) the order the exchange shows with that clientOid cannot be told from its replacement`,
    };
  }
  const old = await lookupPolitely(deps, { orderId: oldId, market: 'spot', symbol });
  if (old === null || old.status === 'open') return { kind: 'not-applied', order: old, final: false };
  if (!old.canceled) return { kind: 'not-applied', order: old, final: true };
  // Canceled. A newSize not above what had filled only cancels: no replacement.
  if (terms.newSize !== undefined && !greater(terms.newSize, old.dealSize))
    return { kind: 'applied', data: { newOrderId: '', clientOid: old.clientOid }, at: old.updatedAt };
  const latest = await lookupPolitely(deps, { clientOid: old.clientOid, market: 'spot', symbol });
  if (latest === null || latest.orderId === old.orderId)
    return { kind: 'not-applied', order: old, final: false };
  if (latest.createdAt >= old.updatedAt && isReplacement(terms, old, latest))
    return {
      kind: 'applied',
      data: { newOrderId: latest.orderId, clientOid: latest.clientOid },
      at: latest.createdAt,
    };
  return {
    kind: 'undecided',
    why: `order ${old.orderId} is canceled, and the latest order with clientOid ${old.clientOid} (${latest.orderId}) does not have the terms its replacement would have`,
  };
}

/** Whether `latest` has the terms the modify's replacement of `old` would have. */
function isReplacement(terms: ModifyTerms, old: OrderSnapshot, latest: OrderSnapshot): boolean {
  const price = terms.newPrice ?? old.price;
  // The replacement's size is newSize minus what had filled, or what was left (then canceled).
  const size = terms.newSize !== undefined ? subtract(terms.newSize, old.dealSize) : old.canceledSize;
  return (
    latest.symbol === old.symbol &&
    latest.side === old.side &&
    price !== undefined &&
    latest.price !== undefined &&
    same(latest.price, price) &&
    same(latest.size, size)
  );
}

/** a = b for decimal strings. */
const same = (a: string, b: string): boolean => isZeroDecimal(subtract(a, b));

/** a > b for decimal strings. */
const greater = (a: string, b: string): boolean => {
  const d = subtract(a, b);
  return !d.startsWith('-') && !isZeroDecimal(d);
};

const isZeroDecimal = (s: string): boolean => /^-?0*(\.0*)?$/.test(s);

const canceled = (order: OrderSnapshot | null): boolean =>
  order !== null && order.status === 'done' && order.canceled;

/** The `data` the op answers with, built from the order the exchange shows. */
function placedData(op: string, order: OrderSnapshot): unknown {
  const { orderId, clientOid } = order;
  if (op !== 'spot.sync_order') return { orderId, clientOid };
  return {
    orderId,
    clientOid,
    orderTime: order.createdAt,
    originSize: order.size,
    dealSize: order.dealSize,
    remainSize: remainingOf(order),
    canceledSize: order.canceledSize,
    status: order.status,
    matchTime: order.updatedAt,
  };
}

/** A cancel's `data`; `byOrderId`: the cancel named the order by its orderId. */
function canceledData(op: string, order: OrderSnapshot, byOrderId: boolean): unknown {
  const { orderId, clientOid } = order;
  switch (op) {
    case 'spot.sync_cancel':
      return {
        orderId,
        clientOid,
        originSize: order.size,
        dealSize: order.dealSize,
        remainSize: remainingOf(order),
        canceledSize: order.canceledSize,
        status: order.status,
      };
    case 'futures.cancel':
      return byOrderId ? { cancelledOrderIds: [orderId] } : { clientOid };
    default:
      return { orderId, clientOid };
  }
}

/** What of the order can still trade: the exchange's remainSize, '0' once done. */
function remainingOf(order: OrderSnapshot): string {
  if (order.status === 'done') return '0';
  const remain = order.market === 'futures' ? undefined : order.raw.remainSize;
  return remain ?? subtract(subtract(order.size, order.dealSize), order.canceledSize);
}

/** a - b for non-negative decimal strings (exact). */
export function subtract(a: string, b: string): string {
  const scale = Math.max(decimals(a), decimals(b));
  const diff = scaled(a, scale) - scaled(b, scale);
  const negative = diff < 0n;
  const digits = (negative ? -diff : diff).toString().padStart(scale + 1, '0');
  const whole = digits.slice(0, digits.length - scale);
  const frac = scale === 0 ? '' : digits.slice(digits.length - scale).replace(/0+$/, '');
  return `${negative ? '-' : ''}${whole}${frac === '' ? '' : `.${frac}`}`;
}

const decimals = (s: string): number => {
  const dot = s.indexOf('.');
  return dot === -1 ? 0 : s.length - dot - 1;
};

const scaled = (s: string, scale: number): bigint => {
  const [whole = '0', frac = ''] = s.split('.');
  return BigInt(`${whole}${frac.padEnd(scale, '0')}`);
};

/** A success envelope for `call` carrying `data`, marked as reconciled; throws if `data` does not fit. */
function envelope(call: WsApiCall, data: unknown, at: number): WSAPIResponse {
  if (!call.spec.response.is(data)) {
    throw new ProtocolError(`the order found could not be read as a ${call.op} answer`, requestDetails(call));
  }
  return {
    id: call.id,
    op: call.op,
    code: CODES.SUCCESS,
    data,
    inTime: at,
    outTime: at,
    wsKey: call.wsKey,
    isWSAPIResponse: true,
    reconciled: true,
  };
}
