/**
 * Live handles of the process, for tests that prove nothing outlives a close(): timers
 * created while tracking is on (exact: each one is followed until it fires or is cleared),
 * and TCP sockets and servers (from process.getActiveResourcesInfo()).
 *
 * Timer tracking replaces the global timer functions, so it sees everything the client,
 * rxjs, ws and the simulator start meanwhile (they look the globals up at call time); Jest's
 * own timers are made outside and are not counted. Counting 'Timeout' entries of
 * getActiveResourcesInfo() instead would be noisy: unrelated timers come and go.
 */

/** Timers created while tracking was on that have neither fired nor been cleared. */
export const liveTimers = new Set<unknown>();

const real = { setTimeout, clearTimeout, setInterval, clearInterval };

/** Starts tracking (and forgets earlier timers). Call `untrackTimers()` when done. */
export function trackTimers(): void {
  liveTimers.clear();
  globalThis.setTimeout = ((fn: (...a: unknown[]) => void, ms?: number, ...args: unknown[]) => {
    const handle = real.setTimeout(() => {
      liveTimers.delete(handle);
      fn(...args);
    }, ms);
    liveTimers.add(handle);
    // Where it was made, for a test that finds it still live (see describeTimers).
    made.set(handle, `setTimeout(…, ${ms}) ${new Error().stack?.split('\n').slice(2, 6).join(' <') ?? ''}`);
    return handle;
  }) as typeof setTimeout;
  globalThis.clearTimeout = ((handle: Parameters<typeof clearTimeout>[0]) => {
    liveTimers.delete(handle);
    real.clearTimeout(handle);
  }) as typeof clearTimeout;
  globalThis.setInterval = ((fn: (...a: unknown[]) => void, ms?: number, ...args: unknown[]) => {
    const handle = real.setInterval(fn, ms, ...args);
    liveTimers.add(handle);
    return handle;
  }) as typeof setInterval;
  globalThis.clearInterval = ((handle: Parameters<typeof clearInterval>[0]) => {
    liveTimers.delete(handle);
    real.clearInterval(handle);
  }) as typeof clearInterval;
}

const made = new WeakMap<object, string>();

/** The live timers, each as where it was made (what a failing expectation should show). */
export function describeTimers(): string[] {
  return [...liveTimers].map((t) => made.get(t as object) ?? 'setInterval');
}

/** Puts the real timer functions back. */
export function untrackTimers(): void {
  Object.assign(globalThis, real);
}

/** Open TCP sockets and servers of this process (e.g. ['TCPServerWrap', 'TCPSocketWrap']). */
export function tcpHandles(): string[] {
  return process.getActiveResourcesInfo().filter((kind) => kind.startsWith('TCP'));
}
