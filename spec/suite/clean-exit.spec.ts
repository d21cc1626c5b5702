import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import config from '../../jest.config';

const ROOT = join(__dirname, '..', '..');
const FIXTURES = join(__dirname, 'fixtures');

/** Each test starts jest once or twice on a busy machine: more than the default 30 s to spare. */
const JEST_RUN_MS = 90_000;

const caches: string[] = [];
afterAll(() => {
  for (const dir of caches) rmSync(dir, { recursive: true, force: true });
});

/**
 * Runs scripts/jest-clean-exit.mjs (what `npm test` runs) on a fixture directory with the
 * suite's own environment, transform and exit grace. A fresh cache directory means jest knows
 * no timings, so with two files it runs them in two workers unless told -i.
 */
function runFixture(
  dir: 'clean' | 'leaky',
  ...extra: string[]
): Promise<{ code: number | null; output: string }> {
  const cacheDirectory = mkdtempSync(join(tmpdir(), 'jest-clean-exit-'));
  caches.push(cacheDirectory);
  const fixtureConfig = {
    rootDir: join(FIXTURES, dir),
    testMatch: ['<rootDir>/*.test.ts'],
    testEnvironment: join(ROOT, 'spec', 'support', 'node-environment.ts'),
    transform: config.transform,
    maxWorkers: 2,
    workerGracefulExitTimeout: config.workerGracefulExitTimeout,
    cacheDirectory,
  };
  return new Promise((resolve, reject) => {
    const child = spawn(
      process.execPath,
      ['scripts/jest-clean-exit.mjs', '--config', JSON.stringify(fixtureConfig), ...extra],
      { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, FORCE_COLOR: '0' } },
    );
    let output = '';
    child.stdout.on('data', (d: Buffer) => (output += d.toString()));
    child.stderr.on('data', (d: Buffer) => (output += d.toString()));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, output }));
  });
}

describe('npm test: a spec that leaves a timer behind fails the run', () => {
  it(
    'passes a clean run in workers',
    async () => {
      const { code, output } = await runFixture('clean');
      expect(output).toContain('Tests:       2 passed, 2 total');
      expect(output).not.toContain('jest-clean-exit: FAILED');
      expect(code).toBe(0);
    },
    JEST_RUN_MS,
  );

  it(
    'fails when jest has to force-exit a worker, although every test passed',
    async () => {
      const { code, output } = await runFixture('leaky');
      expect(output).toContain('Tests:       2 passed, 2 total');
      expect(output).toContain('A worker process has failed to exit gracefully');
      expect(output).toContain('jest-clean-exit: FAILED');
      expect(code).toBe(1);
    },
    JEST_RUN_MS,
  );

  it(
    'fails, and does not hang, when an in-band run (-i) cannot exit',
    async () => {
      const { code, output } = await runFixture('leaky', '-i');
      expect(output).toContain('Tests:       2 passed, 2 total');
      expect(output).toContain('Jest did not exit one second after the test run has completed');
      expect(output).toContain('jest-clean-exit: FAILED');
      expect(code).toBe(1);
    },
    JEST_RUN_MS,
  );
});
