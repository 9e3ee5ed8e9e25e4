/**
 * Boolean nodes compiled into closures, with three-valued (Kleene) logic.
 *
 * Speed: the children of `and`/`or` run cheapest first (exact values before
 * globs before regexes before keyword scans, opaque parts last), and an `or`
 * of exact/glob predicates over one field becomes one membership test. Both
 * reorderings are sound because and/or are commutative in Kleene logic; the
 * explanation (`explainNode`) walks the original tree.
 */
import type { Node, Predicate } from '../ast/schema.js';
import type { EventView } from './event-view.js';
import { compileFieldGroup, compilePredicate, groupable, groupKey, type CompileContext, type CompiledPredicate, type Test, type Tri } from './predicate.js';

export interface NodeCompiler {
  compile(node: Node): CompiledPredicate;
  /** The compiled test of one predicate (for explanations), compiled once. */
  predicateTest(p: Predicate): Test;
}

const MAX_COST = 1000;

export function createNodeCompiler(ctx: CompileContext): NodeCompiler {
  const single = new Map<Predicate, CompiledPredicate>();
  const pred = (p: Predicate): CompiledPredicate => {
    let c = single.get(p);
    if (!c) {
      c = compilePredicate(p, ctx);
      single.set(p, c);
    }
    return c;
  };

  // Iterative post-order, so that very deep trees cannot overflow the stack.
  const compile = (root: Node): CompiledPredicate => {
    const done = new Map<Node, CompiledPredicate>();
    const stack: Array<{ node: Node; expanded: boolean }> = [{ node: root, expanded: false }];
    while (stack.length) {
      const f = stack[stack.length - 1]!;
      const n = f.node;
      if (!f.expanded) {
        f.expanded = true;
        if (n.type === 'and' || n.type === 'or') for (const c of n.children) stack.push({ node: c, expanded: false });
        else if (n.type === 'not') stack.push({ node: n.child, expanded: false });
        continue;
      }
      stack.pop();
      if (done.has(n)) continue;
      done.set(n, build(n, done));
    }
    return done.get(root)!;
  };

  const build = (n: Node, done: Map<Node, CompiledPredicate>): CompiledPredicate => {
    switch (n.type) {
      case 'predicate':
        return pred(n);
      case 'constant': {
        const v: Tri = n.value ? 1 : 0;
        return { test: () => v, cost: 0 };
      }
      case 'opaque':
        ctx.diagnostics.push({ severity: 'warning', code: 'evaluate.opaque', message: `opaque part (${n.reason}) is undetermined: ${n.text.slice(0, 120)}` });
        return { test: () => 2, cost: MAX_COST };
      case 'not': {
        const c = done.get(n.child)!;
        const t = c.test;
        return {
          test: (ev) => {
            const x = t(ev);
            return x === 2 ? 2 : x === 1 ? 0 : 1;
          },
          cost: c.cost,
        };
      }
      case 'and':
      case 'or':
        return group(n.type, n.children, done);
    }
  };

  const group = (kind: 'and' | 'or', children: Node[], done: Map<Node, CompiledPredicate>): CompiledPredicate => {
    let parts: CompiledPredicate[] = [];
    if (kind === 'or') {
      // Merge exact/glob predicates on the same field into one membership test.
      const groups = new Map<string, Predicate[]>();
      for (const c of children) {
        if (c.type === 'predicate' && groupable(c)) {
          const k = groupKey(c);
          const g = groups.get(k);
          if (g) g.push(c);
          else groups.set(k, [c]);
        } else parts.push(done.get(c)!);
      }
      for (const g of groups.values()) parts.push(g.length === 1 ? done.get(g[0]!)! : compileFieldGroup(g));
    } else parts = children.map((c) => done.get(c)!);
    parts.sort((a, b) => a.cost - b.cost);
    const tests = parts.map((p) => p.test);
    const cost = Math.min(MAX_COST, parts.reduce((s, p) => s + p.cost, 0));
    if (tests.length === 0) {
      const v: Tri = kind === 'and' ? 1 : 0;
      return { test: () => v, cost: 0 };
    }
    if (tests.length === 1) return parts[0]!;
    const n = tests.length;
    if (kind === 'and') {
      return {
        test: (ev) => {
          let r: Tri = 1;
          for (let i = 0; i < n; i++) {
            const x = tests[i]!(ev);
            if (x === 0) return 0;
            if (x === 2) r = 2;
          }
          return r;
        },
        cost,
      };
    }
    return {
      test: (ev) => {
        let r: Tri = 0;
        for (let i = 0; i < n; i++) {
          const x = tests[i]!(ev);
          if (x === 1) return 1;
          if (x === 2) r = 2;
        }
        return r;
      },
      cost,
    };
  };

  return { compile, predicateTest: (p) => pred(p).test };
}

/**
 * The predicates that make a true node true: every child of a true `and`,
 * the true children of an `or`, nothing under a true `not` (it is true
 * because its child is false). Only called on matches.
 */
export function explainNode(root: Node, ev: EventView, nc: NodeCompiler): Predicate[] {
  const out: Predicate[] = [];
  const evalNode = (n: Node): Tri => {
    switch (n.type) {
      case 'predicate':
        return nc.predicateTest(n)(ev);
      case 'constant':
        return n.value ? 1 : 0;
      case 'opaque':
        return 2;
      case 'not': {
        const x = evalNode(n.child);
        return x === 2 ? 2 : x === 1 ? 0 : 1;
      }
      case 'and': {
        let r: Tri = 1;
        for (const c of n.children) {
          const x = evalNode(c);
          if (x === 0) return 0;
          if (x === 2) r = 2;
        }
        return r;
      }
      case 'or': {
        let r: Tri = 0;
        for (const c of n.children) {
          const x = evalNode(c);
          if (x === 1) return 1;
          if (x === 2) r = 2;
        }
        return r;
      }
    }
  };
  const collect = (n: Node): void => {
    if (n.type === 'predicate') out.push(n);
    else if (n.type === 'and') n.children.forEach(collect);
    else if (n.type === 'or') for (const c of n.children) if (evalNode(c) === 1) collect(c);
  };
  if (evalNode(root) === 1) collect(root);
  return out;
}
