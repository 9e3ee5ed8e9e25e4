/**
 * Read the canonical text of a node (printNode with `exact: true`) back into
 * an AST node. Printing drops only where a node came from (sources, raw
 * text, vendor operator) and the field name as written when a canonical one
 * exists; `semanticProjection` drops the same from a node, so that
 * `parseNodeText(printNode(n, { exact: true }))` equals `semanticProjection(n)`.
 */
import { parse, SyntaxError as PeggySyntaxError } from '../generated/ast-text.js';
import type { FieldRef, Node } from './schema.js';

export type ParseTextResult = { ok: true; node: Node } | { ok: false; message: string; line: number; column: number };

export function parseNodeText(text: string): ParseTextResult {
  try {
    return { ok: true, node: parse(text) as Node };
  } catch (e) {
    if (e instanceof PeggySyntaxError) return { ok: false, message: e.message, line: e.location.start.line, column: e.location.start.column };
    throw e;
  }
}

function projectField(f: FieldRef): FieldRef {
  const out: FieldRef = { name: f.canonical ?? f.name };
  if (f.computed) out.computed = true;
  return out;
}

/** The node as its canonical text carries it. */
export function semanticProjection(n: Node): Node {
  switch (n.type) {
    case 'predicate': {
      const p: Node = { type: 'predicate', field: n.field ? projectField(n.field) : null, op: n.op, value: n.value, caseSensitive: n.caseSensitive };
      if (n.regex) p.regex = { flavor: n.regex.flavor, flags: n.regex.flags, anchored: n.regex.anchored };
      if (n.ref) p.ref = projectField(n.ref);
      if (n.refMatch) p.refMatch = n.refMatch;
      if (n.placeholder !== undefined) p.placeholder = n.placeholder;
      return p;
    }
    case 'and':
    case 'or':
      return { type: n.type, children: n.children.map(semanticProjection) };
    case 'not':
      return { type: 'not', child: semanticProjection(n.child) };
    case 'constant':
      return { type: 'constant', value: n.value };
    case 'opaque':
      return { type: 'opaque', text: n.text, reason: n.reason };
  }
}
