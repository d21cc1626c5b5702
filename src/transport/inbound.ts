import type { Subject } from 'rxjs';
import { isAuthFailureCode } from '../codecs/codes';
import { MAX_TEXT_CHARS, printable } from '../codecs/report';
import { AuthenticationError, ConfigurationError, ProtocolError, type WsApiError } from '../errors';
import type { WSAPIWsKey } from '../operations';
import { refusal } from './handshake';
import { SocketClosedError } from './socket';
import type { ConnectionKey } from './state';
import { redactUrl, scrubSecrets } from './url';

/**
 * One parsed inbound frame, for `messages$`: a WS API connection's, or a push connection's
 * ('pushSpot', 'pushFutures').
 */
export interface InboundMessage<K extends ConnectionKey = ConnectionKey> {
  readonly wsKey: K;
  readonly frame: unknown;
}

/** Where the frames of a ready WS API session go. */
export interface FrameListener {
  /** A parsed frame with a string id (not a pong to our ping). */
  frame(frame: Record<string, unknown>, id: string, raw: string): void;
  /** A frame that could not be used. */
  exception(error: WsApiError, raw: string | undefined): void;
}

/** Ping ids; request ids are plain numbers, so the two never meet. */
const PING_ID_PREFIX = 'ping-';

/** The WS API's ping frame; `n` makes its id. */
export function wsApiPing(n: number): string {
  return `{"id":"${PING_ID_PREFIX}${n}","op":"ping","timestamp":${Date.now()}}`;
}

/** Only a pong to one of our pings: a "pong" carrying a request's id fails that request instead of vanishing. */
export function isWsApiPong(frame: Record<string, unknown>, id: string): boolean {
  return frame.op === 'pong' && id.startsWith(PING_ID_PREFIX);
}

/**
 * JSON.parse once; a frame that is not a JSON object becomes an exception. While `messages`
 * (`messages$`) is observed, it gets a copy of its own (the text parsed once more), as the push
 * connections do: the frame parsed here becomes the call's response in place, so what a
 * subscriber keeps or changes must not be it. Unobserved, it costs one check.
 */
export function frameParser(
  wsKey: WSAPIWsKey,
  listener: FrameListener,
  messages: Subject<InboundMessage> | undefined,
): (raw: string) => Record<string, unknown> | undefined {
  return (raw) => {
    let frame: unknown;
    try {
      frame = JSON.parse(raw);
    } catch {
      listener.exception(new ProtocolError('frame is not JSON'), raw);
      return undefined;
    }
    if (messages !== undefined && messages.observed)
      messages.next({ wsKey, frame: JSON.parse(raw) as unknown });
    if (typeof frame !== 'object' || frame === null || Array.isArray(frame)) {
      listener.exception(new ProtocolError('frame is not a JSON object'), raw);
      return undefined;
    }
    return frame as Record<string, unknown>;
  };
}

/**
 * The hot path of a ready session: one parse, then hand the frame over by its id. An error
 * without an id is about the connection itself: an authentication failure ends the session
 * (`fail`), anything else is reported.
 */
export function routeFrame(
  raw: string,
  parse: (raw: string) => Record<string, unknown> | undefined,
  listener: FrameListener,
  fail: (error: Error) => void,
): void {
  const frame = parse(raw);
  if (frame === undefined) return;
  const id = frame.id;
  if (typeof id === 'string') {
    if (!isWsApiPong(frame, id)) listener.frame(frame, id, raw);
    return;
  }
  if (typeof frame.code === 'string' && id === undefined) {
    const msg = typeof frame.msg === 'string' ? frame.msg : '';
    if (isAuthFailureCode(frame.code)) return fail(new AuthenticationError({ code: frame.code, msg }));
    listener.exception(
      new ProtocolError(`gateway error without a request id: ${printable(frame.code)} ${printable(msg)}`),
      raw,
    );
    return;
  }
  listener.exception(new ProtocolError('frame without a string id'), raw);
}

/** A gateway close reason such as "400003 KC-API-KEY not exists.". */
const CODED_REASON = /^(\d{3,7}) (.*)$/s;

/** A readable, credential-free error for a failed attempt. */
export function describeFailure(error: unknown): Error {
  if (error instanceof AuthenticationError || error instanceof ConfigurationError) return error;
  // Socket failures reach us as plain Errors (rxjs-websockets wraps them); a TypeError or
  // ReferenceError comes from code — a broken WebSocket factory or module interop — and
  // reconnecting would repeat it forever, so it closes the client like a bad configuration.
  if (error instanceof TypeError || error instanceof ReferenceError) {
    return new ConfigurationError(
      `the WebSocket transport failed: ${redactUrl(`${error.name}: ${error.message}`)}`,
    );
  }
  const closed = error instanceof SocketClosedError ? error : undefined;
  const reason = closed?.reason;
  const coded = reason === undefined ? null : CODED_REASON.exec(reason);
  if (coded !== null) return refusal(coded[1], coded[2]);
  const message = error instanceof Error ? error.message : String(error);
  const close = closed?.code === undefined ? '' : ` (close ${closed.code}${reason ? ` ${reason}` : ''})`;
  const what = message === '' || message === 'Normal closure' ? 'connection closed' : message;
  // Redacted before it is cut, so that a cut can never leave part of a signature behind.
  return new Error(printable(scrubSecrets(`${what}${close}`), 2 * MAX_TEXT_CHARS));
}
