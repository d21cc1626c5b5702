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
  NetworkError,
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
  /** When the request was written, by Date.now() (undefined: not recorded). */
  readonly sentWallAt?: number;
}

/** Timed waits (see {@link Waits}). */
export interface Sleeper {
  sleep(ms: number): Promise<void>;
}

/**
 * How much earlier than a call's send time (both in server time) an order found by the call's
 * clientOid may say it was created and still count as placed by the call (ms), on top of the
 * error bound of the server-clock reading (half the round trip of the request that read it):
 * for the exchange's own clocks and millisecond rounding. The request also reaches the
 * exchange one network hop after it was sent, which only adds to the slack.
 */
export const CREATED_BEFORE_SEND_MARGIN_MS = 25;

/**
 * How far apart (ms) the send time estimated from the monotonic clock and the one estimated
 * from the wall clock may be before reconcile takes it that a clock moved between the send and
 * the check (a wall-clock step, or a suspend: performance.now() stops, Date.now() does not).
 * NTP's slewing stays far below this over any reconciliation.
 */
export const CLOCK_DISAGREEMENT_MS = 100;

/** A reading of the server clock, with the local clocks at the moment it was taken. */
export interface ServerClockReading {
  /** The server time read (ms since the epoch), taken as read midway through the request. */
  readonly server: number;
  /** performance.now() midway through the request. */
  readonly mono: number;
  /** Date.now() midway through the request. */
  readonly wall: number;
  /** Half the request's round trip: how far `server` may be off (ms). */
  readonly bound: number;
  /** performance.now() when the request was made. */
  readonly startedAt: number;
}

/** The exchange's clock, as reconcile reads it to tell a call's order from an earlier one. */
export interface ReconcileClock {
  /**
   * A reading of the server clock whose request was made at or after monotonic time `after`
   * (a call's send time): never an older one, so a clock step or suspend before it cannot skew
   * it. Concurrent callers share a reading. Rejects when the clock cannot be read.
   */
  readAfter(after: number): Promise<ServerClockReading>;
}

/**
 * A ReconcileClock that reads the server clock with `read` (the server time, ms since the
 * epoch). A reading made after a call was sent serves that call's judgements and those of
 * every call sent before it (a dropped link's calls share one).
 */
export function reconcileClock(
  read: () => Promise<number>,
  mono: () => number = () => performance.now(),
  wall: () => number = () => Date.now(),
): ReconcileClock {
  let latest: ServerClockReading | undefined;
  let measuring: { startedAt: number; reading: Promise<ServerClockReading> } | undefined;
  return {
    readAfter: (after) => {
      if (latest !== undefined && latest.startedAt >= after) return Promise.resolve(latest);
      if (measuring !== undefined && measuring.startedAt >= after) return measuring.reading;
      const startedAt = mono();
      const w0 = wall();
      const entry = {
        startedAt,
        reading: (async (): Promise<ServerClockReading> => {
          const server = await read();
          const m1 = mono();
          const w1 = wall();
          const reading = {
            server,
            mono: (startedAt + m1) / 2,
            wall: (w0 + w1) / 2,
            bound: (m1 - startedAt) / 2,
            startedAt,
          };
          if (latest === undefined || latest.startedAt < startedAt) latest = reading;
          return reading;
        })().finally(() => {
          if (measuring === entry) measuring = undefined;
        }),
      };
      measuring = entry;
      return entry.reading;
    },
  };
}

/** When a call was written, on the monotonic clock and, when known, on the wall clock (ms). */
export interface SendTime {
  readonly mono: number;
  readonly wall: number | undefined;
}

/**
 * The send time in server time, estimated from a reading made after the send: the earlier of
 * the estimates from the monotonic time elapsed since (wrong after a suspend: too late) and the
 * wall-clock time elapsed since (wrong after a step of the wall clock: either way). Only both
 * clocks wrong at once can make it later than the truth. `spread`: how far apart the two are.
 */
export function sendTimeOnServer(
  sent: SendTime,
  reading: ServerClockReading,
): { at: number; spread: number } {
  const byMono = reading.server - (reading.mono - sent.mono);
  const byWall = sent.wall === undefined ? byMono : reading.server - (reading.wall - sent.wall);
  return { at: Math.min(byMono, byWall), spread: Math.abs(byMono - byWall) };
}

/**
 * Whether an order found by a call's clientOid, created at `createdAt` (server time), was
 * created after the call was sent: 'after' (it may be the call's), 'before' (definitely an
 * earlier order), or 'unsure': it looks older than the call, but the local clocks disagree
 * about the time since the send by more than CLOCK_DISAGREEMENT_MS (a clock stepped, or the
 * machine was suspended), and it is not older by more than that disagreement too.
 */
