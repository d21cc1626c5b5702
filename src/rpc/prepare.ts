import { fold } from 'fp-ts/lib/Either.js';
import { pipe } from 'fp-ts/lib/function.js';
import type * as t from 'io-ts';
import { StrictObjectType } from '../codecs/object';
import { ClientOid } from '../codecs/primitives';
import type { ValidationIssue } from '../codecs/report';
import { toIssues } from '../codecs/report';
import type { OperationSpec } from '../operations';

/** A request ready to go: the arguments to send and the clientOids they carry. */
export interface PreparedRequest {
  readonly ok: true;
  readonly args: unknown;
  readonly clientOid: string | undefined;
  readonly clientOids: readonly string[] | undefined;
}

/** A request that broke a codec rule: nothing may be sent. */
export class RejectedRequest {
  readonly ok = false as const;
  constructor(
    readonly issues: ValidationIssue[],
    readonly clientOid: string | undefined,
    readonly clientOids: readonly string[] | undefined,
  ) {}
}

const newUuid = (): string => globalThis.crypto.randomUUID();

type Fields = Record<string, unknown>;

const isObject = (u: unknown): u is Fields => typeof u === 'object' && u !== null && !Array.isArray(u);

/** The clientOid of an order object, when it is a string. */
const clientOidOf = (u: unknown): string | undefined =>
  isObject(u) && typeof u.clientOid === 'string' ? u.clientOid : undefined;

/**
 * Lists hold at most 100 items: a longer array is refused by its codec as it is, without
 * being copied (a sparse array of length 2^32 - 1 would take forever to copy).
 */
const MAX_COPIED_LENGTH = 1_000;

/** From this depth on nothing can be valid (request → list → item → field), so nothing is copied. */
const MAX_COPIED_DEPTH = 3;

/**
 * A plain-data copy of request parameters, each value read once: own enumerable fields
 * become data properties of a plain object (getters and Proxy traps run once, prototypes —
 * an inherited `toJSON` included — are dropped, an own `__proto__` key stays a key), arrays
 * become dense (a hole reads as undefined, which no list accepts) and lose own extras such
 * as `toJSON`. The copy is what is validated AND what JSON.stringify sends, so the two cannot
 * disagree, and the caller's object is never touched. Objects deeper than any valid
 * position are left as they are: their codec refuses them before anything is serialised.
 */
function snapshot(value: unknown, depth: number): unknown {
  if (typeof value !== 'object' || value === null || depth >= MAX_COPIED_DEPTH) return value;
  if (Array.isArray(value)) {
    const n = value.length;
    if (n > MAX_COPIED_LENGTH) return value;
    const list: unknown[] = [];
    for (let i = 0; i < n; i++) list.push(snapshot(value[i], depth + 1));
    return list;
  }
  // Spread defines properties (never [[Set]]), so `__proto__` cannot become the prototype.
  const copy: Fields = { ...value };
  for (const k in copy) {
    const v = copy[k];
    if (typeof v === 'object' && v !== null && hasOwn(copy, k)) copy[k] = snapshot(v, depth + 1);
  }
  return copy;
}

const hasOwn = (o: object, k: string): boolean => Object.prototype.hasOwnProperty.call(o, k);

/**
 * One order as `snapshot` copies it, with a fresh clientOid where it has none. Its fields
 * are all primitives, so a shallow copy is the whole copy (a nested object is refused by the
 * codec). The clientOid slot is written first in the literal: adding a property to a spread
 * copy afterwards hits a V8 slow path (~1 µs, and maps that make the codec's `is` slower).
 */
function orderCopy(order: unknown, newClientOid: () => string): unknown {
  if (!isObject(order)) return snapshot(order, 1);
  const copy: Fields = order.clientOid === undefined ? { clientOid: undefined, ...order } : { ...order };
  if (copy.clientOid === undefined) copy.clientOid = newClientOid();
  return copy;
}

