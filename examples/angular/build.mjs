// Builds the Angular example with the Angular compiler, as `ng build` would: ngc compiles the
// components ahead of time (templates type-checked with strictTemplates), then esbuild bundles
// the result for the browser, with Angular's linker run over the framework's partially
// compiled packages. Writes index.html and main.js to the directory given (default
// spec/output/angular/dist). Usage: node examples/angular/build.mjs [outDir]
import { spawnSync } from 'node:child_process';
import { copyFileSync, mkdirSync, readFileSync, rmSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { transformAsync } from '@babel/core';
import linkerPlugin from '@angular/compiler-cli/linker/babel';
import { build } from 'esbuild';

const HERE = dirname(fileURLToPath(import.meta.url));
const ROOT = resolve(HERE, '..', '..');
const NGC_OUT = join(ROOT, 'spec', 'output', 'angular', 'ngc'); // examples/angular/tsconfig.json's outDir
const outDir = resolve(process.argv[2] ?? join(ROOT, 'spec', 'output', 'angular', 'dist'));

rmSync(NGC_OUT, { recursive: true, force: true });
const ngc = spawnSync(
  process.execPath,
  [
    join(ROOT, 'node_modules', '@angular', 'compiler-cli', 'bundles', 'src', 'bin', 'ngc.js'),
    '-p',
    join(HERE, 'tsconfig.json'),
  ],
  { cwd: ROOT, encoding: 'utf8' },
);
if (ngc.status !== 0) {
  console.error(`ngc failed:\n${ngc.stdout}${ngc.stderr}`);
  process.exit(1);
}

/** Angular's linker: turns the framework's partial declarations (ɵɵngDeclare…) into code. */
const angularLinker = {
  name: 'angular-linker',
  setup(esbuild) {
    esbuild.onLoad({ filter: /[\\/]node_modules[\\/]@angular[\\/].*\.m?js$/ }, async (args) => {
      const code = readFileSync(args.path, 'utf8');
      if (!code.includes('ɵɵngDeclare')) return { contents: code, loader: 'js' };
      const linked = await transformAsync(code, {
        filename: args.path,
        plugins: [linkerPlugin],
        compact: false,
        babelrc: false,
        configFile: false,
        sourceMaps: false,
      });
      return { contents: linked?.code ?? code, loader: 'js' };
    });
  },
};

mkdirSync(outDir, { recursive: true });
const result = await build({
  entryPoints: [join(NGC_OUT, 'examples', 'angular', 'main.js')],
  absWorkingDir: ROOT,
  tsconfig: join(ROOT, 'tsconfig.json'), // its paths map 'kucoin-wsapi-rx' to src/index.ts
  bundle: true,
  minify: true,
  platform: 'browser',
  format: 'esm',
  target: 'es2022',
  conditions: ['es2022', 'es2020', 'browser', 'module', 'import', 'default'],
  mainFields: ['es2020', 'browser', 'module', 'main'],
  define: { ngDevMode: 'false', ngJitMode: 'false', ngI18nClosureMode: 'false' },
  plugins: [angularLinker],
  outfile: join(outDir, 'main.js'),
  logLevel: 'silent',
});
for (const warning of result.warnings) console.error(`warning: ${warning.text}`);
copyFileSync(join(HERE, 'index.html'), join(outDir, 'index.html'));
console.log(`built ${outDir}`);
