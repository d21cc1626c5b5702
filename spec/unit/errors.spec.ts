import {
  AuthenticationError,
  ClientClosedError,
  ConfigurationError,
  DisconnectedError,
  GatewayError,
  ProtocolError,
  RateLimitError,
  TimeoutError,
  ValidationError,
  WsApiError,
} from '../../src/errors';

describe('error family', () => {
  const cases: Array<[string, WsApiError, string]> = [
    [
      'ValidationError',
      new ValidationError([{ field: 'price', rule: 'is required' }], { op: 'spot.order' }),
      'VALIDATION_FAILED',
    ],
    [
      'GatewayError',
      new GatewayError({ code: '400100', msg: 'bad', op: 'spot.order', requestId: '3' }),
      '400100',
    ],
    [
      'RateLimitError',
      new RateLimitError({ code: '429000', msg: 'Too many requests', reset: 1500, receivedAt: 1_000 }),
      '429000',
    ],
    ['TimeoutError', new TimeoutError({ op: 'spot.order', timeoutMs: 10, sent: true }), 'REQUEST_TIMEOUT'],
    ['DisconnectedError', new DisconnectedError({ op: 'spot.order', clientOid: 'c1' }), 'DISCONNECTED'],
    [
      'AuthenticationError',
      new AuthenticationError({ code: '400003', msg: 'KC-API-KEY not exists.' }),
      '400003',
    ],
    ['ClientClosedError', new ClientClosedError({}), 'CLIENT_CLOSED'],
    ['ProtocolError', new ProtocolError('frame is not JSON'), 'MALFORMED_FRAME'],
    ['ConfigurationError', new ConfigurationError('no url'), 'CONFIGURATION'],
  ];

  it.each(cases)('%s: instanceof, name, code, stack', (name, error, code) => {
    expect(error).toBeInstanceOf(Error);
    expect(error).toBeInstanceOf(WsApiError);
    expect(error.name).toBe(name);
    expect(error.code).toBe(code);
    expect(error.stack).toContain(name);
    expect(JSON.parse(JSON.stringify(error))).toMatchObject({ name, code, message: error.message });
  });

  it('ValidationError names field and rule in its message and lists issues', () => {
    const e = new ValidationError(
      [
        { field: 'price', rule: 'is required for limit orders' },
        { field: 'tags', rule: 'must be a non-empty string of at most 20 characters' },
      ],
      { op: 'spot.order', requestId: '1' },
    );
    expect(e.message).toBe(
      'invalid spot.order: price: is required for limit orders; tags: must be a non-empty string of at most 20 characters',
    );
    expect(e.issues).toHaveLength(2);
    expect(e.toJSON().issues).toEqual(e.issues);
  });

  it('RateLimitError carries reset and resetAt', () => {
    const e = new RateLimitError({
      code: '429000',
      msg: 'Too many requests',
      op: 'spot.order',
      reset: 1500,
      receivedAt: 1_000,
    });
    expect([e.reset, e.resetAt]).toEqual([1500, 2500]);
    expect(e.message).toMatch(/1500 ms/);
  });

  it('DisconnectedError says the outcome is unknown and carries the clientOid', () => {
    const e = new DisconnectedError({ op: 'spot.order', requestId: '4', clientOid: 'c-9' });
    expect(e.message).toMatch(/disconnected, outcome unknown/);
    expect(e.clientOid).toBe('c-9');
    expect(e.toJSON()).toMatchObject({ clientOid: 'c-9', requestId: '4', op: 'spot.order' });
  });

  it('ClientClosedError keeps its cause', () => {
    const cause = new Error('boom');
    const e = new ClientClosedError({ reason: 'gave up', cause });
    expect(e.cause).toBe(cause);
    expect(e.message).toBe('client closed: gave up');
  });

  it('distinguishes subclasses', () => {
    expect(new TimeoutError({ timeoutMs: 1, sent: false })).not.toBeInstanceOf(DisconnectedError);
    expect(new TimeoutError({ timeoutMs: 1, sent: false }).message).toMatch(/not sent/);
  });
});