/** What a request whose parameters throw when read becomes. */
export const UNREADABLE = new RejectedRequest(
  [{ field: '(request)', rule: 'could not be read (a getter or toJSON threw)' }],
  undefined,
  undefined,
);

/**
 * Copies the parameters (see `snapshot`), fills in missing clientOids (contract 4: every
 * order has one), then validates the copy with the operation's request codec — in that
 * order, so that the filled-in value is validated too, and what is validated is exactly
 * what `requestFrame` serialises. The caller's object is never mutated.
 * `lookup` operations name an existing order, so their clientOid is never invented.
 * Validation runs `codec.is` first and decodes only to explain a failure.
 *
 * Never throws: parameters whose getters or Proxy traps throw while they are read are
 * {@link UNREADABLE}, a rejection like any other.
 */
export function prepareRequest(
  spec: OperationSpec,
  params: unknown,
  newClientOid: () => string = newUuid,
): PreparedRequest | RejectedRequest {
  const checked = prepareArgs(spec, params, newClientOid);
  if (checked instanceof RejectedRequest) return checked;
  const oids = clientOidsOf(spec, checked);
  return {
    ok: true,
    args: checked,
    clientOid: typeof oids === 'string' ? oids : undefined,
    clientOids: typeof oids === 'object' ? oids : undefined,
  };
}

/**
 * {@link prepareRequest} without a result object for a valid request (the request core's
 * hot path): the arguments to send, whose clientOid(s) {@link clientOidsOf} reads, or the
 * {@link RejectedRequest} (an instance of it, which arguments never are: they are copies).
 */
export function prepareArgs(
  spec: OperationSpec,
  params: unknown,
  newClientOid: () => string = newUuid,
  /**
   * False (the request core): an order whose codec has `exceptClientOid` is checked by it,
   * and `checkedFrame` checks the clientOid's characters once the frame is made.
   */
  clientOidChars = true,
): unknown {
  try {
    return copyAndCheck(spec, params, newClientOid, clientOidChars);
  } catch {
    // Only the caller's code can throw in there: reading its object (copying it, and the
    // codec's look at what is too large to copy) runs its getters and Proxy traps.
    return UNREADABLE;
  }
}

/**
 * The clientOid (a string) or the batch's clientOids (when every order has one) of the
 * arguments `prepareArgs` accepted, as `prepareRequest` gives them.
 */
export function clientOidsOf(spec: OperationSpec, args: unknown): string | readonly string[] | undefined {
  if (spec.clientOid !== 'batch') return clientOidOf(args);
  // Only a copy: a list too long to copy is the caller's own, never valid, and not read again.
  if (!Array.isArray(args) || args.length > MAX_COPIED_LENGTH) return undefined;
  const oids = args.map(clientOidOf);
  return oids.every((oid) => oid !== undefined) ? (oids as string[]) : undefined;
}

/** The copy of valid parameters, or the RejectedRequest. */
function copyAndCheck(
  spec: OperationSpec,
  params: unknown,
  newClientOid: () => string,
  clientOidChars: boolean,
): unknown {
  let args: unknown;
  switch (spec.clientOid) {
    case 'single':
      args = orderCopy(params, newClientOid);
      break;
    case 'batch':
      if (Array.isArray(params) && params.length <= MAX_COPIED_LENGTH) {
        const orders: unknown[] = [];
        for (let i = 0; i < params.length; i++) orders.push(orderCopy(params[i], newClientOid));
        args = orders;
      } else {
        args = snapshot(params, 0);
      }
      break;
    case 'lookup':
      args = snapshot(params, 0);
      break;
  }
  const valid = isValid(spec.request, args, clientOidChars);
  const repeated = valid && spec.clientOid === 'batch' ? repeatedClientOids(args as unknown[]) : undefined;
  if (valid && repeated === undefined) return args;
  return rejected(spec, args, repeated);
}

