import { isLeft } from 'fp-ts/lib/Either.js';
import * as t from 'io-ts';
import { ClientOid, hasClientOidLength } from './primitives';
import type { ValidationIssue } from './report';

/** What a strictObject decodes to: the required fields, and the optional ones when present. */
export type StrictObjectOf<R extends t.Props, O extends t.Props> = { [K in keyof R]: t.TypeOf<R[K]> } & {
  [K in keyof O]?: t.TypeOf<O[K]>;
};
type Out<R extends t.Props, O extends t.Props> = StrictObjectOf<R, O>;

/**
 * The codec `strictObject` makes. Like io-ts' own combinators (`t.InterfaceType`,
 * `t.ExactType`) it says what it is made of: `_tag`, `required`, `optional` and `props`
 * (both together), so tools such as the error reporter read them instead of guessing.
 */
export class StrictObjectType<R extends t.Props, O extends t.Props> extends t.Type<
  Out<R, O>,
  Out<R, O>,
  unknown
> {
  readonly _tag = 'StrictObjectType' as const;
  /** Every field, required and optional. */
  readonly props: R & O;

  constructor(
    name: string,
    is: t.Is<Out<R, O>>,
    validate: t.Validate<unknown, Out<R, O>>,
    readonly required: R,
    readonly optional: O,
    /**
     * `is`, for a value known to have no own non-enumerable properties (a spread copy, as
     * the client validates): the same answer without counting the own property names.
     */
    readonly isOwnData: t.Is<Out<R, O>> = is,
    /**
     * For a codec with a `clientOid` field: a check of a spread copy by every rule of
     * `isOwnData` except the characters of the clientOid (which must be absent, or a string of
     * a clientOid's length). True only where `isOwnData` is true, or false only for those
     * characters; false tells nothing (the value goes to `isOwnData`). Hand-written for spot
     * and margin orders, from the fast path of `strictObject` for the others. The client checks
     * the characters after serialising the frame: see `checkedFrame` in src/rpc/prepare.ts.
     */
    readonly exceptClientOid?: (o: Record<string, unknown>) => boolean,
  ) {
    super(name, is, validate, t.identity);
    this.props = { ...required, ...optional };
  }
}

/** The codec `listOf` makes: its `_tag`, the item codec (`type`, as in `t.ArrayType`) and bounds. */
export class ListType<C extends t.Mixed> extends t.Type<Array<t.TypeOf<C>>, Array<t.TypeOf<C>>, unknown> {
  readonly _tag = 'ListType' as const;

  constructor(
    name: string,
    is: t.Is<Array<t.TypeOf<C>>>,
    validate: t.Validate<unknown, Array<t.TypeOf<C>>>,
    readonly type: C,
    readonly min: number,
    readonly max: number,
  ) {
    super(name, is, validate, t.identity);
  }
}

const isPlainRecord = (u: unknown): u is Record<string, unknown> =>
  typeof u === 'object' && u !== null && !Array.isArray(u);

/**
 * The errors of the required and optional fields of `o` (a missing required field "is
 * required"; an absent optional one is fine), pushed onto `errors`: both object codecs' field
 * check.
 */
function validateFields(
  o: Record<string, unknown>,
  c: t.Context,
  required: t.Props,
  optional: t.Props,
  errors: t.ValidationError[],
): void {
  for (const k of Object.keys(required)) {
    const v = o[k];
    if (v === undefined) {
      errors.push({ value: v, context: t.appendContext(c, k, required[k], v), message: 'is required' });
      continue;
    }
    const r = required[k].validate(v, t.appendContext(c, k, required[k], v));
    if (isLeft(r)) errors.push(...r.left);
  }
  for (const k of Object.keys(optional)) {
    const v = o[k];
    if (v === undefined) continue;
    const r = optional[k].validate(v, t.appendContext(c, k, optional[k], v));
    if (isLeft(r)) errors.push(...r.left);
  }
}

/**
 * An object codec with required and optional fields that lets other fields through (the push
 * channel's order events: an event may carry fields this client does not read): the same
 * answers as `t.intersection([t.type(required), t.partial(optional)])`, with the required and
 * optional props readable on the codec as io-ts combinators expose theirs. `is` may be given as
 * a hand-written function with the same answers (spec/push/order-update.spec.ts checks that).
 */
