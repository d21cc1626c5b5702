/**
 * The package as users install it, built for a benchmark run: tsup with the repository's own
 * tsup.config.ts (what `npm run build` and `npm pack` make), without the declarations, which
 * run no code. It goes to a fresh folder under node_modules/.cache, so that `require('ws')` and
 * the other dependencies resolve from the repository's node_modules as they do from an app's,
 * and no `dist/` of the user's is touched. `BENCH_PACKAGE` (the path of its CommonJS entry)
 * tells bench/clients.ts to load our client from it.
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { join } from 'node:path';

const ROOT = join(__dirname, '..');

/** A built package: the path of its CommonJS entry, and a function that deletes the build. */
export interface PackageBuild {
  readonly entry: string;
  remove(): void;
}

/** Builds the package from the src/ of `root` (this checkout by default; a couple of seconds). */
export function buildPackage(root = ROOT): PackageBuild {
  const cache = join(root, 'node_modules', '.cache');
  mkdirSync(cache, { recursive: true });
  const outDir = mkdtempSync(join(cache, 'kucoin-wsapi-rx-bench-'));
  execFileSync(
    process.execPath,
    [require.resolve('tsup/dist/cli-default.js'), '--out-dir', outDir, '--no-dts', '--silent'],
    { cwd: root, stdio: ['ignore', 'ignore', 'inherit'] },
  );
  return { entry: join(outDir, 'index.js'), remove: () => rmSync(outDir, { recursive: true, force: true }) };
}
