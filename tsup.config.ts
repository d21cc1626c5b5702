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
  external: ['rxjs', 'ws', 'io-ts', 'fp-ts'],
  // rxjs-websockets is CommonJS with `exports.default`: imported from Node ESM its default
  // import is the whole module object, not the function. Bundled (from its ES module build,
  // which imports rxjs), it works in both formats.
  noExternal: ['rxjs-websockets'],
  esbuildOptions(options, { format }) {
    if (format === 'esm') options.mainFields = ['module', 'main'];
  },
});
