/**
 * close() with the push connections in every phase: subscribed, waiting for a token, waiting
 * to reconnect. Each time the promise resolves promptly, orderUpdates$ completes, the push
 * states end `closed`, and no socket or timer is left (npm run test:handles runs this file
 * under jest --detectOpenHandles).
 */
import { filter, firstValueFrom, lastValueFrom, toArray } from 'rxjs';
import { WebsocketAPIClient, type ConnectionState, type WebsocketAPIClientOptions } from '../../src';
import { startSimulator, type Simulator } from '../../src/simulator';
import { until } from '../support/reliability';

let sim: Simulator;
beforeEach(async () => {
  sim = await startSimulator({ port: 0, seed: 5 });
});
afterEach(() => sim.close());

function clientOf(o: WebsocketAPIClientOptions = {}): WebsocketAPIClient {
  return new WebsocketAPIClient({
    ...sim.demoAccount,
    wsBaseUrl: sim.url,
    restBaseUrl: sim.restUrl,
    futuresRestBaseUrl: sim.restUrl,
    attachEventListeners: false,
    ...o,
  });
}

const pushState = (client: WebsocketAPIClient, status: ConnectionState['status']) =>
  Promise.all(
    (['pushSpot', 'pushFutures'] as const).map((k) =>
      firstValueFrom(client.stateOf$(k).pipe(filter((s) => s.status === status))),
    ),
  );

/** Closes `client` and checks what every close must leave. */
async function closeAndCheck(client: WebsocketAPIClient, completed: Promise<unknown>): Promise<void> {
  const states = lastValueFrom(client.state$.pipe(toArray()));
  await client.close();
  await completed;
  for (const key of ['pushSpot', 'pushFutures'] as const) expect(client.stateOf(key).status).toBe('closed');
  const all = await states; // state$ completes
  expect(all.filter((s) => s.status === 'closed').map((s) => s.wsKey)).toEqual(
    expect.arrayContaining(['pushSpot', 'pushFutures']),
  );
  // The simulator learns of each closed socket from its own side of the connection, which may
  // come a turn after the client's: waited for, a bounded number of event-loop turns.
  await until(() => sim.pushSessions().length === 0, 'the simulator saw every push socket close');
}

const completion = (client: WebsocketAPIClient): Promise<void> =>
  new Promise((resolve, reject) => client.orderUpdates$.subscribe({ complete: resolve, error: reject }));

describe('close() with the push channel', () => {
  it('subscribed: the push sockets close with a closing handshake', async () => {
    const client = clientOf({ orderUpdates: true });
    const completed = completion(client);
    await client.connect();
    await pushState(client, 'ready');
    expect(sim.pushSessions()).toHaveLength(2);
    await closeAndCheck(client, completed);
  });

  it('while the token is being fetched', async () => {
    let release!: () => void;
    const held = new Promise<void>((r) => (release = r));
    const client = clientOf({
      fetch: async (input, init) => {
        await held;
        return globalThis.fetch(input, init);
      },
    });
    const completed = completion(client);
    await pushState(client, 'connecting');
    const closing = closeAndCheck(client, completed);
    release();
    await closing;
  });

  it('while waiting to reconnect (a long backoff)', async () => {
    const client = clientOf({ reconnect: { initialDelayMs: 60_000, maxDelayMs: 60_000 } });
    const completed = completion(client);
    await pushState(client, 'ready');
    sim.faults.dropSessions({ kind: 'push' });
    await pushState(client, 'reconnecting');
    const started = Date.now();
    await closeAndCheck(client, completed);
    expect(Date.now() - started).toBeLessThan(5_000);
  });
});