export function createdVsSent(
  createdAt: number,
  sent: SendTime,
  reading: ServerClockReading,
): 'after' | 'before' | 'unsure' {
  const { at, spread } = sendTimeOnServer(sent, reading);
  const earliest = at - reading.bound - CREATED_BEFORE_SEND_MARGIN_MS;
  if (createdAt >= earliest) return 'after';
  if (spread > CLOCK_DISAGREEMENT_MS && createdAt >= earliest - spread) return 'unsure';
  return 'before';
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
  /**
   * Whether this client knows `order` as another call's than `call` (answered, tracked and
   * open, or claimed by another reconciliation).
   */
  readonly isOtherCallsOrder?: (order: OrderSnapshot, market: OrderMarket, call: Reconcilable) => boolean;
  /**
   * Claims `order` for `call` (judged its own), in the same turn as the judgement, so that a
   * reconciliation judging it later sees it as another call's. Claims end with the reconciliation.
   */
  readonly claim?: (order: OrderSnapshot, call: Reconcilable) => void;
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

/**
 * How often a lookup that got no HTTP answer at all (NetworkError: the connection was reset or
 * closed, or refused) is tried again. A lookup is a GET, safe to repeat; a kept-alive connection
 * the server closed while this process stalled fails the first request sent on it.
 */
const NETWORK_RETRIES = 1;
/** The wait before a lookup is tried again after a NetworkError (ms). */
const NETWORK_RETRY_WAIT_MS = 100;

/**
 * A lookup that waits out a 429000 (up to RATE_LIMIT_RETRIES times) and tries once more after a
 * NetworkError (NETWORK_RETRIES); other failures, and those past their retries, throw.
 */
export async function lookupPolitely(
  deps: Pick<ReconcileDeps, 'lookup' | 'waits'>,
  params: LookupOrderParams,
): Promise<OrderSnapshot | null> {
  let rateLimited = 0;
  let networkFailures = 0;
  for (;;) {
    try {
      return await deps.lookup(params);
    } catch (error) {
      if (error instanceof NetworkError && networkFailures < NETWORK_RETRIES) {
        networkFailures++;
        await deps.waits.sleep(NETWORK_RETRY_WAIT_MS);
        continue;
      }
      if (!(error instanceof RateLimitError) || rateLimited >= RATE_LIMIT_RETRIES) throw error;
      await deps.waits.sleep(
        Math.min(MAX_RATE_LIMIT_WAIT_MS, Math.max(error.reset, 100 * 2 ** rateLimited++)),
      );
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
    claim: deps.claim,
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
  let verdict = order === null ? 'other' : await placedBy(order);
  if (verdict !== 'own') {
    await deps.waits.sleep(deps.graceMs);
    order = await lookupPolitely(deps, params);
    verdict = order === null ? 'other' : await placedBy(order);
  }
  if (order !== null && verdict === 'own') return envelope(call, placedData(call.op, order), order.createdAt);
  if (order !== null && typeof verdict === 'object') return withCause(error, verdict.unsure);
  return new OrderNotPlacedError({ ...requestDetails(call), cause: error });
}

/** Whether an order found is the call's ('own'), not ('other'), or cannot be told (why). */
type Ownership = 'own' | 'other' | { readonly unsure: Error };

/**
 * Whether an order found by `target`'s clientOid is the one `target` placed. A clientOid can
 * name several orders (the exchange takes it again once an order is done, and a retry or a
 * second instance may reuse it): an order this client knows as another call's is not (and one
 * judged the call's is claimed for it at once), nor is one created before the call was sent:
 * its createdAt against the send time in server time, estimated from a server-clock reading
 * made after the send (see createdVsSent). When a clock moved between the send and the reading
 * so that this cannot be told, the verdict is unsure: never a definite "not placed".
 */
function placedByCall(
  target: Reconcilable,
  market: OrderMarket,
  deps: ReconcileDeps,
): (order: OrderSnapshot) => Promise<Ownership> {
  const sent: SendTime = { mono: target.sentAt ?? target.createdAt, wall: target.sentWallAt };
  // Checked and claimed in one turn: no other reconciliation can take the order in between.
  const mine = (order: OrderSnapshot): Ownership => {
    if (deps.isOtherCallsOrder?.(order, market, target) === true) return 'other';
    deps.claim?.(order, target);
    return 'own';
  };
  return async (order) => {
    const clock = deps.clock;
    if (clock === undefined) return mine(order);
    // Not measured for an order this client already knows as another's.
    if (deps.isOtherCallsOrder?.(order, market, target) === true) return 'other';
    const reading = await clock.readAfter(sent.mono);
    const when = createdVsSent(order.createdAt, sent, reading);
    if (when === 'before') return 'other';
    if (when === 'after') return mine(order);
    const { at, spread } = sendTimeOnServer(sent, reading);
    return {
      unsure: new Error(
        `reconcile could not tell: order ${order.orderId} with clientOid ${order.clientOid} exists, created at ${order.createdAt} (server time), which looks before the call was sent (about ${Math.round(at)}), but the local clocks moved ${Math.round(spread)} ms apart between the send and the check (a clock step, or a suspend), so it may be this call's order`,
      ),
    };
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
  let unsure: Error | undefined;
  const look = async (p: LookupOrderParams): Promise<OrderSnapshot | null> => {
    const order = await lookupPolitely(deps, p);
    if (order === null) return null;
    const verdict = await placedBy(order);
    if (typeof verdict === 'object') unsure ??= verdict.unsure;
    return verdict === 'own' ? order : null;
  };
  const orders = await mapLimited(params, BATCH_CONCURRENCY, look);
  const missing = params.filter((_, i) => orders[i] === null);
  if (missing.length > 0) {
    await deps.waits.sleep(deps.graceMs);
    const again = await mapLimited(missing, BATCH_CONCURRENCY, look);
    let k = 0;
    for (let i = 0; i < orders.length; i++) if (orders[i] === null) orders[i] = again[k++] ?? null;
  }
  // An order that may be this call's cannot be reported as not placed, nor can the batch.
  if (unsure !== undefined && orders.some((o) => o === null)) return withCause(error, unsure);
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
