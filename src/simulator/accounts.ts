import type { AccountConfig } from './exchange/types';
import { hexOf } from './ids';

/** What the demo account starts with: enough for any example or benchmark. */
export const DEMO_BALANCES = { USDT: '1000000', BTC: '100', ETH: '1000' } as const;

/**
 * The demo account of a seed. Its credentials are derived from `seed` so that scripts and
 * docs can rely on them across runs; they only open a local simulator.
 */
export function demoAccount(seed: number): AccountConfig {
  const h = hexOf(`kucoin-wsapi-sim:demo:${seed}`);
  return {
    apiKey: h.slice(0, 24),
    apiSecret: `${h.slice(24, 32)}-${h.slice(32, 36)}-${h.slice(36, 40)}-${h.slice(40, 44)}-${h.slice(44, 56)}`,
    apiPassphrase: `sim-${h.slice(56, 64)}`,
    balances: { ...DEMO_BALANCES },
  };
}
