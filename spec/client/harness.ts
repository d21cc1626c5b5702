/**
 * Test harness for the client suites: a simulator on 127.0.0.1 (port 0) per test, clients
 * bound to it, and cleanup of both after each test. Synchronisation is by state$, events
 * and answers — never by sleeping.
 */
import { filter, firstValueFrom, lastValueFrom, toArray, type Observable } from 'rxjs';
import {
  WebsocketAPIClient,
  type ConnectionState,
  type OrderUpdate,
  type WebsocketAPIClientOptions,
  type WSAPIWsKey,
} from '../../src';
import { startSimulator, type Simulator, type SimulatorOptions } from '../../src/simulator';
import { makeNodeWebSocket, type WebSocketFactory } from '../../src/transport/websocket';

export function useHarness() {
  const sims: Simulator[] = [];
  const clients: WebsocketAPIClient[] = [];

  afterEach(async () => {
    await Promise.all(clients.splice(0).map((c) => c.close()));
    await Promise.all(sims.splice(0).map((s) => s.close()));
  });

  const sim = async (o: SimulatorOptions = {}): Promise<Simulator> => {
    const s = await startSimulator({ port: 0, seed: 1, ...o });
    sims.push(s);
    return s;
  };

  const client = (s: Simulator, o: WebsocketAPIClientOptions = {}): WebsocketAPIClient => {
    const c = new WebsocketAPIClient({
      ...s.demoAccount,
      wsBaseUrl: s.url,
      attachEventListeners: false,
      ...o,
    });
    clients.push(c);
    return c;
  };

  /** A client made elsewhere (e.g. with kucoin-api's literal options) that must be closed too. */
  const track = (c: WebsocketAPIClient): WebsocketAPIClient => {
    clients.push(c);
    return c;
  };

  const start = async (simOptions: SimulatorOptions = {}, clientOptions: WebsocketAPIClientOptions = {}) => {
    const s = await sim(simOptions);
    return { sim: s, client: client(s, clientOptions) };
  };

  /** A client of `s` that reconciles over the simulator's REST, with a short grace (150 ms). */
  const reconciling = (s: Simulator, o: WebsocketAPIClientOptions = {}): WebsocketAPIClient =>
    client(s, {
      restBaseUrl: s.restUrl,
      futuresRestBaseUrl: s.restUrl,
      reconcile: true,
      reconcileGraceMs: 150,
      ...o,
    });

  /**
   * A client that follows orders from the moment they are placed (`orderUpdates: true`), once
   * connected with the push channels of `markets` subscribed.
   */
  const tracking = async (
    s: Simulator,
    o: WebsocketAPIClientOptions = {},
    markets: Array<'pushSpot' | 'pushFutures'> = ['pushSpot'],
  ): Promise<WebsocketAPIClient> => {
    const c = client(s, { restBaseUrl: s.restUrl, futuresRestBaseUrl: s.restUrl, orderUpdates: true, ...o });
    await c.connect();
    for (const key of markets)
      await firstValueFrom(c.stateOf$(key).pipe(filter((st) => st.status === 'ready')));
    return c;
  };

  return { sim, client, track, start, reconciling, tracking };
}

/** A resting limit buy (BTC trades around 30000 in the simulator). */
export const limitBuy = (extra: Record<string, unknown> = {}) =>
  ({ side: 'buy', symbol: 'BTC-USDT', type: 'limit', price: '20000', size: '0.0001', ...extra }) as const;

/** A resting futures limit buy. */
export const futuresBuy = (extra: Record<string, unknown> = {}) =>
  ({
    side: 'buy',
    symbol: 'XBTUSDTM',
    type: 'limit',
    price: '20000',
    size: 1,
    leverage: 5,
    ...extra,
  }) as const;

/** Resolves with the first state of `wsKey` in `status` (the current one counts). */
export function stateIs(
  client: WebsocketAPIClient,
  status: ConnectionState['status'],
  wsKey: WSAPIWsKey = 'wsApiSpotV1',
): Promise<ConnectionState> {
  return firstValueFrom(client.stateOf$(wsKey).pipe(filter((s) => s.status === status)));
}

/** How many frames with this request id the simulator received. */
export const framesFor = (sim: Simulator, id: string): number => sim.countFrames((f) => f.id === id);

/** How many request frames of `op` the simulator received. */
export const framesOf = (sim: Simulator, op: string): number => sim.countFrames((f) => f.op === op);

/** A WebSocket factory that counts connection attempts. */
export function countingFactory(): { makeWebSocket: WebSocketFactory; attempts: () => number } {
  let n = 0;
  return {
    makeWebSocket: (url, protocols) => {
      n++;
      return makeNodeWebSocket(url, protocols);
    },
    attempts: () => n,
  };
}

/** Every update of an `updates$` until it completes. */
export const allUpdates = (updates$: Observable<OrderUpdate>): Promise<OrderUpdate[]> =>
  lastValueFrom(updates$.pipe(toArray()));
