/**
 * The package as users install it. `npm pack` (which builds through `prepack`) makes the
 * tarball; @arethetypeswrong/cli checks its types in every resolution mode; the tarball is
 * installed into an empty ESM app and an empty CommonJS app in the temporary directory (no
 * install script may run), which are type-checked under moduleResolution node16, bundler and
 * node10, import it by name and place an order with `testnet: true` (which also loads the
 * simulator through the package's own exports). The installed package is also bundled for the
 * browser, and tree-shaken (`sideEffects: false`).
 */
import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { isAbsolute, join } from 'node:path';
import { build as bundle } from 'esbuild';

const ROOT = join(__dirname, '..', '..');
const TSC = join(ROOT, 'node_modules', 'typescript', 'bin', 'tsc');
const JEST = join(ROOT, 'node_modules', 'jest', 'bin', 'jest.js');
const ATTW = join(ROOT, 'node_modules', '@arethetypeswrong', 'cli', 'dist', 'index.js');

interface Run {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

/** Runs `command args` in `cwd` and collects its output (never rejects on a non-zero exit). */
function run(command: string, args: string[], cwd: string, timeoutMs = 240_000): Promise<Run> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { cwd, env: { ...process.env, NO_COLOR: '1' } });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d));
    child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}

const node = (args: string[], cwd: string): Promise<Run> => run(process.execPath, args, cwd);

// One order through testnet: true; prints what it got, or the error.
const ORDER_FLOW = `
  const client = new WebsocketAPIClient({ testnet: true, attachEventListeners: false, requestTimeoutMs: 5000 });
  const r = await client.submitNewSpotOrder({ side: 'buy', symbol: 'BTC-USDT', type: 'limit', price: '20000', size: '0.0001' });
  await client.close();
  console.log(JSON.stringify({ code: r.code, orderId: r.data.orderId, simulator: typeof startSimulator }));
`;

/** A consumer's TypeScript: the root, both subpaths, and a switch that narrows on `code`. */
const CONSUMER_TS = `
import {
  WebsocketAPIClient,
  type FuturesOrderDetail,
  type HfOrderDetail,
  type KucoinWsApiError,
  type OrderSnapshot,
  type WebSocketFactory,
  type WebSocketLike,
  type WSAPIOrderResponse,
} from 'kucoin-wsapi-rx';
import { startSimulator, type Simulator } from 'kucoin-wsapi-rx/simulator';
import { DecimalString } from 'kucoin-wsapi-rx/codecs';

export async function order(sim: Simulator): Promise<WSAPIOrderResponse> {
  const client = new WebsocketAPIClient({ testnet: true, wsBaseUrl: sim.url, attachEventListeners: false });
  const placed = await client.submitNewSpotOrder({ side: 'buy', symbol: 'BTC-USDT', type: 'limit', price: '1', size: '1' });
  await client.close();
  return placed.data;
}

export function explain(error: KucoinWsApiError): string {
  switch (error.code) {
    case 'REQUEST_TIMEOUT':
      return error.sent ? 'outcome unknown' : 'not sent';
    case 'VALIDATION_FAILED':
      return error.issues.map((i) => i.field).join();
    default:
      return error.msg;
  }
}

export const decimal: boolean = DecimalString.is('1.5');
export const start: typeof startSimulator = startSimulator;

// The types behind public ones can be named: a lookup's raw detail, the WebSocket factory's socket.
export const rawOf = (snapshot: OrderSnapshot): HfOrderDetail | FuturesOrderDetail => snapshot.raw;
export const browserSocket: WebSocketFactory = (url, protocols): WebSocketLike => new WebSocket(url, protocols);
`;

const MODES = {
  node16: { module: 'node16', moduleResolution: 'node16' },
  bundler: { module: 'esnext', moduleResolution: 'bundler' },
  node10: { module: 'commonjs', moduleResolution: 'node10' },
} as const;

let out: string;
let tarball: string;
let packed: { name: string; files: { path: string }[] };
const installs: Record<'esm' | 'cjs', Run> = {} as Record<'esm' | 'cjs', Run>;

