export type * from './exchange/types';
