/**
 * A push token that opened a welcomed session is kept across failed attempts that never got
 * as far as a refusal of that token (socket refused, handshake timed out): only the server's
 * refusal of the token (`401 token is expired`) or a token that never opened a session makes
 * the next attempt fetch a new one. So a push host that refuses connections does not cost a
 * `bullet-private` call per retry, and the connection comes back when the push host does,
 * even if REST is down by then. Synchronisation is on states.
 */
import { filter, firstValueFrom, type Subscription } from 'rxjs';
import { WebsocketAPIClient, type ConnectionState } from '../../src';
import { startSimulator, type Simulator } from '../../src/simulator';
import { alice } from '../simulator/rest-client';

let sim: Simulator;
let client: WebsocketAPIClient | undefined;
const subscriptions: Subscription[] = [];

beforeEach(async () => {
  sim = await startSimulator({ port: 0, seed: 3, accounts: [alice] });
});
afterEach(async () => {
  for (const s of subscriptions.splice(0)) s.unsubscribe();
  await client?.close();
  await sim.close();
});

type PushKey = 'pushSpot' | 'pushFutures';
const PUSH_KEYS: readonly PushKey[] = ['pushSpot', 'pushFutures'];

/** A client whose fetch counts the `bullet-private` calls. */
function counted(): { client: WebsocketAPIClient; bullets: () => number } {
  let bullets = 0;
  const c = new WebsocketAPIClient({
    apiKey: alice.apiKey,
    apiSecret: alice.apiSecret,
    apiPassphrase: alice.apiPassphrase,
    wsBaseUrl: sim.url,
    restBaseUrl: sim.restUrl,
    futuresRestBaseUrl: sim.restUrl,
    attachEventListeners: false,
    reconnect: { initialDelayMs: 5, maxDelayMs: 50 },
    handshakeTimeoutMs: 1_500,
    fetch: (input, init) => {
      if (new URL(input).pathname === '/api/v1/bullet-private') bullets++;
      return globalThis.fetch(input, init);
    },
  });
  client = c;
  return { client: c, bullets: () => bullets };
}

const stateOf = (c: WebsocketAPIClient, key: PushKey, pick: (s: ConnectionState) => boolean) =>
  firstValueFrom(c.stateOf$(key).pipe(filter(pick)));
const bothReady = (c: WebsocketAPIClient) =>
  Promise.all(PUSH_KEYS.map((k) => stateOf(c, k, (s) => s.status === 'ready')));
/** Both push connections have failed `n` attempts in a row. */
const bothFailed = (c: WebsocketAPIClient, n: number) =>
  Promise.all(PUSH_KEYS.map((k) => stateOf(c, k, (s) => s.status === 'reconnecting' && s.attempt >= n)));

it('a welcomed token survives refused connections and handshake timeouts; the connection returns with REST down', async () => {
  const { client: c, bullets } = counted();
  subscriptions.push(c.orderUpdates$.subscribe());
  await bothReady(c);
  expect(bullets()).toBe(2);

  // The push host refuses connections: attempt after attempt fails before any session.
  sim.faults.refuseConnections(true);
  const refused = bothFailed(c, 4);
  sim.faults.dropSessions({ kind: 'push' });
  await refused;
  const afterRefusals = bullets();
  expect(afterRefusals).toBe(2);

  // Connections are accepted again but never welcomed: the handshake times out.
  sim.faults.pause();
  sim.faults.refuseConnections(false);
  const timedOut = Promise.all(
    PUSH_KEYS.map((k) => stateOf(c, k, (s) => /not subscribed within/.test(s.error?.message ?? ''))),
  );
  await timedOut;
  const afterTimeouts = bullets();
  expect(afterTimeouts).toBe(2);

  // REST goes down; the push host comes back: the kept token opens the session.
  sim.faults.restDown(true);
  sim.faults.resume();
  await bothReady(c);
  console.log(
    `bullet-private calls: 2 to open, ${afterRefusals - 2} over 4+ refused attempts per market, ${afterTimeouts - afterRefusals} over handshake timeouts, ${bullets() - afterTimeouts} to come back with REST down`,
  );
  expect([afterRefusals, afterTimeouts, bullets()]).toEqual([2, 2, 2]);
});

it('a refused token is still replaced, and a token that never opened a session is fetched once per attempt, under backoff', async () => {
  const { client: c, bullets } = counted();
  // The push host refuses connections from the start: no token of this client was welcomed.
  sim.faults.refuseConnections(true);
  /** The backoff delay of every spot retry, with its retry number. */
  const attempts: Array<{ attempt: number; delay: number }> = [];
  subscriptions.push(
    c.stateOf$('pushSpot').subscribe((s) => {
      if (s.status === 'reconnecting' && s.retryInMs !== undefined)
        attempts.push({ attempt: s.attempt, delay: s.retryInMs });
    }),
  );
  subscriptions.push(c.orderUpdates$.subscribe());
  await bothFailed(c, 4);
  const duringRefusal = bullets();
  // Each retry goes after a backoff delay, and fetches at most one token (none in between).
  expect(attempts.length).toBeGreaterThanOrEqual(4);
  // Full jitter below the ceiling of `reconnect` (5 ms doubled per retry, at most 50 ms). Each
  // delay may be 0, so none is asked to be more: a run whose four delays were all 0 (1 in
  // 40,000) failed a check that one was.
  for (const { attempt, delay } of attempts) {
    expect(delay).toBeGreaterThanOrEqual(0);
    expect(delay).toBeLessThan(Math.min(50, 5 * 2 ** (attempt - 1)));
  }
  const futuresAttempts = c.stateOf('pushFutures').attempt;
  expect(duringRefusal).toBeLessThanOrEqual(attempts.length + futuresAttempts + 2);

  sim.faults.refuseConnections(false);
  await bothReady(c);
  const opened = bullets();
  // The server refuses the token: a new one is fetched.
  const reconnecting = Promise.all(
    PUSH_KEYS.map((k) => stateOf(c, k, (s) => /token is expired/.test(s.error?.message ?? ''))),
  );
  sim.faults.expireTokens();
  await reconnecting;
  await bothReady(c);
  expect(bullets()).toBe(opened + 2);
});
