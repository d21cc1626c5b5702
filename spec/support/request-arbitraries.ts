/**
 * fast-check arbitraries of request parameters for every operation, built from the rules of
 * docs/protocol.md §5 and the codecs' stated rules — written independently of the codecs,
 * so that a property test can catch a codec that is looser or stricter than its rule says.
 *
 * - `valid[method]`: parameters every rule accepts.
 * - `FIELDS[method]`: each field's kind, and `BAD[kind]`: values that kind must reject.
 * - `hostileValue`: wrong types, huge strings, NaN/±Infinity/-0, BigInt, exponent and negative
 *   numbers, nested objects, sparse arrays, and objects with own `__proto__`/`constructor` keys
 *   (created the way JSON.parse creates them).
 */
import fc from 'fast-check';
import type { MethodName, RequestOf } from '../../src';

type Params = Record<string, unknown>;

// ---- field values that every rule accepts ----

const decimal = fc.stringMatching(/^(0|[1-9]\d{0,7})(\.\d{1,8})?$/).filter((s) => /[1-9]/.test(s));
const posInt = fc.oneof(fc.integer({ min: 1, max: 2 ** 31 }), fc.constant(Number.MAX_SAFE_INTEGER));
const clientOid = fc.stringMatching(/^[A-Za-z0-9_-]{1,40}$/);
const symbol = fc.oneof(
  fc.constantFrom('BTC-USDT', 'ETH-USDT', 'XBTUSDTM', 'ETHUSDTM'),
  fc.stringMatching(/^[A-Z0-9]{1,8}(-[A-Z0-9]{1,8})?$/),
);
const identifier = fc.stringMatching(/^[^\s]{1,64}$/);
const side = fc.constantFrom('buy', 'sell');
const bool = fc.boolean();
const text = (max: number) => fc.string({ minLength: 1, maxLength: max });
/** Futures leverage: 1 to 125, as a number or a string with at most two decimals. */
const leverage = fc.oneof(
  fc.integer({ min: 1, max: 125 }),
  fc.double({ min: 1, max: 125, noNaN: true }),
  fc
    .tuple(fc.integer({ min: 1, max: 124 }), fc.integer({ min: 0, max: 99 }))
    .map(([i, f]) => (f === 0 ? `${i}` : `${i}.${String(f).padStart(2, '0')}`)),
);

/**
 * Plain objects, as callers write them (fast-check's records have a null prototype by
 * default; the null-prototype case is generated on purpose elsewhere).
 */
function rec<T>(model: { [K in keyof T]: fc.Arbitrary<T[K]> }): fc.Arbitrary<T> {
  return fc.record(model, { noNullPrototype: true }) as fc.Arbitrary<T>;
}

/** `base` with each optional field present or not (fc.record's requiredKeys). */
function withOptional<R extends Params, O extends Params>(
  required: { [K in keyof R]: fc.Arbitrary<R[K]> },
  optional: { [K in keyof O]: fc.Arbitrary<O[K]> },
): fc.Arbitrary<Params> {
  return fc.record({ ...required, ...optional } as Record<string, fc.Arbitrary<unknown>>, {
    requiredKeys: Object.keys(required),
    noNullPrototype: true,
  });
}

/** Removes the fields a rule forbids, adds the ones a rule requires: spot and margin orders. */
function spotRules(o: Params, margin: boolean): Params {
  const r = { ...o };
  const type = r.type ?? 'limit';
  if (type === 'limit') {
    delete r.funds;
  } else {
    delete r.price;
    delete r.cancelAfter;
    for (const f of ['postOnly', 'hidden', 'iceberg'] as const) if (r[f] === true) r[f] = false;
    if (r.size !== undefined) delete r.funds;
  }
  if (r.timeInForce !== 'GTT') delete r.cancelAfter;
  if (r.postOnly === true && (r.timeInForce === 'IOC' || r.timeInForce === 'FOK')) r.postOnly = false;
  if (r.iceberg === true) {
    r.visibleSize = r.size; // must not exceed size; equal is allowed
    if (r.hidden === true) r.hidden = false;
    if (!margin && r.clientTimestamp === undefined) r.clientTimestamp = Date.now();
  } else {
    delete r.visibleSize;
  }
  if (!margin && r.allowMaxTimeWindow !== undefined && r.clientTimestamp === undefined)
    delete r.allowMaxTimeWindow;
  return r;
}

