import { reconcileClock } from '../../src/orders/reconcile';

describe('reconcileClock (the server clock as reconcile reads it)', () => {
  it('measures once for concurrent callers, gives half the round trip as the bound, and trusts it for a minute', async () => {
    let t = 1_000;
    let measured = 0;
    let release: (() => void) | undefined;
    const clock = reconcileClock(
      () => 42,
      () =>
        new Promise<void>((resolve) => {
          measured++;
          release = () => {
            t += 80; // the round trip
            resolve();
          };
        }),
      () => t,
    );
    const a = clock.errorBound();
    const b = clock.errorBound();
    release?.();
    expect(await Promise.all([a, b])).toEqual([40, 40]);
    expect(measured).toBe(1);
    t += 59_000;
    expect(await clock.errorBound()).toBe(40);
    expect(measured).toBe(1);
    t += 2_000;
    const c = clock.errorBound();
    release?.();
    expect(await c).toBe(40);
    expect(measured).toBe(2);
    expect(clock.serverNow()).toBe(42);
  });

  it('a failed measurement rejects, and the next call measures again', async () => {
    let fail = true;
    let measured = 0;
    const clock = reconcileClock(
      () => 0,
      async () => {
        measured++;
        if (fail) throw new Error('REST down');
      },
      () => 0,
    );
    await expect(clock.errorBound()).rejects.toThrow('REST down');
    fail = false;
    expect(await clock.errorBound()).toBe(0);
    expect(measured).toBe(2);
  });
});
