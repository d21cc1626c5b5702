/**
 * The client in a real browser. The page script (spec/browser/page/app.ts) is bundled with
 * esbuild for the browser (native WebSocket, Web Crypto; `ws` resolves to its browser stub),
 * served on 127.0.0.1, and driven in headless Chromium through playwright-core: it connects
 * to a simulator started here, places an order and cancels it with the page's buttons, then
 * follows two orders with `orderUpdates$` and `call.updates$` (the push channel over the native
 * WebSocket, its token fetched from the simulator's REST on another origin, hence CORS). The
 * results are read from the page and checked against the simulator's ledger. Chromium is
 * CHROMIUM_PATH, or one on PATH, or the one npm ci installed (spec/support/chromium.ts); the
 * test fails, never skips, when it cannot start.
 */
import { build } from 'esbuild';
import { mkdirSync, readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { startSimulator, type Simulator } from '../../src/simulator';
import { launchChromium } from '../support/chromium';

const ROOT = join(__dirname, '..', '..');
const OUTPUT = join(ROOT, 'spec', 'output');
/**
 * Counts native WebSocket constructions, Web Crypto signatures and fetch calls (method, URL
 * without query, and whether it left the page's origin), before the page's script runs.
 */
const PROBE = `
  window.__probe = { sockets: [], signatures: 0, fetches: [] };
  const nativeFetch = window.fetch;
  window.fetch = function (input, init) {
    const url = new URL(String(input instanceof Request ? input.url : input), location.href);
    const crossOrigin = url.origin !== location.origin;
    window.__probe.fetches.push(\`\${init?.method ?? 'GET'} \${url.pathname}\${crossOrigin ? ' cross-origin' : ''}\`);
    return nativeFetch.call(this, input, init);
  };
  const NativeWebSocket = window.WebSocket;
  window.WebSocket = class extends NativeWebSocket {
    constructor(url, protocols) {
      super(url, protocols);
      window.__probe.sockets.push(String(url).split('?')[0]);
    }
  };
  const sign = SubtleCrypto.prototype.sign;
  SubtleCrypto.prototype.sign = function (...args) {
    window.__probe.signatures++;
    return sign.apply(this, args);
  };
`;

interface Probe {
  readonly sockets: string[];
  readonly signatures: number;
  readonly fetches: string[];
}

let bundle: { text: string; warnings: string[] };
let sim: Simulator;
let server: Server;
let pageUrl: string;
let browser: Browser;

async function bundlePage(): Promise<{ text: string; warnings: string[] }> {
  const result = await build({
    entryPoints: [join(__dirname, 'page', 'app.ts')],
    absWorkingDir: ROOT,
    tsconfig: join(ROOT, 'tsconfig.json'), // its `paths` map 'kucoin-wsapi-rx' to src/index.ts
    bundle: true,
    platform: 'browser',
    format: 'esm',
    target: 'es2022',
    write: false,
    logLevel: 'silent',
  });
  return { text: result.outputFiles[0].text, warnings: result.warnings.map((w) => w.text) };
}

async function serve(files: Record<string, { type: string; body: string }>): Promise<Server> {
  const s = createServer((req, res) => {
    const file = files[req.url ?? ''];
    if (file === undefined) {
      res.writeHead(404).end();
      return;
    }
    res.writeHead(200, { 'content-type': file.type, 'cache-control': 'no-store' }).end(file.body);
  });
  await new Promise<void>((resolve) => s.listen(0, '127.0.0.1', resolve));
  return s;
}

beforeAll(async () => {
  bundle = await bundlePage();
  sim = await startSimulator({ port: 0, seed: 1 });
  server = await serve({
    '/': { type: 'text/html', body: readFileSync(join(__dirname, 'page', 'index.html'), 'utf8') },
    '/app.js': { type: 'text/javascript', body: bundle.text },
  });
  pageUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
  browser = await launchChromium();
}, 180_000); // the first run unpacks the packaged Chromium

afterAll(async () => {
  await browser?.close();
  await new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve()));
  await sim?.close();
});

describe('the browser bundle', () => {
  it('has the client with the ws stub and without the simulator or Node built-ins', () => {
    expect(bundle.warnings).toEqual([]);
    expect(bundle.text).toContain('ws does not work in the browser'); // ws's browser stub, never called
    expect(bundle.text).not.toContain('WebSocketServer');
    expect(bundle.text).not.toContain('kucoin-wsapi-sim:demo'); // the simulator's demo account seed
    expect(bundle.text).not.toMatch(
      /from\s*["'](node:)?(http|crypto|net)["']|require\(["'](node:)?(http|crypto)/,
    );
    // testnet's lazy import of the simulator is left for Node to resolve at run time.
    expect(bundle.text).toContain('kucoin-wsapi-rx/simulator');
  });
});

