/** The measured scenarios, shared by bench/worker.ts and bench/profile.ts. */
import { check, type Place } from './clients';

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))];
}

/** p50 and p99 of latency samples. */
export function percentiles(samples: number[]): { p50: number; p99: number } {
  const sorted = [...samples].sort((a, b) => a - b);
  return { p50: percentile(sorted, 0.5), p99: percentile(sorted, 0.99) };
}

/** `n` calls one after another, each awaited as a user would: each one's latency in µs. */
export async function sequentialSamples(place: Place, n: number): Promise<number[]> {
  const samples: number[] = new Array<number>(n);
  for (let i = 0; i < n; i++) {
    const t0 = process.hrtime.bigint();
    check(await place());
    samples[i] = Number(process.hrtime.bigint() - t0) / 1000;
  }
  return samples;
}

/** `n` calls one after another; p50 and p99 in µs. */
export async function sequential(place: Place, n: number): Promise<{ p50: number; p99: number }> {
  return percentiles(await sequentialSamples(place, n));
}

/** Calls per second with `window` calls in flight at a time (see `windowedTimed`). */
export async function windowed(place: Place, n: number, window: number): Promise<number> {
  const { calls, seconds } = await windowedTimed(place, n, window);
  return calls / seconds;
}

/**
 * `n` calls with `window` in flight at a time (window >= n: all issued at once, in one
 * synchronous loop), and how long they took. Each call costs both clients one `then` on
 * their handle.
 */
export async function windowedTimed(
  place: Place,
  n: number,
  window: number,
): Promise<{ calls: number; seconds: number }> {
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
  return { calls: n, seconds: Number(process.hrtime.bigint() - t0) / 1e9 };
}
