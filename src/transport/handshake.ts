import { defer, from, Observable, switchMap, takeUntil, type SchedulerLike } from 'rxjs';
import { isAuthFailureCode } from '../codecs/codes';
import { SessionChallenge, Welcome } from '../codecs/envelope';
import { printable } from '../codecs/report';
import { AuthenticationError, ConfigurationError } from '../errors';
import { safeDelay } from '../safe-delay';
import type { Signer } from './auth';
import { welcomeTiming } from './heartbeat';
import { firstWithin } from './pending-input';
import { session$, type Session } from './session';
import { socket$, type Socket } from './socket';
import { redactUrl, scrubSecrets } from './url';
import type { WebSocketFactory } from './websocket';

/** What the WS API's welcome says about the heartbeat (ms, as sent; see heartbeatTiming). */
export interface WsApiWelcome {
  readonly pingIntervalMs: number;
  readonly pingTimeoutMs: number;
}

/** How the handshake reads frames: parsed once (undefined: unusable, already reported). */
export interface HandshakeFrames {
  parse(raw: string): Record<string, unknown> | undefined;
  /** A frame that has no place in the handshake. */
  unexpected(raw: string): void;
}

/**
 * An error frame without an id (or a coded close reason): the gateway refusing the connection
 * or the session. Its text is scrubbed (scrubSecrets) before anything quotes it: a gateway may
 * echo the signed URL it received. `scrub` adds what only the signer knows.
 */
export function refusal(code: string, msg: string, scrub: (text: string) => string = scrubSecrets): Error {
  const text = scrub(msg);
  return isAuthFailureCode(code)
    ? new AuthenticationError({ code, msg: text })
    : new Error(`gateway refused the session: ${printable(scrub(code))} ${printable(text)}`.trimEnd());
}

const CHALLENGE = 0;
const WELCOME = 1;

/**
 * The WS API's session handshake (docs/protocol.md §2) on an open socket: the gateway sends a
 * challenge, the client answers with its signature, the gateway sends a welcome. Emits the
 * welcome's timing and completes; errors with the refusal when the gateway sends an error
 * frame without an id instead.
 */
export function wsApiHandshake(
  socket: Socket,
  signer: Pick<Signer, 'signChallenge' | 'scrub'>,
  frames: HandshakeFrames,
): Observable<WsApiWelcome> {
  return new Observable<WsApiWelcome>((subscriber) => {
    let phase = CHALLENGE;
    // The socket going away ends the handshake too (socket$ then says how it ended).
    return socket.frames$.subscribe({
      complete: () => subscriber.complete(),
      next: (raw) => {
        const frame = frames.parse(raw);
        if (frame === undefined) return;
        if (typeof frame.code === 'string' && frame.id === undefined) {
          subscriber.error(
            refusal(frame.code, typeof frame.msg === 'string' ? frame.msg : '', (text) => signer.scrub(text)),
          );
        } else if (phase === CHALLENGE && SessionChallenge.is(frame)) {
          phase = WELCOME;
          // The signature covers the challenge text exactly as received, byte for byte.
          signer.signChallenge(raw).then(
            (signature) => {
              if (!subscriber.closed) socket.write(signature);
            },
            (error: unknown) => subscriber.error(error),
          );
        } else if (phase === WELCOME && Welcome.is(frame)) {
          subscriber.next({
            pingIntervalMs: welcomeTiming(frame.pingInterval),
            pingTimeoutMs: welcomeTiming(frame.pingTimeout),
          });
          subscriber.complete();
        } else {
          frames.unexpected(raw);
        }
      },
    });
  });
}

/** Where to connect and who signs, resolved afresh for every attempt. */
export interface Endpoint {
  readonly baseUrl: string;
  readonly signer: Signer;
}

export interface AttemptOptions {
  /** Called once per attempt: the base URL and the signer (testnet starts its simulator here). */
  readonly endpoint: () => Promise<Endpoint>;
  readonly makeWebSocket: WebSocketFactory;
  /** From the start of the attempt to the welcome, at most (ms). */
  readonly handshakeTimeoutMs: number;
  /** Closing: ends the attempt (see socket$'s close$). */
  readonly close$: Observable<unknown>;
  readonly scheduler: SchedulerLike;
  /** Runs a function once the input already waiting has been read (default `afterPendingInput`). */
  readonly afterInput?: (fn: () => void) => () => void;
  readonly frames: HandshakeFrames;
  /** The attempt starts (state: connecting). */
  readonly onConnecting: () => void;
  /** The socket is open and the handshake starts (state: authenticating). */
  readonly onOpen: () => void;
}

/**
 * One connection attempt of the WS API: a freshly signed URL, socket$, the handshake, all
 * within `handshakeTimeoutMs`; a {@link Session} once welcomed, for as long as the socket lives.
 */
export function wsApiAttempt(options: AttemptOptions): Observable<Session<WsApiWelcome>> {
  const { close$, scheduler, frames } = options;
  const makeWebSocket = guarded(options.makeWebSocket);
  const ms = safeDelay(options.handshakeTimeoutMs, 1);
  return defer(() => {
    options.onConnecting();
    return from(options.endpoint()).pipe(takeUntil(close$));
  }).pipe(
    switchMap((endpoint) =>
      from(endpoint.signer.signedUrl(endpoint.baseUrl)).pipe(
        takeUntil(close$),
        switchMap((url) =>
          session$(socket$({ url, makeWebSocket, close$, scheduler }), (socket) => {
            options.onOpen();
            return wsApiHandshake(socket, endpoint.signer, frames);
          }),
        ),
      ),
    ),
    firstWithin(ms, () => new Error(`handshake timed out after ${ms} ms`), scheduler, options.afterInput),
  );
}

/** The factory, with a throw turned into a ConfigurationError that names no credential. */
function guarded(makeWebSocket: WebSocketFactory): WebSocketFactory {
  return (url, protocols) => {
    try {
      return makeWebSocket(url, protocols);
    } catch (e) {
      throw new ConfigurationError(
        `cannot open a WebSocket: ${redactUrl(e instanceof Error ? e.message : String(e))}`,
      );
    }
  };
}
