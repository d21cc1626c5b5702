import { fromInt, ONE, parseDecimal } from './decimal';
import type { SymbolConfig } from './types';

/** The symbols an exchange lists when `ExchangeOptions.symbols` is absent (KuCoin's rules). */
export const DEFAULT_SYMBOLS: readonly SymbolConfig[] = [
  {
    symbol: 'BTC-USDT',
    market: 'spot',
    baseCurrency: 'BTC',
    quoteCurrency: 'USDT',
    priceIncrement: '0.1',
    baseIncrement: '0.00000001',
    baseMinSize: '0.00001',
    minFunds: '0.1',
  },
  {
    symbol: 'ETH-USDT',
    market: 'spot',
    baseCurrency: 'ETH',
    quoteCurrency: 'USDT',
    priceIncrement: '0.01',
    baseIncrement: '0.0000001',
    baseMinSize: '0.0001',
    minFunds: '0.1',
  },
  {
    symbol: 'XBTUSDTM',
    market: 'futures',
    baseCurrency: 'XBT',
    quoteCurrency: 'USDT',
    priceIncrement: '0.1',
    baseIncrement: '1',
    baseMinSize: '1',
    multiplier: '0.001',
    maxLeverage: 125,
  },
  {
    symbol: 'ETHUSDTM',
    market: 'futures',
    baseCurrency: 'ETH',
    quoteCurrency: 'USDT',
    priceIncrement: '0.01',
    baseIncrement: '1',
    baseMinSize: '1',
    multiplier: '0.01',
    maxLeverage: 100,
  },
];

/** Mid prices of the seeded house liquidity when `ExchangeOptions.referencePrices` is absent. */
export const DEFAULT_REFERENCE_PRICES: Readonly<Record<string, string>> = {
  'BTC-USDT': '30000',
  'ETH-USDT': '2000',
  XBTUSDTM: '30000',
  ETHUSDTM: '2000',
};

/** A symbol's rules parsed once into scaled units, so the hot path never parses them again. */
export interface SymbolSpec {
  readonly config: SymbolConfig;
  readonly symbol: string;
  readonly market: 'spot' | 'futures';
  readonly base: string;
  readonly quote: string;
  readonly tick: bigint;
  readonly step: bigint;
  readonly minSize: bigint;
  readonly minFunds: bigint;
  /** Futures: base quantity per lot; spot: 1. */
  readonly multiplier: bigint;
  /** Futures: the highest leverage accepted; spot: 1. */
  readonly maxLeverage: bigint;
}

function required(text: string | undefined, fallback: bigint, what: string): bigint {
  if (text === undefined) return fallback;
  const value = parseDecimal(text);
  if (value === undefined || value < 0n) throw new Error(`invalid ${what}: ${text}`);
  return value;
}

/** Parses a symbol's configuration; throws on a malformed number (a configuration bug). */
export function toSymbolSpec(config: SymbolConfig): SymbolSpec {
  const name = config.symbol;
  return {
    config,
    symbol: name,
    market: config.market,
    base: config.baseCurrency,
    quote: config.quoteCurrency,
    tick: required(config.priceIncrement, 0n, `${name} priceIncrement`),
    step: required(config.baseIncrement, 0n, `${name} baseIncrement`),
    minSize: required(config.baseMinSize, 0n, `${name} baseMinSize`),
    minFunds: required(config.minFunds, 0n, `${name} minFunds`),
    multiplier: required(config.multiplier, ONE, `${name} multiplier`),
    maxLeverage: fromInt(config.maxLeverage ?? 1),
  };
}
