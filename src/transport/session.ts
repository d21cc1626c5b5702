import { map, Observable, switchMap } from 'rxjs';
import type { Socket } from './socket';

/** One socket after its handshake: what the gateway said (`welcome`) and the socket itself. */
export interface Session<W> {
  readonly socket: Socket;
  readonly welcome: W;
}

/**
 * The sessions of a socket stream: for each socket `sockets` opens, `handshake(socket)` runs
 * (it may write to the socket and read its frames) and its first value, the welcome, becomes
 * a {@link Session}. The result lives as long as the socket: it completes when the socket is
 * closed by us and errors with the socket's close (or the handshake's error) otherwise.
 *
 * The WS API's handshake is challenge → signature → welcome (handshake.ts); KuCoin's private
 * push channel greets with `{ id, type: "welcome" }` after a token in the URL.
 */
export function session$<W>(
  sockets: Observable<Socket>,
  handshake: (socket: Socket) => Observable<W>,
): Observable<Session<W>> {
  return sockets.pipe(
    switchMap((socket) => handshake(socket).pipe(map((welcome): Session<W> => ({ socket, welcome })))),
  );
}
