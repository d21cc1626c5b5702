/** The simulator's exchange: a deterministic matching engine behind `Exchange.handle`. */
export { Exchange } from './exchange';
export { DEFAULT_REFERENCE_PRICES, DEFAULT_SYMBOLS } from './symbols';
export * from './types';
