import type { Config } from 'jest';

const config: Config = {
  testEnvironment: 'node',
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
};

export default config;
