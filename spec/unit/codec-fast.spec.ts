/**
 * The request codecs' `is` is hand-tuned for the hot path (src/codecs/object.ts,
 * src/codecs/primitives.ts). These properties check that it gives the same answer as the
 * plain versions it replaced: the regular expressions for the primitives, the Object.keys
 * version of strictObject's `is`, and, for every operation, the full decode.
 */
import fc from 'fast-check';
import { isRight } from 'fp-ts/Either';
import * as t from 'io-ts';
import { StrictObjectType, strictObject } from '../../src/codecs/object';
import {
  Bool,
  ClientOid,
  DecimalString,
  isDecimalString,
  isSymbol,
  OneOf,
  PositiveInt,
  Symbol_,
} from '../../src/codecs/primitives';
import type { ValidationIssue } from '../../src/codecs/report';
import {
  FuturesOrderResponse,
  ModifyHFOrderResponse,
  primitiveType,
  WSAPIOrderResponse,
} from '../../src/codecs/responses';
import { OPERATIONS, type MethodName } from '../../src/operations';
import { BAD, FIELDS, hostileValue, ownObject, valid } from '../support/request-arbitraries';

// ---- the plain versions ----

const DECIMAL = /^(0|[1-9]\d{0,17})(\.\d{1,18})?$/;
const refDecimal = (s: string): boolean => DECIMAL.test(s) && /[1-9]/.test(s);
const refSymbol = (s: string): boolean => /^[A-Z0-9]{1,20}(-[A-Z0-9]{1,20})?$/.test(s);

const has = (o: object, k: string): boolean => Object.prototype.hasOwnProperty.call(o, k);

/** strictObject's `is` as it was first written. */
function referenceIs(
  required: t.Props,
  optional: t.Props,
  rules?: (value: Record<string, unknown>) => ValidationIssue[],
): (u: unknown) => boolean {
  return (u) => {
    if (typeof u !== 'object' || u === null || Array.isArray(u)) return false;
    const o = u as Record<string, unknown>;
    for (const k of Object.keys(o)) if (!has(required, k) && !has(optional, k)) return false;
    for (const k of Object.keys(required)) if (!required[k].is(o[k])) return false;
    for (const k of Object.keys(optional)) if (o[k] !== undefined && !optional[k].is(o[k])) return false;
    return rules === undefined || rules(o).length === 0;
  };
}

// ---- strings near every edge of the three expressions ----

const chars = fc.constantFrom(
  ...'0123456789.-_AZaz09 \t\n+eE,ü\u00a0\u0000/'.split(''),
  '１', // a full-width digit
  '\ud800',
);
const digits = (min: number, max: number) =>
  fc.string({ unit: fc.constantFrom(...'0123456789'.split('')), minLength: min, maxLength: max });
/** A string of `n` characters from `alphabet`, `n` at and around each length limit. */
const atLimits = (alphabet: string) =>
  fc
    .tuple(
      fc.constantFrom(0, 1, 2, 17, 18, 19, 20, 21, 22, 39, 40, 41),
      fc.constantFrom(...alphabet.split('')),
    )
    .chain(([n, first]) =>
      fc
        .string({ unit: fc.constantFrom(...alphabet.split('')), minLength: n, maxLength: n })
        .map((rest) => (n === 0 ? '' : first + rest.slice(1))),
    );
const edgyString = fc.oneof(
  atLimits('AZ09'),
  atLimits('az_-AZ09'),
  atLimits('1905'),
  fc.tuple(atLimits('19'), fc.constantFrom('.', '-'), atLimits('09')).map((p) => p.join('')),
  fc.string({ unit: chars, maxLength: 45 }),
  fc.string({ maxLength: 45 }),
  fc.tuple(digits(0, 20), fc.constantFrom('', '.', '-', '..'), digits(0, 20)).map((p) => p.join('')),
  fc
    .tuple(
      fc.stringMatching(/^[A-Z0-9]{0,22}$/),
      fc.constantFrom('', '-', '_', '--'),
      fc.stringMatching(/^[A-Z0-9]{0,22}$/),
    )
    .map((p) => p.join('')),
  fc.stringMatching(/^[A-Za-z0-9_-]{0,42}$/),
  fc.stringMatching(/^(0|[1-9]\d{0,18})(\.\d{0,19})?$/),
);

