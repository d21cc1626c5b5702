import { Observable } from 'rxjs';
import { printable } from '../codecs/report';
import { ProtocolError } from '../errors';
import { Heartbeat } from '../transport/heartbeat';
import { ORDER_TOPICS, readOrderEvent, type OrderUpdate, type PushMarket } from './order-update';
import type { PushEndpoint } from './push-endpoint';

/** A live socket as the push session uses it: its text frames, and a way to write one. */
export interface PushSocket {
  /** Text frames as they arrive; errors (or completes) when the socket closes. */
  readonly frames$: Observable<string>;
  /** Writes one text frame. */
  write(text: string): void;
}

/** What a session tells its connection besides the updates it emits. */
export interface PushSessionHooks {
  /** The server sent its welcome: the socket is open and the token taken. */
  welcomed(): void;
  /** The subscription was acknowledged: order events flow from now on. */
  subscribed(): void;
  /** A frame the session could not use; the session goes on. */
  exception(error: ProtocolError, raw: string): void;
}

/** The push server refused the token (`401 token is expired`): the next attempt needs a new one. */
export class PushTokenRefusedError extends Error {
  override name = 'PushTokenRefusedError';
}

const WELCOMING = 0;
const SUBSCRIBING = 1;
const SUBSCRIBED = 2;

/**
 * One session of the private push channel on an open socket: waits for the welcome, subscribes
 * to the market's order topic (with an ack), pings every `pingIntervalMs` and declares the link
 * dead when nothing at all is heard within `pingTimeoutMs` of a ping. Emits each order event as
 * an OrderUpdate; errors when the link dies, the server refuses (a refused token as
 * PushTokenRefusedError), or the socket closes. Frames it cannot use are reported to `hooks`.
 *
 * Hot path: one JSON.parse per frame, a type switch, then the event codec's `is`.
 */
export function pushSession(
  socket: PushSocket,
  market: PushMarket,
  endpoint: PushEndpoint,
  hooks: PushSessionHooks,
): Observable<OrderUpdate> {
  return new Observable<OrderUpdate>((subscriber) => {
    const topic = ORDER_TOPICS[market];
    const idPrefix = `${endpoint.connectId}-`;
    let phase = WELCOMING;
    let pings = 0;
    const subscribeId = `${idPrefix}sub`;
    const heartbeat = new Heartbeat(
      endpoint.pingIntervalMs,
      endpoint.pingTimeoutMs,
      () => socket.write(`{"id":"${idPrefix}ping-${++pings}","type":"ping"}`),
      () =>
        subscriber.error(
          new Error(`push link presumed dead: no frame within ${heartbeat.timeoutMs} ms of a ping`),
        ),
    );
    const exception = (what: string, raw: string): void =>
      hooks.exception(new ProtocolError(`push ${topic}: ${what}`), raw);

    const onFrame = (raw: string): void => {
      heartbeat.heard = true;
      let frame: unknown;
      try {
        frame = JSON.parse(raw);
      } catch {
        return exception('frame is not JSON', raw);
      }
      if (typeof frame !== 'object' || frame === null || Array.isArray(frame))
        return exception('frame is not a JSON object', raw);
      const f = frame as Record<string, unknown>;
      switch (f.type) {
        case 'message': {
          if (f.topic !== topic) return exception('message on a topic not subscribed to', raw);
          if (f.subject !== 'orderChange') return exception('message subject is not orderChange', raw);
          const read = readOrderEvent(market, f.data);
          if (read.ok) subscriber.next(read.update);
          else exception(read.reason, raw);
          return;
        }
        case 'pong':
          return;
        case 'welcome':
          if (phase !== WELCOMING) return exception('a second welcome', raw);
          phase = SUBSCRIBING;
          heartbeat.start();
          hooks.welcomed();
          socket.write(
            `{"id":"${subscribeId}","type":"subscribe","topic":"${topic}","privateChannel":true,"response":true}`,
          );
          return;
        case 'ack':
          if (f.id !== subscribeId || phase !== SUBSCRIBING) return exception('an ack of nothing sent', raw);
          phase = SUBSCRIBED;
          hooks.subscribed();
          return;
        case 'error': {
          const code = typeof f.code === 'number' || typeof f.code === 'string' ? String(f.code) : '';
          const data = typeof f.data === 'string' ? f.data : '';
          const what = `${printable(code)} ${printable(data)}`.trim();
          if (code === '401')
            return subscriber.error(new PushTokenRefusedError(`push token refused: ${what}`));
          // Before the ack the session is not usable: an error there is a refusal (session
          // limit, topic not found). After it, the server complains about one frame.
          if (phase !== SUBSCRIBED)
            return subscriber.error(new Error(`push server refused the session: ${what}`));
          return exception(`error frame: ${what}`, raw);
        }
        default:
          return exception('frame type is not message, welcome, ack, pong or error', raw);
      }
    };

    const subscription = socket.frames$.subscribe({
      next: onFrame,
      error: (error: unknown) => subscriber.error(error),
      complete: () => subscriber.error(new Error('push socket closed')),
    });
    return () => {
      heartbeat.stop();
      subscription.unsubscribe();
    };
  });
}
