/**
 * Property: the optimized evaluator (cheapest-first ordering, field groups,
 * glob fast paths, the literal prefilter, the engine's index) gives the same
 * answers as a naive reference interpreter over random rules and events.
 * The reference matches globs with `globToRegExp` from src/ast/glob.ts, not
 * with the evaluator's own matcher.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { and, not, or, predicate } from '../../src/ast/build.js';
import { canonicalGlob, globToRegExp } from '../../src/ast/glob.js';
import type { Node, Predicate, Rule } from '../../src/ast/schema.js';
import { createEngine } from '../../src/evaluate/engine.js';
import { IDENTITY_LAYER } from '../../src/evaluate/field-layer.js';

const FIELDS = ['a', 'b', 'c'];
const alpha = fc.constantFrom('x', 'y', 'X', 'z', '*', '\\', '?', 'ab', 'é');
const str = fc.array(alpha, { maxLength: 4 }).map((p) => p.join(''));
const pattern = fc.array(fc.oneof(alpha, fc.constantFrom('*', '?', '\\*', '\\\\')), { maxLength: 5 }).map((p) => p.join(''));

const pred: fc.Arbitrary<Predicate> = fc.oneof(
  fc.record({ f: fc.constantFrom(...FIELDS), v: str, cs: fc.boolean() }).map(({ f, v, cs }) => predicate({ name: f }, 'eq', v, { caseSensitive: cs })),
  fc.record({ f: fc.constantFrom(...FIELDS), v: pattern, cs: fc.boolean() }).map(({ f, v, cs }) => predicate({ name: f }, 'wildcard', v, { caseSensitive: cs })),
  fc.record({ f: fc.constantFrom(null, ...FIELDS), v: pattern, cs: fc.boolean() }).map(({ f, v, cs }) => predicate(f === null ? null : { name: f }, 'match', v, { caseSensitive: cs })),
);
const { node } = fc.letrec<{ node: Node }>((tie) => ({
  node: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    pred,
    fc.array(tie('node'), { minLength: 1, maxLength: 4 }).map((c) => and(c)),
    fc.array(tie('node'), { minLength: 1, maxLength: 4 }).map((c) => or(c)),
    tie('node').map((c) => not(c)),
  ),
}));
const event = fc.record({ a: fc.oneof(str, fc.array(str, { maxLength: 2 })), b: str, c: fc.option(str, { nil: undefined }) }, { requiredKeys: ['a'] });

function texts(e: Record<string, unknown>, f: string | null): string[] {
  const vals = f === null ? Object.values(e) : [e[f]];
  return vals.flatMap((v) => (v === undefined ? [] : Array.isArray(v) ? v : [v])).filter((v): v is string => typeof v === 'string');
}
function ref(n: Node, e: Record<string, unknown>): boolean {
  switch (n.type) {
    case 'and':
      return n.children.every((c) => ref(c, e));
    case 'or':
      return n.children.some((c) => ref(c, e));
    case 'not':
      return !ref(n.child, e);
    case 'predicate': {
      const v = n.value as string;
      const ts = texts(e, n.field?.name ?? null);
      if (n.op === 'eq') return ts.some((t) => (n.caseSensitive ? t === v : t.toLowerCase() === v.toLowerCase()));
      const re = globToRegExp(n.op === 'match' ? `*${canonicalGlob(v)}*` : v, n.caseSensitive);
      return ts.some((t) => re.test(t));
    }
    default:
      return false;
  }
}

describe('evaluator equals a naive reference', () => {
  it('over random rules and events (engine with index and prefilter)', () => {
    fc.assert(
      fc.property(fc.array(node, { minLength: 1, maxLength: 6 }), fc.array(event, { minLength: 1, maxLength: 6 }), (filters, events) => {
        const rules = filters.map(
          (filter, i) =>
            ({ id: `r${i}`, title: `r${i}`, vendor: 'elastic', language: 'kuery', kind: 'detection', path: 'mem', attack: { techniques: [], tactics: [], raw: [] }, logsource: {}, query: { kind: 'filter', filter }, metadata: {}, diagnostics: [] }) as Rule,
        );
        const got = createEngine(rules, { layer: IDENTITY_LAYER })
          .run(events)
          .matches.map((m) => `${m.ruleId}@${m.event}`)
          .sort();
        const want: string[] = [];
        filters.forEach((f, i) => events.forEach((e, j) => ref(f, e) && want.push(`r${i}@${j}`)));
        expect(got).toEqual(want.sort());
      }),
      { numRuns: 400 },
    );
  });
});
