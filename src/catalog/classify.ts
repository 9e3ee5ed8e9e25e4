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
import type { AggregateCondition, Node, OpaqueNode, Predicate, Query } from '../ast/schema.js';
import { opaqueNodes, queryFilters } from '../ast/walk.js';
import type { PredicateRole } from './schema.js';

export interface PredicateUse {
  predicate: Predicate;
  role: PredicateRole;
}

/** Every predicate of the query with its role, in source order. */
export function classifyPredicates(query: Query): PredicateUse[] {
  const c = classifyInto(query, newClassified());
  return c.predicates.map((predicate, i) => ({ predicate, role: c.roles[i]! }));
}

/** The predicates of a query with their roles (parallel arrays), and its opaque parts. */
export interface Classified {
  predicates: Predicate[];
  roles: PredicateRole[];
  /** What `opaqueNodes` gives: opaque nodes of every filter, then opaque post-aggregation parts. */
  opaque: OpaqueNode[];
}

export function newClassified(): Classified {
  return { predicates: [], roles: [], opaque: [] };
}

// Traversal states. CONJ: in the root conjunction of an event filter (nested `and`s flattened).
// IND / EXC: inside an indicator conjunct / inside a top-level `not`; *_NEG: under a further
// negation there. NEG: a filter that is not an event filter (missing step, until).
const CONJ = 0;
const IND = 1;
const IND_NEG = 2;
const EXC = 3;
const EXC_NEG = 4;
const NEG = 5;
/** The state of a `not` node's child. */
const UNDER_NOT = [EXC, IND_NEG, IND, EXC_NEG, EXC, NEG];
const ROLE: PredicateRole[] = ['indicator', 'indicator', 'negated', 'exclusion', 'negated', 'negated'];

// Explicit stack (deep trees cannot overflow the call stack), reused across calls.
const stackNodes: Node[] = [];
const stackStates: number[] = [];

/**
 * One pre-order traversal of each filter of the query gives both the roles
 * (same order and roles as walking each conjunct, as the module comment
 * defines them) and the opaque nodes. Fills `out` (cleared first), so that
 * buildCatalog can reuse one object for every rule.
 */
export function classifyInto(query: Query, out: Classified): Classified {
  out.predicates.length = 0;
  out.roles.length = 0;
  out.opaque.length = 0;
  stackNodes.length = stackStates.length = 0; // in case a malformed node threw last time
  for (const { filter, role } of queryFilters(query)) {
    stackNodes.push(filter);
    stackStates.push(role === 'event' ? CONJ : NEG);
    while (stackNodes.length) {
      const n = stackNodes.pop()!;
      const state = stackStates.pop()!;
      switch (n.type) {
        case 'predicate':
          out.predicates.push(n);
          out.roles.push(ROLE[state]!);
          break;
        case 'opaque':
          out.opaque.push(n);
          break;
        case 'not':
          stackNodes.push(n.child);
          stackStates.push(UNDER_NOT[state]!);
          break;
        case 'and':
        case 'or': {
          // An `or` conjunct is positive logic as a whole: an indicator conjunct.
          const childState = state === CONJ && n.type === 'or' ? IND : state;
          for (let i = n.children.length - 1; i >= 0; i--) {
            stackNodes.push(n.children[i]!);
            stackStates.push(childState);
          }
          break;
        }
      }
    }
  }
  if (query.kind === 'aggregate' && query.post) for (const p of query.post) out.opaque.push(p);
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
