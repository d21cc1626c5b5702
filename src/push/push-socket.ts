import { catchError, map, Observable, Subject, throwError } from 'rxjs';
import makeWebSocketObservable from 'rxjs-websockets';
import { printable } from '../codecs/report';
import { ConfigurationError } from '../errors';
import { TrackedSocket } from '../transport/tracked-socket';
import { redactUrl } from '../transport/url';
import type { WebSocketFactory } from '../transport/websocket';
import type { PushSocket } from './push-session';

const TOKEN_PARAM = /([?&]token=)[^&\s'"]*/gi;

/** Removes tokens and signed values from a text that may quote a URL. */
export function redactPushUrl(text: string): string {
  return redactUrl(text).replace(TOKEN_PARAM, '$1[redacted]');
}

/**
 * A push socket: cold, subscribing opens it (emitting the live socket once open), unsubscribing
 * closes it (a closing handshake if `socket.graceful`, else a cut). Errors, without the URL's
 * token, when the socket fails or closes. `onSocket` receives the socket as soon as it exists,
 * so that its owner can wait for it to be gone.
 *
 * Built on rxjs-websockets and TrackedSocket, the pieces the WS API connection uses.
 */
export function pushSocket$(
  url: string,
  makeWebSocket: WebSocketFactory,
  onSocket: (socket: TrackedSocket) => void,
): Observable<PushSocket> {
  let socket: TrackedSocket | undefined;
  const factory: WebSocketFactory = (u, protocols) => {
    let raw;
    try {
      raw = makeWebSocket(u, protocols);
    } catch (e) {
      throw new ConfigurationError(
        `cannot open a WebSocket: ${redactPushUrl(e instanceof Error ? e.message : String(e))}`,
      );
    }
    socket = new TrackedSocket(raw);
    onSocket(socket);
    return socket;
  };
  return makeWebSocketObservable<string>(url, { protocols: [], makeWebSocket: factory }).pipe(
    map((getResponses) => {
      const live = socket as TrackedSocket;
      // Writes go to the socket directly; the input Subject only satisfies rxjs-websockets.
      const messages = getResponses(new Subject<string>());
      // Text frames skip rxjs-websockets' Subject (and the event object per frame) while
      // someone reads them, as the WS API connection does: the hot path of every order event.
      const frames$ = new Observable<string>((subscriber) => {
        live.onData = (text) => subscriber.next(text);
        const subscription = messages.subscribe(subscriber);
        return () => {
          live.onData = undefined;
          subscription.unsubscribe();
        };
      });
      return { frames$, write: (text: string) => live.send(text) };
    }),
    catchError((error: unknown) => throwError(() => describe(error, socket))),
  );
}

/** A readable error for a socket failure, without the token. */
function describe(error: unknown, socket: TrackedSocket | undefined): Error {
  if (error instanceof ConfigurationError) return error;
  if (error instanceof TypeError || error instanceof ReferenceError) {
    return new ConfigurationError(
      `the WebSocket transport failed: ${redactPushUrl(`${error.name}: ${error.message}`)}`,
    );
  }
  const message = error instanceof Error ? error.message : String(error);
  const reason = socket?.closeReason;
  const close =
    socket?.closeCode === undefined ? '' : ` (close ${socket.closeCode}${reason ? ` ${reason}` : ''})`;
  const what = message === '' || message === 'Normal closure' ? 'push socket closed' : message;
  return new Error(printable(redactPushUrl(`${what}${close}`), 400));
}
