/**
 * and/or builders that flatten a child of the same kind into the parent:
 * `a and (b and not c)` (KQL `f:(* and not x)` inside a conjunction, or
 * several ES|QL WHERE commands) becomes one conjunction, so the `not`
 * clauses are top-level exclusions as the catalog expects. Meaning is unchanged.
 */
import { pushAll } from '../../core/arrays.js';
import { and, or } from '../../ast/build.js';
import type { Node, Source } from '../../ast/schema.js';

function flat(kind: 'and' | 'or', children: Node[]): Node[] {
  const out: Node[] = [];
  for (const c of children) {
    if (c.type === kind) pushAll(out, c.children);
    else out.push(c);
  }
  return out;
}

export function flatAnd(children: Node[], source?: Source): Node {
  const c = flat('and', children);
  return c.length === 1 ? c[0]! : and(c, source);
}

export function flatOr(children: Node[], source?: Source): Node {
  const c = flat('or', children);
  return c.length === 1 ? c[0]! : or(c, source);
}
