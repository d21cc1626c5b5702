/**
 * The Angular example (examples/angular) as an app: built with the Angular compiler
 * (examples/angular/build.mjs: ngc, then esbuild with Angular's linker), served on 127.0.0.1
 * with a config.json that points it at a simulator started here, and driven in headless
 * Chromium (spec/support/chromium.ts): the page shows the connection's state$ transitions,
 * places an order and cancels it; the simulator's ledger agrees. The client runs outside the
 * Angular zone, so zone.js reports the app stable while the connection (and its heartbeat
 * timer) is live. A screenshot goes to spec/output/angular.png.
 */
import { spawn } from 'node:child_process';
import { mkdirSync, readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { startSimulator, type Simulator } from '../../src/simulator';
import { launchChromium } from '../support/chromium';

const ROOT = join(__dirname, '..', '..');
const OUTPUT = join(ROOT, 'spec', 'output');
const DIST = join(OUTPUT, 'angular', 'dist');

let sim: Simulator;
let server: Server;
let browser: Browser;
let page: Page;
const pageErrors: string[] = [];

/** Runs the example's build in a child process (the Angular compiler is ES modules only). */
function buildApp(): Promise<{ code: number | null; output: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [join(ROOT, 'examples', 'angular', 'build.mjs'), DIST], {
      cwd: ROOT,
    });
    let output = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => (output += d));
    child.stderr.setEncoding('utf8').on('data', (d: string) => (output += d));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, output }));
  });
}

beforeAll(async () => {
  const built = await buildApp();
  expect(built).toEqual({ code: 0, output: `built ${DIST}\n` });
  sim = await startSimulator({ port: 0, seed: 1 });
  const config = JSON.stringify({ wsBaseUrl: sim.url, ...sim.demoAccount });
  const files: Record<string, { type: string; body: string }> = {
    '/': { type: 'text/html', body: readFileSync(join(DIST, 'index.html'), 'utf8') },
    '/main.js': { type: 'text/javascript', body: readFileSync(join(DIST, 'main.js'), 'utf8') },
    '/config.json': { type: 'application/json', body: config },
  };
  server = createServer((req, res) => {
    const file = files[req.url ?? ''];
    if (file === undefined) {
      res.writeHead(404).end();
      return;
    }
    res.writeHead(200, { 'content-type': file.type, 'cache-control': 'no-store' }).end(file.body);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  browser = await launchChromium();
  page = await browser.newPage({ viewport: { width: 800, height: 500 } });
  page.on('pageerror', (e) => pageErrors.push(e.message));
  page.on('console', (m) => {
    if (m.type() === 'error' || m.type() === 'warning') pageErrors.push(m.text());
  });
  await page.goto(`http://127.0.0.1:${(server.address() as AddressInfo).port}/`);
}, 240_000);

afterAll(async () => {
  await page?.close();
  await browser?.close();
  await new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve()));
  await sim?.close();
});

describe('the Angular example in headless Chromium', () => {
  it('shows the state$ transitions, places and cancels an order; the zone stays stable', async () => {
    await page.locator('#status[data-status="idle"]').waitFor();
    await page.click('#connect');
    await page.locator('#status[data-status="ready"]').waitFor();
    expect(await page.locator('#transitions li').allInnerTexts()).toEqual([
      'idle',
      'connecting',
      'authenticating',
      'ready',
    ]);
    expect(await page.locator('#status').innerText()).toBe('ready'); // the async pipe's view
    expect(sim.sessions()).toEqual([
      expect.objectContaining({ apiKey: sim.demoAccount.apiKey, state: 'ready' }),
    ]);
    // Connected, with the heartbeat's interval running (outside the zone): zone.js sees the
    // app stable. Made inside the zone, that timer would keep it unstable for good.
    await page.locator('body[data-stable="true"]').waitFor();

    await page.click('#buy');
    const orderId = await page.locator('#order-id').innerText();
    expect(orderId).toMatch(/^[0-9a-f]{24}$/);
    const clientOid = /clientOid (\S+)$/.exec(await page.locator('#message').innerText())?.[1] ?? '';
    expect(sim.exchange.ledger(clientOid)).toMatchObject({
      orderId,
      status: 'open',
      symbol: 'BTC-USDT',
      side: 'buy',
    });

    await page.click('#cancel');
    await page.locator('#message', { hasText: 'cancelled' }).waitFor();
    expect(await page.locator('#message').innerText()).toBe('cancelled, 0.001 BTC released');
    expect(await page.locator('#order').count()).toBe(0);
    expect(sim.exchange.ledger(clientOid)).toMatchObject({ orderId, status: 'done', dealSize: '0' });
    await page.locator('body[data-stable="true"]').waitFor();

    expect(pageErrors).toEqual([]);
    mkdirSync(OUTPUT, { recursive: true });
    await page.screenshot({ path: join(OUTPUT, 'angular.png'), fullPage: true });
  }, 60_000);
});
