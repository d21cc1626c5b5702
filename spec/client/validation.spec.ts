/**
 * Contract 6: bad input never reaches the wire. Each rule rejects with a ValidationError
 * naming the field and the rule, and the simulator receives nothing for it.
 */
import { randomUUID } from 'node:crypto';
import { ValidationError, type MethodName } from '../../src';
import { futuresBuy, limitBuy, useHarness } from './harness';

const h = useHarness();

type Case = [string, MethodName, unknown, string, RegExp];

const spot = (o: Record<string, unknown>) => ({ side: 'buy', symbol: 'BTC-USDT', ...o });

const cases: Case[] = [
  [
    'limit needs price',
    'submitNewSpotOrder',
    spot({ type: 'limit', size: '1' }),
    'price',
    /required for limit/,
  ],
  [
    'limit needs size',
    'submitNewSpotOrder',
    spot({ type: 'limit', price: '1' }),
    'size',
    /required for limit/,
  ],
  ['market needs size or funds', 'submitNewSpotOrder', spot({ type: 'market' }), 'size', /size or funds/],
  [
    'market takes size or funds, not both',
    'submitSyncSpotOrder',
    spot({ type: 'market', size: '1', funds: '2' }),
    'funds',
    /not both/,
  ],
  [
    'funds only on market orders',
    'submitNewSpotOrder',
    spot({ type: 'limit', price: '1', size: '1', funds: '1' }),
    'funds',
    /only allowed on market/,
  ],
  [
    'cancelAfter only with GTT',
    'submitNewSpotOrder',
    spot({ type: 'limit', price: '1', size: '1', cancelAfter: 60 }),
    'cancelAfter',
    /GTT/,
  ],
  [
    'postOnly not with IOC',
    'submitNewSpotOrder',
    spot({ type: 'limit', price: '1', size: '1', postOnly: true, timeInForce: 'IOC' }),
    'postOnly',
    /IOC/,
  ],
  [
    'postOnly not with FOK',
    'submitMarginOrder',
    spot({ price: '1', size: '1', postOnly: true, timeInForce: 'FOK' }),
    'postOnly',
    /FOK/,
  ],
  [
    'iceberg needs visibleSize',
    'submitNewSpotOrder',
    spot({ type: 'limit', price: '1', size: '2', iceberg: true, clientTimestamp: 1 }),
    'visibleSize',
    /required for iceberg/,
  ],
  [
    'iceberg needs clientTimestamp',
    'submitNewSpotOrder',
    spot({ type: 'limit', price: '1', size: '2', iceberg: true, visibleSize: '1' }),
    'clientTimestamp',
    /required for iceberg/,
  ],
  [
    'tags at most 20 characters',
    'submitNewSpotOrder',
    spot({ type: 'limit', price: '1', size: '1', tags: 'x'.repeat(21) }),
    'tags',
    /at most 20 characters/,
  ],
  [
    'remark at most 20 characters',
    'submitNewSpotOrder',
    spot({ type: 'limit', price: '1', size: '1', remark: 'x'.repeat(21) }),
    'remark',
    /at most 20 characters/,
  ],
  [
    'cancel needs orderId or clientOid',
    'cancelSpotOrder',
    { symbol: 'BTC-USDT' },
    'orderId',
    /orderId or clientOid/,
  ],
  [
    'sync cancel needs orderId or clientOid',
    'cancelSyncSpotOrder',
    { symbol: 'BTC-USDT' },
    'orderId',
    /orderId or clientOid/,
  ],
  [
    'margin cancel needs orderId or clientOid',
    'cancelMarginOrder',
    { symbol: 'BTC-USDT' },
    'orderId',
    /orderId or clientOid/,
  ],
  [
    'modify needs orderId or clientOid',
    'modifySpotOrder',
    { symbol: 'BTC-USDT', newPrice: '1' },
    'orderId',
    /orderId or clientOid/,
  ],
  [
    'at most 20 futures orders per batch',
    'submitMultipleFuturesOrders',
    Array.from({ length: 21 }, () => futuresBuy()),
    '(request)',
    /1 to 20 items/,
  ],
  [
    'an enum value',
    'submitNewSpotOrder',
    spot({ type: 'stop', price: '1', size: '1' }),
    'type',
    /one of 'limit', 'market'/,
  ],
  [
    'numbers travel as decimal strings',
    'submitNewSpotOrder',
    spot({ type: 'limit', price: 20000, size: '1' }),
    'price',
    /decimal string/,
  ],
  [
    'no exponent notation',
    'submitNewSpotOrder',
    spot({ type: 'limit', price: '2e4', size: '1' }),
    'price',
    /no exponent/,
  ],
  [
    'unknown fields are bugs',
    'submitNewSpotOrder',
    spot({ type: 'limit', price: '1', size: '1', timeinforce: 'GTC' }),
    'timeinforce',
    /not a field/,
  ],
  [
    'a bad clientOid',
    'submitNewSpotOrder',
    spot({ type: 'limit', price: '1', size: '1', clientOid: 'spaces are bad' }),
    'clientOid',
    /letters, digits/,
  ],
  // The client checks an order's clientOid characters after making the frame (a rope, as
  // randomUUID() returns and `+` makes, is flattened by the serialiser); refused all the same.
  [
    'a clientOid made at run time with a bad character',
    'submitNewSpotOrder',
    spot({ type: 'limit', price: '1', size: '1', clientOid: randomUUID() + ' x' }),
    'clientOid',
    /letters, digits/,
  ],
  [
    'a margin order clientOid made at run time with a bad character',
    'submitMarginOrder',
    spot({ type: 'limit', price: '1', size: '1', clientOid: randomUUID() + '/' }),
    'clientOid',
    /letters, digits/,
  ],
  [
    'a futures order clientOid made at run time with a bad character',
    'submitFuturesOrder',
    { ...futuresBuy(), clientOid: randomUUID() + '+' },
    'clientOid',
    /letters, digits/,
  ],
  [
    'a cancel by a clientOid made at run time with a bad character',
    'cancelSpotOrder',
    { symbol: 'BTC-USDT', clientOid: randomUUID() + '.' },
    'clientOid',
    /letters, digits/,
  ],
  [
    'a clientOid of 41 characters',
    'submitSyncSpotOrder',
    spot({ type: 'limit', price: '1', size: '1', clientOid: 'a'.repeat(41) }),
    'clientOid',
    /letters, digits/,
  ],
  [
    'a clientOid that is not a string',
    'submitNewSpotOrder',
    spot({ type: 'limit', price: '1', size: '1', clientOid: 7 }),
    'clientOid',
    /letters, digits/,
  ],
  ['futures cancel needs an id', 'cancelFuturesOrder', {}, 'orderId', /required/],
  ['futures multi cancel needs a list', 'cancelMultipleFuturesOrders', {}, 'orderIdsList', /required/],
  [
    'a futures item rule inside a batch',
    'submitMultipleFuturesOrders',
    [futuresBuy(), futuresBuy({ price: undefined })],
    '1.price',
    /required for limit/,
  ],
];

