/** The measured scenarios, shared by bench/worker.ts and bench/profile.ts. */
import { check, type Place } from './clients';

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))];
}

/** `n` calls one after another, each awaited as a user would; p50 and p99 in µs. */
export async function sequential(place: Place, n: number): Promise<{ p50: number; p99: number }> {
  const samples: number[] = new Array<number>(n);
  for (let i = 0; i < n; i++) {
    const t0 = process.hrtime.bigint();
    check(await place());
    samples[i] = Number(process.hrtime.bigint() - t0) / 1000;
  }
  samples.sort((a, b) => a - b);
  return { p50: percentile(samples, 0.5), p99: percentile(samples, 0.99) };
}

/**
 * Calls per second with `window` calls in flight at a time (window >= n: all issued at
 * once, in one synchronous loop). Each call costs both clients one `then` on their handle.
 */
export async function windowed(place: Place, n: number, window: number): Promise<number> {
  const t0 = process.hrtime.bigint();
  let issued = 0;
  await new Promise<void>((resolve, reject) => {
    let done = 0;
    const onAnswer = (r: { code: string }): void => {
      try {
        check(r);
      } catch (e) {
        reject(e);
        return;
      }
      done++;
      if (done === n) resolve();
      else if (issued < n) next();
    };
    const next = (): void => {
      issued++;
      place().then(onAnswer, reject);
    };
    const first = Math.min(window, n);
    for (let i = 0; i < first; i++) next();
  });
  const seconds = Number(process.hrtime.bigint() - t0) / 1e9;
  return n / seconds;
}
