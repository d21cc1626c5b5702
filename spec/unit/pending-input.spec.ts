/**
 * afterPendingInput (src/transport/pending-input.ts): a verdict on a deadline waits until the
 * input that a stalled loop left unread has been read, for as many turns as reads still bring
 * frames; firstWithin is the handshakes' timeout built on it.
 */
import { Subject, VirtualTimeScheduler, firstValueFrom, materialize, toArray } from 'rxjs';
import { afterPendingInput, firstWithin, frameRead } from '../../src/transport/pending-input';

const verdictOf = (log: string[]): Promise<void> =>
  new Promise((resolve) =>
    afterPendingInput(() => {
      log.push('verdict');
      resolve();
    }),
  );

describe('afterPendingInput', () => {
  it('without input: one turn, then the verdict', async () => {
    const log: string[] = [];
    setImmediate(() => log.push('a turn'));
    await verdictOf(log);
    expect(log).toEqual(['a turn', 'verdict']);
  });

  it('waits while each turn still reads frames, then gives the verdict', async () => {
    const log: string[] = [];
    let frames = 0;
    // Five turns in a row read a frame, as after a stall with more answers than one read takes.
    const feed = (): void => {
      if (frames++ >= 5) return;
      frameRead();
      log.push('frame');
      setImmediate(feed);
    };
    setImmediate(feed);
    await verdictOf(log);
    expect(log).toEqual(['frame', 'frame', 'frame', 'frame', 'frame', 'verdict']);
  });

  it('a frame read during the short pause after a quiet turn puts the verdict off again', async () => {
    const log: string[] = [];
    const verdict = verdictOf(log);
    // Queued after the verdict's first turn, so it runs right after it in the same check phase:
    // that turn read nothing and started the pause, and this frame comes within it (no timer
    // race, whatever the machine's load).
    setImmediate(() => (frameRead(), log.push('late frame')));
    await verdict;
    expect(log).toEqual(['late frame', 'verdict']);
  });

  it('a steady stream of frames (a busy push channel) puts the verdict off by a few pauses only', async () => {
    let frames = 0;
    // A frame every millisecond, for as long as the verdict waits: some come in every pause.
    const stream = setInterval(() => {
      frameRead();
      frames++;
    }, 1);
    try {
      await verdictOf([]);
    } finally {
      clearInterval(stream);
    }
    // Three pauses of 2 ms and the turns between them: a handful of frames, never the 10 s cap.
    expect(frames).toBeLessThan(200);
  });

  it('can be cancelled', async () => {
    let ran = false;
    const cancel = afterPendingInput(() => (ran = true));
    cancel();
    // A verdict asked for after it comes after the time it would have come.
    await verdictOf([]);
    expect(ran).toBe(false);
  });
});

describe('firstWithin', () => {
  /** An afterInput whose verdict runs only when the test says. */
  const manual = (): {
    afterInput: (fn: () => void) => () => void;
    run: () => void;
    asked: () => boolean;
  } => {
    let pending: (() => void) | undefined;
    return {
      afterInput: (fn) => {
        pending = fn;
        return () => (pending = undefined);
      },
      run: () => pending?.(),
      asked: () => pending !== undefined,
    };
  };

  /** A source under firstWithin(5 ms) on a virtual clock, its notifications collected, the deadline passed. */
  const pastDeadline = () => {
    const source = new Subject<string>();
    const input = manual();
    const clock = new VirtualTimeScheduler();
    const seen = firstValueFrom(
      source.pipe(
        firstWithin(5, () => new Error('late'), clock, input.afterInput),
        materialize(),
        toArray(),
      ),
    );
    clock.flush(); // the deadline passes
    return { source, input, seen };
  };

  it('a value that comes before the verdict (read after the deadline) counts', async () => {
    const { source, input, seen } = pastDeadline();
    expect(input.asked()).toBe(true);
    source.next('welcome');
    input.run(); // cancelled by the value: nothing happens
    source.complete();
    expect((await seen).map((n) => n.kind)).toEqual(['N', 'C']);
  });

  it('no value by the verdict: the error', async () => {
    const { source, input, seen } = pastDeadline();
    input.run();
    const notes = await seen;
    expect(notes.map((n) => n.kind)).toEqual(['E']);
    expect(notes[0].error).toEqual(new Error('late'));
    expect(source.observed).toBe(false);
  });

  it('a value in time: no verdict is asked for', async () => {
    const source = new Subject<string>();
    const input = manual();
    const clock = new VirtualTimeScheduler();
    const values: string[] = [];
    const sub = source
      .pipe(firstWithin(5, () => new Error('late'), clock, input.afterInput))
      .subscribe((v) => values.push(v));
    source.next('welcome');
    clock.flush(); // the deadline passes
    expect(input.asked()).toBe(false);
    source.next('later');
    expect(values).toEqual(['welcome', 'later']);
    sub.unsubscribe();
  });
});
