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
  /** Its REST API (same port): server time, push tokens, order lookups. */
  readonly restUrl: string;
  readonly signer: Signer;
  close(): Promise<void>;
}

/**
 * The simulator, by the package's own name (a self-reference, resolved through its
 * `exports`). A variable on purpose: bundlers follow literal `import('…')` specifiers, and a
 * browser bundle (an Angular app) must not pull in the simulator, a Node server.
 */
const SIMULATOR_MODULE: string = 'kucoin-wsapi-rx/simulator';

/** Loads the simulator module (injectable for tests). */
export type SimulatorLoader = () => Promise<unknown>;

/**
 * Set by the package's build (tsup.config.ts): true in its CommonJS build, false in its ESM
 * build; not defined when src/ runs as it is (tsx, ts-jest).
 */
declare const KUCOIN_WSAPI_RX_CJS: boolean;

/**
 * The CommonJS build requires the simulator's CommonJS entry: an `import()` there would load
 * the ESM build, a second copy of the package, and a vm-based runner (Jest) refuses a dynamic
 * import in CommonJS code. `module.require` rather than `require`: a bundler that meets a
 * `require` of a variable warns about it.
 */
const loadSimulator: SimulatorLoader =
  typeof KUCOIN_WSAPI_RX_CJS !== 'undefined' && KUCOIN_WSAPI_RX_CJS
    ? () => Promise.resolve().then((): unknown => module.require(SIMULATOR_MODULE))
    : () => import(/* webpackIgnore: true */ /* @vite-ignore */ SIMULATOR_MODULE);

/** The first line of an error's message, at most 300 characters (a loader's message can be long). */
function reasonOf(error: unknown): string {
  const text = (error instanceof Error ? error.message : String(error)).split('\n', 1)[0];
  return text.length > 300 ? `${text.slice(0, 300)}…` : text;
}

/**
 * `testnet: true` without `wsBaseUrl`. KuCoin has no public test gateway for the WS API, so
 * in Node the bundled simulator is started in-process on a free loopback port, with its
 * demo account. The simulator is imported lazily, here only, so that the client core never
 * loads it (and browser bundles need not contain it).
 *
 * Every failure is a ConfigurationError, which closes the client at once: retrying cannot
 * make a module appear (a bundled app where the simulator does not resolve) or a port free.
 */
export async function startTestnet(
  inNode: boolean = isNodeRuntime(),
  load: SimulatorLoader = loadSimulator,
  now: () => number = Date.now,
): Promise<TestnetGateway> {
  if (!inNode) {
    throw new ConfigurationError(
      'testnet: true needs wsBaseUrl in a browser (there is no public test gateway; ' +
        'run the simulator with `npx kucoin-wsapi-sim` and pass its URL as wsBaseUrl)',
    );
  }
  let startSimulator: (typeof import('../simulator'))['startSimulator'];
  try {
    const loaded = (await load()) as Partial<typeof import('../simulator')> | undefined;
    if (typeof loaded?.startSimulator !== 'function') throw new Error('the module has no startSimulator');
    startSimulator = loaded.startSimulator;
  } catch (error) {
    throw new ConfigurationError(
      `testnet: true could not load the bundled simulator (${SIMULATOR_MODULE}): ${reasonOf(error)}. ` +
        'In a bundled app, keep kucoin-wsapi-rx external, or run `npx kucoin-wsapi-sim` and pass its URL as wsBaseUrl',
      { cause: error },
    );
  }
  const sim = await startSimulator({ port: 0 }).catch((error: unknown) => {
    throw new ConfigurationError(`testnet: true could not start the bundled simulator: ${reasonOf(error)}`, {
      cause: error,
    });
  });
  return {
    url: sim.url,
    restUrl: sim.restUrl,
    signer: createSigner(sim.demoAccount, now),
    close: () => sim.close(),
  };
}