/** An empty app of the given module type with the tarball and rxjs (its peer) installed. */
async function app(kind: 'esm' | 'cjs'): Promise<void> {
  const dir = join(out, kind);
  mkdirSync(dir);
  const type = kind === 'esm' ? 'module' : 'commonjs';
  writeFileSync(join(dir, 'package.json'), JSON.stringify({ name: `${kind}-app`, private: true, type }));
  installs[kind] = await run(
    'npm',
    ['install', '--no-audit', '--no-fund', '--prefer-offline', tarball, 'rxjs@^7.8.0'],
    dir,
  );
  writeFileSync(join(dir, 'consumer.ts'), CONSUMER_TS);
  for (const [mode, options] of Object.entries(MODES)) {
    const compilerOptions = {
      ...options,
      target: 'es2022',
      // rxjs' and the package's declarations name setTimeout and Blob: a browser app's lib (a
      // Node app has them from @types/node).
      lib: ['es2022', 'dom'],
      types: [],
      strict: true,
      noEmit: true,
      skipLibCheck: false, // the package's declarations (and rxjs', io-ts') are checked too
      skipDefaultLibCheck: true,
    };
    writeFileSync(
      join(dir, `tsconfig.${mode}.json`),
      JSON.stringify({ compilerOptions, files: ['consumer.ts'] }),
    );
  }
}

beforeAll(async () => {
  out = mkdtempSync(join(tmpdir(), 'kucoin-wsapi-rx-package-'));
  const pack = await run('npm', ['pack', '--json', '--pack-destination', out], ROOT);
  expect(pack.code).toBe(0);
  // prepack's build logs before the JSON; the JSON is the last thing printed.
  const json = pack.stdout.slice(pack.stdout.lastIndexOf('\n[') + 1);
  [packed] = JSON.parse(json) as (typeof packed)[];
  tarball = join(out, `${packed.name}-0.1.0.tgz`);
  await Promise.all([app('esm'), app('cjs')]);
  writeFileSync(
    join(out, 'esm', 'order.mjs'),
    `import { WebsocketAPIClient } from 'kucoin-wsapi-rx';
     import { startSimulator } from 'kucoin-wsapi-rx/simulator';
     ${ORDER_FLOW}`,
  );
  writeFileSync(
    join(out, 'cjs', 'order.cjs'),
    `const { WebsocketAPIClient } = require('kucoin-wsapi-rx');
     const { startSimulator } = require('kucoin-wsapi-rx/simulator');
     (async () => { ${ORDER_FLOW} })();`,
  );
  // testnet: true alone: the client loads the simulator itself (nothing required it before).
  // It must take the CommonJS build's simulator, not import the ESM build, a second copy.
  writeFileSync(
    join(out, 'cjs', 'testnet.cjs'),
    `const { WebsocketAPIClient } = require('kucoin-wsapi-rx');
     const entry = require('node:path').join('dist', 'simulator', 'index.js');
     const simulatorEntries = () => Object.keys(require.cache).filter((k) => k.endsWith(entry)).length;
     (async () => {
       const before = simulatorEntries();
       const startSimulator = undefined; // ORDER_FLOW reports its type; this app never requires it
       ${ORDER_FLOW}
       console.log(JSON.stringify({ before, after: simulatorEntries() }));
     })();`,
  );
  // The same in a Jest test of the app's own: Jest runs CommonJS code in a vm, which refuses
  // a dynamic import() unless Node runs with --experimental-vm-modules.
  writeFileSync(
    join(out, 'cjs', 'testnet.test.js'),
    `const { WebsocketAPIClient } = require('kucoin-wsapi-rx');
     test('testnet: true places an order', async () => {
       const client = new WebsocketAPIClient({ testnet: true, attachEventListeners: false, requestTimeoutMs: 5000 });
       try {
         const r = await client.submitNewSpotOrder({ side: 'buy', symbol: 'BTC-USDT', type: 'limit', price: '20000', size: '0.0001' });
         expect(r.code).toBe('200000');
       } finally {
         await client.close();
       }
     });`,
  );
  writeFileSync(
    join(out, 'esm', 'browser.mjs'),
    `import { WebsocketAPIClient } from 'kucoin-wsapi-rx';
     new WebsocketAPIClient({ wsBaseUrl: 'ws://127.0.0.1:8899' }).state$.subscribe(console.log);`,
  );
  // Both builds in one app (an ESM app with a CommonJS dependency that requires the package).
  writeFileSync(
    join(out, 'esm', 'dual.mjs'),
    `import { createRequire } from 'node:module';
     import * as esm from 'kucoin-wsapi-rx';
     const cjs = createRequire(import.meta.url)('kucoin-wsapi-rx');
     const error = new cjs.GatewayError({ code: '400100', msg: 'bad' });
     console.log(JSON.stringify({
       twoCopies: cjs.GatewayError !== esm.GatewayError,
       sameClass: error instanceof esm.GatewayError,
       base: error instanceof esm.WsApiError,
       otherClass: error instanceof esm.TimeoutError,
       back: new esm.ProtocolError('x') instanceof cjs.ProtocolError,
     }));`,
  );
  writeFileSync(
    join(out, 'esm', 'one-error.mjs'),
    `import { RateLimitError } from 'kucoin-wsapi-rx';
     console.log(new RateLimitError({ code: '429000', msg: '', reset: 1, receivedAt: 0 }).code);`,
  );
}, 420_000);

