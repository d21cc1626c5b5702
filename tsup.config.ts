import { defineConfig } from 'tsup';

/** The public entry points: the package's exports. */
const PUBLIC = {
  index: 'src/index.ts',
  'simulator/index': 'src/simulator/index.ts',
  'codecs/index': 'src/codecs/index.ts',
};

export default defineConfig({
  entry: {
    ...PUBLIC,
    // The modules src/index.ts re-exports from are entry points of their own (dist/lib/, not
    // exported), so that index re-exports from separate modules and a bundler drops those an
    // app does not use (`"sideEffects": false`): importing one error class does not bring the
    // client. Code they share is split into chunks.
    'lib/errors': 'src/errors.ts',
    'lib/operations': 'src/operations.ts',
    'lib/client': 'src/client/index.ts',
    'lib/call': 'src/rpc/call.ts',
    'lib/codes': 'src/codecs/codes.ts',
    'lib/requests': 'src/codecs/requests.ts',
    'lib/responses': 'src/codecs/responses.ts',
    'cli/simulator': 'src/cli/simulator.ts',
  },
  format: ['cjs', 'esm'],
  splitting: true,
  // Each format gets its own declarations: .d.ts for require, .d.mts for import.
  // rxjs-websockets' types are bundled too: it is not a dependency of the package.
  // The client is AsyncDisposable (`await using`): its declarations name Symbol.asyncDispose,
  // which TypeScript knows from lib esnext.disposable (Node apps also get it from @types/node).
  dts: { resolve: ['rxjs-websockets'], entry: PUBLIC, banner: '/// <reference lib="esnext.disposable" />' },
  target: 'node20',
  // Rollup makes each CommonJS chunk from esbuild's split ESM build. Without it tsup does that
  // with sucrase, which also rewrites every `?.` and `??` into a call to a helper that takes
  // an array of closures (about 1.5 µs of CPU per sequential call of the CommonJS package, see
  // docs/benchmarks.md) and leaves the machine's absolute paths in the source maps.
  treeshake: true,
  sourcemap: true,
  clean: true,
  external: ['rxjs', 'ws', 'io-ts', 'fp-ts'],
  // rxjs-websockets is bundled (a devDependency, not a dependency). It is CommonJS with
  // `exports.default`: imported from Node ESM its default import is the whole module object,
  // not the function. Bundled (from its ES module build, which imports rxjs), it works in
  // both formats.
  noExternal: ['rxjs-websockets'],
  esbuildOptions(options, { format }) {
    if (format === 'esm') options.mainFields = ['module', 'main'];
    // Which build this is, for the one place that loads a module by name at run time
    // (src/client/testnet.ts: the CommonJS build requires the simulator, the ESM one imports it).
    options.define = { ...options.define, KUCOIN_WSAPI_RX_CJS: format === 'cjs' ? 'true' : 'false' };
  },
});
