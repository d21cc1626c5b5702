import type { AuthFailureCode } from './codecs/codes';
import type { ValidationIssue } from './codecs/report';
import { formatIssues, printable } from './codecs/report';
import { scrubSecrets } from './transport/url';
import type { OrderSnapshot } from './rest/order-snapshot';
import type { PushWsKey } from './push/push-key';
import type { WSAPIResponse } from './rpc/response';

/** Codes of the errors the client raises itself; gateway errors carry the gateway's code. */
export const CLIENT_ERROR_CODES = {
  VALIDATION: 'VALIDATION_FAILED',
  TIMEOUT: 'REQUEST_TIMEOUT',
  DISCONNECTED: 'DISCONNECTED',
  CLOSED: 'CLIENT_CLOSED',
  PROTOCOL: 'MALFORMED_FRAME',
  CONFIGURATION: 'CONFIGURATION',
  NETWORK: 'NETWORK_ERROR',
  NOT_PLACED: 'ORDER_NOT_PLACED',
  NOT_CANCELED: 'CANCEL_NOT_APPLIED',
  NOT_MODIFIED: 'MODIFY_NOT_APPLIED',
  LATE_ANSWER: 'LATE_ANSWER_DISAGREES',
  PUSH_CLOSED: 'PUSH_CLOSED',
} as const;

/** One of {@link CLIENT_ERROR_CODES}: an error the client raised itself. */
export type ClientErrorCode = (typeof CLIENT_ERROR_CODES)[keyof typeof CLIENT_ERROR_CODES];

/** A gateway error code: digits, as the gateway sends them (e.g. '400100'). */
export type GatewayErrorCode = `${number}`;

/** Whether a gateway's code is digits (the shape GatewayError promises). */
export function isGatewayErrorCode(code: string): code is GatewayErrorCode {
  return /^\d+$/.test(code);
}

/** What an error knows about the request it belongs to; every field is optional. */
export interface WsApiErrorDetails {
  /** The gateway's code, or one of CLIENT_ERROR_CODES. */
  readonly code: string;
  /** The gateway's message, or the client's explanation. */
  readonly msg: string;
  readonly op?: string;
  readonly requestId?: string;
  readonly clientOid?: string;
  /** The orders' clientOids of a batch (futures.multi_order). */
  readonly clientOids?: readonly string[];
  /** The response envelope, when the gateway answered. */
  readonly response?: WSAPIResponse<unknown>;
  readonly cause?: unknown;
}

/**
 * A gateway's text (its refusal `msg`) as an error quotes it: signed URL values and anything
 * shaped like a signature removed (a gateway or proxy may echo what it received), then cut and
 * escaped. The REST and handshake paths scrub it before, with the secrets only the signer knows.
 */
function gatewayText(msg: string): string {
  return printable(scrubSecrets(msg));
}

/**
 * The static property by which an error class names itself, the same in every copy of the
 * package: an app that both imports and requires it loads its ESM and CommonJS builds, two
 * copies of each class, and `instanceof` compares classes. A string key and a string value, so
 * that a bundler still drops the classes an app does not use (a computed symbol key would keep
 * them, as a static block would).
 */
const CLASS_ID = 'kucoinWsApiRxErrorClass';

const ownValue = (o: object, key: string): unknown => Object.getOwnPropertyDescriptor(o, key)?.value;

/**
 * Whether `value` is an instance of the class named `id` made by any copy of the package: a
 * class on its prototype chain names itself `id`. Reads own data properties only (no getter runs).
 */
function madeByClassNamed(value: unknown, id: unknown): boolean {
  if ((typeof value !== 'object' && typeof value !== 'function') || value === null) return false;
  for (
    let p = Object.getPrototypeOf(value) as object | null;
    p !== null;
    p = Object.getPrototypeOf(p) as object | null
  ) {
    const c = ownValue(p, 'constructor');
    if (typeof c === 'function' && ownValue(c, CLASS_ID) === id) return true;
  }
  return false;
}

/**
 * The base of every error a call rejects with. `code` is the gateway's code when the gateway
 * answered, otherwise one of {@link CLIENT_ERROR_CODES}. Errors never carry credentials:
 * they are built from request metadata and the gateway's answers only.
 */
