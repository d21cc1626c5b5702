/**
 * The targets, in one place for bench/run.ts and bench/readme.ts: per gateway the clients
 * talk to (the minimal gateway of bench/min-gateway.ts, issue 11; the simulator in ack mode,
 * issue 5).
 */

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

/** The gateways `npm run bench` runs both clients against, in the order they are reported. */
export type Gateway = 'minimal' | 'ack';
export const GATEWAYS: readonly Gateway[] = ['minimal', 'ack'];

/** Against the simulator in ack mode (issue 5). */
export const TARGETS: Partial<Record<Metric, Target>> = {
  latencyP50Us: { of: 'ratio', op: '<=', limit: 1.1, text: 'ours/raw ≤ 1.10' },
  latencyP99Us: { of: 'ratio', op: '<=', limit: 1.2, text: 'ours/raw ≤ 1.20' },
  pipelinedPerSec: { of: 'ratio', op: '>=', limit: 0.85, text: 'ours/raw ≥ 0.85' },
  windowed100PerSec: { of: 'ratio', op: '>=', limit: 0.85, text: 'ours/raw ≥ 0.85' },
  scaling: { of: 'ours', op: '<=', limit: 1.3, text: 'ours ≤ 1.3' },
  heapPerPendingBytes: { of: 'ratio', op: '<=', limit: 1.25, text: 'ours/raw ≤ 1.25' },
  heapGrowthBytes: { of: 'ours', op: '<=', limit: 5_000_000, text: 'ours ≤ 5 MB' },
};

/**
 * Against the minimal gateway (issue 11): nothing on the gateway side hides what the client
 * costs, so these are the strict ones.
 */
export const MINIMAL_TARGETS: Partial<Record<Metric, Target>> = {
  latencyP50Us: { of: 'ratio', op: '<=', limit: 1.05, text: 'ours/raw ≤ 1.05' },
  latencyP99Us: { of: 'ratio', op: '<=', limit: 1.3, text: 'ours/raw ≤ 1.30' },
  pipelinedPerSec: { of: 'ratio', op: '>=', limit: 1.0, text: 'ours/raw ≥ 1.00' },
  windowed100PerSec: { of: 'ratio', op: '>=', limit: 1.0, text: 'ours/raw ≥ 1.00' },
  windowed10kPerSec: { of: 'ratio', op: '>=', limit: 1.0, text: 'ours/raw ≥ 1.00' },
  heapPerPendingBytes: { of: 'ratio', op: '<=', limit: 1.25, text: 'ours/raw ≤ 1.25' },
};

/** The targets per gateway. */
export const GATEWAY_TARGETS: Record<Gateway, Partial<Record<Metric, Target>>> = {
  minimal: MINIMAL_TARGETS,
  ack: TARGETS,
};

/** Whether `target` holds for our median `ours` and the ratio `ratio`. */
export function holds(target: Target, ours: number, ratio: number): boolean {
  const value = target.of === 'ratio' ? ratio : ours;
  return target.op === '<=' ? value <= target.limit : value >= target.limit;
}
