/**
 * Child process for frame-log.spec.ts: records `frames` frames of `bytes` bytes each into a
 * FrameLog, the way a session does (text decoded from the socket's buffer), and prints the
 * retained heap growth after GC as one JSON line.
 *
 *   node --expose-gc --import tsx spec/simulator/frame-log-heap.ts <frames> <bytes>
 */
import { getHeapStatistics } from 'node:v8';
import { FrameLog } from '../../src/simulator/frame-log';

const gc = (globalThis as { gc?: () => void }).gc;
if (gc === undefined) throw new Error('run with --expose-gc');

const retained = (): number => {
  gc();
  gc();
  return getHeapStatistics().used_heap_size;
};

const frames = Number(process.argv[2]);
const bytes = Number(process.argv[3]);
const log = new FrameLog(frames);
const before = retained();
for (let i = 0; i < frames; i++) {
  const head = `{"id":"${i}","op":"spot.order","args":{"pad":"`;
  const buf = Buffer.alloc(bytes, 'x');
  buf.write(head, 0, 'latin1');
  buf.write('"}}', bytes - 3, 'latin1');
  log.record('session', 'key', buf.toString('utf8'), i);
}
const after = retained();
const shown = log.frames().reduce((n, f) => n + f.text.length, 0);
process.stdout.write(`${JSON.stringify({ grewBytes: after - before, shownChars: shown, frames })}\n`);
