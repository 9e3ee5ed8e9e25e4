/** Traversal helpers over nodes, queries and rules. */
import { pushAll } from '../core/arrays.js';
import type { Node, OpaqueNode, Predicate, Query, Rule } from './schema.js';

export interface Visitor {
  /** Return false to skip the node's children. */
  enter?(node: Node, negated: boolean, depth: number): void | boolean;
  leave?(node: Node, negated: boolean, depth: number): void;
}

/** Depth-first walk; `negated` is true under an odd number of `not`s. Iterative, so deep trees cannot overflow the stack. */
export function walk(root: Node, visitor: Visitor): void {
  type Frame = { node: Node; negated: boolean; depth: number; leaving: boolean };
  const stack: Frame[] = [{ node: root, negated: false, depth: 0, leaving: false }];
  while (stack.length) {
    const f = stack.pop()!;
    if (f.leaving) {
      visitor.leave?.(f.node, f.negated, f.depth);
      continue;
    }
    const go = visitor.enter?.(f.node, f.negated, f.depth);
    stack.push({ ...f, leaving: true });
    if (go === false) continue;
    const n = f.node;
    if (n.type === 'and' || n.type === 'or') {
      for (let i = n.children.length - 1; i >= 0; i--) stack.push({ node: n.children[i]!, negated: f.negated, depth: f.depth + 1, leaving: false });
    } else if (n.type === 'not') stack.push({ node: n.child, negated: !f.negated, depth: f.depth + 1, leaving: false });
  }
}

/** Bottom-up rewrite. `fn` receives a node whose children were already rewritten. */
export function mapNode(node: Node, fn: (n: Node) => Node): Node {
  switch (node.type) {
    case 'and':
    case 'or':
      return fn({ ...node, children: node.children.map((c) => mapNode(c, fn)) });
    case 'not':
      return fn({ ...node, child: mapNode(node.child, fn) });
    default:
      return fn(node);
  }
}

/** The role a filter plays in its query. Only `event` filters feed indicator statistics. */
export type FilterRole = 'event' | 'until' | 'missing';

export interface QueryFilter {
  filter: Node;
  role: FilterRole;
}

/** Every boolean filter of a query with its role (sequence steps, aggregate inputs, until clauses...). */
export function queryFilters(query: Query): QueryFilter[] {
  switch (query.kind) {
    case 'filter':
      return [{ filter: query.filter, role: 'event' }];
    case 'sequence':
    case 'sample': {
      const out: QueryFilter[] = query.steps.map((s) => ({ filter: s.filter, role: s.missing ? 'missing' : 'event' }) as QueryFilter);
      if (query.kind === 'sequence' && query.until) out.push({ filter: query.until, role: 'until' });
      return out;
    }
    case 'aggregate':
      return queryFilters(query.input);
    default:
      return [];
  }
}

/** Replace every filter of a query through `fn` (used by the normalizer). */
export function mapQueryFilters(query: Query, fn: (n: Node) => Node): Query {
  switch (query.kind) {
    case 'filter':
      return { ...query, filter: fn(query.filter) };
    case 'sequence':
      return {
        ...query,
        steps: query.steps.map((s) => ({ ...s, filter: fn(s.filter) })),
        ...(query.until ? { until: fn(query.until) } : {}),
      };
    case 'sample':
      return { ...query, steps: query.steps.map((s) => ({ ...s, filter: fn(s.filter) })) };
    case 'aggregate':
      return { ...query, input: mapQueryFilters(query.input, fn) };
    default:
      return query;
  }
}

export interface PredicateUse {
  predicate: Predicate;
  /** Under an odd number of `not`s, or in a missing-event step / until clause. */
  negated: boolean;
  role: FilterRole;
}

function filtersOf(target: Rule | Query | Node): QueryFilter[] {
  if ('vendor' in target && 'query' in target) return queryFilters(target.query);
  if ('kind' in target) return queryFilters(target);
  return [{ filter: target, role: 'event' }];
}

/** All predicates of a rule (or query, or node) with their polarity. */
export function predicates(target: Rule | Query | Node): PredicateUse[] {
  const filters = filtersOf(target);
  const out: PredicateUse[] = [];
  for (const { filter, role } of filters) {
    walk(filter, {
      enter(n, negated) {
        if (n.type === 'predicate') out.push({ predicate: n, negated: role === 'event' ? negated : !negated, role });
      },
    });
  }
  return out;
}

/** All opaque nodes of a rule's query, including opaque post-aggregation parts. */
export function opaqueNodes(query: Query): OpaqueNode[] {
  const out: OpaqueNode[] = [];
  for (const { filter } of queryFilters(query)) {
    walk(filter, {
      enter(n) {
        if (n.type === 'opaque') out.push(n);
      },
    });
  }
  if (query.kind === 'aggregate' && query.post) pushAll(out, query.post);
  return out;
}

/**
 * The exclusions of a rule: for each event filter, the children of `not`
 * nodes that are direct children of the root `and`, or the child of a root
 * `not`. These are the "false-positive paths" the catalog mines.
 */
export function topLevelExclusions(target: Rule | Query | Node): Node[] {
  const filters = filtersOf(target);
  const out: Node[] = [];
  for (const { filter, role } of filters) {
    if (role !== 'event') continue;
    if (filter.type === 'not') out.push(filter.child);
    else if (filter.type === 'and') for (const c of filter.children) if (c.type === 'not') out.push(c.child);
  }
  return out;
}

/** The positive part of each event filter: the root `and` without its top-level `not` children. */
export function positiveParts(target: Rule | Query | Node): Node[] {
  const filters = filtersOf(target);
  const out: Node[] = [];
  for (const { filter, role } of filters) {
    if (role !== 'event') continue;
    if (filter.type === 'not') continue;
    if (filter.type === 'and') {
      const pos = filter.children.filter((c) => c.type !== 'not');
      if (pos.length === 1) out.push(pos[0]!);
      else if (pos.length > 1) out.push({ type: 'and', children: pos });
    } else out.push(filter);
  }
  return out;
}
