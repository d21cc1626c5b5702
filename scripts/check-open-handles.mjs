// Runs the close() suites under jest --detectOpenHandles and fails when jest reports any
// open handle: jest itself only prints them and still exits 0.
import { spawnSync } from 'node:child_process';

const suites = process.argv.slice(2);
const jest = spawnSync(
  process.execPath,
  ['node_modules/jest/bin/jest.js', '--detectOpenHandles', '--forceExit', ...suites],
  {
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'pipe'],
  },
);
const output = `${jest.stdout}${jest.stderr}`;
process.stdout.write(output);
if (jest.status !== 0) process.exit(jest.status ?? 1);
if (/open handle/i.test(output)) {
  console.error('check-open-handles: jest reported open handles after close()');
  process.exit(1);
}
