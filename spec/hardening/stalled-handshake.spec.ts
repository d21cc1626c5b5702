/**
 * A stalled event loop must not cut a handshake whose answer came in time. Node runs due
 * timers before it reads sockets: with the loop blocked past `handshakeTimeoutMs` right after
 * the client wrote its part (the WS API session's signature, the push subscription), the
 * deadline fires while the welcome (or the ack, and the order events after it) waits unread.
 * The verdict waits until that input has been read, as the request deadline and the heartbeat
 * do (stalled-deadline.spec.ts, stalled-loop.spec.ts). The gateways run in their own
 * processes: an in-process one would stall with the client.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { WebsocketAPIClient } from '../../src';
import { busy, startChildGateway, writeWatchingWebSocket, type ChildGateway } from '../support/child-gateway';
import { recordStates, statuses } from '../support/reliability';

const HANDSHAKE_MS = 1_000;
const STALL_MS = 1_500;

/** Blocks the loop for STALL_MS from the next turn (outside the timers phase). */
const stallSoon = (): void => {
  setImmediate(() => busy(STALL_MS));
};

describe('a handshake deadline after a stalled event loop', () => {
  let client: WebsocketAPIClient | undefined;
  let gateway: ChildGateway | undefined;
  let simulator: ChildProcess | undefined;
  afterEach(async () => {
    await client?.close();
    await gateway?.close();
    if (simulator !== undefined && simulator.exitCode === null && simulator.signalCode === null) {
      const exited = once(simulator, 'exit');
      simulator.kill('SIGTERM');
      await exited;
    }
    client = gateway = simulator = undefined;
  });

  it('WS API: the welcome that came during the stall opens the session, with no reconnect', async () => {
    gateway = await startChildGateway({ pingInterval: 60_000, pingTimeout: 60_000, delayMs: 0 });
    let writes = 0;
    const c = (client = new WebsocketAPIClient({
      apiKey: 'key',
      apiSecret: 'secret',
      apiPassphrase: 'pass',
      wsBaseUrl: gateway.url,
      attachEventListeners: false,
      handshakeTimeoutMs: HANDSHAKE_MS,
      // The first frame the client writes is the session's signature: the welcome follows it.
      makeWebSocket: writeWatchingWebSocket(() => {
        if (++writes === 1) stallSoon();
      }),
    }));
    const recorded = recordStates(c.stateOf$('wsApiSpotV1'));
    await c.connect('wsApiSpotV1');
    recorded.stop();
    expect(statuses(recorded.states)).toEqual(['idle', 'connecting', 'authenticating', 'ready']);
  });

  it('push: the ack and the order events that came during the stall are kept, with no reconnect', async () => {
    // The simulator in its own process (its command-line interface).
    const child = (simulator = spawn(
      process.execPath,
      ['--import', 'tsx', 'src/cli/simulator.ts', '--port', '0', '--json', '--seed', '5'],
      { cwd: join(__dirname, '../..'), stdio: ['ignore', 'pipe', 'inherit'] },
    ));
    const [line] = (await once(createInterface({ input: child.stdout! }), 'line')) as [string];
    const sim = JSON.parse(line) as {
      url: string;
      restUrl: string;
      demoAccount: { apiKey: string; apiSecret: string; apiPassphrase: string };
    };
    let stalled = false;
    const c = (client = new WebsocketAPIClient({
      ...sim.demoAccount,
      wsBaseUrl: sim.url,
      restBaseUrl: sim.restUrl,
      futuresRestBaseUrl: sim.restUrl,
      attachEventListeners: false,
      orderUpdates: true,
      handshakeTimeoutMs: HANDSHAKE_MS,
      makeWebSocket: writeWatchingWebSocket((data) => {
        // The spot push subscription: stall before its ack is read.
        if (
          !stalled &&
          typeof data === 'string' &&
          data.includes('"type":"subscribe"') &&
          data.includes('/spotMarket/')
        ) {
          stalled = true;
          stallSoon();
        }
      }),
    }));
    const recorded = recordStates(c.stateOf$('pushSpot'));
    await c.connect('wsApiSpotV1');
    const ready = new Promise<void>((resolve) =>
      c.stateOf$('pushSpot').subscribe((s) => s.status === 'ready' && resolve()),
    );
    const updates = c.orderUpdates$.subscribe();
    await ready;
    updates.unsubscribe();
    recorded.stop();
    expect(stalled).toBe(true);
    expect(statuses(recorded.states)).not.toContain('reconnecting');
  });
});
