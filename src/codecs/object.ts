import * as t from 'io-ts';
import type { ValidationIssue } from './report';

type Out<R extends t.Props, O extends t.Props> = { [K in keyof R]: t.TypeOf<R[K]> } & {
  [K in keyof O]?: t.TypeOf<O[K]>;
};

const has = (o: object, k: string): boolean => Object.prototype.hasOwnProperty.call(o, k);

/**
 * An object codec with required and optional fields that also rejects unknown fields
 * (a misspelt `timeinforce` is a bug, not a no-op) and checks cross-field rules once the
 * fields themselves are valid. Valid input is returned as is: decoding allocates nothing
 * on the happy path beyond the key list.
 *
 * `is` runs on every request the client sends (and every one the simulator receives), so it
 * is written for speed with the same answer as the plain version (spec/unit/codec-fast.spec.ts
 * checks both agree): `for…in` instead of `Object.keys` (no array per call; an inherited
 * enumerable key only counts when it is own, so it sees exactly Object.keys' unknown keys), one
 * Set lookup per key instead of two hasOwnProperty calls, and each field read once from
 * arrays built here rather than through the prop maps.
 */
export function strictObject<R extends t.Props, O extends t.Props>(
  name: string,
  required: R,
  optional: O,
  rules?: (value: Out<R, O>) => ValidationIssue[],
): t.Type<Out<R, O>, Out<R, O>, unknown> {
  const requiredKeys = Object.keys(required);
  const optionalKeys = Object.keys(optional);
  const known = new Set<string>([...requiredKeys, ...optionalKeys]);
  const requiredCodecs: readonly t.Mixed[] = requiredKeys.map((k) => required[k]);
  const optionalCodecs: readonly t.Mixed[] = optionalKeys.map((k) => optional[k]);
  const is = (u: unknown): u is Out<R, O> => {
    if (typeof u !== 'object' || u === null || Array.isArray(u)) return false;
    const o = u as Record<string, unknown>;
    for (const k in o) if (!known.has(k) && has(o, k)) return false;
    for (let i = 0; i < requiredCodecs.length; i++) {
      if (!requiredCodecs[i].is(o[requiredKeys[i]])) return false;
    }
    for (let i = 0; i < optionalCodecs.length; i++) {
      const v = o[optionalKeys[i]];
      if (v !== undefined && !optionalCodecs[i].is(v)) return false;
    }
    return rules === undefined || rules(o as Out<R, O>).length === 0;
  };
  return new t.Type<Out<R, O>, Out<R, O>, unknown>(
    name,
    is,
    (u, c) => {
      if (typeof u !== 'object' || u === null || Array.isArray(u))
        return t.failure(u, c, 'must be an object');
      const o = u as Record<string, unknown>;
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
      for (const k of requiredKeys) {
        const v = o[k];
        if (v === undefined) {
          errors.push({ value: v, context: t.appendContext(c, k, required[k], v), message: 'is required' });
          continue;
        }
        const r = required[k].validate(v, t.appendContext(c, k, required[k], v));
        if (r._tag === 'Left') errors.push(...r.left);
      }
      for (const k of optionalKeys) {
        const v = o[k];
        if (v === undefined) continue;
        const r = optional[k].validate(v, t.appendContext(c, k, optional[k], v));
        if (r._tag === 'Left') errors.push(...r.left);
      }
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
    t.identity,
  );
}

/** An array of `min`..`max` items of one codec. */
export function listOf<C extends t.Mixed>(
  item: C,
  min: number,
  max: number,
): t.Type<Array<t.TypeOf<C>>, Array<t.TypeOf<C>>, unknown> {
  const rule = `must be a list of ${min} to ${max} items`;
  // Every index, holes included: `every` skips the holes of a sparse array, so `[, order]`
  // passed `is` (and went out as `[null, …]`) while `validate` rejected it.
  const is = (u: unknown): u is Array<t.TypeOf<C>> => {
    if (!Array.isArray(u) || u.length < min || u.length > max) return false;
    for (let i = 0; i < u.length; i++) if (!item.is(u[i])) return false;
    return true;
  };
  return new t.Type<Array<t.TypeOf<C>>, Array<t.TypeOf<C>>, unknown>(
    `Array<${item.name}>(${min}..${max})`,
    is,
    (u, c) => {
      if (!Array.isArray(u) || u.length < min || u.length > max) return t.failure(u, c, rule);
      const errors: t.ValidationError[] = [];
      for (let i = 0; i < u.length; i++) {
        const r = item.validate(u[i], t.appendContext(c, String(i), item, u[i]));
        if (r._tag === 'Left') errors.push(...r.left);
      }
      return errors.length === 0 ? t.success(u) : t.failures(errors);
    },
    t.identity,
  );
}