afterAll(() => {
  if (out !== undefined) rmSync(out, { recursive: true, force: true });
});

describe('the packed tarball', () => {
  it('holds the build, the licence, the changelog and the readme, and no install script', () => {
    const files = packed.files.map((f) => f.path);
    expect(files).toEqual(
      expect.arrayContaining([
        'LICENSE',
        'CHANGELOG.md',
        'README.md',
        'package.json',
        'dist/index.js',
        'dist/index.mjs',
        'dist/index.d.ts',
        'dist/index.d.mts',
        'dist/simulator/index.d.mts',
        'dist/codecs/index.d.mts',
        'dist/cli/simulator.js',
      ]),
    );
    expect(files.filter((f) => !f.startsWith('dist/'))).toEqual(
      expect.not.arrayContaining([expect.stringMatching(/^(src|spec|bench|examples)\//)]),
    );
    const manifest = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as {
      scripts: Record<string, string>;
      dependencies: Record<string, string>;
    };
    for (const hook of ['preinstall', 'install', 'postinstall', 'prepare']) {
      expect(manifest.scripts[hook]).toBeUndefined();
    }
    // Bundled into dist (its declarations too), so not a dependency.
    expect(manifest.dependencies['rxjs-websockets']).toBeUndefined();
  });

  it('its source maps name no path of the machine that built it', () => {
    // Read from dist/ as `npm pack` left it: what the tarball holds.
    const maps = packed.files.map((f) => f.path).filter((p) => p.endsWith('.map'));
    expect(maps.length).toBeGreaterThan(0);
    const absolute = maps.filter((p) => {
      const map = JSON.parse(readFileSync(join(ROOT, p), 'utf8')) as { sources: string[]; file?: string };
      return [...map.sources, map.file ?? ''].some((s) => isAbsolute(s));
    });
    expect(absolute).toEqual([]);
  });

  it('@arethetypeswrong/cli finds no problem in any resolution mode', async () => {
    const r = await node([ATTW, '--format', 'json', tarball], ROOT);
    const report = JSON.parse(r.stdout) as { problems: Record<string, unknown[]> };
    expect(report.problems).toEqual({});
    expect(r.code).toBe(0);
  }, 120_000);
});

describe.each(['esm', 'cjs'] as const)('installed into an empty %s app', (kind) => {
  it('installs without running any install script', () => {
    const r = installs[kind];
    expect({ code: r.code, stderr: r.stderr }).toEqual({ code: 0, stderr: '' });
    expect(`${r.stdout}${r.stderr}`).not.toMatch(/install-scripts|prepare|postinstall/);
  });

  // A few seconds each on a quiet machine: the declarations of the package, rxjs and io-ts are
  // checked too (skipLibCheck: false).
  it.each(Object.keys(MODES))(
    'type-checks under moduleResolution %s',
    async (mode) => {
      const r = await node([TSC, '-p', `tsconfig.${mode}.json`], join(out, kind));
      expect({ code: r.code, output: `${r.stdout}${r.stderr}` }).toEqual({ code: 0, output: '' });
    },
    180_000,
  );

  it('imports it by name and places an order with testnet: true', async () => {
    const r = await node([kind === 'esm' ? 'order.mjs' : 'order.cjs'], join(out, kind));
    expect({ code: r.code, stderr: r.stderr }).toEqual({ code: 0, stderr: '' });
    expect(JSON.parse(r.stdout)).toEqual({
      code: '200000',
      orderId: expect.stringMatching(/^[0-9a-f]{24}$/),
      simulator: 'function',
    });
  }, 60_000);
});

describe('required by a CommonJS app', () => {
  it('testnet: true requires the CommonJS simulator (no second copy of the package)', async () => {
    const r = await node(['testnet.cjs'], join(out, 'cjs'));
    expect({ code: r.code, stderr: r.stderr }).toEqual({ code: 0, stderr: '' });
    const [order, loaded] = r.stdout
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line) as unknown);
    expect(order).toMatchObject({ code: '200000' });
    expect(loaded).toEqual({ before: 0, after: 1 });
  }, 60_000);

  it('testnet: true works in a Jest test of the app (CommonJS in a vm)', async () => {
    const config = JSON.stringify({
      testEnvironment: 'node',
      transform: {},
      testMatch: ['**/testnet.test.js'],
    });
    const r = await node([JEST, '--ci', '--config', config, '--rootDir', '.'], join(out, 'cjs'));
    expect({ code: r.code, output: r.stderr.includes('1 passed') }).toEqual({ code: 0, output: true });
  }, 120_000);
});

describe('imported and required in one app', () => {
  it("instanceof knows an error of the other build's copy of its class", async () => {
    const r = await node(['dual.mjs'], join(out, 'esm'));
    expect({ code: r.code, stderr: r.stderr }).toEqual({ code: 0, stderr: '' });
    expect(JSON.parse(r.stdout)).toEqual({
      twoCopies: true,
      sameClass: true,
      base: true,
      otherClass: false,
      back: true,
    });
  }, 60_000);
});

describe('bundled from the installed package', () => {
  async function bundled(entry: string, minify = false): Promise<{ text: string; warnings: string[] }> {
    const result = await bundle({
      entryPoints: [join(out, 'esm', entry)],
      absWorkingDir: join(out, 'esm'),
      bundle: true,
      minify,
      platform: 'browser',
      format: 'esm',
      write: false,
      logLevel: 'silent',
    });
    return { text: result.outputFiles[0].text, warnings: result.warnings.map((w) => w.text) };
  }

  it('for the browser: without the simulator or Node built-ins', async () => {
    const { text, warnings } = await bundled('browser.mjs');
    expect(warnings).toEqual([]);
    expect(text).toContain('WebsocketAPIClient');
    expect(text).not.toContain('WebSocketServer');
    expect(text).not.toContain('kucoin-wsapi-sim:demo');
  });

  it('tree-shaken (sideEffects: false): one error class does not bring the client', async () => {
    const { text, warnings } = await bundled('one-error.mjs', true);
    expect(warnings).toEqual([]);
    expect(text).toContain('429000');
    expect(text).not.toContain('wsApiSpotV1'); // the client's connections
    expect(text).not.toContain('SubmitHFOrderRequest'); // nor the codecs
    // 84 KB minified before sideEffects: false; the README says "about 2.4 KB" (the class, its
    // base with the cross-copy instanceof, and the text scrubbing its constructor uses).
    const bytes = Buffer.byteLength(text);
    console.log(`one error class, bundled and minified: ${bytes} B`);
    expect(bytes).toBeLessThan(3_000);
  });
});