const spotOptional = {
  clientOid,
  timeInForce: fc.constantFrom('GTC', 'GTT', 'IOC', 'FOK'),
  cancelAfter: posInt,
  postOnly: bool,
  hidden: bool,
  iceberg: bool,
  stp: fc.constantFrom('DC', 'CO', 'CN', 'CB'),
};
const spotOnly = {
  tags: text(20),
  remark: text(20),
  clientTimestamp: posInt,
  allowMaxTimeWindow: posInt,
};

const spotLimit = withOptional(
  { type: fc.constant('limit'), symbol, side, price: decimal, size: decimal },
  { ...spotOptional, ...spotOnly },
).map((o) => spotRules(o, false));
const spotMarket = fc
  .tuple(
    withOptional({ type: fc.constant('market'), symbol, side }, { ...spotOptional, ...spotOnly }),
    fc.oneof(rec({ size: decimal }), rec({ funds: decimal })),
  )
  .map(([o, amount]) => spotRules({ ...o, ...amount }, false));
const spotOrder = fc.oneof(spotLimit, spotMarket);

const marginOptional = { ...spotOptional, isIsolated: bool, autoBorrow: bool, autoRepay: bool };
const marginLimit = withOptional(
  { symbol, side, price: decimal, size: decimal },
  { ...marginOptional, type: fc.constant('limit') },
).map((o) => spotRules(o, true));
const marginMarket = fc
  .tuple(
    withOptional({ type: fc.constant('market'), symbol, side }, marginOptional),
    fc.oneof(rec({ size: decimal }), rec({ funds: decimal })),
  )
  .map(([o, amount]) => spotRules({ ...o, ...amount }, true));
const marginOrder = fc.oneof(marginLimit, marginMarket);

/** orderId, clientOid or both: at least one names the order. */
const orderRef = fc.oneof(
  rec({ orderId: identifier }),
  rec({ clientOid }),
  rec({ orderId: identifier, clientOid }),
);
const cancel = fc.tuple(rec({ symbol }), orderRef).map(([a, b]) => ({ ...a, ...b }));
const modify = fc
  .tuple(
    rec({ symbol }),
    orderRef,
    fc.oneof(
      rec({ newPrice: decimal }),
      rec({ newSize: decimal }),
      rec({ newPrice: decimal, newSize: decimal }),
    ),
  )
  .map(([a, b, c]) => ({ ...a, ...b, ...c }));

/** Removes the fields a rule forbids, adds the ones a rule requires: futures orders. */
function futuresRules(o: Params): Params {
  const r = { ...o };
  const type = r.type ?? 'limit';
  if (type === 'limit' && r.price === undefined) r.price = '20000';
  if (type === 'market') delete r.price;
  if (r.postOnly === true && r.timeInForce === 'IOC') r.postOnly = false;
  if (r.iceberg === true) r.visibleSize ??= '1';
  else delete r.visibleSize;
  if (r.stop === undefined) {
    delete r.stopPriceType;
    delete r.stopPrice;
  } else {
    r.stopPriceType ??= 'TP';
    r.stopPrice ??= '21000';
  }
  return r;
}