/** Why `args` may not be sent: the `repeated` clientOids, or what the request codec's decode says. */
function rejected(spec: OperationSpec, args: unknown, repeated?: ValidationIssue[]): RejectedRequest {
  const issues =
    repeated ??
    pipe(
      spec.request.decode(args),
      fold(toIssues, (): ValidationIssue[] => [{ field: '(request)', rule: 'is not valid' }]),
    );
  const oids = clientOidsOf(spec, args);
  return new RejectedRequest(
    issues,
    typeof oids === 'string' ? oids : undefined,
    typeof oids === 'object' ? oids : undefined,
  );
}

/**
 * A valid batch's orders that repeat an earlier order's clientOid (the exchange takes one order
 * per clientOid, and the answer, reconcile and updates$ tell a batch's orders apart by it), or
 * undefined when they all differ. The value is not echoed: the item it repeats is named.
 */
function repeatedClientOids(orders: readonly unknown[]): ValidationIssue[] | undefined {
  let issues: ValidationIssue[] | undefined;
  const seen = new Map<unknown, number>();
  orders.forEach((order, i) => {
    const oid = (order as { clientOid?: unknown }).clientOid;
    const first = seen.get(oid);
    if (first === undefined) seen.set(oid, i);
    else
      (issues ??= []).push({
        field: `${i}.clientOid`,
        rule: `is the same as order ${first}'s: each order of a batch needs its own clientOid`,
      });
  });
  return issues;
}

/**
 * `codec.is(args)`, where `args` is what `copyAndCheck` made: an object there is a spread
 * copy, whose own properties are all enumerable, so an object codec may skip its count of
 * own property names (see `StrictObjectType.isOwnData`). Without `clientOidChars`, a codec's
 * `exceptClientOid` may answer for it (`checkedFrame` then checks those characters).
 */
function isValid(codec: t.Mixed, args: unknown, clientOidChars: boolean): boolean {
  if (!(codec instanceof StrictObjectType)) return codec.is(args);
  const except = codec.exceptClientOid;
  return (!clientOidChars && except !== undefined && isObject(args) && except(args)) || codec.isOwnData(args);
}

/**
 * The request frame text, built with one JSON.stringify (of the arguments). `id` and `op`
 * are the client's own strings (a counter and an operation name), which need no escaping.
 */
export function requestFrame(id: string, op: string, args: unknown): string {
  return `{"id":"${id}","op":"${op}","args":${JSON.stringify(args)}}`;
}

/**
 * The frame of arguments that `prepareArgs(…, false)` accepted, or why they may not be sent:
 * for an order whose codec has `exceptClientOid`, the clientOid's characters are checked here,
 * after serialising. A clientOid from `crypto.randomUUID()` (or built with `+`) is a rope of
 * strings in V8, which a character check must first flatten: a runtime call that costs
 * several times more on the sequential path than `JSON.stringify` flattening it as it writes
 * it, which the frame does anyway (bench/in-situ.ts). Every other field was checked before,
 * and the clientOid is a string, so serialising runs none of the caller's own objects' code
 * (only a toJSON added to Object.prototype could run, and one that throws is a refusal). A
 * refused frame is dropped: nothing is sent. Never throws.
 */
export function checkedFrame(id: string, spec: OperationSpec, args: unknown): string | RejectedRequest {
  let frame: string;
  try {
    frame = requestFrame(id, spec.op, args);
  } catch {
    // The arguments are a copy of plain data: only code added to Object.prototype (a toJSON)
    // can throw here. Refused like any request that could not be read, or for what the codec
    // finds wrong with it; nothing is sent.
    return spec.request instanceof StrictObjectType && !spec.request.isOwnData(args)
      ? rejected(spec, args)
      : UNREADABLE;
  }
  const codec = spec.request;
  if (!(codec instanceof StrictObjectType) || codec.exceptClientOid === undefined) return frame;
  const oid = (args as Fields).clientOid;
  return oid === undefined || ClientOid.is(oid) ? frame : rejected(spec, args);
}
