import type * as t from 'io-ts';
import type { ListType, OpenObjectType, StrictObjectType } from './object';

/** One broken rule of a request: the field (dotted path) and what it must satisfy. */
export interface ValidationIssue {
  readonly field: string;
  readonly rule: string;
}

/**
 * Issues listed per error, at most; the rest are counted. A request with thousands of
 * unknown keys must not become a megabyte error message in someone's log.
 */
const MAX_ISSUES = 20;

/** Characters kept of one key in a field path: keys come from the input and may be huge. */
const MAX_KEY_CHARS = 64;

/** Control and line-breaking characters: a key must not start a new (forged) log line. */
// eslint-disable-next-line no-control-regex -- finding control characters is the point
const UNPRINTABLE = /[\u0000-\u001f\u007f-\u009f\u2028\u2029]/g;

/** Characters of outside text (a gateway's message, code, id, close reason) kept in a message. */
export const MAX_TEXT_CHARS = 200;

/**
 * A copy of `text` that holds only its own characters. V8 makes a slice of a long string a
 * view that keeps the whole original alive: a 256-character excerpt of a 16 MiB frame would
 * pin all of it. Only used for short excerpts.
 */
export function detached(text: string): string {
  return text.split('').join('');
}

/**
 * Outside text (the caller's keys, the gateway's messages, codes, ids and close reasons) as
 * an error message or a log line may show it: cut to `max` characters, control and
 * line-breaking characters as \uXXXX (so it cannot forge a log line), and a copy that does
 * not pin the text it was cut from.
 */
export function printable(text: string, max = MAX_TEXT_CHARS): string {
  const cut = text.length > max ? `${text.slice(0, max)}…` : text;
  return detached(cut.replace(UNPRINTABLE, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`));
}

/** A key as a field path shows it: cut to MAX_KEY_CHARS, unprintable characters as \uXXXX. */
function printableKey(key: string): string {
  return printable(key, MAX_KEY_CHARS);
}

/** The combinators that put entries in an error's context, as their `_tag` says. */
type Combinator =
  | StrictObjectType<t.Props, t.Props>
  | OpenObjectType<t.Props, t.Props>
  | ListType<t.Mixed>
  | t.InterfaceType<t.Props>
  | t.PartialType<t.Props>
  | t.StrictType<t.Props>
  | t.DictionaryType<t.Mixed, t.Mixed>
  | t.ArrayType<t.Mixed>
  | t.ReadonlyArrayType<t.Mixed>
  | t.TupleType<t.Mixed[]>
  | t.UnionType<t.Mixed[]>
  | t.IntersectionType<t.Mixed[]>;

/**
 * Whether the keys a combinator gives its children are a path: field names of an object (its
 * `props`, or an unknown key it reports) and indices of a list are; the member indices of
 * unions and intersections are not.
 */
function keysArePath(type: t.Decoder<unknown, unknown>): boolean {
  const tag = (type as Partial<Combinator>)._tag;
  switch (tag) {
    case 'StrictObjectType':
    case 'OpenObjectType':
    case 'InterfaceType':
    case 'PartialType':
    case 'StrictType':
    case 'DictionaryType':
    case 'ListType':
    case 'ArrayType':
    case 'ReadonlyArrayType':
    case 'TupleType':
      return true;
    // Leaves (no tag) add no context entries of their own.
    case 'UnionType':
    case 'IntersectionType':
    case undefined:
      return false;
    default: {
      // A combinator added to `Combinator` must get a case above (compile error otherwise);
      // one not listed there (say an `ExactType`, which adds no entries) names no field.
      const unlisted: never = tag;
      void unlisted;
      return false;
    }
  }
}

/**
 * Turns io-ts errors into field/rule pairs. The value itself is never echoed: it may be
 * huge, hostile or secret. Keys are, but cut short and printable, and at most MAX_ISSUES
 * issues are listed (the last one counts the rest). Member indices of unions and
 * intersections are not fields.
 */
export function toIssues(errors: t.Errors): ValidationIssue[] {
  const seen = new Set<string>();
  const issues: ValidationIssue[] = [];
  let unlisted = 0;
  for (const e of errors) {
    const parts: string[] = [];
    for (let i = 1; i < e.context.length; i++) {
      if (!keysArePath(e.context[i - 1].type)) continue;
      parts.push(printableKey(e.context[i].key));
    }
    const last = e.context[e.context.length - 1];
    const rule = e.message ?? `must be ${last ? last.type.name : 'valid'}`;
    const field = parts.length === 0 ? '(request)' : parts.join('.');
    const key = `${field}|${rule}`;
    if (!seen.has(key)) {
      seen.add(key);
      if (issues.length < MAX_ISSUES) issues.push({ field, rule });
      else unlisted++;
    }
  }
  // The last place counts what is left out (itself included).
  if (unlisted > 0)
    issues[MAX_ISSUES - 1] = { field: '(request)', rule: `${unlisted + 1} more issues not listed` };
  return issues;
}

export function formatIssues(issues: readonly ValidationIssue[]): string {
  return issues.map((i) => `${i.field}: ${i.rule}`).join('; ');
}
