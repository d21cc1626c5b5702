/**
 * An Angular service that owns one WebsocketAPIClient for the app: components bind its
 * Observables (`state$ | async`) or signals (`toSignal`), and call its methods.
 *
 * The client runs in the browser as it is: native WebSocket, Web Crypto for the signatures.
 * `testnet: true` needs a `wsBaseUrl` there (there is no in-browser simulator): run
 * `npx kucoin-wsapi-sim --port 8899` and provide
 * `{ testnet: true, wsBaseUrl: 'ws://127.0.0.1:8899', ...the demo account it prints }`.
 * Keep real API secrets out of browsers you do not control: they are readable there.
 *
 * The client runs outside the Angular zone. It keeps timers for as long as it is connected
 * (the heartbeat's interval, request and reconnect deadlines); made inside the zone, those
 * keep zone.js from ever reporting the app stable, and what waits for stability (hydration,
 * the service worker's registration, `whenStable()` in tests) waits forever, while every tick
 * of them runs change detection. Its Observables still reach the templates: the async pipe,
 * signals (`toSignal`) and `markForCheck` schedule change detection from outside the zone too.
 * (Zoneless apps, `provideZonelessChangeDetection()`, need none of this; NgZone is then a no-op.)
 */
import { Injectable, InjectionToken, NgZone, inject, type OnDestroy } from '@angular/core';
import {
  WebsocketAPIClient,
  type ConnectionState,
  type WebsocketAPIClientOptions,
  type WSAPIOrderResponse,
  type WsApiCall,
  type SyncCancelHFOrderResponse,
} from 'kucoin-wsapi-rx';
import type { Observable } from 'rxjs';

/** The client's options, provided by the app: `{ provide: KUCOIN_OPTIONS, useValue: {...} }`. */
export const KUCOIN_OPTIONS = new InjectionToken<WebsocketAPIClientOptions>('KUCOIN_OPTIONS');

@Injectable({ providedIn: 'root' })
export class TradingService implements OnDestroy {
  private readonly zone = inject(NgZone);
  private readonly client = this.zone.runOutsideAngular(
    () =>
      new WebsocketAPIClient({
        // The app shows connection health itself; no console logging.
        attachEventListeners: false,
        ...inject(KUCOIN_OPTIONS),
      }),
  );

  /** The spot connection's state: 'idle' until the first call or connect(). */
  readonly state$: Observable<ConnectionState> = this.client.stateOf$('wsApiSpotV1');

  /** Opens and authenticates the spot connection ahead of the first order. */
  connect(): Promise<void> {
    return this.zone.runOutsideAngular(() => this.client.connect());
  }

  /** A limit buy. The call is a Promise and an Observable: `await` it or `from(call)`. */
  limitBuy(symbol: string, price: string, size: string): WsApiCall<WSAPIOrderResponse> {
    return this.zone.runOutsideAngular(() =>
      this.client.submitNewSpotOrder({ side: 'buy', symbol, type: 'limit', price, size }),
    );
  }

  /** Cancels an order and answers with its final sizes. */
  cancel(symbol: string, orderId: string): WsApiCall<SyncCancelHFOrderResponse> {
    return this.zone.runOutsideAngular(() => this.client.cancelSyncSpotOrder({ symbol, orderId }));
  }

  ngOnDestroy(): void {
    // Rejects what is pending with ClientClosedError and closes the sockets.
    void this.client.close();
  }
}