describe('hand-written primitive checks', () => {
  it.each([
    ['DecimalString', isDecimalString, refDecimal],
    ['Symbol', isSymbol, refSymbol],
  ] as const)('%s agrees with its regular expression', (_name, fast, reference) => {
    fc.assert(
      fc.property(edgyString, (s) => fast(s) === reference(s)),
      { numRuns: 20_000 },
    );
  });

  it('agree on the stated bad values and some good ones', () => {
    for (const s of [...BAD.decimal, ...BAD.symbol, '1', '0.1', '20000', 'BTC-USDT']) {
      if (typeof s !== 'string') continue;
      expect(isDecimalString(s)).toBe(refDecimal(s));
      expect(isSymbol(s)).toBe(refSymbol(s));
    }
  });
});

// ---- strictObject ----

/** Objects whose keys are inherited, enumerable or not, or hidden behind getters. */
class WithGetter {
  constructor(private readonly sym: unknown) {}
  get symbol(): unknown {
    return this.sym;
  }
}

/** An optional field only as a getter on the prototype (its value in a private field, not a property). */
class WithPrice {
  readonly #value: unknown;
  constructor(value: unknown) {
    this.#value = value;
  }
  get price(): unknown {
    return this.#value;
  }
}

function exotic(base: Record<string, unknown>, how: number, extra: unknown): unknown {
  switch (how) {
    case 0: // an enumerable inherited field
      return Object.assign(Object.create({ price: extra }) as object, base);
    case 1: // an enumerable inherited unknown key
      return Object.assign(Object.create({ bogus: extra }) as object, base);
    case 2: // a null prototype
      return Object.assign(Object.create(null) as object, base);
    case 3: {
      // symbol only as a getter on the prototype (not an own key)
      const { symbol, ...rest } = base;
      return Object.assign(new WithGetter(symbol), rest);
    }
    case 4: // an own non-enumerable unknown key
      return Object.defineProperty({ ...base }, 'bogus', { value: extra, enumerable: false });
    case 6: // an own non-enumerable field (read by name, never sent)
      return Object.defineProperty({ ...base }, 'price', { value: extra, enumerable: false });
    case 7: {
      const { price: _ownPrice, ...rest } = base;
      return Object.assign(new WithPrice(extra), rest);
    }
    default: // an inherited field shadowed by an own one
      return Object.assign(Object.create({ symbol: extra, side: extra }) as object, base);
  }
}

/** A valid value bent one way: a field bad, dropped, unknown added, or an odd prototype. */
function mutated(method: MethodName): fc.Arbitrary<unknown> {
  if (method === 'submitMultipleFuturesOrders') {
    // A batch: each order bent (or not) on its own, and lists of every length around 1..20.
    return fc.oneof(valid[method], fc.array(mutated('submitFuturesOrder'), { maxLength: 21 }), hostileValue);
  }
  const fields = Object.keys(FIELDS[method]);
  const base = valid[method].filter(
    (v): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v),
  );
  const badValue = fc
    .constantFrom(...fields)
    .chain((k) =>
      fc.tuple(
        fc.constant(k),
        fc.oneof(fc.constantFrom(...BAD[FIELDS[method][k]]), edgyString, hostileValue),
      ),
    );
  return fc.oneof(
    valid[method],
    fc.tuple(base, badValue).map(([o, [k, v]]) => ({ ...o, [k]: v })),
    fc.tuple(base, fc.constantFrom(...fields)).map(([o, k]) => {
      const copy = { ...o };
      delete copy[k];
      return copy;
    }),
    fc
      .tuple(base, fc.string({ maxLength: 12 }), hostileValue)
      .map(([o, k, v]) => ownObject([...Object.entries(o), [k, v]])),
    fc
      .tuple(base, fc.nat({ max: 8 }), fc.oneof(edgyString, hostileValue))
      .map(([o, how, v]) => exotic(o, how, v)),
    hostileValue,
  );
}

