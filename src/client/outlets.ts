import { Observable, Subject } from 'rxjs';
import type { WsApiError } from '../errors';
import type { WSAPIWsKey } from '../operations';
import type { ConnectionKey } from '../transport/state';
import type { CallLatency, ChannelOutlets, RateLimitState } from '../rpc/channel';
import type { WSAPIResponse } from '../rpc/response';
import type { InboundMessage } from '../transport/connection';
import type { WsApiEventEmitter } from './events';
import type { ExceptionReporter } from './exception-reporter';

/** A channel as `rateLimit$` reads it. */
interface QuotaSource {
  readonly wsKey: WSAPIWsKey;
  readonly lastRateLimit: Omit<RateLimitState, 'wsKey'> | undefined;
}

/**
 * Where the connections and channels put what users may watch: parsed frames, latencies,
 * quotas, and the `response` and `exception` events. The subjects are fed only while
 * somebody subscribes (the hot path checks `observed`).
 */
export class ClientOutlets implements ChannelOutlets {
  readonly messages = new Subject<InboundMessage>();
  readonly latency = new Subject<CallLatency>();
  readonly rateLimit = new Subject<RateLimitState>();

  constructor(
    private readonly emitter: WsApiEventEmitter,
    private readonly exceptions: ExceptionReporter,
  ) {}

  wantsResponses(): boolean {
    return this.emitter.wants('response');
  }

  response(response: WSAPIResponse): void {
    this.emitter.emit({ type: 'response', wsKey: response.wsKey, response });
  }

  exception(wsKey: ConnectionKey, error: WsApiError, raw: string | undefined): void {
    this.exceptions.frame(wsKey, error, raw);
  }

  /** The client closed: the streams complete, for their subscribers and later ones. */
  complete(): void {
    this.messages.complete();
    this.latency.complete();
    this.rateLimit.complete();
  }

  /** The last quota of each channel that has one (replayed on subscribe), then each new one. */
  rateLimit$(channels: readonly QuotaSource[]): Observable<RateLimitState> {
    return new Observable<RateLimitState>((subscriber) => {
      for (const { wsKey, lastRateLimit } of channels) {
        if (lastRateLimit !== undefined) subscriber.next({ wsKey, ...lastRateLimit });
      }
      return this.rateLimit.subscribe(subscriber);
    });
  }
}