const futuresOrder = fc
  .tuple(
    withOptional(
      { symbol, side },
      {
        clientOid,
        type: fc.constantFrom('limit', 'market'),
        leverage,
        price: decimal,
        timeInForce: fc.constantFrom('GTC', 'IOC'),
        postOnly: bool,
        hidden: bool,
        iceberg: bool,
        visibleSize: decimal,
        reduceOnly: bool,
        forceHold: bool,
        marginMode: fc.constantFrom('ISOLATED', 'CROSS'),
        positionSide: fc.constantFrom('BOTH', 'LONG', 'SHORT'),
        stp: fc.constantFrom('CN', 'CO', 'CB'),
        remark: text(100),
        stop: fc.constantFrom('down', 'up'),
        stopPriceType: fc.constantFrom('TP', 'MP', 'IP'),
        stopPrice: decimal,
      },
    ),
    // Exactly one amount, or none with closeOrder.
    fc.oneof(
      rec({ size: posInt }),
      rec({ qty: decimal }),
      rec({ valueQty: decimal }),
      rec({ closeOrder: fc.constant(true) }),
      rec({ size: posInt, closeOrder: bool }),
    ),
  )
  .map(([o, amount]) => futuresRules({ ...o, ...amount }));

const futuresCancel = fc.oneof(
  rec({ orderId: identifier }),
  rec({ orderId: identifier, symbol }),
  rec({ clientOid, symbol }),
);
const futuresMultiCancel = fc.oneof(
  rec({ orderIdsList: fc.array(identifier, { minLength: 1, maxLength: 30 }) }),
  rec({ clientOidsList: fc.array(rec({ symbol, clientOid }), { minLength: 1, maxLength: 30 }) }),
  rec({
    orderIdsList: fc.array(identifier, { minLength: 1, maxLength: 10 }),
    clientOidsList: fc.array(rec({ symbol, clientOid }), { minLength: 1, maxLength: 10 }),
  }),
);

/** Parameters every rule accepts, per method. */
export const valid: Record<MethodName, fc.Arbitrary<unknown>> = {
  submitNewSpotOrder: spotOrder,
  submitSyncSpotOrder: spotOrder,
  modifySpotOrder: modify,
  cancelSpotOrder: cancel,
  cancelSyncSpotOrder: cancel,
  submitMarginOrder: marginOrder,
  cancelMarginOrder: cancel,
  submitFuturesOrder: futuresOrder,
  cancelFuturesOrder: futuresCancel,
  // Each order of a batch has its own clientOid (or none: the client fills in a fresh one).
  submitMultipleFuturesOrders: fc.uniqueArray(futuresOrder, {
    minLength: 1,
    maxLength: 20,
    selector: (o) => (o as { clientOid?: string }).clientOid ?? Symbol('none'),
  }),
  cancelMultipleFuturesOrders: futuresMultiCancel,
};

// ---- what each field is, and values its kind must reject ----

export type FieldKind =
  | 'decimal'
  | 'posint'
  | 'bool'
  | 'enum'
  | 'clientOid'
  | 'symbol'
  | 'identifier'
  | 'text20'
  | 'text100'
  | 'leverage'
  | 'idList'
  | 'refList';

const spotFields = {
  type: 'enum',
  symbol: 'symbol',
  side: 'enum',
  clientOid: 'clientOid',
  price: 'decimal',
  size: 'decimal',
  funds: 'decimal',
  timeInForce: 'enum',
  cancelAfter: 'posint',
  postOnly: 'bool',
  hidden: 'bool',
  iceberg: 'bool',
  visibleSize: 'decimal',
  stp: 'enum',
} as const satisfies Record<string, FieldKind>;
const cancelFields = {
  symbol: 'symbol',
  orderId: 'identifier',
  clientOid: 'clientOid',
} as const satisfies Record<string, FieldKind>;
const futuresFields = {
  symbol: 'symbol',
  side: 'enum',
  clientOid: 'clientOid',
  type: 'enum',
  leverage: 'leverage',
  price: 'decimal',
  size: 'posint',
  qty: 'decimal',
  valueQty: 'decimal',
  timeInForce: 'enum',
  postOnly: 'bool',
  hidden: 'bool',
  iceberg: 'bool',
  visibleSize: 'decimal',
  reduceOnly: 'bool',
  closeOrder: 'bool',
  forceHold: 'bool',
  marginMode: 'enum',
  positionSide: 'enum',
  stp: 'enum',
  remark: 'text100',
  stop: 'enum',
  stopPriceType: 'enum',
  stopPrice: 'decimal',
} as const satisfies Record<string, FieldKind>;