export class OpenObjectType<R extends t.Props, O extends t.Props> extends t.Type<
  StrictObjectOf<R, O>,
  StrictObjectOf<R, O>,
  unknown
> {
  readonly _tag = 'OpenObjectType' as const;

  constructor(
    name: string,
    readonly required: R,
    readonly optional: O,
    is?: (u: unknown) => boolean,
  ) {
    const requiredKeys = Object.keys(required);
    const optionalKeys = Object.keys(optional);
    /** The plain check: every field read by name. */
    const general = (u: unknown): boolean => {
      if (!isPlainRecord(u)) return false;
      for (const k of requiredKeys) if (!required[k].is(u[k])) return false;
      for (const k of optionalKeys) {
        const v = u[k];
        if (v !== undefined && !optional[k].is(v)) return false;
      }
      return true;
    };
    super(
      name,
      (is ?? general) as (u: unknown) => u is StrictObjectOf<R, O>,
      (u, c) => {
        if (!isPlainRecord(u)) return t.failure(u, c, 'must be an object');
        const errors: t.ValidationError[] = [];
        validateFields(u, c, required, optional, errors);
        return errors.length === 0 ? t.success(u as StrictObjectOf<R, O>) : t.failures(errors);
      },
      t.identity,
    );
  }
}

const has = (o: object, k: string): boolean => Object.prototype.hasOwnProperty.call(o, k);

const OBJECT_PROTOTYPE = Object.prototype;

interface Field {
  readonly codec: t.Mixed;
  readonly required: boolean;
  /** A ClientOid field: `exceptClientOid` checks its type and length only. */
  readonly clientOid: boolean;
}

/**
 * An object codec with required and optional fields that also rejects unknown fields
 * (a misspelt `timeinforce` is a bug, not a no-op) and checks cross-field rules once the
 * fields themselves are valid. Valid input is returned as is: decoding allocates nothing
 * on the happy path beyond the key list.
 *
 * `is` runs on every request the client sends (and every one the simulator receives), so it
 * has a fast path with the same answers as the plain version (`general` below;
 * spec/unit/codec-fast.spec.ts checks that both agree). The plain version reads every field
 * by name, present or not: one megamorphic keyed load per field, eighteen for a spot order,
 * which cost more than everything else in `is` together. The fast path reads only the keys
 * the object has, in one `for…in` (whose loads go through the enum cache), with one Map
 * lookup per key. That gives the same answer whenever the fields that can be read are own
 * enumerable ones: a plain or null-prototype object without own non-enumerable properties
 * (as many own names as `for…in` saw). Anything else (class instances, getters on a
 * prototype, hidden properties, a field inherited from a polluted Object.prototype) takes
 * the plain version. What it cannot see cheaply: a NON-enumerable property named like a
 * field added to Object.prototype itself, which the plain version would read (though
 * JSON.stringify never sends it). And for a hostile getter, the fast path may call a
 * throwing getter before it meets an unknown key, and throw where the plain version
 * returned false; the client turns both into the same ValidationError.
 */
