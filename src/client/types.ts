import type * as t from 'io-ts';
import type { MethodName, OPERATIONS, WSAPIWsKey } from '../operations';
import type { WsApiCall } from '../rpc/call';

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

/**
 * One method per row of the operation table, named as the row: the client `implements` this,
 * so a row without its method (or a method whose types drift from its row) does not compile.
 */
export type OperationMethods = {
  readonly [M in MethodName]: (params: RequestOf<M>, wsKey?: WSAPIWsKey) => WsApiCall<ResponseOf<M>>;
};
