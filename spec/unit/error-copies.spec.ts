/**
 * `instanceof` across two copies of the package: an app that both imports and requires it loads
 * its ESM and CommonJS builds, and an error made by one copy used to fail `instanceof` against
 * the other's class. Two copies of src/errors are loaded here with jest.isolateModules (the
 * packed package's own two builds are checked in spec/package).
 */
import * as ours from '../../src/errors';

type Errors = typeof ours;

function anotherCopy(): Errors {
  let copy: Errors | undefined;
  jest.isolateModules(() => {
    copy = jest.requireActual<Errors>('../../src/errors');
  });
  return copy as Errors;
}

const details = { code: '400100', msg: 'bad', op: 'spot.order', requestId: '1' } as const;

/** Every error class the module exports, by name. */
function errorClasses(module: Errors): Array<[string, typeof ours.WsApiError]> {
  return Object.entries(module).filter(
    (entry): entry is [string, typeof ours.WsApiError] =>
      typeof entry[1] === 'function' &&
      (entry[1] === module.WsApiError || entry[1].prototype instanceof module.WsApiError),
  );
}

describe('error classes and another copy of the package', () => {
  const other = anotherCopy();

  it('are two copies: their classes differ', () => {
    expect(other.GatewayError).not.toBe(ours.GatewayError);
  });

  it("an error of the other copy is an instance of this copy's same class and of WsApiError, of no other", () => {
    const error = new other.GatewayError(details);
    expect(error instanceof ours.GatewayError).toBe(true);
    expect(error instanceof ours.WsApiError).toBe(true);
    expect(error instanceof Error).toBe(true);
    expect(error instanceof ours.TimeoutError).toBe(false);
    expect(error instanceof ours.RateLimitError).toBe(false);
    const timeout = new other.TimeoutError({ op: 'spot.order', timeoutMs: 5, sent: true });
    expect(timeout instanceof ours.TimeoutError).toBe(true);
    expect(timeout instanceof ours.GatewayError).toBe(false);
    // And the other way round.
    expect(new ours.ProtocolError('x') instanceof other.ProtocolError).toBe(true);
    expect(new ours.ProtocolError('x') instanceof other.ConfigurationError).toBe(false);
  });

  it('every exported error class names itself, once, by its own name', () => {
    const classes = errorClasses(ours);
    expect(classes.length).toBeGreaterThanOrEqual(14);
    for (const [name, cls] of classes)
      expect(Object.getOwnPropertyDescriptor(cls, 'kucoinWsApiRxErrorClass')?.value).toBe(name);
    // Each class of the other copy is recognised as exactly its counterpart.
    for (const [name, cls] of errorClasses(other)) {
      const instance = Object.create(cls.prototype) as object;
      for (const [ourName, ourCls] of classes)
        expect([ourName, instance instanceof ourCls]).toEqual([
          ourName,
          ourName === name || ourName === 'WsApiError',
        ]);
    }
  });

  it('a subclass of your own is checked as usual, and lookalikes are not instances', () => {
    class MyError extends ours.GatewayError {}
    expect(new MyError(details) instanceof MyError).toBe(true);
    expect(new MyError(details) instanceof other.GatewayError).toBe(true);
    expect(new other.GatewayError(details) instanceof MyError).toBe(false);
    expect(new ours.GatewayError(details) instanceof MyError).toBe(false);
    for (const value of [
      null,
      undefined,
      'GatewayError',
      42,
      { kucoinWsApiRxErrorClass: 'GatewayError', name: 'GatewayError', code: '400100' },
      Object.create({ constructor: { kucoinWsApiRxErrorClass: 'GatewayError' } }) as object,
      new Error('plain'),
    ])
      expect(value instanceof ours.GatewayError).toBe(false);
    // A getter on a prototype is not run.
    let ran = false;
    const sneaky = Object.create(
      Object.defineProperty({}, 'constructor', {
        get: () => {
          ran = true;
          return ours.GatewayError;
        },
      }),
    ) as object;
    expect(sneaky instanceof ours.GatewayError).toBe(false);
    expect(ran).toBe(false);
  });

  it('narrows the type as instanceof always did', () => {
    const error: unknown = new other.RateLimitError({ ...details, code: '429000', reset: 10, receivedAt: 0 });
    if (!(error instanceof ours.RateLimitError)) throw new Error('not narrowed');
    const reset: number = error.reset;
    expect(reset).toBe(10);
  });
});
