import { Observable } from 'rxjs';
import { isAuthFailureCode } from '../codecs/codes';
import { SessionChallenge, Welcome } from '../codecs/envelope';
import { printable } from '../codecs/report';
import { AuthenticationError } from '../errors';
import type { Signer } from './auth';
import { welcomeTiming } from './heartbeat';
import type { Socket } from './socket';

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

/** An error frame without an id: the gateway refusing the connection or the session. */
export function refusal(code: string, msg: string): Error {
  return isAuthFailureCode(code)
    ? new AuthenticationError({ code, msg })
    : new Error(`gateway refused the session: ${printable(code)} ${printable(msg)}`.trimEnd());
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
  signer: Pick<Signer, 'signChallenge'>,
  frames: HandshakeFrames,
): Observable<WsApiWelcome> {
  return new Observable<WsApiWelcome>((subscriber) => {
    let phase = CHALLENGE;
    return socket.frames$.subscribe((raw) => {
      const frame = frames.parse(raw);
      if (frame === undefined) return;
      if (typeof frame.code === 'string' && frame.id === undefined) {
        subscriber.error(refusal(frame.code, typeof frame.msg === 'string' ? frame.msg : ''));
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
    });
  });
}
