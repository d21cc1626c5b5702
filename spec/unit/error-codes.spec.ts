/**
 * Each error class has a literal `code` type, so `switch (error.code)` over KucoinWsApiError
 * narrows to the class. The type assertions are checked by `tsc` (npm run typecheck); the
 * runtime half checks that the codes the classes carry are the ones their types promise.
 */
import {
  AuthenticationError,
  CancelNotAppliedError,
  ClientClosedError,
  ConfigurationError,
  DisconnectedError,
  GatewayError,
  ModifyNotAppliedError,
  NetworkError,
  OrderNotPlacedError,
  ProtocolError,
  RateLimitError,
  TimeoutError,
  ValidationError,
  isGatewayErrorCode,
  type KucoinWsApiError,
} from '../../src';

type Equal<A, B> = (<T>() => T extends A ? 1 : 2) extends <T>() => T extends B ? 1 : 2 ? true : false;
function assertType<T extends true>(_check?: T): void {}

/** What a caller's switch sees in each branch: the class the code belongs to. */
function classify(error: KucoinWsApiError): string {
  switch (error.code) {
    case 'VALIDATION_FAILED':
      assertType<Equal<typeof error, ValidationError>>();
      return `invalid: ${error.issues.length} issue(s)`;
    case 'REQUEST_TIMEOUT':
      assertType<Equal<typeof error, TimeoutError>>();
      return error.sent ? 'outcome unknown' : 'never sent';
    case 'DISCONNECTED':
      assertType<Equal<typeof error, DisconnectedError>>();
      return 'reconcile';
    case 'CLIENT_CLOSED':
      assertType<Equal<typeof error, ClientClosedError>>();
      return 'closed';
    case 'MALFORMED_FRAME':
      assertType<Equal<typeof error, ProtocolError>>();
      return 'malformed';
    case 'CONFIGURATION':
      assertType<Equal<typeof error, ConfigurationError>>();
      return 'misconfigured';
    case 'NETWORK_ERROR':
      assertType<Equal<typeof error, NetworkError>>();
      return 'unreachable';
    case 'ORDER_NOT_PLACED':
      assertType<Equal<typeof error, OrderNotPlacedError>>();
      return 'not placed';
    case 'CANCEL_NOT_APPLIED':
      assertType<Equal<typeof error, CancelNotAppliedError>>();
      return error.order === null ? 'no such order' : `still ${error.order.status}`;
    case 'MODIFY_NOT_APPLIED':
      assertType<Equal<typeof error, ModifyNotAppliedError>>();
      return error.order === null ? 'nothing to modify' : `not modified, ${error.order.status}`;
    case '429000':
      // A digit code is a GatewayError's too; RateLimitError is the one the client makes for it.
      assertType<Equal<typeof error, RateLimitError | GatewayError>>();
      return error instanceof RateLimitError ? `retry in ${error.reset} ms` : 'gateway';
    case '400003':
      assertType<Equal<typeof error, AuthenticationError | GatewayError>>();
      return 'refused';
    default: {
      // Every client code is handled above: what is left carries a gateway code.
      assertType<Equal<typeof error, GatewayError | RateLimitError | AuthenticationError>>();
      const digits: `${number}` = error.code;
      return `gateway ${digits}`;
    }
  }
}

describe('error codes', () => {
  const op = 'spot.order';
  const cases: [KucoinWsApiError, string][] = [
    [new ValidationError([], { op }), 'VALIDATION_FAILED'],
    [new TimeoutError({ op, timeoutMs: 5, sent: true }), 'REQUEST_TIMEOUT'],
    [new DisconnectedError({ op }), 'DISCONNECTED'],
    [new ClientClosedError({ op }), 'CLIENT_CLOSED'],
    [new ProtocolError('x', { op }), 'MALFORMED_FRAME'],
    [new ConfigurationError('x'), 'CONFIGURATION'],
    [new NetworkError({ op: 'lookupOrder', msg: 'fetch failed' }), 'NETWORK_ERROR'],
    [new OrderNotPlacedError({ op, clientOid: 'a1' }), 'ORDER_NOT_PLACED'],
    [new CancelNotAppliedError({ op: 'spot.cancel', clientOid: 'a1', order: null }), 'CANCEL_NOT_APPLIED'],
    [new ModifyNotAppliedError({ op: 'spot.modify', clientOid: 'a1', order: null }), 'MODIFY_NOT_APPLIED'],
    [new RateLimitError({ code: '429000', msg: '', reset: 10, receivedAt: 0 }), '429000'],
    [new AuthenticationError({ code: '400003', msg: 'KC-API-KEY not exists.' }), '400003'],
    [new GatewayError({ code: '400100', msg: 'bad price', op }), '400100'],
  ];

  it.each(cases)('%s carries the code its type names', (error, code) => {
    expect(error.code).toBe(code);
  });

  it('a switch on code reaches the branch of each class', () => {
    expect(cases.map(([error]) => classify(error))).toEqual([
      'invalid: 0 issue(s)',
      'outcome unknown',
      'reconcile',
      'closed',
      'malformed',
      'misconfigured',
      'unreachable',
      'not placed',
      'no such order',
      'nothing to modify',
      'retry in 10 ms',
      'refused',
      'gateway 400100',
    ]);
  });

  it('gateway codes are digits', () => {
    expect(['400100', '429000', '509'].every(isGatewayErrorCode)).toBe(true);
    expect(['', 'ERR', '4001 00', '400100x'].some(isGatewayErrorCode)).toBe(false);
  });
});
