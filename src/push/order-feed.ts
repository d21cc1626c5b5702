import { defer, filter, merge, take, throwError, type Observable, type Subscription } from 'rxjs';
import type { ConnectionState } from '../transport/state';
import type { OrderUpdate, PushMarket } from './order-update';
import { PushConnection, type PushConnectionConfig } from './push-connection';
import type { PushWsKey } from './push-key';

/** What the order tracker reads from the push channel. */
export interface OrderUpdateFeed {
  /**
   * Every order event of the account, spot, margin and futures. Subscribing opens the push
   * connections (one per market; refcounted with every other subscriber); when the last
   * subscriber leaves they close. Nothing is replayed: an event is seen by those subscribed
   * when it arrives.
   */
  readonly updates$: Observable<OrderUpdate>;
  /**
   * The market each time its push session is (re)subscribed (the subscription acknowledged):
   * events from then on arrive; what happened before (while no session was subscribed) must be
   * looked up over REST. Hot, no replay: subscribe to it before `updates$`.
   */
  readonly ready$: Observable<PushMarket>;
  /** Whether the market's push session is subscribed right now. */
  isReady(market: PushMarket): boolean;
}

/** The two push connections (spot and futures) behind `client.orderUpdates$`. */
export class OrderFeed implements OrderUpdateFeed {
  readonly updates$: Observable<OrderUpdate>;
  readonly ready$: Observable<PushMarket>;
  /** Both connections' states (nothing until a connection is first used). */
  readonly state$: Observable<ConnectionState>;
  private readonly connections: Record<PushMarket, PushConnection>;

  constructor(config: Omit<PushConnectionConfig, 'market'>) {
    this.connections = {
      spot: new PushConnection({ ...config, market: 'spot' }),
      futures: new PushConnection({ ...config, market: 'futures' }),
    };
    const { spot, futures } = this.connections;
    // Once either market's connection has closed for good (credentials refused), a new
    // subscriber gets that error at once: the other market is not opened for nothing.
    this.updates$ = defer(() => {
      const failure = spot.failure ?? futures.failure;
      return failure === undefined ? merge(spot.updates$, futures.updates$) : throwError(() => failure);
    });
    this.ready$ = merge(spot.subscribed$, futures.subscribed$);
    this.state$ = merge(spot.state.state$, futures.state.state$);
  }

  isReady(market: PushMarket): boolean {
    return this.connections[market].isSubscribed;
  }

  /** One push connection, by its state key. */
  connection(wsKey: PushWsKey): PushConnection {
    return wsKey === 'pushSpot' ? this.connections.spot : this.connections.futures;
  }

  /**
   * Keeps both connections open until the returned subscription ends (the `orderUpdates`
   * option); a connection that closes for good is not reopened.
   */
  hold(): Subscription {
    return this.updates$.subscribe({ error: () => undefined });
  }

  /**
   * The `orderUpdates` option: holds both connections open from the first state of `states$` (the WS API
   * connections') that says a connection is starting (`connecting`), unless `closed()` by then.
   */
  holdFrom(states$: Observable<ConnectionState>, closed: () => boolean): Subscription {
    return states$
      .pipe(
        filter((s) => s.status === 'connecting'),
        take(1),
      )
      .subscribe(() => {
        if (!closed()) this.hold();
      });
  }

  /** Closes both connections for good (`error`: why the client closed); resolves once their sockets are gone. */
  async close(error?: Error): Promise<void> {
    await Promise.all([this.connections.spot.close(error), this.connections.futures.close(error)]);
  }
}