describe('strictObject.is', () => {
  const required = { symbol: Symbol_, side: OneOf(['buy', 'sell'] as const) };
  const optional = { clientOid: ClientOid, price: DecimalString, size: PositiveInt, flag: Bool };
  const rules = (o: Record<string, unknown>): ValidationIssue[] =>
    o.flag === true && o.price === undefined ? [{ field: 'price', rule: 'needed with flag' }] : [];
  const fast = strictObject('Test', required, optional, rules);
  const reference = referenceIs(required, optional, rules);
  const testValue = fc.oneof(
    fc.record(
      {
        symbol: fc.oneof(fc.constantFrom('BTC-USDT', 'X'), edgyString),
        side: fc.constantFrom('buy', 'sell', 'Buy', undefined),
        clientOid: edgyString,
        price: fc.oneof(edgyString, fc.constant(undefined)),
        size: fc.oneof(fc.integer(), fc.double(), fc.constant(undefined)),
        flag: fc.oneof(fc.boolean(), fc.constant(undefined)),
        bogus: fc.anything(),
      },
      { requiredKeys: [], noNullPrototype: true },
    ),
    fc
      .tuple(
        fc.record({ symbol: fc.constant('BTC-USDT'), side: fc.constant('buy') }),
        fc.nat({ max: 8 }),
        edgyString,
      )
      .map(([o, how, v]) => exotic(o, how, v)),
    hostileValue,
  );

  it('agrees with the Object.keys version', () => {
    fc.assert(
      fc.property(testValue, (v) => fast.is(v) === reference(v)),
      { numRuns: 10_000 },
    );
  });

  /** What the client validates: a spread copy (own enumerable properties only). */
  const copied = (v: unknown): unknown =>
    typeof v === 'object' && v !== null && !Array.isArray(v) ? { ...v } : v;

  it('isOwnData agrees with the Object.keys version on spread copies', () => {
    fc.assert(
      fc.property(testValue, (v) => {
        const copy = copied(v);
        return fast.isOwnData(copy) === reference(copy);
      }),
      { numRuns: 10_000 },
    );
  });

  it('agrees while Object.prototype carries an enumerable key (as some old libraries add)', () => {
    const polluted = Object.prototype as Record<string, unknown>;
    try {
      polluted.bogus = 1;
      polluted.price = 'not a price';
      fc.assert(
        fc.property(testValue, (v) => fast.is(v) === reference(v)),
        { numRuns: 2_000 },
      );
      fc.assert(
        fc.property(testValue, (v) => {
          const copy = copied(v);
          return fast.isOwnData(copy) === reference(copy);
        }),
        { numRuns: 2_000 },
      );
      const order = { symbol: 'BTC-USDT', side: 'buy', type: 'limit', price: '1', size: '1' };
      expect(OPERATIONS.submitNewSpotOrder.request.is(order)).toBe(true);
    } finally {
      delete polluted.bogus;
      delete polluted.price;
    }
  });

  it.each(Object.keys(OPERATIONS) as MethodName[])(
    '%s: the request codec’s is agrees with its full decode',
    (method) => {
      const codec: t.Mixed = OPERATIONS[method].request;
      fc.assert(
        fc.property(mutated(method), (v) => codec.is(v) === isRight(codec.decode(v))),
        { numRuns: 2_000 },
      );
    },
  );
});

