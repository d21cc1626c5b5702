// Runs jest with the given arguments and fails the run when jest had to force-exit a worker,
// or could not exit itself: both mean a spec left a timer, socket or server behind, and jest
// only prints a warning for them and still exits 0. The output is passed through as it comes.
import { spawn } from 'node:child_process';
import { createRequire } from 'node:module';

const LEAKS = [
  // Parallel run: a worker did not exit within workerGracefulExitTimeout after the last file.
  'A worker process has failed to exit gracefully',
  // In-band run (-i): jest is still alive one second after the results; it would hang.
  'Jest did not exit one second after the test run has completed',
];
const KEEP = Math.max(...LEAKS.map((l) => l.length));

const jestBin = createRequire(import.meta.url).resolve('jest/bin/jest');
const env = { ...process.env };
// Piped output loses jest's colours; keep them when the caller sees a terminal.
if (process.stderr.isTTY && env.FORCE_COLOR === undefined) env.FORCE_COLOR = '1';
const jest = spawn(process.execPath, [jestBin, ...process.argv.slice(2)], {
  env,
  stdio: ['inherit', 'pipe', 'pipe'],
});

let leak;
const scan = (out) => {
  let tail = '';
  return (chunk) => {
    out.write(chunk);
    // The stream may cut a message in two: search the end of the last chunk too.
    const text = tail + chunk.toString('utf8');
    tail = text.slice(-KEEP);
    const found = LEAKS.find((l) => text.includes(l));
    if (found === undefined || leak !== undefined) return;
    leak = found;
    // An in-band run with a leak never exits: end it, the verdict is in.
    if (found === LEAKS[1]) jest.kill('SIGTERM');
  };
};
jest.stdout.on('data', scan(process.stdout));
jest.stderr.on('data', scan(process.stderr));

for (const signal of ['SIGINT', 'SIGTERM']) process.on(signal, () => jest.kill(signal));

jest.on('close', (code) => {
  if (leak !== undefined) {
    console.error(
      `\njest-clean-exit: FAILED — jest reported "${leak}": a spec left a timer, socket or server ` +
        'behind. Find it with `npx jest <dir> -i --detectOpenHandles`.',
    );
    process.exit(1);
  }
  process.exit(code ?? 1);
});
