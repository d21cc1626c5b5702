/** The targets of issue 5, in one place for bench/run.ts and bench/readme.ts. */

export type Metric =
  | 'latencyP50Us'
  | 'latencyP99Us'
  | 'pipelinedPerSec'
  | 'windowed100PerSec'
  | 'windowed10kPerSec'
  | 'scaling'
  | 'heapPerPendingBytes'
  | 'heapGrowthBytes';

export interface Target {
  /** What is compared: ours/raw, or our own figure. */
  readonly of: 'ratio' | 'ours';
  readonly op: '<=' | '>=';
  readonly limit: number;
  /** How docs/benchmarks.md states it. */
  readonly text: string;
}

/** Every figure, in table order, with what it means. */
export const METRICS: ReadonlyArray<{ key: Metric; label: string; unit: string }> = [
  { key: 'latencyP50Us', label: 'sequential latency p50', unit: 'µs' },
  { key: 'latencyP99Us', label: 'sequential latency p99', unit: 'µs' },
  { key: 'pipelinedPerSec', label: 'pipelined (20,000 at once)', unit: 'calls/s' },
  { key: 'windowed100PerSec', label: 'windowed (100 in flight)', unit: 'calls/s' },
  { key: 'windowed10kPerSec', label: 'windowed (10,000 in flight)', unit: 'calls/s' },
  { key: 'scaling', label: 'scaling (cost per call at 10,000 ÷ at 100)', unit: '' },
  { key: 'heapPerPendingBytes', label: 'retained heap per pending call', unit: 'B' },
  { key: 'heapGrowthBytes', label: 'heap growth after 200,000 calls', unit: 'B' },
];

export const TARGETS: Partial<Record<Metric, Target>> = {
  latencyP50Us: { of: 'ratio', op: '<=', limit: 1.1, text: 'ours/raw ≤ 1.10' },
  latencyP99Us: { of: 'ratio', op: '<=', limit: 1.2, text: 'ours/raw ≤ 1.20' },
  pipelinedPerSec: { of: 'ratio', op: '>=', limit: 0.85, text: 'ours/raw ≥ 0.85' },
  windowed100PerSec: { of: 'ratio', op: '>=', limit: 0.85, text: 'ours/raw ≥ 0.85' },
  scaling: { of: 'ours', op: '<=', limit: 1.3, text: 'ours ≤ 1.3' },
  heapPerPendingBytes: { of: 'ratio', op: '<=', limit: 1.25, text: 'ours/raw ≤ 1.25' },
  heapGrowthBytes: { of: 'ours', op: '<=', limit: 5_000_000, text: 'ours ≤ 5 MB' },
};

/** Whether `target` holds for our median `ours` and the ratio `ratio`. */
export function holds(target: Target, ours: number, ratio: number): boolean {
  const value = target.of === 'ratio' ? ratio : ours;
  return target.op === '<=' ? value <= target.limit : value >= target.limit;
}