describe('exceptClientOid: the request path’s check of requests with a clientOid', () => {
  /** What the client checks: a spread copy (own enumerable properties only). */
  const copy = (v: unknown): unknown =>
    typeof v === 'object' && v !== null && !Array.isArray(v) ? { ...v } : v;
  const codecOf = (method: MethodName): StrictObjectType<t.Props, t.Props> | undefined => {
    const codec: t.Mixed = OPERATIONS[method].request;
    return codec instanceof StrictObjectType ? codec : undefined;
  };
  const withClientOid = (Object.keys(OPERATIONS) as MethodName[]).filter(
    (m) => codecOf(m)?.exceptClientOid !== undefined,
  );
  /** The order-placing ones, whose clientOid any valid order may carry. */
  const placing = withClientOid.filter((m) => OPERATIONS[m].clientOid === 'single');

  it('is there for every request with a clientOid field but the batches', () => {
    expect([...withClientOid].sort()).toEqual(
      [
        'cancelFuturesOrder',
        'cancelMarginOrder',
        'cancelSpotOrder',
        'cancelSyncSpotOrder',
        'modifySpotOrder',
        'submitFuturesOrder',
        'submitMarginOrder',
        'submitNewSpotOrder',
        'submitSyncSpotOrder',
      ].sort(),
    );
  });

  it.each(withClientOid)(
    '%s: true only where the codec is true, or false only for the clientOid’s characters',
    (method) => {
      const codec = codecOf(method)!;
      const except = codec.exceptClientOid!;
      fc.assert(
        fc.property(mutated(method), (v) => {
          const c = copy(v);
          if (typeof c !== 'object' || c === null || Array.isArray(c)) return true;
          const o = c as Record<string, unknown>;
          if (!except(o)) return true;
          return codec.isOwnData(o) === (o.clientOid === undefined || ClientOid.is(o.clientOid));
        }),
        { numRuns: 2_000 },
      );
    },
  );

  it.each(placing)(
    '%s: every valid order takes it, and a clientOid of bad characters is left to the frame',
    (method) => {
      const codec = codecOf(method)!;
      const except = codec.exceptClientOid!;
      fc.assert(
        fc.property(valid[method], edgyString, (v, oid) => {
          const o = copy(v) as Record<string, unknown>;
          if (!except(o)) return false;
          // Any string of 1 to 40 characters passes it; the codec decides on the characters.
          const withOid = { ...o, clientOid: oid };
          const taken = except(withOid);
          return oid.length >= 1 && oid.length <= 40
            ? taken && codec.isOwnData(withOid) === ClientOid.is(oid)
            : !taken;
        }),
        { numRuns: 2_000 },
      );
    },
  );

  it.each(['submitNewSpotOrder', 'submitFuturesOrder'] as const)(
    '%s: leaves unknown and inherited keys and odd prototypes to the codec',
    (method) => {
      const except = codecOf(method)!.exceptClientOid!;
      const order =
        method === 'submitNewSpotOrder'
          ? { symbol: 'BTC-USDT', side: 'buy', type: 'limit', price: '1', size: '1', clientOid: 'a' }
          : {
              symbol: 'XBTUSDTM',
              side: 'buy',
              type: 'limit',
              price: '1',
              size: 1,
              leverage: 3,
              clientOid: 'a',
            };
      expect(except(order)).toBe(true);
      expect(except({ ...order, bogus: 1 })).toBe(false);
      const inherited = Object.assign(Object.create({ bogus: 1 }) as object, order);
      const instance = Object.assign(new (class Order {})(), order);
      for (const odd of [inherited, instance] as unknown as Array<Record<string, unknown>>) {
        // The hand-written check leaves them to the codec; the one from the codec's fast path
        // hands them to its plain path, which answers as the codec does.
        if (method === 'submitNewSpotOrder') expect(except(odd)).toBe(false);
        else expect(except(odd)).toBe(codecOf(method)!.isOwnData(odd));
      }
    },
  );
});

describe('primitiveType: the fast is of the order answers’ data', () => {
  const props = { orderId: t.string, clientOid: t.string, filled: t.number, done: t.boolean };
  const fast = primitiveType(props, 'Fast');
  const plain = t.type(props, 'Plain');
  const fieldValue = fc.oneof(
    fc.string(),
    fc.double(),
    fc.boolean(),
    fc.constant(null),
    fc.constant(undefined),
  );
  /** Records with some, all or none of the fields, of any primitive type, and other values. */
  const testValue = fc.oneof(
    fc.record(
      { orderId: fieldValue, clientOid: fieldValue, filled: fieldValue, done: fieldValue, extra: fieldValue },
      { requiredKeys: [] },
    ),
    fc.record({ orderId: fc.string(), clientOid: fc.string(), filled: fc.double(), done: fc.boolean() }),
    fc.anything(),
    fc.constantFrom(new Date(), [], Object.create(null) as object, new Map()),
  );

  it('agrees with io-ts’ t.type on arbitrary values, and stays an InterfaceType with its props', () => {
    fc.assert(
      fc.property(testValue, (v) => fast.is(v) === plain.is(v)),
      { numRuns: 5_000 },
    );
    // A class instance with the fields passes both (io-ts' record test is Object.prototype.toString).
    class Answer {
      orderId = 'o';
      clientOid = 'c';
      filled = 1;
      done = false;
    }
    expect([fast.is(new Answer()), plain.is(new Answer())]).toEqual([true, true]);
    expect(fast).toBeInstanceOf(t.InterfaceType);
    expect(fast.props).toBe(props);
    expect(isRight(fast.decode({ orderId: 'o', clientOid: 'c', filled: 1, done: true }))).toBe(true);
    expect(isRight(fast.decode({ orderId: 'o', clientOid: 7, filled: 1, done: true }))).toBe(false);
  });

  it('is what the order answers’ data codecs are made with', () => {
    for (const codec of [WSAPIOrderResponse, ModifyHFOrderResponse, FuturesOrderResponse]) {
      expect(codec.is({ ...Object.fromEntries(Object.keys(codec.props).map((k) => [k, 'x'])) })).toBe(true);
      expect(codec.is({})).toBe(false);
    }
  });
});
