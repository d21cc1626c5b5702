export * from './codes';
export * from './envelope';
export * from './primitives';
export * from './report';
export * from './requests';
export * from './responses';
export { strictObject, listOf, ListType, OpenObjectType, StrictObjectType } from './object';
export type { StrictObjectOf } from './object';
