/**
 * Sorting a rule's predicates into the roles the catalog counts:
 *
 * - `indicator`: positive logic of an event filter (not under any `not`).
 * - `exclusion`: inside a top-level `not(...)` of an event filter: a child
 *   `not` of the root `and`, or a root `not` (the same definition as
 *   `topLevelExclusions` in src/ast/walk.ts). Vendor parsers put Elastic
 *   rule filters and SPL top-level `!=`/`NOT` there.
 * - `negated`: everything else under a negation, EQL missing-event steps and
 *   `until` clauses. Shown on the rule page, never counted.
 *
 * Aggregation thresholds and correlation conditions are collected as text;
 * they are shown on the rule page but are never indicators.
 */
import type { AggregateCondition, Node, Predicate, Query } from '../ast/schema.js';
import { opaqueNodes, queryFilters, walk } from '../ast/walk.js';
import type { PredicateRole } from './schema.js';

export interface PredicateUse {
  predicate: Predicate;
  role: PredicateRole;
}

function collect(node: Node, negatedRole: PredicateRole, positiveRole: PredicateRole, out: PredicateUse[]): void {
  walk(node, {
    enter(n, negated) {
      if (n.type === 'predicate') out.push({ predicate: n, role: negated ? negatedRole : positiveRole });
    },
  });
}

/** Every predicate of the query with its role, in source order. */
export function classifyPredicates(query: Query): PredicateUse[] {
  const out: PredicateUse[] = [];
  for (const { filter, role } of queryFilters(query)) {
    if (role !== 'event') {
      collect(filter, 'negated', 'negated', out);
      continue;
    }
    if (filter.type === 'not') {
      // A root `not`: what it holds is excluded. A second negation inside is not an exclusion path.
      collect(filter.child, 'negated', 'exclusion', out);
    } else if (filter.type === 'and') {
      for (const c of filter.children) {
        if (c.type === 'not') collect(c.child, 'negated', 'exclusion', out);
        else collect(c, 'negated', 'indicator', out);
      }
    } else collect(filter, 'negated', 'indicator', out);
  }
  return out;
}

const COND_OP: Record<AggregateCondition['op'], string> = { eq: '==', neq: '!=', gt: '>', gte: '>=', lt: '<', lte: '<=' };

export function conditionText(c: AggregateCondition): string {
  if (c.text) return c.text;
  const fn = c.field ? `${c.fn}(${c.field.canonical ?? c.field.name})` : c.fn;
  return `${fn} ${COND_OP[c.op]} ${JSON.stringify(c.value)}`;
}

/** Aggregate and correlation conditions of a query, as text. */
export function thresholds(query: Query): string[] {
  const out: string[] = [];
  let q: Query | undefined = query;
  while (q) {
    if (q.kind === 'aggregate') {
      for (const c of q.conditions) out.push(conditionText(c));
      q = q.input;
    } else {
      if (q.kind === 'correlation' && q.condition) out.push(conditionText(q.condition));
      q = undefined;
    }
  }
  return out;
}

export function opaqueParts(query: Query): { text: string; reason: string }[] {
  return opaqueNodes(query).map((o) => ({ text: o.text, reason: o.reason }));
}
