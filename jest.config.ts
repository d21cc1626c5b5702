import type { Config } from 'jest';

const config: Config = {
  // The node environment; its workers exit at once when idle (see the file).
  testEnvironment: '<rootDir>/spec/support/node-environment.ts',
  roots: ['<rootDir>/spec'],
  testMatch: ['**/*.spec.ts'],
  transform: {
    '^.+\\.ts$': [
      'ts-jest',
      { tsconfig: { module: 'commonjs', moduleResolution: 'node' }, diagnostics: false },
    ],
  },
  // Examples and docs import the package by name, as users do.
  moduleNameMapper: {
    '^kucoin-wsapi-rx$': '<rootDir>/src/index.ts',
    '^kucoin-wsapi-rx/simulator$': '<rootDir>/src/simulator/index.ts',
    '^kucoin-wsapi-rx/codecs$': '<rootDir>/src/codecs/index.ts',
  },
  // Sockets, timers and the simulator run in-process: keep one worker per core.
  maxWorkers: 2,
  testTimeout: 30_000,
  // How long a worker may take to exit after its last file before jest force-exits it (and
  // scripts/jest-clean-exit.mjs fails the run). Jest's 500 ms is within a busy machine's
  // scheduling noise; a timer or socket left behind keeps a worker alive far longer.
  workerGracefulExitTimeout: 2_000,
};

export default config;