export class WsApiError extends Error {
  /** @internal The class's name in every copy of the package (see `instanceof`). */
  static readonly kucoinWsApiRxErrorClass: string = 'WsApiError';
  override name = 'WsApiError';
  /** The gateway's code, or one of CLIENT_ERROR_CODES. */
  readonly code: string;
  /** The gateway's message, or the client's explanation. */
  readonly msg: string;
  /** The request's operation, e.g. 'spot.order'. */
  readonly op: string | undefined;
  /** The request's correlation id. */
  readonly requestId: string | undefined;
  /** The order's clientOid, when the request carried one. */
  readonly clientOid: string | undefined;
  /** The orders' clientOids of a batch request. */
  readonly clientOids: readonly string[] | undefined;
  /** The gateway's response envelope, when there was one. */
  readonly response: WSAPIResponse<unknown> | undefined;

  constructor(message: string, details: WsApiErrorDetails) {
    super(message, details.cause === undefined ? undefined : { cause: details.cause });
    // Keeps instanceof right even when compiled to ES5-style classes.
    Object.setPrototypeOf(this, new.target.prototype);
    this.code = details.code;
    this.msg = details.msg;
    this.op = details.op;
    this.requestId = details.requestId;
    this.clientOid = details.clientOid;
    this.clientOids = details.clientOids;
    // The envelope's own `msg` is the gateway's text too (see gatewayText).
    const response = details.response;
    this.response =
      typeof response?.msg === 'string' ? { ...response, msg: scrubSecrets(response.msg) } : response;
  }

  /**
   * `instanceof` for this class and each subclass of the package: true as well for an error of
   * the same class made by another copy of the package (an app that both imports and requires
   * it loads its ESM and CommonJS builds). A subclass of your own is checked as usual.
   */
  static override [Symbol.hasInstance]<T>(this: { readonly prototype: T }, value: unknown): value is T {
    if (Function.prototype[Symbol.hasInstance].call(this, value)) return true;
    const id = ownValue(this, CLASS_ID);
    return id !== undefined && madeByClassNamed(value, id);
  }

  /** A plain view for logs and JSON.stringify (Error's own fields are not enumerable). */
  toJSON(): Record<string, unknown> {
    const json: Record<string, unknown> = {
      name: this.name,
      message: this.message,
      code: this.code,
      msg: this.msg,
    };
    if (this.op !== undefined) json.op = this.op;
    if (this.requestId !== undefined) json.requestId = this.requestId;
    if (this.clientOid !== undefined) json.clientOid = this.clientOid;
    if (this.clientOids !== undefined) json.clientOids = this.clientOids;
    if (this.response !== undefined) json.response = this.response;
    return json;
  }
}

/** The request broke a codec rule; nothing was sent. `issues` names each field and rule. */
export class ValidationError extends WsApiError {
  /** @internal */
  static override readonly kucoinWsApiRxErrorClass: string = 'ValidationError';
  override name = 'ValidationError';
  declare readonly code: typeof CLIENT_ERROR_CODES.VALIDATION;
  readonly issues: readonly ValidationIssue[];

  constructor(issues: readonly ValidationIssue[], details: Omit<WsApiErrorDetails, 'code' | 'msg'>) {
    const text = formatIssues(issues);
    super(`invalid ${details.op ?? 'request'}: ${text}`, {
      ...details,
      code: CLIENT_ERROR_CODES.VALIDATION,
      msg: text,
    });
    this.issues = issues;
  }

  override toJSON(): Record<string, unknown> {
    return { ...super.toJSON(), issues: this.issues };
  }
}

/** The gateway answered with an error code (anything but '200000' and '429000'). */
export class GatewayError extends WsApiError {
  /** @internal */
  static override readonly kucoinWsApiRxErrorClass: string = 'GatewayError';
  override name = 'GatewayError';
  declare readonly code: GatewayErrorCode;

  constructor(details: WsApiErrorDetails & { code: GatewayErrorCode }) {
    // The gateway's text, cut and escaped: it reaches log lines (`error.msg` too). The whole
    // envelope stays in `response`.
    const msg = gatewayText(details.msg);
    super(`${details.op ?? 'request'} failed: ${printable(details.code)} ${msg}`.trimEnd(), {
      ...details,
      msg,
    });
  }
}

/**
 * The longest quota reset a {@link RateLimitError} reports (ms), as the send gate caps its hold:
 * a hostile or broken `reset` (5e9, 1e400) must not make a caller wait for weeks, nor overflow
 * a timer built from it (which would then fire at once).
 */
export const MAX_RATE_LIMIT_RESET_MS = 60_000;

