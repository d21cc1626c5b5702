import {
  CLOCK_DISAGREEMENT_MS,
  CREATED_BEFORE_SEND_MARGIN_MS,
  createdVsSent,
  reconcileClock,
  type ServerClockReading,
} from '../../src/orders/reconcile';

describe('reconcileClock (the server clock as reconcile reads it)', () => {
  it('shares a reading among concurrent callers, gives half the round trip as the bound, and reads again for a call sent after it began', async () => {
    let mono = 1_000;
    let wall = 1_700_000_000_000;
    let measured = 0;
    let release: (() => void) | undefined;
    const clock = reconcileClock(
      () =>
        new Promise<number>((resolve) => {
          measured++;
          release = () => {
            mono += 80; // the round trip
            wall += 80;
            resolve(5_000);
          };
        }),
      () => mono,
      () => wall,
    );
    const a = clock.readAfter(900);
    const b = clock.readAfter(1_000);
    release?.();
    const [ra, rb] = await Promise.all([a, b]);
    expect(ra).toBe(rb);
    expect(ra).toMatchObject({
      server: 5_000,
      mono: 1_040,
      wall: 1_700_000_000_040,
      bound: 40,
      startedAt: 1_000,
    });
    expect(measured).toBe(1);
    // A call sent before the reading began is served by it, however long ago that was.
    mono += 3_600_000;
    expect(await clock.readAfter(999)).toBe(ra);
    expect(measured).toBe(1);
    // A call sent after it began needs a reading of its own.
    const c = clock.readAfter(1_001);
    release?.();
    expect((await c).startedAt).toBe(3_601_080);
    expect(measured).toBe(2);
  });

  it('a failed reading rejects, and the next call reads again', async () => {
    let fail = true;
    let measured = 0;
    const clock = reconcileClock(
      async () => {
        measured++;
        if (fail) throw new Error('REST down');
        return 0;
      },
      () => 0,
      () => 0,
    );
    await expect(clock.readAfter(0)).rejects.toThrow('REST down');
    fail = false;
    expect((await clock.readAfter(0)).bound).toBe(0);
    expect(measured).toBe(2);
  });
});

describe('createdVsSent (was an order found by clientOid created after the call was sent?)', () => {
  /** A reading at server time 1_000_000, local monotonic 50_000, wall 2_000_000, bound 5 ms. */
  const reading: ServerClockReading = {
    server: 1_000_000,
    mono: 50_000,
    wall: 2_000_000,
    bound: 5,
    startedAt: 49_995,
  };
  const slack = reading.bound + CREATED_BEFORE_SEND_MARGIN_MS;

  it('clocks that agree: created after the send (less the slack) is "after", before it "before"', () => {
    // Sent 3 s before the reading by both clocks: at server time 997_000.
    const sent = { mono: 47_000, wall: 1_997_000 };
    expect(createdVsSent(997_100, sent, reading)).toBe('after');
    expect(createdVsSent(997_000 - slack, sent, reading)).toBe('after');
    expect(createdVsSent(997_000 - slack - 1, sent, reading)).toBe('before');
    expect(createdVsSent(900_000, sent, reading)).toBe('before');
  });

  it('a suspend between the send and the reading (monotonic time stopped 60 s): the call’s own order is never "before"', () => {
    // Really sent 63 s before the reading (server time 937_000); monotonic time counted only 3 s of it.
    const sent = { mono: 47_000, wall: 1_937_000 };
    expect(createdVsSent(937_010, sent, reading)).toBe('after');
    expect(createdVsSent(937_000 - slack, sent, reading)).toBe('after');
    // An order created well before the suspend is older by more than the clocks disagree: "before".
    expect(createdVsSent(937_000 - slack - 60_001, sent, reading)).toBe('before');
  });

  it('a wall-clock step back by 2 s between the send and the reading: the call’s own order is never "before"', () => {
    // Really sent 3 s before the reading (server time 997_000); the wall clock counted only 1 s.
    const sent = { mono: 47_000, wall: 1_999_000 };
    expect(createdVsSent(997_010, sent, reading)).toBe('after');
  });

  it('clocks that disagree, and an order a little older than both estimates: "unsure", never "before"', () => {
    const sent = { mono: 47_000, wall: 1_999_000 }; // estimates 997_000 and 999_000: 2 s apart
    expect(CLOCK_DISAGREEMENT_MS).toBeLessThan(2_000);
    expect(createdVsSent(997_000 - slack - 1, sent, reading)).toBe('unsure');
    expect(createdVsSent(997_000 - slack - 2_000, sent, reading)).toBe('unsure');
    expect(createdVsSent(997_000 - slack - 2_001, sent, reading)).toBe('before');
  });

  it('no wall time recorded for the send: the monotonic estimate alone', () => {
    const sent = { mono: 47_000, wall: undefined };
    expect(createdVsSent(997_000, sent, reading)).toBe('after');
    expect(createdVsSent(997_000 - slack - 1, sent, reading)).toBe('before');
  });
});
