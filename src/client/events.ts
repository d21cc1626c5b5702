import { merge, Observable, Subject } from 'rxjs';
import type { WSAPIWsKey } from '../operations';
import type { WSAPIResponse } from '../rpc/response';
import type { ConnectionKey } from '../transport/state';

/** The payload of each event, by name (kucoin-api's event names). */
export interface ClientEventMap {
  /**
   * The socket opened; the session handshake starts. Lifecycle events (`open`, `authenticated`,
   * `reconnect`, `reconnected`, `close`) come from the WS API connections and from the push
   * connections ('pushSpot', 'pushFutures') behind `orderUpdates$`.
   */
  open: { readonly wsKey: ConnectionKey };
  /** The session handshake succeeded: requests flow (push: the order topic's subscription is acknowledged). */
  authenticated: { readonly wsKey: ConnectionKey };
  /** The link failed; the client reconnects after `retryInMs`. */
  reconnect: {
    readonly wsKey: ConnectionKey;
    readonly attempt: number;
    readonly retryInMs: number | undefined;
    readonly error: Error | undefined;
  };
  /** Ready again after a reconnect. */
  reconnected: { readonly wsKey: ConnectionKey; readonly attempt: number };
  /**
   * A frame the client could not use (malformed, unknown id, …; `frame` is an excerpt of it),
   * or a call that failed while nobody awaited or subscribed to it (`unobserved: true`, `error`
   * is the call's error, `frame` undefined). The rest keeps working.
   */
  exception: {
    /** The WS API connection, or the push connection ('pushSpot', 'pushFutures') the frame came on. */
    readonly wsKey: ConnectionKey;
    readonly error: Error;
    readonly frame: string | undefined;
    readonly unobserved?: true;
  };
  /**
   * The connection closed for good; `error` says why when it was not `close()`. A push connection
   * closed by an error (credentials refused, `reconnect.maxAttempts` spent) leaves the client open.
   */
  close: { readonly wsKey: ConnectionKey; readonly error: Error | undefined };
  /** Every answered request's envelope. */
  response: { readonly wsKey: WSAPIWsKey; readonly response: WSAPIResponse };
}

export type ClientEventType = keyof ClientEventMap;

/** One event as `events$` emits it: `{ type, wsKey, … }`. */
export type ClientEvent = {
  [K in ClientEventType]: { readonly type: K } & ClientEventMap[K];
}[ClientEventType];

export type ClientEventHandler<K extends ClientEventType> = (
  event: { readonly type: K } & ClientEventMap[K],
) => void;

type AnyHandler = (event: ClientEvent) => void;

/** One event type's payload with its `type`. */
export type ClientEventOf<K extends ClientEventType> = Extract<ClientEvent, { type: K }>;

/** Every event the emitter can raise (kucoin-api's names). */
export const EVENT_TYPES: readonly ClientEventType[] = [
  'open',
  'authenticated',
  'reconnect',
  'reconnected',
  'exception',
  'close',
  'response',
];

/**
 * What `client.getWSClient()` returns: kucoin-api's `on(event, handler)` surface, plus `events$`
 * with every event as one stream. Environment-neutral (no node:events), so it runs in
 * browsers too. A throwing handler cannot break the client: its error is rethrown
 * asynchronously, like an unhandled error anywhere else.
 */
export class WsApiEventEmitter {
  private readonly handlers = new Map<ClientEventType, AnyHandler[]>();
  /** One Subject per type, so that watching exceptions does not make every response an event. */
  private readonly subjects = Object.fromEntries(
    EVENT_TYPES.map((type) => [type, new Subject<ClientEvent>()]),
  ) as Record<ClientEventType, Subject<ClientEvent>>;
  /** Every event, as one stream. */
  readonly events$: Observable<ClientEvent> = merge(...EVENT_TYPES.map((type) => this.subjects[type]));

  /** The events of one type, as a stream. */
  eventsOf$<K extends ClientEventType>(type: K): Observable<ClientEventOf<K>> {
    return this.subjects[type].asObservable() as Observable<ClientEventOf<K>>;
  }

  /** Calls `handler` on every `type` event. */
  on<K extends ClientEventType>(type: K, handler: ClientEventHandler<K>): this {
    const list = this.handlers.get(type);
    // Copy-on-write: emit may be iterating the current list.
    this.handlers.set(type, list === undefined ? [handler as AnyHandler] : [...list, handler as AnyHandler]);
    return this;
  }

  /** Calls `handler` on the next `type` event only. */
  once<K extends ClientEventType>(type: K, handler: ClientEventHandler<K>): this {
    const wrapper: ClientEventHandler<K> = (event) => {
      this.off(type, wrapper);
      handler(event);
    };
    return this.on(type, wrapper);
  }

  /** Stops calling `handler` (or every handler of `type` when none is given). */
  off<K extends ClientEventType>(type: K, handler?: ClientEventHandler<K>): this {
    const list = this.handlers.get(type);
    if (list === undefined) return this;
    const rest = handler === undefined ? [] : list.filter((h) => h !== (handler as AnyHandler));
    if (rest.length === 0) this.handlers.delete(type);
    else this.handlers.set(type, rest);
    return this;
  }

  /** Alias of `off`, as on Node's EventEmitter. */
  removeListener<K extends ClientEventType>(type: K, handler: ClientEventHandler<K>): this {
    return this.off(type, handler);
  }

  /** How many handlers `type` has. */
  listenerCount(type: ClientEventType): number {
    return this.handlers.get(type)?.length ?? 0;
  }

  /** Whether anyone would see a `type` event (lets the hot path skip building it). */
  wants(type: ClientEventType): boolean {
    return this.handlers.has(type) || this.subjects[type].observed;
  }

  /** @internal Delivers an event to the handlers of its type and to `events$`. */
  emit(event: ClientEvent): void {
    const list = this.handlers.get(event.type);
    if (list !== undefined) {
      for (const handler of list) {
        try {
          handler(event);
        } catch (error) {
          setTimeout(() => {
            throw error;
          });
        }
      }
    }
    const subject = this.subjects[event.type];
    if (subject.observed) subject.next(event);
  }

  /** @internal Ends `events$` (client closed). */
  complete(): void {
    for (const type of EVENT_TYPES) this.subjects[type].complete();
  }
}
