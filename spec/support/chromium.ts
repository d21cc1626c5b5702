/**
 * The headless Chromium the browser suites drive through playwright-core, found without
 * anything installed by hand: `CHROMIUM_PATH` when set, else a Chromium on PATH, else the one
 * `npm ci` brought with @sparticuz/chromium (a headless Chromium shipped inside its npm
 * tarball, unpacked on first use into the temporary directory).
 */
import { accessSync, constants } from 'node:fs';
import { delimiter, join } from 'node:path';
import { chromium, type Browser } from 'playwright-core';

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

export async function findChromium(): Promise<ChromiumBinary> {
  const fromEnv = process.env.CHROMIUM_PATH;
  if (fromEnv !== undefined && fromEnv !== '') return { executablePath: fromEnv, source: 'CHROMIUM_PATH' };
  const system = onPath();
  if (system !== undefined) return { executablePath: system, source: 'PATH' };
  const packaged = (await import('@sparticuz/chromium')).default;
  return { executablePath: await packaged.executablePath(), source: '@sparticuz/chromium' };
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
