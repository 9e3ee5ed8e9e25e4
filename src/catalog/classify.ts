/**
 * Sorting a rule's predicates into the roles the catalog counts:
 *
 * - `indicator`: positive logic of an event filter (not under any `not`).
 * - `exclusion`: inside a top-level `not(...)` of an event filter: a `not`
 *   conjunct of the root `and` (nested `and`s flattened), or a root `not`
 *   (`topLevelExclusions` in src/ast/walk.ts, made insensitive to how the
 *   conjunction is nested). Vendor parsers put Elastic rule filters and SPL
 *   top-level `!=`/`NOT` there.
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

/** The conjuncts of a node: the children of nested `and`s, in order (iterative). */
function conjuncts(node: Node): Node[] {
  if (node.type !== 'and') return [node];
  const out: Node[] = [];
  const stack: Node[] = [node];
  while (stack.length) {
    const n = stack.pop()!;
    if (n.type === 'and') for (let i = n.children.length - 1; i >= 0; i--) stack.push(n.children[i]!);
    else out.push(n);
  }
  return out;
}

/** Every predicate of the query with its role, in source order. */
export function classifyPredicates(query: Query): PredicateUse[] {
  const out: PredicateUse[] = [];
  for (const { filter, role } of queryFilters(query)) {
    if (role !== 'event') {
      collect(filter, 'negated', 'negated', out);
      continue;
    }
    // The root conjunction, with nested `and`s flattened (`and` is associative, so
    // `a and (b and not c)` excludes `c` at the top level just like `a and b and not c`;
    // parsers may leave such nesting, e.g. SPL `f!=v` = `exists(f) and not f=v`).
    for (const c of conjuncts(filter)) {
      // A `not` conjunct: what it holds is excluded. A second negation inside is not an exclusion path.
      if (c.type === 'not') collect(c.child, 'negated', 'exclusion', out);
      else collect(c, 'negated', 'indicator', out);
    }
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
