/**
 * A standalone component: the connection state with `state$ | async`, the same state as a
 * signal with `toSignal`, the list of its transitions, and buttons that place and cancel an
 * order through TradingService. Built with the Angular compiler by `npm run build:angular` and
 * driven in headless Chromium against the simulator by spec/browser/angular.spec.ts.
 */
import { AsyncPipe } from '@angular/common';
import { ChangeDetectionStrategy, Component, computed, inject, signal } from '@angular/core';
import { toSignal } from '@angular/core/rxjs-interop';
import { distinctUntilChanged, map, scan } from 'rxjs';
import { WsApiError } from 'kucoin-wsapi-rx';
import { TradingService } from './trading.service';

@Component({
  selector: 'app-order-panel',
  imports: [AsyncPipe],
  changeDetection: ChangeDetectionStrategy.OnPush,
  template: `
    <p class="state">
      Spot connection: <b id="status" [attr.data-status]="status()">{{ (state$ | async)?.status }}</b>
    </p>
    <ol id="transitions">
      @for (step of transitions(); track $index) {
        <li>{{ step }}</li>
      }
    </ol>
    <button id="connect" (click)="connect()" [disabled]="status() !== 'idle'">Connect</button>
    <button id="buy" (click)="buy()" [disabled]="!ready() || orderId() !== undefined">
      Buy 0.001 BTC at 20,000
    </button>
    <button id="cancel" (click)="cancel()" [disabled]="!ready() || orderId() === undefined">Cancel</button>
    @if (orderId(); as id) {
      <p id="order">
        Order <code id="order-id">{{ id }}</code> is open
      </p>
    }
    @if (message(); as text) {
      <p id="message" class="message">{{ text }}</p>
    }
  `,
})
export class OrderPanelComponent {
  private readonly trading = inject(TradingService);

  /** For the async pipe. */
  readonly state$ = this.trading.state$;
  /** The same stream as a signal, for logic in the class. */
  private readonly state = toSignal(this.trading.state$);
  readonly status = computed(() => this.state()?.status ?? 'idle');
  readonly ready = computed(() => this.status() === 'ready');
  /** Every status the connection went through, in order. */
  readonly transitions = toSignal(
    this.trading.state$.pipe(
      map((s) => s.status),
      distinctUntilChanged(),
      scan((seen: string[], status) => [...seen, status], []),
    ),
    { initialValue: [] },
  );

  readonly orderId = signal<string | undefined>(undefined);
  readonly message = signal<string | undefined>(undefined);

  async connect(): Promise<void> {
    await this.run(() => this.trading.connect());
  }

  async buy(): Promise<void> {
    await this.run(async () => {
      const placed = await this.trading.limitBuy('BTC-USDT', '20000', '0.001');
      this.orderId.set(placed.data.orderId);
      this.message.set(`placed, clientOid ${placed.data.clientOid}`);
    });
  }

  async cancel(): Promise<void> {
    const orderId = this.orderId();
    if (orderId === undefined) return;
    await this.run(async () => {
      const cancelled = await this.trading.cancel('BTC-USDT', orderId);
      this.orderId.set(undefined);
      this.message.set(`cancelled, ${cancelled.data.canceledSize} BTC released`);
    });
  }

  /** Every call settles; a failure is shown with the gateway's (or the client's) reason. */
  private async run(action: () => Promise<void>): Promise<void> {
    try {
      await action();
    } catch (error) {
      this.message.set(error instanceof WsApiError ? `${error.name}: ${error.msg}` : String(error));
    }
  }
}