/** The gateway refused the request over the account's quota (429000). */
export class RateLimitError extends WsApiError {
  /** @internal */
  static override readonly kucoinWsApiRxErrorClass: string = 'RateLimitError';
  override name = 'RateLimitError';
  declare readonly code: '429000';
  /**
   * Milliseconds until the quota window resets, as the gateway reported it, capped at
   * MAX_RATE_LIMIT_RESET_MS (60 s) like the send gate's hold (0 if unknown).
   */
  readonly reset: number;
  /** When the quota resets (ms since the epoch, client clock). */
  readonly resetAt: number;

  /**
   * A gateway's `reset` (ms, from the WS answer or the REST header) as `reset` reports it:
   * within [0, MAX_RATE_LIMIT_RESET_MS], 0 when missing or unusable.
   */
  static cappedReset(reset: unknown): number {
    if (typeof reset !== 'number' || Number.isNaN(reset) || reset <= 0) return 0;
    return Math.min(MAX_RATE_LIMIT_RESET_MS, Math.ceil(reset));
  }

  constructor(details: WsApiErrorDetails & { code: '429000'; reset: number; receivedAt: number }) {
    super(`${details.op ?? 'request'} refused: too many requests, quota resets in ${details.reset} ms`, {
      ...details,
      msg: gatewayText(details.msg),
    });
    this.reset = details.reset;
    this.resetAt = details.receivedAt + details.reset;
  }

  override toJSON(): Record<string, unknown> {
    return { ...super.toJSON(), reset: this.reset, resetAt: this.resetAt };
  }
}

/** Control characters (and the JS line separators) as escapes: one line, nothing a terminal obeys. */
// eslint-disable-next-line no-control-regex -- finding control characters is the point
const CONTROL = /[\u0000-\u001f\u007f-\u009f\u2028\u2029]/g;

/** `text` on one line, control characters escaped, cut after `max` characters. */
export function excerpt(text: string, max = 160): string {
  const line = text.replace(CONTROL, (c) =>
    c === '\n'
      ? '\\n'
      : c === '\r'
        ? '\\r'
        : c === '\t'
          ? '\\t'
          : `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`,
  );
  return line.length > max ? `${line.slice(0, max)}…` : line;
}

/**
 * No answer within `requestTimeoutMs`. If the request was written, its outcome is unknown.
 * A request never sent carries the last connection error (if an attempt had failed) as `cause`,
 * and names it in the message.
 */
export class TimeoutError extends WsApiError {
  /** @internal */
  static override readonly kucoinWsApiRxErrorClass: string = 'TimeoutError';
  override name = 'TimeoutError';
  declare readonly code: typeof CLIENT_ERROR_CODES.TIMEOUT;
  /**
   * Whether the request frame was handed to the socket. `true` means written, not delivered:
   * it may still have sat in the client's send buffer, been lost with the link, or been
   * executed by the gateway, so the outcome is unknown: reconcile by `clientOid` before
   * placing the order again. `false` means it was never written (no ready connection, or the
   * socket's send buffer stayed above `maxBufferedBytes`): the gateway cannot have seen it,
   * and sending it again cannot duplicate it.
   */
  readonly sent: boolean;
  readonly timeoutMs: number;

  constructor(
    details: Omit<WsApiErrorDetails, 'code' | 'msg'> & { timeoutMs: number; sent: boolean; msg?: string },
  ) {
    const link =
      details.cause instanceof Error ? `; last connection error: ${excerpt(details.cause.message)}` : '';
    const msg =
      details.msg ??
      (details.sent
        ? `no answer within ${details.timeoutMs} ms, outcome unknown`
        : `not sent within ${details.timeoutMs} ms (no ready connection${link})`);
    super(`${details.op ?? 'request'} timed out: ${msg}`, {
      ...details,
      code: CLIENT_ERROR_CODES.TIMEOUT,
      msg,
    });
    this.sent = details.sent;
    this.timeoutMs = details.timeoutMs;
  }

  override toJSON(): Record<string, unknown> {
    return { ...super.toJSON(), sent: this.sent, timeoutMs: this.timeoutMs };
  }
}

/**
 * The connection died after the request was written and before its answer: the gateway may
 * or may not have acted on it. Reconcile with `clientOid`. The client never re-sends it.
 */
export class DisconnectedError extends WsApiError {
  /** @internal */
  static override readonly kucoinWsApiRxErrorClass: string = 'DisconnectedError';
  override name = 'DisconnectedError';
  declare readonly code: typeof CLIENT_ERROR_CODES.DISCONNECTED;

