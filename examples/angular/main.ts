/**
 * The app's bootstrap: zone.js change detection (Angular's default) with the client outside
 * the zone (see TradingService), and the client's options read at run time from config.json,
 * so one build serves any gateway: `{ "wsBaseUrl": …, "apiKey": …, … }`.
 */
import 'zone.js';
import { ApplicationRef, provideZoneChangeDetection } from '@angular/core';
import { bootstrapApplication } from '@angular/platform-browser';
import type { WebsocketAPIClientOptions } from 'kucoin-wsapi-rx';
import { OrderPanelComponent } from './order-panel.component';
import { KUCOIN_OPTIONS } from './trading.service';

async function main(): Promise<void> {
  const options = (await (await fetch('config.json')).json()) as WebsocketAPIClientOptions;
  const app = await bootstrapApplication(OrderPanelComponent, {
    providers: [
      provideZoneChangeDetection({ eventCoalescing: true }),
      { provide: KUCOIN_OPTIONS, useValue: options },
    ],
  });
  // Whether zone.js sees the app stable (no pending timers or tasks in the zone): what
  // hydration and the service worker's registration wait for. Shown on <body data-stable>.
  app.injector.get(ApplicationRef).isStable.subscribe((stable) => {
    document.body.dataset.stable = String(stable);
  });
}

main().catch((error: unknown) => {
  document.body.dataset.error = String(error);
  console.error(error);
});
