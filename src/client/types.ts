import type * as t from 'io-ts';
import type { MethodName, OPERATIONS } from '../operations';

type Operations = typeof OPERATIONS;

/** The method that runs an op name, e.g. 'spot.order' → 'submitNewSpotOrder'. */
export type MethodOf<N extends string> = N extends MethodName
  ? N
  : { [M in MethodName]: Operations[M]['op'] extends N ? M : never }[MethodName];

/** A method name ('submitNewSpotOrder') or an op name ('spot.order'). */
export type MethodOrOperation = MethodName | Operations[MethodName]['op'];

/** The parameters of a method or op. */
export type RequestOf<N extends MethodOrOperation> = t.TypeOf<Operations[MethodOf<N>]['request']>;

/** The `data` of a successful answer to a method or op. */
export type ResponseOf<N extends MethodOrOperation> = t.TypeOf<Operations[MethodOf<N>]['response']>;