  constructor(details: Omit<WsApiErrorDetails, 'code' | 'msg'>) {
    const msg = 'disconnected, outcome unknown';
    super(
      `${details.op ?? 'request'} ${msg}${details.clientOid ? ` (clientOid ${details.clientOid})` : ''}`,
      {
        ...details,
        code: CLIENT_ERROR_CODES.DISCONNECTED,
        msg,
      },
    );
  }
}

/**
 * A REST request got no HTTP answer: the connection was refused or reset, the name did not
 * resolve, TLS failed. The server may or may not have seen it. `msg` says what failed.
 */
export class NetworkError extends WsApiError {
  /** @internal */
  static override readonly kucoinWsApiRxErrorClass: string = 'NetworkError';
  override name = 'NetworkError';
  declare readonly code: typeof CLIENT_ERROR_CODES.NETWORK;

  constructor(details: Omit<WsApiErrorDetails, 'code' | 'msg'> & { msg: string }) {
    super(`${details.op ?? 'request'} failed: no answer (${details.msg})`, {
      ...details,
      code: CLIENT_ERROR_CODES.NETWORK,
    });
  }
}

/**
 * The gateway refused the credentials or the session signature (e.g. 400003 unknown key,
 * 400004 wrong passphrase, 400005 wrong signature, or 400002 clock off when measuring the
 * server clock and signing again did not help). On the WS API the client closes; a REST call
 * (`lookupOrder`) just rejects.
 */
export class AuthenticationError extends WsApiError {
  /** @internal */
  static override readonly kucoinWsApiRxErrorClass: string = 'AuthenticationError';
  override name = 'AuthenticationError';
  declare readonly code: AuthFailureCode;

  constructor(details: WsApiErrorDetails & { code: AuthFailureCode }) {
    const msg = gatewayText(details.msg);
    super(`authentication refused: ${printable(details.code)} ${msg}`.trimEnd(), { ...details, msg });
  }
}

/** The client was closed (by `close()`, an authentication refusal, or exhausted reconnects). */
export class ClientClosedError extends WsApiError {
  /** @internal */
  static override readonly kucoinWsApiRxErrorClass: string = 'ClientClosedError';
  override name = 'ClientClosedError';
  declare readonly code: typeof CLIENT_ERROR_CODES.CLOSED;
  /**
   * Whether the request had been written before the client closed. `true`: the gateway may
   * have acted on it, so its outcome is unknown, as for DisconnectedError: reconcile by
   * `clientOid`. `false`: it was never written.
   */
  readonly sent: boolean;

  constructor(details: Omit<WsApiErrorDetails, 'code' | 'msg'> & { reason?: string; sent?: boolean }) {
    const sent = details.sent === true;
    const closed = details.reason === undefined ? 'client closed' : `client closed: ${details.reason}`;
    const msg = sent ? `${closed} after the request was written, outcome unknown` : closed;
    const oid = sent && details.clientOid ? ` (clientOid ${details.clientOid})` : '';
    super(details.op === undefined ? msg : `${details.op} failed: ${msg}${oid}`, {
      ...details,
      code: CLIENT_ERROR_CODES.CLOSED,
      msg,
    });
    this.sent = sent;
  }

  override toJSON(): Record<string, unknown> {
    return { ...super.toJSON(), sent: this.sent };
  }
}

/** A frame the client could not read: not JSON, or not the shape its operation promises. */
export class ProtocolError extends WsApiError {
  /** @internal */
  static override readonly kucoinWsApiRxErrorClass: string = 'ProtocolError';
  override name = 'ProtocolError';
  declare readonly code: typeof CLIENT_ERROR_CODES.PROTOCOL;

  constructor(msg: string, details: Omit<WsApiErrorDetails, 'code' | 'msg'> = {}) {
    super(`malformed frame: ${msg}`, { ...details, code: CLIENT_ERROR_CODES.PROTOCOL, msg });
  }
}

/** The client cannot work as configured (e.g. `testnet: true` in a browser without `wsBaseUrl`). */
export class ConfigurationError extends WsApiError {
  /** @internal */
  static override readonly kucoinWsApiRxErrorClass: string = 'ConfigurationError';
  override name = 'ConfigurationError';
  declare readonly code: typeof CLIENT_ERROR_CODES.CONFIGURATION;

  constructor(msg: string, options: { readonly cause?: unknown } = {}) {
    super(msg, { code: CLIENT_ERROR_CODES.CONFIGURATION, msg, cause: options.cause });
  }
}

