import { fold } from 'fp-ts/lib/Either.js';
import { pipe } from 'fp-ts/lib/function.js';
import type * as t from 'io-ts';
import { CODES } from '../codecs/codes';
import { formatIssues, toIssues } from '../codecs/report';
import { OPERATIONS_BY_OP } from '../operations';
import { MALFORMED_PREFIX, MESSAGES, MISSING_ID_MSG } from './codes';
import type { ExchangeApi, OpResult } from './exchange/types';
import { consume, rateLimitJson, type RateWindow } from './rate-limit';

interface Route {
  /** The op name as JSON text, built once instead of once per answer. */
  readonly opJson: string;
  readonly codec: t.Mixed;
  /** Spot and margin report parameter errors as 400100, futures as 100001 (docs/protocol.md §6). */
  readonly paramCode: string;
}

const paramCodeOf = (op: string): string =>
  op.startsWith('futures.') ? CODES.FUTURES_PARAM_ERROR : CODES.SPOT_PARAM_ERROR;

/**
 * Turns one parsed frame of a ready session into the text of its answer: pong, validation
 * error, rate-limit refusal, or the exchange's result in the response envelope. Answers are
 * built as strings; only `data` goes through JSON.stringify, once.
 */
export class RequestRouter {
  private readonly routes = new Map<string, Route>();

  constructor(
    private readonly exchange: ExchangeApi,
    private readonly clock: () => number,
    /** Called after each request the exchange handled (the gateway arms its GTT expiry timer). */
    private readonly handled: () => void = () => undefined,
  ) {
    for (const [op, spec] of OPERATIONS_BY_OP) {
      this.routes.set(op, { opJson: JSON.stringify(op), codec: spec.request, paramCode: paramCodeOf(op) });
    }
  }

  /** `frame` is whatever JSON.parse returned; `inTime` the gateway clock at receipt. */
  answer(frame: unknown, apiKey: string, rate: RateWindow, inTime: number): string {
    if (typeof frame !== 'object' || frame === null || Array.isArray(frame)) {
      return this.malformed(`${MALFORMED_PREFIX}the frame must be a JSON object.`, rate, inTime);
    }
    const f = frame as { id?: unknown; op?: unknown; args?: unknown };
    const { id, op } = f;
    const validId = typeof id === 'string' && id.length > 0;
    if (op === 'ping') {
      if (!validId) return this.malformed(MISSING_ID_MSG, rate, inTime, undefined, '"ping"');
      // Pongs carry the protocol's three fields only (docs/protocol.md §3) and cost no quota.
      return `{"id":${JSON.stringify(id)},"op":"pong","timestamp":${this.clock()}}`;
    }
    const route = typeof op === 'string' ? this.routes.get(op) : undefined;
    const opJson =
      route !== undefined ? route.opJson : typeof op === 'string' ? JSON.stringify(op) : undefined;
    if (!validId) return this.malformed(MISSING_ID_MSG, rate, inTime, undefined, opJson);
    const idJson = JSON.stringify(id);
    if (typeof op !== 'string' || op.length === 0) {
      return this.malformed(
        `${MALFORMED_PREFIX}Field 'op' must be a non-empty string.`,
        rate,
        inTime,
        idJson,
      );
    }
    // Every well-formed request costs quota, whether or not it is valid: the gateway counts
    // before it looks at the operation.
    if (!consume(rate, inTime)) {
      return envelope(
        idJson,
        opJson,
        CODES.TOO_MANY_REQUESTS,
        msgField(MESSAGES[CODES.TOO_MANY_REQUESTS]),
        inTime,
        this.clock(),
        rate,
      );
    }
    if (route === undefined) {
      const msg = `${MALFORMED_PREFIX}unknown op ${opJson}.`;
      return envelope(idJson, opJson, paramCodeOf(op), msgField(msg), inTime, this.clock(), rate);
    }
    const args = f.args;
    // `is` is the cheap path; the full decode only runs to explain a failure.
    if (!route.codec.is(args)) {
      const msg = pipe(
        route.codec.decode(args),
        fold(
          (errors) => formatIssues(toIssues(errors)),
          () => 'args: invalid',
        ),
      );
      return envelope(idJson, opJson, route.paramCode, msgField(msg), inTime, this.clock(), rate);
    }
    let result: OpResult;
    try {
      result = this.exchange.handle(apiKey, op, args, inTime);
    } catch {
      // The exchange promises never to throw; if it does, the session must survive it.
      result = { code: CODES.INTERNAL_ERROR, msg: MESSAGES[CODES.INTERNAL_ERROR] };
    }
    this.handled();
    return envelope(idJson, opJson, result.code, resultFields(result), inTime, this.clock(), rate);
  }

  /** A 4001002 answer: the frame could not be read as a request. Costs no quota. */
  malformed(msg: string, rate: RateWindow, inTime: number, idJson?: string, opJson?: string): string {
    return envelope(idJson, opJson, CODES.MALFORMED_REQUEST, msgField(msg), inTime, this.clock(), rate);
  }
}

const msgField = (msg: string): string => `"msg":${JSON.stringify(msg)}`;

function resultFields(r: OpResult): string {
  if (r.code === CODES.SUCCESS) return `"data":${r.data === undefined ? 'null' : JSON.stringify(r.data)}`;
  const msg = msgField(r.msg ?? '');
  return r.data === undefined ? msg : `${msg},"data":${JSON.stringify(r.data)}`;
}

/** The response envelope of docs/protocol.md §4 as text; `fields` is `"data":…` and/or `"msg":…`. */
export function envelope(
  idJson: string | undefined,
  opJson: string | undefined,
  code: string,
  fields: string,
  inTime: number,
  outTime: number,
  rate: RateWindow,
): string {
  const head =
    (idJson === undefined ? '{' : `{"id":${idJson},`) + (opJson === undefined ? '' : `"op":${opJson},`);
  return `${head}"code":"${code}",${fields},"inTime":${inTime},"outTime":${outTime},"rateLimit":${rateLimitJson(rate, outTime)}}`;
}
