/**
 * `testnet: true`: in Node the client starts the bundled simulator on first use (one for both
 * connections), signs with its demo account and stops it on close(); in a browser it asks for
 * wsBaseUrl. The simulator the client starts is observed through a spy on startSimulator.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { inspect } from 'node:util';
import { build } from 'esbuild';
import WebSocket from 'ws';
import { ConfigurationError, WebsocketAPIClient } from '../../src';
import { startTestnet } from '../../src/client/testnet';
import * as simulatorModule from '../../src/simulator';
import type { Simulator } from '../../src/simulator';
import { futuresBuy, limitBuy, stateIs } from './harness';
import { unhandledRejectionsDuring } from '../support/unhandled';

/** Resolves with how a fresh WebSocket to `url` ended: 'open' or the error's code. */
function probe(url: string): Promise<string> {
  return new Promise((resolve) => {
    const socket = new WebSocket(`${url}/v1/private`);
    socket.on('open', () => {
      socket.terminate();
      resolve('open');
    });
    socket.on('unexpected-response', () => {
      socket.terminate();
      resolve('open');
    });
    socket.on('error', (e: NodeJS.ErrnoException) => resolve(e.code ?? e.message));
  });
}

/** Spies on startSimulator and collects the simulators it started. */
function watchSimulators() {
  const started: Array<Promise<Simulator>> = [];
  const real = simulatorModule.startSimulator;
  const spy = jest.spyOn(simulatorModule, 'startSimulator').mockImplementation((options) => {
    const sim = real(options);
    started.push(sim);
    return sim;
  });
  return { spy, started };
}

afterEach(() => jest.restoreAllMocks());

describe('testnet: true in Node', () => {
  it('starts one simulator on an ephemeral loopback port, signs with its demo account, stops it on close()', async () => {
    const { spy, started } = watchSimulators();
    const client = new WebsocketAPIClient({ testnet: true, attachEventListeners: false });
    expect(spy).not.toHaveBeenCalled(); // nothing starts before the first use

    const [spot, futures] = await Promise.all([
      client.submitNewSpotOrder(limitBuy()),
      client.submitFuturesOrder(futuresBuy()),
    ]);
    expect(spy).toHaveBeenCalledTimes(1); // both connections share it
    expect(spy.mock.calls[0][0]).toEqual({ port: 0 });
    const sim = await started[0];
    expect(sim.url).toMatch(/^ws:\/\/127\.0\.0\.1:\d+$/);
    expect(sim.port).toBeGreaterThan(0);

    // The orders are in this simulator's ledger, placed by its demo account.
    expect(sim.exchange.ledger(spot.data.clientOid)?.orderId).toBe(spot.data.orderId);
    expect(sim.exchange.ledger(futures.data.clientOid)?.orderId).toBe(futures.data.orderId);
    expect(sim.sessions().map((s) => s.apiKey)).toEqual([sim.demoAccount.apiKey, sim.demoAccount.apiKey]);
    expect(await probe(sim.url)).toBe('open');

    await client.close();
    expect(client.stateOf('wsApiSpotV1').status).toBe('closed');
    expect(client.stateOf('wsApiFuturesV1').status).toBe('closed');
    expect(sim.sessions()).toEqual([]);
    expect(await probe(sim.url)).toBe('ECONNREFUSED');
  });

  it("keeps the demo account's secret and passphrase out of reach of util.inspect without customInspect", async () => {
    const { started } = watchSimulators();
    const client = new WebsocketAPIClient({ testnet: true, attachEventListeners: false });
    await client.connect();
    const { demoAccount } = await started[0];
    const shown = inspect(client, { customInspect: false, depth: Infinity, showHidden: true });
    expect(shown).not.toContain(demoAccount.apiSecret);
    expect(shown).not.toContain(demoAccount.apiPassphrase);
    await client.close();
  });

  it('close() before any call starts no simulator', async () => {
    const { spy } = watchSimulators();
    const client = new WebsocketAPIClient({ testnet: true, attachEventListeners: false });
    await client.close();
    expect(spy).not.toHaveBeenCalled();
  });

  it('close() while the simulator is starting still stops it', async () => {
    const { started } = watchSimulators();
    const client = new WebsocketAPIClient({ testnet: true, attachEventListeners: false });
    const call = client.submitNewSpotOrder(limitBuy()).then(
      () => 'resolved',
      (e: unknown) => (e as Error).name,
    );
    await stateIs(client, 'connecting');
    await client.close();
    expect(await call).toBe('ClientClosedError');
    const sim = await started[0];
    expect(await probe(sim.url)).toBe('ECONNREFUSED');
  });

  it('a simulator that cannot start closes the client with a ConfigurationError instead of retrying', async () => {
    jest.spyOn(simulatorModule, 'startSimulator').mockRejectedValue(new Error('EADDRNOTAVAIL'));
    const client = new WebsocketAPIClient({ testnet: true, attachEventListeners: false });
    const error = await client.submitNewSpotOrder(limitBuy()).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(ConfigurationError);
    expect((error as Error).message).toMatch(/could not start the bundled simulator: EADDRNOTAVAIL/);
    const closed = await stateIs(client, 'closed');
    expect(closed.error).toBe(error);
    await client.close();
  });
});

