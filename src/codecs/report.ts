import type * as t from 'io-ts';

/** One broken rule of a request: the field (dotted path) and what it must satisfy. */
export interface ValidationIssue {
  readonly field: string;
  readonly rule: string;
}

const COMPOSITE = new Set(['IntersectionType', 'UnionType', 'RefinementType', 'ExactType', 'ReadonlyType']);

function tagOf(type: t.Decoder<unknown, unknown>): string | undefined {
  return (type as { _tag?: string })._tag;
}

/**
 * Turns io-ts errors into field/rule pairs. The value itself is never echoed: it may be
 * huge, hostile or secret. Member indices of unions and intersections are not fields.
 */
export function toIssues(errors: t.Errors): ValidationIssue[] {
  const seen = new Set<string>();
  const issues: ValidationIssue[] = [];
  for (const e of errors) {
    const parts: string[] = [];
    for (let i = 1; i < e.context.length; i++) {
      const parent = tagOf(e.context[i - 1].type);
      if (parent !== undefined && COMPOSITE.has(parent)) continue;
      parts.push(e.context[i].key);
    }
    const last = e.context[e.context.length - 1];
    const rule = e.message ?? `must be ${last ? last.type.name : 'valid'}`;
    const field = parts.length === 0 ? '(request)' : parts.join('.');
    const key = `${field}|${rule}`;
    if (!seen.has(key)) {
      seen.add(key);
      issues.push({ field, rule });
    }
  }
  return issues;
}

export function formatIssues(issues: readonly ValidationIssue[]): string {
  return issues.map((i) => `${i.field}: ${i.rule}`).join('; ');
}
