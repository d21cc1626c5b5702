import { defineConfig } from 'tsup';

export default defineConfig({
  entry: {
    index: 'src/index.ts',
    'simulator/index': 'src/simulator/index.ts',
    'cli/simulator': 'src/cli/simulator.ts',
  },
  format: ['cjs', 'esm'],
  dts: { entry: { index: 'src/index.ts', 'simulator/index': 'src/simulator/index.ts' } },
  target: 'node20',
  sourcemap: true,
  clean: true,
  splitting: false,
  external: ['rxjs', 'ws', 'io-ts', 'fp-ts', 'rxjs-websockets'],
});
