// Run after tsup (`npm run build`): tsup's CommonJS entry files (made from its split ESM build)
// get source maps whose `sources` and `file` are absolute paths of the machine that built them.
// The package must not carry those paths: each becomes relative to its map, as the others are.
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { basename, dirname, isAbsolute, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

const DIST = join(dirname(fileURLToPath(import.meta.url)), '..', 'dist');

const maps = (dir) =>
  readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? maps(join(dir, e.name)) : e.name.endsWith('.map') ? [join(dir, e.name)] : [],
  );

let rewritten = 0;
for (const path of maps(DIST)) {
  const map = JSON.parse(readFileSync(path, 'utf8'));
  const sources = (map.sources ?? []).map((s) => (isAbsolute(s) ? relative(dirname(path), s) : s));
  const file = typeof map.file === 'string' && isAbsolute(map.file) ? basename(map.file) : map.file;
  if (sources.some((s, i) => s !== map.sources[i]) || file !== map.file) {
    writeFileSync(path, JSON.stringify({ ...map, sources, file }));
    rewritten++;
  }
}
console.log(`relative-source-maps: ${rewritten} source maps made relative`);
