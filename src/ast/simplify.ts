/**
 * Meaning-preserving simplification: flatten nested and/or, fold constants,
 * drop double negation, remove duplicate children, unwrap single-child groups.
 * Opaque nodes are never folded (their truth value is unknown).
 */
import type { Node } from './schema.js';
import { nodeKey } from './print.js';

export function simplify(node: Node): Node {
  switch (node.type) {
    case 'not': {
      const c = simplify(node.child);
      if (c.type === 'not') return c.child;
      if (c.type === 'constant') return { type: 'constant', value: !c.value };
      return c === node.child ? node : { ...node, child: c };
    }
    case 'and':
    case 'or': {
      const isAnd = node.type === 'and';
      const out: Node[] = [];
      const seen = new Set<string>();
      const stack = [...node.children].reverse();
      while (stack.length) {
        const c0 = stack.pop()!;
        const c = simplify(c0);
        if (c.type === node.type) {
          // Flatten: same operator nested.
          for (let i = c.children.length - 1; i >= 0; i--) stack.push(c.children[i]!);
          continue;
        }
        if (c.type === 'constant') {
          if (c.value === isAnd) continue; // identity element
          return { type: 'constant', value: !isAnd }; // absorbing element
        }
        const k = nodeKey(c);
        if (seen.has(k)) continue;
        seen.add(k);
        out.push(c);
      }
      if (out.length === 0) return { type: 'constant', value: isAnd };
      if (out.length === 1) return out[0]!;
      return node.source ? { type: node.type, children: out, source: node.source } : { type: node.type, children: out };
    }
    default:
      return node;
  }
}