describe('testnet: true, stopping', () => {
  it('a simulator that fails to stop does not become an unhandled rejection; close() still resolves', async () => {
    const real = simulatorModule.startSimulator;
    jest.spyOn(simulatorModule, 'startSimulator').mockImplementation(async (options) => {
      const sim = await real(options);
      const close = sim.close.bind(sim);
      return Object.assign(Object.create(sim) as Simulator, {
        close: async () => {
          await close();
          throw new Error('EBUSY: the simulator failed to stop');
        },
      });
    });
    const unhandled = await unhandledRejectionsDuring(async () => {
      const client = new WebsocketAPIClient({ testnet: true, attachEventListeners: false });
      await client.submitNewSpotOrder(limitBuy());
      await client.close();
    });
    expect(unhandled).toEqual([]);
  });
});

describe('testnet: true in a browser', () => {
  it('the adapter rejects with a ConfigurationError asking for wsBaseUrl, and loads no simulator', async () => {
    const { spy } = watchSimulators();
    const error = await startTestnet(false).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(ConfigurationError);
    expect((error as Error).message).toMatch(/testnet: true needs wsBaseUrl in a browser/);
    expect(spy).not.toHaveBeenCalled();
  });

  it('a client without process.versions.node rejects its calls with that error and closes', async () => {
    await jest.isolateModulesAsync(async () => {
      jest.doMock('../../src/transport/websocket', () => ({
        ...jest.requireActual('../../src/transport/websocket'),
        isNodeRuntime: () => false,
      }));
      const lib = await import('../../src');
      const sim = await import('../../src/simulator');
      const spy = jest.spyOn(sim, 'startSimulator');
      const client = new lib.WebsocketAPIClient({ testnet: true, attachEventListeners: false });
      const error = await client.submitNewSpotOrder(limitBuy()).then(
        () => undefined,
        (e: unknown) => e,
      );
      expect(error).toBeInstanceOf(lib.ConfigurationError);
      expect((error as Error).message).toMatch(/needs wsBaseUrl/);
      expect(client.stateOf('wsApiSpotV1').status).toBe('closed');
      expect(spy).not.toHaveBeenCalled();
      await client.close();
    });
  });
});

