export * from './codecs';
export { OPERATIONS, OPERATIONS_BY_OP, WS_KEY_MAP } from './operations';
export type { ClientOidMode, MethodName, OperationName, OperationSpec, WSAPIWsKey } from './operations';
