import { Observable, type Subject } from 'rxjs';
import { printable } from '../codecs/report';
import { ProtocolError } from '../errors';
import type { InboundMessage } from '../transport/inbound';
import type { Socket } from '../transport/socket';
import {
  asOrderUpdate,
  ORDER_TOPICS,
  orderEventIssues,
  type OrderUpdate,
  type PushMarket,
} from './order-update';
import type { PushEndpoint } from './push-endpoint';
import { PUSH_WS_KEYS } from './push-key';

/** The push server refused the token (`401 token is expired`): the next attempt needs a new one. */
export class PushTokenRefusedError extends Error {
  override name = 'PushTokenRefusedError';
}

/** Reports a frame the session could not use; the session goes on. */
export type PushException = (error: ProtocolError, raw: string) => void;

/**
 * One parsed frame, or undefined (and an exception reported) when it is not a JSON object.
 * While `messages` (`messages$`) is observed, a frame that parsed goes there first, as on the
 * WS API connections: a copy of its own (parsed again), so that what a subscriber keeps or
 * changes is not the order update built from it. Unobserved, it costs one check.
 */
function parse(
  raw: string,
  market: PushMarket,
  exception: PushException,
  messages: Subject<InboundMessage> | undefined,
): Record<string, unknown> | undefined {
  let frame: unknown;
  try {
    frame = JSON.parse(raw);
  } catch {
    exception(new ProtocolError(`push ${ORDER_TOPICS[market]}: frame is not JSON`), raw);
    return undefined;
  }
  if (messages !== undefined && messages.observed)
    messages.next({ wsKey: PUSH_WS_KEYS[market], frame: JSON.parse(raw) as unknown });
  if (typeof frame === 'object' && frame !== null && !Array.isArray(frame))
    return frame as Record<string, unknown>;
  exception(new ProtocolError(`push ${ORDER_TOPICS[market]}: frame is not a JSON object`), raw);
  return undefined;
}

/** An error frame as an Error: a refused token, or the server refusing the session. */
function refusal(frame: Record<string, unknown>): Error {
  const code = typeof frame.code === 'number' || typeof frame.code === 'string' ? String(frame.code) : '';
  const data = typeof frame.data === 'string' ? frame.data : '';
  const what = `${printable(code)} ${printable(data)}`.trim();
  return code === '401'
    ? new PushTokenRefusedError(`push token refused: ${what}`)
    : new Error(`push server refused the session: ${what}`);
}

/**
 * The push channel's handshake on an open socket, for `session$`: waits for the welcome,
 * subscribes to the market's order topic with an ack, and emits `endpoint` once the ack
 * arrives, then completes (the socket lives on). Errors on an error frame before the ack (a
 * refused token as PushTokenRefusedError). Frames it cannot use are reported to `exception`;
 * every parsed frame goes to `hooks.messages` while it is observed.
 */
export function pushHandshake(
  socket: Socket,
  market: PushMarket,
  endpoint: PushEndpoint,
  hooks: {
    readonly welcomed: () => void;
    readonly exception: PushException;
    readonly messages?: Subject<InboundMessage>;
  },
): Observable<PushEndpoint> {
  const topic = ORDER_TOPICS[market];
  const subscribeId = `${endpoint.connectId}-sub`;
  return new Observable<PushEndpoint>((subscriber) => {
    let welcomed = false;
    return socket.frames$.subscribe({
      next: (raw) => {
        const f = parse(raw, market, hooks.exception, hooks.messages);
        if (f === undefined) return;
        if (f.type === 'error') return subscriber.error(refusal(f));
        if (!welcomed && f.type === 'welcome') {
          welcomed = true;
          hooks.welcomed();
          socket.write(
            `{"id":"${subscribeId}","type":"subscribe","topic":"${topic}","privateChannel":true,"response":true}`,
          );
        } else if (welcomed && f.type === 'ack' && f.id === subscribeId) {
          subscriber.next(endpoint);
          subscriber.complete();
        } else if (f.type !== 'pong') {
          hooks.exception(
            new ProtocolError(
              `push ${topic}: unexpected ${printable(String(f.type), 20)} frame before the subscription's ack`,
            ),
            raw,
          );
        }
      },
      error: (error: unknown) => subscriber.error(error),
      complete: () => subscriber.complete(),
    });
  });
}

/**
 * The order events of a subscribed session: each `orderChange` message on the market's topic
 * goes to `emit` as an OrderUpdate. Never emits itself: it errors when the server refuses the
 * token (PushTokenRefusedError: a token that expires under a working session) and completes
 * when the socket is gone. Pongs pass silently; any other frame it cannot use is reported to
 * `exception`.
 *
 * The hot path: one JSON.parse per frame, a type check, the event codec's `is`, then `emit`
 * straight to the subscriber of the connection (not through the retry and share operators).
 * `messages` (`messages$`) costs one check per frame while nobody observes it (see parse).
 */
export function orderEvents(
  socket: Socket,
  market: PushMarket,
  emit: (update: OrderUpdate) => void,
  exception: PushException,
  messages?: Subject<InboundMessage>,
): Observable<never> {
  const topic = ORDER_TOPICS[market];
  return new Observable<never>((subscriber) =>
    socket.frames$.subscribe({
      next: (raw) => {
        const f = parse(raw, market, exception, messages);
        if (f === undefined) return;
        switch (f.type) {
          case 'message': {
            if (f.topic !== topic)
              return exception(new ProtocolError(`push ${topic}: message on a topic not subscribed to`), raw);
            if (f.subject !== 'orderChange')
              return exception(new ProtocolError(`push ${topic}: message subject is not orderChange`), raw);
            const update = asOrderUpdate(market, f.data);
            if (update !== undefined) emit(update);
            else exception(new ProtocolError(`push ${topic}: ${orderEventIssues(market, f.data)}`), raw);
            return;
          }
          case 'pong':
            return;
          case 'error': {
            const error = refusal(f);
            if (error instanceof PushTokenRefusedError) return subscriber.error(error);
            // After the ack the server complains about one frame; the session goes on.
            return exception(new ProtocolError(`push ${topic}: error frame: ${error.message}`), raw);
          }
          default:
            return exception(
              new ProtocolError(`push ${topic}: frame type is not message, pong or error`),
              raw,
            );
        }
      },
      error: (error: unknown) => subscriber.error(error),
      complete: () => subscriber.complete(),
    }),
  );
}