/**
 * With `reconcile: true`: a request whose answer was lost placed nothing. The exchange had no
 * order with its clientOid in two lookups at least `reconcileGraceMs` apart (for a batch: none
 * of its orders). Definite: placing it again cannot duplicate it. `cause` is the error that
 * left the outcome unknown (DisconnectedError, or TimeoutError with `sent: true`).
 */
export class OrderNotPlacedError extends WsApiError {
  /** @internal */
  static override readonly kucoinWsApiRxErrorClass: string = 'OrderNotPlacedError';
  override name = 'OrderNotPlacedError';
  declare readonly code: typeof CLIENT_ERROR_CODES.NOT_PLACED;

  constructor(details: Omit<WsApiErrorDetails, 'code' | 'msg'>) {
    const oids = details.clientOid ?? details.clientOids?.join(', ');
    const msg = 'the answer was lost and the exchange has no such order: not placed';
    super(`${details.op ?? 'request'}: ${msg}${oids === undefined ? '' : ` (clientOid ${oids})`}`, {
      ...details,
      code: CLIENT_ERROR_CODES.NOT_PLACED,
      msg,
    });
  }
}

/** Why a cancel whose answer was lost did not take effect, given the order as the exchange shows it. */
export function notCanceledReason(order: OrderSnapshot | null): string {
  return order === null
    ? 'the answer was lost and the exchange has no such order: nothing was canceled'
    : `the answer was lost and the order is ${order.status === 'open' ? 'still open' : 'done without a cancel'}: not canceled`;
}

/**
 * With `reconcile: true`: a cancel whose answer was lost did not take effect. After two lookups
 * at least `reconcileGraceMs` apart the order is still open, or done without being canceled
 * (it filled first), or unknown to the exchange. `order` is what the exchange showed last
 * (null: no such order). `cause` is the error that left the outcome unknown.
 */
export class CancelNotAppliedError extends WsApiError {
  /** @internal */
  static override readonly kucoinWsApiRxErrorClass: string = 'CancelNotAppliedError';
  override name = 'CancelNotAppliedError';
  declare readonly code: typeof CLIENT_ERROR_CODES.NOT_CANCELED;
  /** The order as the exchange showed it last, or null when it has no such order. */
  readonly order: OrderSnapshot | null;

  constructor(details: Omit<WsApiErrorDetails, 'code' | 'msg'> & { order: OrderSnapshot | null }) {
    const order = details.order;
    const msg = notCanceledReason(order);
    super(
      `${details.op ?? 'request'}: ${msg}${details.clientOid === undefined ? '' : ` (clientOid ${details.clientOid})`}`,
      { ...details, code: CLIENT_ERROR_CODES.NOT_CANCELED, msg },
    );
    this.order = order;
  }

  override toJSON(): Record<string, unknown> {
    return { ...super.toJSON(), order: this.order };
  }
}

/** Why a modify whose answer was lost placed no replacement, given the order it named as the exchange shows it. */
function notModifiedReason(order: OrderSnapshot | null): string {
  if (order === null) return 'the answer was lost and the exchange has no such order: nothing was modified';
  if (order.status === 'open')
    return 'the answer was lost and the order is still open as it was: not modified';
  if (!order.canceled)
    return 'the answer was lost and the order is done without a cancel (it filled first): not modified';
  return 'the answer was lost and the order is canceled with no replacement order: nothing was placed';
}

/**
 * With `reconcile: true`: a modify (spot.modify, cancel-and-replace) whose answer was lost
 * placed no replacement order. After two lookups at least `reconcileGraceMs` apart the order it
 * named is still open as it was, or done without a cancel (it filled first), or unknown to the
 * exchange, or canceled with no newer order under its clientOid (the replacement was refused,
 * or something else canceled it). `order` is that order as the exchange showed it last (null:
 * no such order). `cause` is the error that left the outcome unknown.
 */
export class ModifyNotAppliedError extends WsApiError {
  /** @internal */
  static override readonly kucoinWsApiRxErrorClass: string = 'ModifyNotAppliedError';
  override name = 'ModifyNotAppliedError';
  declare readonly code: typeof CLIENT_ERROR_CODES.NOT_MODIFIED;
  /** The order the modify named as the exchange showed it last, or null when it has no such order. */
  readonly order: OrderSnapshot | null;

  constructor(details: Omit<WsApiErrorDetails, 'code' | 'msg'> & { order: OrderSnapshot | null }) {
    const order = details.order;
    const msg = notModifiedReason(order);
    super(
      `${details.op ?? 'request'}: ${msg}${details.clientOid === undefined ? '' : ` (clientOid ${details.clientOid})`}`,
      { ...details, code: CLIENT_ERROR_CODES.NOT_MODIFIED, msg },
    );
    this.order = order;
  }

