import { DeadlineQueue } from '../../src/rpc/deadline-queue';

interface Entry {
  readonly name: string;
  readonly createdAt: number;
}

describe('DeadlineQueue (one timer for every pending entry)', () => {
  let clock = 0;
  const now = (): number => clock;
  let expired: string[];
  let queue: DeadlineQueue<Entry>;

  const add = (name: string): Entry => {
    const e = { name, createdAt: clock };
    queue.add(name, e);
    return e;
  };
  /** Sweeps deferred until pending input is read; `readInput()` runs them (a poll phase). */
  let waitingForInput: Array<() => void>;
  const afterInput = (fn: () => void): (() => void) => {
    waitingForInput.push(fn);
    return () => (waitingForInput = waitingForInput.filter((f) => f !== fn));
  };
  const readInput = (): void => {
    const due = waitingForInput;
    waitingForInput = [];
    for (const fn of due) fn();
  };
  const advance = (ms: number): void => {
    clock += ms;
    jest.advanceTimersByTime(ms);
    readInput();
  };

  beforeEach(() => {
    jest.useFakeTimers();
    clock = 1_000;
    expired = [];
    waitingForInput = [];
    queue = new DeadlineQueue<Entry>(100, (e) => expired.push(e.name), now, afterInput);
  });

  afterEach(() => {
    queue.stop();
    jest.useRealTimers();
  });

  it('expires each entry timeoutMs after its creation, oldest first', () => {
    add('a');
    advance(30);
    add('b');
    advance(30);
    add('c');
    advance(39); // t = 99 after a
    expect(expired).toEqual([]);
    advance(1); // a's deadline
    expect(expired).toEqual(['a']);
    advance(30);
    expect(expired).toEqual(['a', 'b']);
    advance(30);
    expect(expired).toEqual(['a', 'b', 'c']);
    expect(queue.size).toBe(0);
  });

  it('uses a single timer however many entries wait', () => {
    for (let i = 0; i < 1_000; i++) add(`e${i}`);
    expect(jest.getTimerCount()).toBe(1);
    advance(100);
    expect(expired).toHaveLength(1_000);
    expect(jest.getTimerCount()).toBe(0);
  });

  it('entries taken before their deadline never expire, and take is O(1) by key', () => {
    const a = add('a');
    add('b');
    expect(queue.take('a')).toBe(a);
    expect(queue.take('a')).toBeUndefined();
    advance(100);
    expect(expired).toEqual(['b']);
  });

  it('after the head is taken, the timer still fires for the next entry at its own deadline', () => {
    add('a');
    advance(50);
    add('b');
    queue.take('a');
    advance(50); // a's old deadline: nothing to expire, re-armed for b
    expect(expired).toEqual([]);
    advance(49);
    expect(expired).toEqual([]);
    advance(1);
    expect(expired).toEqual(['b']);
  });

  it('does not re-arm when it fires on an empty queue, and arms again on the next add', () => {
    add('a');
    queue.take('a');
    advance(100);
    expect(jest.getTimerCount()).toBe(0);
    add('b');
    expect(jest.getTimerCount()).toBe(1);
    advance(100);
    expect(expired).toEqual(['b']);
  });

  it('copes with entries added from inside onExpire (one timer, right deadline)', () => {
    queue = new DeadlineQueue<Entry>(
      100,
      (e) => {
        expired.push(e.name);
        if (e.name === 'a') add('late');
      },
      now,
      afterInput,
    );
    add('a');
    advance(10);
    add('b');
    advance(90); // a expires, 'late' is added at t=100
    expect(expired).toEqual(['a']);
    expect(jest.getTimerCount()).toBe(1);
    advance(10);
    expect(expired).toEqual(['a', 'b']);
    advance(90);
    expect(expired).toEqual(['a', 'b', 'late']);
    expect(jest.getTimerCount()).toBe(0);
  });

  it('lets pending input be read before a due entry expires (one deferral per sweep)', () => {
    add('a');
    add('b');
    add('c');
    clock += 100;
    jest.advanceTimersByTime(100); // the deadline fires: the sweep waits for the input
    expect(expired).toEqual([]);
    expect(waitingForInput).toHaveLength(1);
    queue.take('b'); // an answer read from the socket
    readInput();
    expect(expired).toEqual(['a', 'c']);
    expect(jest.getTimerCount()).toBe(0);
  });

  it('an entry added while the sweep waits does not arm a second timer', () => {
    add('a');
    clock += 100;
    jest.advanceTimersByTime(100);
    add('b');
    expect(jest.getTimerCount()).toBe(0);
    readInput(); // a expires; armed again for b
    expect(expired).toEqual(['a']);
    expect(jest.getTimerCount()).toBe(1);
    advance(100);
    expect(expired).toEqual(['a', 'b']);
  });

  it('stop() also cancels a deferred sweep', () => {
    add('a');
    clock += 100;
    jest.advanceTimersByTime(100);
    queue.stop();
    readInput();
    expect(expired).toEqual([]);
    expect(queue.size).toBe(1);
  });

  it('drain() empties the queue in order and stops the timer', () => {
    add('a');
    add('b');
    expect(queue.drain().map((e) => e.name)).toEqual(['a', 'b']);
    expect(queue.size).toBe(0);
    expect(jest.getTimerCount()).toBe(0);
  });

  it('keeps order whichever entries are taken, the newest included (it waits outside the Map)', () => {
    // One at a time, as sequential calls go: add, take, add, take…
    for (let i = 0; i < 10; i++) {
      const e = add(`s${i}`);
      expect(queue.size).toBe(1);
      expect(queue.get(`s${i}`)).toBe(e);
      expect(queue.take(`s${i}`)).toBe(e);
      expect(queue.size).toBe(0);
    }
    const a = add('a');
    advance(10);
    const b = add('b');
    advance(10);
    const c = add('c');
    expect(queue.size).toBe(3);
    expect([...queue.values()].map((e) => e.name)).toEqual(['a', 'b', 'c']);
    expect(queue.take('c')).toBe(c);
    expect(queue.delete('c')).toBe(false);
    const d = add('d');
    expect([queue.get('a'), queue.get('b'), queue.get('d')]).toEqual([a, b, d]);
    expect(queue.delete('b')).toBe(true);
    advance(80); // a's deadline
    expect(expired).toEqual(['a']);
    advance(20); // d's
    expect(expired).toEqual(['a', 'd']);
    expect(queue.size).toBe(0);
    expect(jest.getTimerCount()).toBe(0);
  });

  it('an infinite timeout never busy-loops the timer', () => {
    queue = new DeadlineQueue<Entry>(Infinity, (e) => expired.push(e.name), now, afterInput);
    add('a');
    advance(60_000);
    expect(expired).toEqual([]);
    expect(jest.getTimerCount()).toBe(1);
  });
});
