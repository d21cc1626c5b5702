/**
 * Runs `body` and returns the unhandled rejections Node reported meanwhile. Node reports them
 * once the microtask queue drains at the end of a turn, so two `setImmediate` turns after
 * `body` are enough: an event, not a sleep, ends the wait.
 */
export async function unhandledRejectionsDuring(body: () => Promise<void>): Promise<unknown[]> {
  const reasons: unknown[] = [];
  const collect = (reason: unknown): void => void reasons.push(reason);
  process.on('unhandledRejection', collect);
  try {
    await body();
    await new Promise((resolve) => setImmediate(resolve));
    await new Promise((resolve) => setImmediate(resolve));
  } finally {
    process.off('unhandledRejection', collect);
  }
  return reasons;
}