  override toJSON(): Record<string, unknown> {
    return { ...super.toJSON(), order: this.order };
  }
}

/**
 * Never a call's rejection, only an `exception` event. A call whose answer did not come in time
 * failed as outcome unknown (`TimeoutError`, `sent: true`), or with `reconcile: true` was
 * settled from what REST showed; then the gateway's answer came after all, and it tells the
 * outcome the timeout left unknown, or it does not agree with reconcile: a success where the
 * call was rejected (not placed, not canceled, not modified, or left outcome unknown because
 * REST could not tell), a refusal where the call resolved, or other orders than the ones
 * reconcile found. The message says both sides. `answer` is what the gateway answered (its response, or the error it reads as; its
 * envelope is also `response`); `settled` is what the call settled with (its response, or its
 * error), and the call stays settled so.
 */
export class LateAnswerError extends WsApiError {
  /** @internal */
  static override readonly kucoinWsApiRxErrorClass: string = 'LateAnswerError';
  override name = 'LateAnswerError';
  declare readonly code: typeof CLIENT_ERROR_CODES.LATE_ANSWER;
  /** What the gateway answered: the response, or the error it reads as. */
  readonly answer: WSAPIResponse<unknown> | WsApiError;
  /** What the call had settled with: its (reconciled) response, or its error. */
  readonly settled: WSAPIResponse<unknown> | Error;

  constructor(
    details: Omit<WsApiErrorDetails, 'code' | 'response'> & {
      answer: WSAPIResponse<unknown> | WsApiError;
      settled: WSAPIResponse<unknown> | Error;
    },
  ) {
    const { answer, settled, ...rest } = details;
    const response = answer instanceof WsApiError ? answer.response : answer;
    super(`${details.op ?? 'request'}: ${details.msg}`, {
      ...rest,
      response,
      code: CLIENT_ERROR_CODES.LATE_ANSWER,
    });
    this.answer = answer;
    this.settled = settled;
  }

  override toJSON(): Record<string, unknown> {
    const settled = this.settled;
    return {
      ...super.toJSON(),
      settled:
        settled instanceof WsApiError
          ? settled.toJSON()
          : settled instanceof Error
            ? String(settled)
            : settled,
    };
  }
}

/**
 * A push connection ('pushSpot' or 'pushFutures', behind `orderUpdates$`) spent
 * `reconnect.maxAttempts` and closed for good: `orderUpdates$` errors with it, as do the
 * `call.updates$` streams it fed, and its state and `close` event carry it. `cause` is the last
 * attempt's error. The client and its WS API connections stay open; subscribing again fails
 * at once with the same error.
 */
export class PushClosedError extends WsApiError {
  /** @internal */
  static override readonly kucoinWsApiRxErrorClass: string = 'PushClosedError';
  override name = 'PushClosedError';
  declare readonly code: typeof CLIENT_ERROR_CODES.PUSH_CLOSED;
  /** The push connection that gave up. */
  readonly wsKey: PushWsKey;
  /** The reconnect attempts it made (`reconnect.maxAttempts`). */
  readonly attempts: number;

  constructor(details: { wsKey: PushWsKey; attempts: number; cause: Error }) {
    const msg = `gave up after ${details.attempts} reconnect attempts (reconnect.maxAttempts): ${details.cause.message}`;
    super(`${details.wsKey} ${msg}`, { code: CLIENT_ERROR_CODES.PUSH_CLOSED, msg, cause: details.cause });
    this.wsKey = details.wsKey;
    this.attempts = details.attempts;
  }

  override toJSON(): Record<string, unknown> {
    return { ...super.toJSON(), wsKey: this.wsKey, attempts: this.attempts };
  }
}

/**
 * Every error a call or `connect()` rejects with, as a union: `switch (error.code)` narrows it
 * ('REQUEST_TIMEOUT' to TimeoutError, and so on; a gateway code such as '400100' to
 * GatewayError, or AuthenticationError/RateLimitError for their codes).
 */
export type KucoinWsApiError =
  | ValidationError
  | GatewayError
  | RateLimitError
  | TimeoutError
  | DisconnectedError
  | AuthenticationError
  | ClientClosedError
  | ProtocolError
  | ConfigurationError
  | NetworkError
  | OrderNotPlacedError
  | CancelNotAppliedError
  | ModifyNotAppliedError;