/** The field names of a method's parameters (of one item, for a batch), from its request type. */
type Fields<M extends MethodName> = keyof (RequestOf<M> extends ReadonlyArray<infer I> ? I : RequestOf<M>) &
  string;

/**
 * The fields of each method's parameters (of each order, for futures.multi_order). Field names
 * only are tied to the request types (a field added to a codec and not listed here does not
 * compile); the kinds and rules stay written independently of the codecs.
 */
export const FIELDS: Record<MethodName, Readonly<Record<string, FieldKind>>> = {
  submitNewSpotOrder: {
    ...spotFields,
    tags: 'text20',
    remark: 'text20',
    clientTimestamp: 'posint',
    allowMaxTimeWindow: 'posint',
  },
  submitSyncSpotOrder: {
    ...spotFields,
    tags: 'text20',
    remark: 'text20',
    clientTimestamp: 'posint',
    allowMaxTimeWindow: 'posint',
  },
  modifySpotOrder: { ...cancelFields, newPrice: 'decimal', newSize: 'decimal' },
  cancelSpotOrder: cancelFields,
  cancelSyncSpotOrder: cancelFields,
  submitMarginOrder: { ...spotFields, isIsolated: 'bool', autoBorrow: 'bool', autoRepay: 'bool' },
  cancelMarginOrder: cancelFields,
  submitFuturesOrder: futuresFields,
  cancelFuturesOrder: cancelFields,
  submitMultipleFuturesOrders: futuresFields,
  cancelMultipleFuturesOrders: { orderIdsList: 'idList', clientOidsList: 'refList' },
} satisfies { readonly [M in MethodName]: Readonly<Record<Fields<M>, FieldKind>> };

const huge = 'x'.repeat(100_000);
const wrongTypes: unknown[] = [null, true, {}, [], NaN, Infinity];

/** Values of each kind that the kind's stated rule rejects. */
export const BAD: Record<FieldKind, readonly unknown[]> = {
  decimal: [
    '-1',
    '1e5',
    '1E5',
    '',
    ' 1',
    '1 ',
    '1.',
    '.5',
    '01',
    '0',
    '0.000',
    '+1',
    'NaN',
    'Infinity',
    '1,5',
    '0x10',
    '１',
    '1'.repeat(19),
    `1.${'1'.repeat(19)}`,
    1,
    1.5,
    0,
    -0,
    huge,
    ...wrongTypes,
  ],
  posint: [0, -0, -1, 1.5, NaN, Infinity, -Infinity, 2 ** 53, 1e21, '5', '1e3', null, true, {}, []],
  bool: ['true', 'false', 0, 1, null, 'yes', [], {}, NaN],
  enum: ['FOO', '', 'LIMIT', 'Buy', 'gtc', ' buy', 1, null, true, ['buy'], {}, huge],
  clientOid: ['', 'has space', 'x'.repeat(41), 'ü', 'a/b', 'a\n', 'a.b', 1, null, {}, [], huge],
  symbol: ['', 'btc-usdt', 'BTC_USDT', 'BTC-', '-USDT', 'A'.repeat(21), 'BTC-USDT-X', 1, null, {}, huge],
  identifier: ['', 'a b', 'x'.repeat(65), '\t', 'a\u00a0b', 1, null, {}, [], huge],
  text20: ['', 'x'.repeat(21), 1, null, {}, [], huge],
  text100: ['', 'x'.repeat(101), 1, null, {}, huge],
  leverage: [0, -1, 0.5, 126, 125.001, NaN, Infinity, '0', '0.5', '126', 'abc', '1e2', ' 5', true, null, {}],
  idList: [[], 'abc', {}, null, Array(101).fill('a'), [1], [''], [null], ['a b']],
  refList: [
    [],
    {},
    null,
    [{ symbol: 'BTC-USDT' }],
    [{ clientOid: 'a' }],
    ['a'],
    [{ symbol: 'x', clientOid: 'a' }],
  ],
};

