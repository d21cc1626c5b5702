import { ConfigurationError } from '../errors';
import { createSigner, type Signer } from '../transport/auth';
import { isNodeRuntime } from '../transport/websocket';

/**
 * A simulator the client started for `testnet: true`, and how to stop it. Its demo account
 * is held by the signer's closure only: the client keeps this object, and a plain field would
 * show the demo secret to `util.inspect(client, { customInspect: false })`.
 */
export interface TestnetGateway {
  readonly url: string;
  readonly signer: Signer;
  close(): Promise<void>;
}

/**
 * The simulator, by the package's own name (a self-reference, resolved through its
 * `exports`). A variable on purpose: bundlers follow literal `import('…')` specifiers, and a
 * browser bundle (an Angular app) must not pull in the simulator, a Node server.
 */
const SIMULATOR_MODULE: string = 'kucoin-wsapi-rx/simulator';

/**
 * `testnet: true` without `wsBaseUrl`. KuCoin has no public test gateway for the WS API, so
 * in Node the bundled simulator is started in-process on a free loopback port, with its
 * demo account. The simulator is imported lazily, here only, so that the client core never
 * loads it (and browser bundles need not contain it).
 */
export async function startTestnet(inNode: boolean = isNodeRuntime()): Promise<TestnetGateway> {
  if (!inNode) {
    throw new ConfigurationError(
      'testnet: true needs wsBaseUrl in a browser (there is no public test gateway; ' +
        'run the simulator with `npx kucoin-wsapi-sim` and pass its URL as wsBaseUrl)',
    );
  }
  const { startSimulator } = (await import(
    /* webpackIgnore: true */ /* @vite-ignore */ SIMULATOR_MODULE
  )) as typeof import('../simulator');
  // The client asks for the endpoint once and keeps the answer: a failure here would repeat on
  // every reconnect, so it is a configuration error (fatal, every call rejects with it).
  const sim = await startSimulator({ port: 0 }).catch((error: unknown) => {
    throw new ConfigurationError(
      `testnet: true could not start the bundled simulator: ${error instanceof Error ? error.message : String(error)}`,
    );
  });
  return { url: sim.url, signer: createSigner(sim.demoAccount), close: () => sim.close() };
}
