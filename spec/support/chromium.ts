/**
 * The headless Chromium the browser suites drive through playwright-core, found without
 * anything installed by hand: `CHROMIUM_PATH` when set, else a Chromium on PATH, else the one
 * `npm ci` brought with @sparticuz/chromium (a headless Chromium shipped inside its npm
 * tarball, unpacked on first use into a directory of the temporary directory).
 */
import { execFile } from 'node:child_process';
import { accessSync, constants, existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, dirname, join } from 'node:path';
import { promisify } from 'node:util';
import { chromium, type Browser } from 'playwright-core';

const execFileAsync = promisify(execFile);

export interface ChromiumBinary {
  readonly executablePath: string;
  /** Where it came from, for the failure message. */
  readonly source: 'CHROMIUM_PATH' | 'PATH' | '@sparticuz/chromium';
}

/** Flags for a quiet, sandbox-less headless run in a container (no root needed). */
export const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--disable-quic',
];

const NAMES = ['chromium', 'chromium-browser', 'google-chrome', 'google-chrome-stable'];

function executable(path: string): boolean {
  try {
    accessSync(path, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

/** A Chromium on PATH, as `command -v` would find it. */
function onPath(): string | undefined {
  for (const dir of (process.env.PATH ?? '').split(delimiter)) {
    if (dir === '') continue;
    for (const name of NAMES) {
      const candidate = join(dir, name);
      if (executable(candidate)) return candidate;
    }
  }
  return undefined;
}

/**
 * @sparticuz/chromium unpacks into `os.tmpdir()/chromium` and takes an existing file there as
 * done, so two test processes unpacking at once would start a half-written binary. Here one
 * process unpacks, in a child Node with TMPDIR set to a directory named after the package's
 * version, while holding a lock directory; the others wait for its `ready` mark.
 */
async function packagedChromium(): Promise<string> {
  // Its exports hide package.json: found from the entry point (build/cjs/index.cjs).
  const entry = require.resolve('@sparticuz/chromium');
  const manifest = join(dirname(entry), '..', '..', 'package.json');
  const { version } = JSON.parse(readFileSync(manifest, 'utf8')) as { version: string };
  const dir = join(tmpdir(), `kucoin-wsapi-rx-chromium-${version}`);
  const binary = join(dir, 'chromium');
  const ready = join(dir, 'ready');
  const lock = join(dir, 'lock');
  mkdirSync(dir, { recursive: true });
  const deadline = Date.now() + 120_000;
  while (!existsSync(ready)) {
    try {
      mkdirSync(lock); // atomic: only one process gets it
    } catch {
      if (Date.now() > deadline) throw new Error(`${lock} held for 2 minutes (remove ${dir} if stale)`);
      await new Promise((resolve) => setTimeout(resolve, 100)); // another process is unpacking
      continue;
    }
    try {
      rmSync(binary, { force: true }); // a partial file from an interrupted run
      const { stdout } = await execFileAsync(
        process.execPath,
        ['-e', `require(${JSON.stringify(entry)}).executablePath().then((p) => console.log(p))`],
        { env: { ...process.env, TMPDIR: dir }, timeout: 120_000 },
      );
      if (stdout.trim() !== binary)
        throw new Error(`@sparticuz/chromium unpacked to ${stdout.trim()}, not ${binary}`);
      writeFileSync(ready, '');
    } finally {
      rmSync(lock, { recursive: true, force: true });
    }
  }
  return binary;
}

export async function findChromium(): Promise<ChromiumBinary> {
  const fromEnv = process.env.CHROMIUM_PATH;
  if (fromEnv !== undefined && fromEnv !== '') return { executablePath: fromEnv, source: 'CHROMIUM_PATH' };
  const system = onPath();
  if (system !== undefined) return { executablePath: system, source: 'PATH' };
  return { executablePath: await packagedChromium(), source: '@sparticuz/chromium' };
}

/** Launches it; fails (never skips) with where the binary came from when it cannot start. */
export async function launchChromium(): Promise<Browser> {
  const binary = await findChromium();
  try {
    // playwright-core makes a fresh temporary profile (user-data-dir) for each launch.
    return await chromium.launch({
      executablePath: binary.executablePath,
      args: CHROMIUM_ARGS,
      timeout: 30_000,
    });
  } catch (error) {
    throw new Error(
      `cannot start Chromium at ${binary.executablePath} (from ${binary.source}; set CHROMIUM_PATH to choose another): ${String(error)}`,
    );
  }
}
