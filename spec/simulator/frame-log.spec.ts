import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { FrameLog } from '../../src/simulator/frame-log';

const ROOT = join(__dirname, '..', '..');

describe('the frame log', () => {
  it('shows a cut frame as its first 4096 characters and its full length', () => {
    const log = new FrameLog(2);
    log.record('s', 'k', `é${'x'.repeat(9_999)}`, 1);
    log.record('s', 'k', '{"op":"spot.order"}', 2);
    const [cut, whole] = log.frames();
    expect(cut.text).toBe(`é${'x'.repeat(4_095)}…(10000 chars)`);
    expect(whole.text).toBe('{"op":"spot.order"}');
    expect(log.count((f) => f.op === 'spot.order')).toBe(1);
  });

  it('keeps only what it shows: 3,000 frames of 60 KiB retain about their cut text, not the frames', () => {
    // Retained heap after GC needs --expose-gc, so it is measured in a child process.
    const out = execFileSync(
      process.execPath,
      ['--expose-gc', '--import', 'tsx', 'spec/simulator/frame-log-heap.ts', '3000', String(60 * 1024)],
      { cwd: ROOT, encoding: 'utf8' },
    );
    const { grewBytes, shownChars, frames } = JSON.parse(out) as {
      grewBytes: number;
      shownChars: number;
      frames: number;
    };
    expect(frames).toBe(3000);
    expect(shownChars).toBe(3000 * '…(61440 chars)'.length + 3000 * 4096);
    // The kept text is 3000 × 4096 one-byte characters ≈ 12.3 MB; the frames themselves were
    // 184 MB. Allow twice the kept text for the log's own arrays and the heap's slack.
    expect(grewBytes).toBeLessThan(2 * 3000 * 4096);
  });
});
