import { Observable, type SchedulerLike, type Subscription } from 'rxjs';
import type { WsApiWelcome } from './handshake';
import { routeFrame, type FrameListener } from './inbound';
import type { Session } from './session';
import { drained$ } from './writer';

/** A ready session, seen from the request layer. */
export interface SessionLink {
  /** Writes one frame. False (nothing written): the socket is closing, or its send buffer is above the high-water mark. */
  write(frame: string): boolean;
}

/** What the request layer hears from its connection. */
export interface ConnectionListener extends FrameListener {
  /** A session is ready: queued requests may be written to it now. */
  ready(session: SessionLink): void;
  /** The session's send buffer went back below the high-water mark: write what waits. */
  drained(): void;
  /** The link is gone (or an attempt failed): written requests have an unknown outcome. */
  lost(error: Error): void;
}

/** A WS API session on the stream: the socket, its welcome, and the bounded write the request layer uses. */
export interface WsApiSession extends Session<WsApiWelcome>, SessionLink {}

export interface ReadyOptions {
  readonly parse: (raw: string) => Record<string, unknown> | undefined;
  readonly listener: ConnectionListener;
  /** The send buffer's high-water mark (bytes): above it `write` refuses and `drained` follows. */
  readonly maxBufferedBytes: number;
  readonly scheduler: SchedulerLike;
}

/**
 * A session once the welcome came: emits it (with its bounded `write`) and routes its frames
 * to the request layer until the socket is gone (then completes); an authentication failure
 * without an id ends it with that error.
 */
export function readySession(
  session: Session<WsApiWelcome>,
  options: ReadyOptions,
): Observable<WsApiSession> {
  const { parse, listener, maxBufferedBytes: max, scheduler } = options;
  const { socket } = session;
  return new Observable<WsApiSession>((subscriber) => {
    let draining: Subscription | undefined;
    const fail = (error: Error): void => subscriber.error(error);
    const routing = socket.frames$.subscribe({
      next: (raw) => routeFrame(raw, parse, listener, fail),
      complete: () => subscriber.complete(),
    });
    subscriber.next({
      ...session,
      write: (frame) => {
        if (socket.bufferedAmount < max) return socket.write(frame);
        // A gateway that does not read: keep the frame, and say when the buffer has drained.
        draining ??= drained$(() => socket.bufferedAmount, max, scheduler).subscribe(() => {
          draining = undefined;
          listener.drained();
        });
        return false;
      },
    });
    return () => {
      routing.unsubscribe();
      draining?.unsubscribe();
    };
  });
}