/**
 * A text that tells two values apart exactly as far as a request is concerned: own keys in
 * order (`__proto__` included), -0, NaN, undefined, BigInt, holes, and whether an object has
 * a plain, null or other prototype. (util.isDeepStrictEqual with structuredClone would do,
 * but under Jest the clone's prototype comes from another realm.)
 */
export function fingerprint(v: unknown, depth = 0): string {
  if (depth > 32) return '…';
  if (v === null) return 'null';
  switch (typeof v) {
    case 'number':
      return Object.is(v, -0) ? '-0' : String(v);
    case 'bigint':
      return `${v}n`;
    case 'string':
      return JSON.stringify(v);
    case 'undefined':
    case 'boolean':
      return String(v);
    case 'object':
      break;
    default:
      return typeof v;
  }
  if (Array.isArray(v)) {
    const items: string[] = [];
    for (let i = 0; i < v.length; i++) items.push(i in v ? fingerprint(v[i], depth + 1) : '<hole>');
    return `[${items.join(',')}]`;
  }
  const proto = Object.getPrototypeOf(v) as unknown;
  const tag = proto === Object.prototype ? '' : proto === null ? 'null-proto' : 'other-proto';
  const o = v as Params;
  return `${tag}{${Object.keys(o)
    .map((k) => `${JSON.stringify(k)}:${fingerprint(o[k], depth + 1)}`)
    .join(',')}}`;
}

// ---- hostile values ----

/** An object with these own properties, defined as JSON.parse defines them (`__proto__` stays a key). */
export function ownObject(entries: ReadonlyArray<readonly [string, unknown]>): Params {
  const o: Params = {};
  for (const [k, v] of entries)
    Object.defineProperty(o, k, { value: v, enumerable: true, writable: true, configurable: true });
  return o;
}

const hostileKey = fc.oneof(
  fc.constantFrom(
    '__proto__',
    'constructor',
    'prototype',
    'toJSON',
    'valueOf',
    'hasOwnProperty',
    '',
    'args',
    'x\n[kucoin-wsapi-rx] a forged log line',
  ),
  fc.string({ maxLength: 12 }),
  fc.nat({ max: 20_000 }).map((n) => `k${'e'.repeat(n)}y`),
);

const hostileLeaf = fc.oneof(
  fc.constantFrom<unknown>(
    NaN,
    Infinity,
    -Infinity,
    -0,
    0,
    -1,
    1e21,
    1e-7,
    Number.MAX_VALUE,
    Number.MIN_VALUE,
    2 ** 53,
    null,
    undefined,
    true,
    false,
    '',
    ' ',
    '\u0000',
    '\ud800',
    '1e5',
    '-1',
    '-0.5',
    '0x1F',
    '__proto__',
    'buy',
    'limit',
    huge,
  ),
  fc.bigInt(),
  fc.double(),
  fc.integer(),
  fc.string({ maxLength: 40 }),
  fc.nat({ max: 20_000 }).map((n) => 'y'.repeat(n)),
);

/** Anything: nested objects (with hostile keys), arrays, sparse arrays, leaves. */
export const hostileValue: fc.Arbitrary<unknown> = fc.letrec<{
  value: unknown;
  array: unknown[];
  sparse: unknown[];
  object: Params;
}>((tie) => ({
  value: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    hostileLeaf,
    tie('array'),
    tie('sparse'),
    tie('object'),
  ),
  array: fc.array(tie('value'), { maxLength: 4 }),
  sparse: fc.sparseArray(tie('value'), { maxLength: 6 }),
  object: fc.array(fc.tuple(hostileKey, tie('value')), { maxLength: 5 }).map(ownObject),
})).value;
