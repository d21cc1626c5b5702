/**
 * The package as users install it: dist/ built with the repository's tsup config, imported by
 * name from Node ESM and CommonJS (`testnet: true`, which also loads the simulator through the
 * package's own exports), and bundled for the browser the way an Angular app's build does.
 */
import { spawn } from 'node:child_process';
import { copyFileSync, mkdirSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { build as bundle } from 'esbuild';

const ROOT = join(__dirname, '..', '..');
const PKG = join(ROOT, 'spec', 'output', 'package');

/** Runs Node with `args` in `cwd`. */
function node(args: string[], cwd = PKG): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, args, { cwd });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d));
    child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
    const timer = setTimeout(() => child.kill('SIGKILL'), 40_000);
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}

// One order through testnet: true; prints what it got, or the error.
const ORDER_FLOW = `
  const client = new WebsocketAPIClient({ testnet: true, attachEventListeners: false, requestTimeoutMs: 5000 });
  const r = await client.submitNewSpotOrder({ side: 'buy', symbol: 'BTC-USDT', type: 'limit', price: '20000', size: '0.0001' });
  await client.close();
  console.log(JSON.stringify({ code: r.code, orderId: r.data.orderId, simulator: typeof startSimulator }));
`;

beforeAll(async () => {
  rmSync(PKG, { recursive: true, force: true });
  mkdirSync(PKG, { recursive: true });
  copyFileSync(join(ROOT, 'package.json'), join(PKG, 'package.json'));
  symlinkSync(join(ROOT, 'node_modules'), join(PKG, 'node_modules'), 'dir');
  // The repository's tsup config, into this directory (declarations are not what is tested
  // here). In a child process: jest's module loader is not what builds the package.
  const built = await node(
    [
      '--import',
      'tsx',
      '-e',
      `require('tsup').build({ ...require('./tsup.config.ts').default, outDir: process.argv[1], dts: false, silent: true, config: false })
         .catch((e) => { console.error(e); process.exitCode = 1; });`,
      join(PKG, 'dist'),
    ],
    ROOT,
  );
  expect(built).toMatchObject({ code: 0, stderr: '' });
  writeFileSync(
    join(PKG, 'esm.mjs'),
    `import { WebsocketAPIClient } from 'kucoin-wsapi-rx';
     import { startSimulator } from 'kucoin-wsapi-rx/simulator';
     ${ORDER_FLOW}`,
  );
  writeFileSync(
    join(PKG, 'cjs.cjs'),
    `const { WebsocketAPIClient } = require('kucoin-wsapi-rx');
     const { startSimulator } = require('kucoin-wsapi-rx/simulator');
     (async () => { ${ORDER_FLOW} })();`,
  );
  writeFileSync(
    join(PKG, 'app.mjs'),
    `import { WebsocketAPIClient } from 'kucoin-wsapi-rx';
     new WebsocketAPIClient({ wsBaseUrl: 'ws://127.0.0.1:8899' }).state$.subscribe(console.log);`,
  );
}, 60_000);

describe('the built package', () => {
  it.each(['esm.mjs', 'cjs.cjs'])(
    '%s: imports it by name and places an order with testnet: true',
    async (file) => {
      const r = await node([file]);
      expect({ code: r.code, stderr: r.stderr }).toEqual({ code: 0, stderr: '' });
      expect(JSON.parse(r.stdout)).toEqual({
        code: '200000',
        orderId: expect.stringMatching(/^[0-9a-f]{24}$/),
        simulator: 'function',
      });
    },
  );

  it('bundles for the browser without the simulator or Node built-ins', async () => {
    const result = await bundle({
      entryPoints: [join(PKG, 'app.mjs')],
      absWorkingDir: PKG,
      bundle: true,
      platform: 'browser',
      format: 'esm',
      write: false,
      logLevel: 'silent',
    });
    const text = result.outputFiles[0].text;
    expect(result.warnings.map((w) => w.text)).toEqual([]);
    expect(text).toContain('WebsocketAPIClient');
    expect(text).not.toContain('WebSocketServer');
    expect(text).not.toContain('kucoin-wsapi-sim:demo');
  });
});
