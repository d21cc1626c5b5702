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
export interface RejectedRequest {
  readonly ok: false;
  readonly issues: ValidationIssue[];
  readonly clientOid: string | undefined;
  readonly clientOids: readonly string[] | undefined;
}

const newUuid = (): string => globalThis.crypto.randomUUID();

type Fields = Record<string, unknown>;

const isObject = (u: unknown): u is Fields => typeof u === 'object' && u !== null && !Array.isArray(u);

/** The clientOid of an order object, when it is a string. */
const clientOidOf = (u: unknown): string | undefined =>
  isObject(u) && typeof u.clientOid === 'string' ? u.clientOid : undefined;

/** A copy of `order` with a fresh clientOid, or `order` itself when it has one (or is not an object). */
function withClientOid(order: unknown, newClientOid: () => string): unknown {
  return isObject(order) && order.clientOid === undefined ? { ...order, clientOid: newClientOid() } : order;
}

/**
 * Fills in missing clientOids (contract 4: every order has one), then validates with the
 * operation's request codec — in that order, so that the filled-in value is validated too.
 * The caller's object is never mutated: it is copied only when a clientOid must be added.
 * `lookup` operations name an existing order, so their clientOid is never invented.
 * Validation runs `codec.is` first and decodes only to explain a failure.
 */
export function prepareRequest(
  spec: OperationSpec,
  params: unknown,
  newClientOid: () => string = newUuid,
): PreparedRequest | RejectedRequest {
  let args = params;
  let clientOid: string | undefined;
  let clientOids: string[] | undefined;
  switch (spec.clientOid) {
    case 'single':
      args = withClientOid(params, newClientOid);
      clientOid = clientOidOf(args);
      break;
    case 'batch':
      if (Array.isArray(params)) {
        if (params.some((order) => isObject(order) && order.clientOid === undefined))
          args = params.map((order) => withClientOid(order, newClientOid));
        const oids = (args as unknown[]).map(clientOidOf);
        if (oids.every((oid) => oid !== undefined)) clientOids = oids as string[];
      }
      break;
    case 'lookup':
      clientOid = clientOidOf(params);
      break;
  }
  if (spec.request.is(args)) return { ok: true, args, clientOid, clientOids };
  const decoded = spec.request.decode(args);
  const issues =
    decoded._tag === 'Left' ? toIssues(decoded.left) : [{ field: '(request)', rule: 'is not valid' }];
  return { ok: false, issues, clientOid, clientOids };
}

/**
 * The request frame text, built with one JSON.stringify (of the arguments). `id` and `op`
 * are the client's own strings (a counter and an operation name), which need no escaping.
 */
export function requestFrame(id: string, op: string, args: unknown): string {
  return `{"id":"${id}","op":"${op}","args":${JSON.stringify(args)}}`;
}