describe('the client in headless Chromium', () => {
  let page: Page;
  const pageErrors: string[] = [];

  beforeAll(async () => {
    page = await browser.newPage({ viewport: { width: 920, height: 900 } });
    page.on('pageerror', (e) => pageErrors.push(e.message));
    page.on('console', (m) => {
      if (m.type() === 'error') pageErrors.push(m.text());
    });
    await page.addInitScript(PROBE);
    await page.goto(pageUrl);
  });

  afterAll(async () => {
    await page?.close();
  });

  const text = (selector: string): Promise<string> => page.locator(selector).innerText();
  /** Waits until the element shows some text, and returns it. */
  async function filled(selector: string): Promise<string> {
    await page.waitForFunction((s) => (document.querySelector(s)?.textContent ?? '') !== '', selector, {
      timeout: 30_000,
    });
    return text(selector);
  }
  const probe = (): Promise<Probe> => page.evaluate(() => (window as unknown as { __probe: Probe }).__probe);

  it('connects, places an order and cancels it through the page; the simulator agrees', async () => {
    await page.fill('#ws-base-url', sim.url);
    await page.fill('#api-key', sim.demoAccount.apiKey);
    await page.fill('#api-secret', sim.demoAccount.apiSecret);
    await page.fill('#api-passphrase', sim.demoAccount.apiPassphrase);
    await page.click('#connect');
    await page.locator('#state[data-status="ready"]').waitFor();
    expect(await page.locator('#transitions li').allInnerTexts()).toEqual([
      'idle',
      'connecting',
      'authenticating',
      'ready',
    ]);
    expect(sim.sessions()).toEqual([
      expect.objectContaining({ apiKey: sim.demoAccount.apiKey, state: 'ready' }),
    ]);

    // The native WebSocket carried it and Web Crypto signed it (URL, passphrase, challenge).
    const seen = await probe();
    expect(seen.sockets).toEqual([`${sim.url}/v1/private`]);
    expect(seen.signatures).toBeGreaterThanOrEqual(3);

    await page.click('#place');
    const orderId = await filled('#order-id');
    const clientOid = await text('#client-oid');
    expect(orderId).toMatch(/^[0-9a-f]{24}$/);
    expect(clientOid).toMatch(/^[0-9a-f-]{36}$/); // crypto.randomUUID in the page
    expect(await text('#order-result')).toMatch(/^code 200000, gateway \d+ ms, via wsApiSpotV1$/);
    const placed = sim.exchange.ledger(clientOid);
    expect(placed).toMatchObject({
      orderId,
      apiKey: sim.demoAccount.apiKey,
      status: 'open',
      symbol: 'BTC-USDT',
      side: 'buy',
      type: 'limit',
    });

    await page.click('#cancel');
    expect(await filled('#cancel-result')).toBe('status done, canceledSize 0.001');
    expect(sim.exchange.ledger(clientOid)).toMatchObject({ orderId, status: 'done', dealSize: '0' });

    // The page's view of testnet: true without wsBaseUrl.
    await page.click('#testnet');
    expect(await filled('#testnet-result')).toMatch(
      /^ConfigurationError CONFIGURATION: testnet: true needs wsBaseUrl in a browser/,
    );

    expect(await text('#error')).toBe('');
    expect(pageErrors).toEqual([]);
    mkdirSync(OUTPUT, { recursive: true });
    await page.screenshot({ path: join(OUTPUT, 'browser.png'), fullPage: true });

    // Closing from the page ends the session on the simulator too.
    await page.click('#close');
    await page.locator('#state[data-status="closed"]').waitFor();
    await waitFor(() => sim.sessions().length === 0);
  }, 60_000);

  it('follows orders with orderUpdates$ and call.updates$: push over the native WebSocket, its token over a cross-origin fetch', async () => {
    await page.fill('#ws-base-url', sim.url);
    await page.fill('#rest-base-url', sim.restUrl);
    await page.fill('#api-key', sim.demoAccount.apiKey);
    await page.fill('#api-secret', sim.demoAccount.apiSecret);
    await page.fill('#api-passphrase', sim.demoAccount.apiPassphrase);
    const before = await probe();
    await page.click('#follow');
    expect(await filled('#follow-closed')).toBe('closed');
    expect(await text('#follow-error')).toBe('');
    expect(await text('#push-state')).toBe('ready');

    // The market buy: received, its matches, filled; then updates$ completed in the page.
    const takerOid = await text('#taker-oid');
    const taker = await page.locator('#taker-updates li').allInnerTexts();
    expect(taker[0]).toBe('received new push');
    expect(taker.length).toBeGreaterThanOrEqual(3);
    expect(new Set(taker.slice(1, -1))).toEqual(new Set(['match match push']));
    expect(taker.at(-1)).toBe('filled done push');
    expect(await text('#taker-done')).toBe('completed after filled');
    expect(sim.exchange.ledger(takerOid)).toMatchObject({ status: 'done', dealSize: '0.001' });
    expect(sim.exchange.ledger(takerOid)?.fills).toHaveLength(taker.length - 2);

    // The limit buy: it rests, the cancel ends it, updates$ completes with 'canceled'.
    const restingOid = await text('#resting-oid');
    expect(await page.locator('#resting-updates li').allInnerTexts()).toEqual([
      'received new push',
      'open open push',
      'canceled done push',
    ]);
    expect(await text('#resting-done')).toBe('completed after canceled');
    expect(sim.exchange.ledger(restingOid)).toMatchObject({ status: 'done', dealSize: '0' });

    // orderUpdates$ saw both orders' events too.
    const feed = await page.locator('#feed li').allInnerTexts();
    expect(feed).toContain(`${takerOid} filled done push`);
    expect(feed).toContain(`${restingOid} canceled done push`);

    // Native WebSockets to the WS API and the push endpoint; the token from bullet-private by
    // fetch from the page's origin to the simulator's (CORS).
    const after = await probe();
    const sockets = after.sockets.slice(before.sockets.length);
    expect(sockets).toContain(`${sim.url}/v1/private`);
    expect(sockets).toContain(`${sim.url}/push/v1`);
    expect(after.fetches.slice(before.fetches.length)).toContain('POST /api/v1/bullet-private cross-origin');
    expect(pageErrors).toEqual([]);
    await page.screenshot({ path: join(OUTPUT, 'browser-order-updates.png'), fullPage: true });
  }, 60_000);
});

/** Polls a condition on the simulator, which has no event for a session going away. */
async function waitFor(condition: () => boolean, timeoutMs = 5_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((resolve) => setImmediate(resolve));
  }
}