export function strictObject<R extends t.Props, O extends t.Props>(
  name: string,
  required: R,
  optional: O,
  rules?: (value: Out<R, O>) => ValidationIssue[],
  /**
   * A hand-written `StrictObjectType.exceptClientOid` for the hot path; without it, a codec
   * with a ClientOid field gets one from its fast path.
   */
  exceptClientOid?: (o: Record<string, unknown>) => boolean,
): StrictObjectType<R, O> {
  const requiredKeys = Object.keys(required);
  const optionalKeys = Object.keys(optional);
  const fields = new Map<string, Field>();
  for (const k of optionalKeys)
    fields.set(k, {
      codec: optional[k],
      required: false,
      clientOid: k === 'clientOid' && optional[k] === ClientOid,
    });
  for (const k of requiredKeys)
    fields.set(k, {
      codec: required[k],
      required: true,
      clientOid: k === 'clientOid' && required[k] === ClientOid,
    });
  // A field named like something Object.prototype has would be readable without being own.
  const fastPathSafe = [...fields.keys()].every((k) => !(k in OBJECT_PROTOTYPE));

  /** The plain check: every field read by name. */
  const general = (o: Record<string, unknown>): boolean => {
    for (const k of Object.keys(o)) if (!fields.has(k)) return false;
    for (const k of requiredKeys) if (!required[k].is(o[k])) return false;
    for (const k of optionalKeys) {
      const v = o[k];
      if (v !== undefined && !optional[k].is(v)) return false;
    }
    return rules === undefined || rules(o as Out<R, O>).length === 0;
  };

  /**
   * The fast path; `hidden`: the value may have own non-enumerable properties; `exceptOid`:
   * a ClientOid field's type and length only (see `StrictObjectType.exceptClientOid`).
   */
  const fast = (u: unknown, hidden: boolean, exceptOid = false): u is Out<R, O> => {
    if (typeof u !== 'object' || u === null || Array.isArray(u)) return false;
    const o = u as Record<string, unknown>;
    const proto: unknown = Object.getPrototypeOf(o);
    if (!fastPathSafe || (proto !== OBJECT_PROTOTYPE && proto !== null)) return general(o);
    let keys = 0;
    let requiredSeen = 0;
    for (const k in o) {
      const field = fields.get(k);
      if (field === undefined) {
        // Object.keys lists own keys only: an enumerable key added to Object.prototype is
        // not one of the request's.
        if (has(o, k)) return false;
        continue;
      }
      keys++;
      const v = o[k];
      if (field.required) requiredSeen++;
      if (exceptOid && field.clientOid) {
        if (v === undefined ? field.required : !hasClientOidLength(v)) return false;
      } else if (field.required ? !field.codec.is(v) : v !== undefined && !field.codec.is(v)) {
        return false;
      }
    }
    // Hidden own properties or inherited fields (the counts differ), or a required field
    // missing (its codec decides on undefined): the plain version has the answer. A value
    // without hidden own properties needs no count (an array of 96 B per call): an inherited
    // field that `for…in` saw was checked just as the plain version reads it.
    if (requiredSeen !== requiredKeys.length || (hidden && keys !== Object.getOwnPropertyNames(o).length))
      return general(o);
    return rules === undefined || rules(o as Out<R, O>).length === 0;
  };
  const is = (u: unknown): u is Out<R, O> => fast(u, true);
  return new StrictObjectType<R, O>(
    name,
    is,
    (u, c) => {
      if (!isPlainRecord(u)) return t.failure(u, c, 'must be an object');
      const o = u;
      const errors: t.ValidationError[] = [];
      for (const k of Object.keys(o)) {
        if (!has(required, k) && !has(optional, k)) {
          errors.push({
            value: o[k],
            context: t.appendContext(c, k, t.unknown, o[k]),
            message: 'is not a field of this request',
          });
        }
      }
      validateFields(o, c, required, optional, errors);
      if (errors.length === 0 && rules !== undefined) {
        for (const issue of rules(o as Out<R, O>)) {
          const v = o[issue.field];
          errors.push({
            value: v,
            context: t.appendContext(c, issue.field, t.unknown, v),
            message: issue.rule,
          });
        }
      }
      return errors.length === 0 ? t.success(o as Out<R, O>) : t.failures(errors);
    },
    required,
    optional,
    (u): u is Out<R, O> => fast(u, false),
    exceptClientOid ??
      ([...fields.values()].some((f) => f.clientOid) ? (o) => fast(o, false, true) : undefined),
  );
}

/** An array of `min`..`max` items of one codec. */
export function listOf<C extends t.Mixed>(item: C, min: number, max: number): ListType<C> {
  const rule = `must be a list of ${min} to ${max} items`;
  // Every index, holes included: `every` skips the holes of a sparse array, so `[, order]`
  // passed `is` (and went out as `[null, …]`) while `validate` rejected it.
  const is = (u: unknown): u is Array<t.TypeOf<C>> => {
    if (!Array.isArray(u) || u.length < min || u.length > max) return false;
    for (let i = 0; i < u.length; i++) if (!item.is(u[i])) return false;
    return true;
  };
  return new ListType<C>(
    `Array<${item.name}>(${min}..${max})`,
    is,
    (u, c) => {
      if (!Array.isArray(u) || u.length < min || u.length > max) return t.failure(u, c, rule);
      const errors: t.ValidationError[] = [];
      for (let i = 0; i < u.length; i++) {
        const r = item.validate(u[i], t.appendContext(c, String(i), item, u[i]));
        if (isLeft(r)) errors.push(...r.left);
      }
      return errors.length === 0 ? t.success(u) : t.failures(errors);
    },
    item,
    min,
    max,
  );
}