describe('testnet: true where the simulator cannot be loaded', () => {
  it('closes the client with a ConfigurationError at the first attempt, naming the module and the cause', async () => {
    await jest.isolateModulesAsync(async () => {
      jest.dontMock('../../src/transport/websocket'); // a test above made it a browser
      // What a bundled app sees: the package's own `kucoin-wsapi-rx/simulator` does not resolve.
      jest.doMock('kucoin-wsapi-rx/simulator', () => {
        throw new Error("Cannot find package 'kucoin-wsapi-rx' imported from /app/dist/bundle.mjs");
      });
      const lib = await import('../../src');
      const client = new lib.WebsocketAPIClient({
        testnet: true,
        attachEventListeners: false,
        reconnect: { initialDelayMs: 1, maxDelayMs: 1 },
      });
      const states: string[] = [];
      client.stateOf$('wsApiSpotV1').subscribe((s) => states.push(s.status));
      const error = await client.submitNewSpotOrder(limitBuy()).then(
        () => undefined,
        (e: unknown) => e,
      );
      expect(error).toBeInstanceOf(lib.ConfigurationError);
      expect((error as Error).message).toMatch(
        /testnet: true could not load the bundled simulator \(kucoin-wsapi-rx\/simulator\): Cannot find package/,
      );
      expect((error as Error).cause).toBeInstanceOf(Error);
      expect(client.stateOf('wsApiSpotV1')).toMatchObject({ status: 'closed', error });
      // One attempt, no reconnect loop.
      expect(states).toEqual(['idle', 'connecting', 'closed']);
      await expect(client.connect()).rejects.toBeInstanceOf(lib.ClientClosedError);
      await client.close();
      jest.dontMock('kucoin-wsapi-rx/simulator');
    });
  });

  it('a module without startSimulator is a ConfigurationError too', async () => {
    const error = await startTestnet(true, async () => ({ notTheSimulator: true })).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(ConfigurationError);
    expect((error as Error).message).toMatch(/could not load the bundled simulator.*no startSimulator/);
  });
});

describe('testnet: true in an app bundled with esbuild (no kucoin-wsapi-rx/simulator beside it)', () => {
  const ROOT = join(__dirname, '..', '..');
  let dir = '';
  afterAll(() => {
    if (dir !== '') rmSync(dir, { recursive: true, force: true });
  });

  it('calls reject with the ConfigurationError at once, the state closes with it, one log line', async () => {
    dir = mkdtempSync(join(tmpdir(), 'kucoin-wsapi-bundle-'));
    const entry = join(dir, 'app.ts');
    writeFileSync(
      entry,
      `import { WebsocketAPIClient } from ${JSON.stringify(join(ROOT, 'src'))};
       const lines: string[] = [];
       const log = (...a: unknown[]) => lines.push(a.map((x) => (typeof x === 'string' ? x : JSON.stringify(x))).join(' '));
       const client = new WebsocketAPIClient({
         testnet: true,
         logger: { info: log, warn: log, error: log, debug: log },
         reconnect: { initialDelayMs: 1, maxDelayMs: 5, maxAttempts: 20 },
       });
       const states: string[] = [];
       client.stateOf$('wsApiSpotV1').subscribe((s) => states.push(s.status));
       const error = await client
         .submitNewSpotOrder({ side: 'buy', symbol: 'BTC-USDT', type: 'limit', price: '20000', size: '0.0001' })
         .then(() => undefined, (e: Error) => e);
       const closed = client.stateOf('wsApiSpotV1');
       await client.close();
       console.log(JSON.stringify({
         name: error?.name, message: error?.message, states,
         closedWithIt: closed.status === 'closed' && closed.error === error,
         notFound: lines.filter((l) => /Cannot find/.test(l)).length,
       }));`,
    );
    await build({
      entryPoints: [entry],
      outfile: join(dir, 'bundle.mjs'),
      bundle: true,
      platform: 'node',
      format: 'esm',
      target: 'node20',
      // ws' optional native add-ons; ws falls back to JavaScript without them.
      external: ['bufferutil', 'utf-8-validate'],
      // The usual banner of an ESM bundle for Node: ws (CommonJS) requires Node's built-ins.
      banner: {
        js: "import { createRequire } from 'node:module'; const require = createRequire(import.meta.url);",
      },
      logLevel: 'silent',
    });
    const run = spawnSync(process.execPath, [join(dir, 'bundle.mjs')], {
      cwd: dir,
      encoding: 'utf8',
      timeout: 20_000,
    });
    expect(run.stderr).toBe('');
    const out = JSON.parse(run.stdout) as Record<string, unknown>;
    expect(out).toMatchObject({
      name: 'ConfigurationError',
      message: expect.stringMatching(
        /^testnet: true could not load the bundled simulator \(kucoin-wsapi-rx\/simulator\): Cannot find package 'kucoin-wsapi-rx'/,
      ),
      states: ['idle', 'connecting', 'closed'],
      closedWithIt: true,
    });
    expect(out.notFound).toBe(1); // the close line names it once; no retry loop logging it per attempt
  });
});