describe('validation before sending', () => {
  it.each(cases)('%s', async (_rule, method, params, field, rule) => {
    const { client, sim } = await h.start();
    await client.connect('wsApiSpotV1');
    await client.connect('wsApiFuturesV1');
    const call = client.request(method, params as never);
    const error = await call.then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(ValidationError);
    const v = error as ValidationError;
    expect(v.issues).toContainEqual({ field, rule: expect.stringMatching(rule) });
    expect(v.message).toContain(`${field}: `);
    expect(v.message).toMatch(rule);
    expect(v.requestId).toBe(call.id);
    // Nothing on the wire: a probe on each connection is answered, and only the probes arrived.
    await client.submitNewSpotOrder(limitBuy());
    await client.submitFuturesOrder(futuresBuy());
    expect(sim.countFrames((f) => f.id === call.id)).toBe(0);
    expect(sim.countFrames((f) => f.op !== undefined)).toBe(2);
  });

  it('a toJSON that throws, added to Object.prototype: the call fails with a ValidationError, it never throws, nothing is sent', async () => {
    const { client, sim } = await h.start();
    await client.connect('wsApiSpotV1');
    const calls: Array<ReturnType<typeof client.submitNewSpotOrder>> = [];
    const thrown: unknown[] = [];
    // Only while the calls are made (synchronously): nothing else may serialise meanwhile.
    Object.defineProperty(Object.prototype, 'toJSON', {
      configurable: true,
      writable: true,
      value: () => {
        throw new Error('toJSON boom');
      },
    });
    try {
      for (const clientOid of [randomUUID() + ' x', randomUUID()]) {
        try {
          calls.push(
            client.submitNewSpotOrder(spot({ type: 'limit', price: '1', size: '1', clientOid }) as never),
          );
        } catch (e) {
          thrown.push(e);
        }
      }
    } finally {
      delete (Object.prototype as { toJSON?: unknown }).toJSON;
    }
    expect(thrown).toEqual([]);
    const [badOid, unreadable] = await Promise.all(
      calls.map((c) =>
        c.then(
          () => undefined,
          (e: unknown) => e,
        ),
      ),
    );
    expect(badOid).toBeInstanceOf(ValidationError);
    expect((badOid as ValidationError).issues).toContainEqual({
      field: 'clientOid',
      rule: expect.stringMatching(/letters, digits/),
    });
    expect(unreadable).toBeInstanceOf(ValidationError);
    expect((unreadable as ValidationError).issues).toContainEqual({
      field: '(request)',
      rule: expect.stringMatching(/toJSON threw/),
    });
    await client.submitNewSpotOrder(limitBuy());
    expect(sim.countFrames((f) => f.op !== undefined)).toBe(1);
  });

  it('validation failures never connect a socket', async () => {
    const { client, sim } = await h.start();
    await expect(client.submitNewSpotOrder(spot({ type: 'limit' }) as never)).rejects.toBeInstanceOf(
      ValidationError,
    );
    expect(client.stateOf('wsApiSpotV1').status).toBe('idle');
    expect(sim.sessions()).toHaveLength(0);
  });

  it('connect() with a signal that is not an AbortSignal, or options that are not an object: ValidationError, nothing connects', async () => {
    const { client, sim } = await h.start();
    const cases: Array<[() => Promise<void>, string]> = [
      [() => client.connect(undefined as never, { signal: 'x' as never }), 'signal'],
      [() => client.connect({ signal: {} as never }), 'signal'],
      [() => client.connect('wsApiSpotV1', null as never), '(options)'],
    ];
    for (const [connect, field] of cases) {
      const error = await connect().catch((e: unknown) => e);
      expect(error).toBeInstanceOf(ValidationError);
      expect((error as ValidationError).op).toBe('connect');
      expect((error as ValidationError).issues.map((i) => i.field)).toEqual([field]);
    }
    expect(client.stateOf('wsApiSpotV1').status).toBe('idle');
    expect(sim.sessions()).toHaveLength(0);
    // An AbortSignal of this realm still works.
    await client.connect({ signal: new AbortController().signal });
  });

  it("the caller's object is left untouched, also when a clientOid is filled in", async () => {
    const { client } = await h.start();
    const params = Object.freeze(limitBuy());
    const r = await client.submitNewSpotOrder(params);
    expect(Object.keys(params)).not.toContain('clientOid');
    expect(r.data.clientOid).toEqual(expect.any(String));
  });

  it('hostile input is reported, not thrown', async () => {
    const { client } = await h.start();
    const cyclic: Record<string, unknown> = spot({ type: 'limit', price: '1', size: '1' });
    cyclic.self = cyclic;
    for (const bad of [
      null,
      undefined,
      42,
      'order',
      [],
      cyclic,
      JSON.parse('{"__proto__":{"polluted":1}}'),
    ]) {
      await expect(client.submitNewSpotOrder(bad as never)).rejects.toBeInstanceOf(ValidationError);
    }
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  it('parameters whose getters throw become a ValidationError, not an exception from the method', async () => {
    const { client, sim } = await h.start();
    const hostile = { ...limitBuy() } as Record<string, unknown>;
    Object.defineProperty(hostile, 'clientOid', {
      enumerable: true,
      get() {
        throw new Error('gotcha');
      },
    });
    let call: ReturnType<typeof client.submitNewSpotOrder> | undefined;
    expect(() => (call = client.submitNewSpotOrder(hostile as never))).not.toThrow();
    await expect(call).rejects.toMatchObject({
      name: 'ValidationError',
      issues: [{ field: '(request)', rule: expect.stringMatching(/could not be read/) }],
    });
    expect(sim.sessions()).toHaveLength(0);
  });
});
