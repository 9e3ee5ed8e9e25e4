/** Builders for AST nodes. Vendor parsers construct nodes through these, never by hand-rolled object shapes. */
import type { AndNode, ConstantNode, FieldRef, Node, NotNode, OpaqueNode, OrNode, Predicate, PredicateOp, RegexInfo, Scalar, Source } from './schema.js';

export interface PredicateOptions {
  caseSensitive?: boolean;
  regex?: RegexInfo;
  ref?: FieldRef;
  refMatch?: 'contains' | 'startswith' | 'endswith';
  placeholder?: string;
  vendorOp?: string;
  raw?: string;
  source?: Source;
}

export function field(name: string, canonical?: string): FieldRef {
  return canonical === undefined ? { name } : { name, canonical };
}

/** A predicate. `fieldName` null means a keyword / full-text term over the whole event. */
export function predicate(fieldName: string | FieldRef | null, op: PredicateOp, value: Scalar, opts: PredicateOptions = {}): Predicate {
  const field = fieldName === null ? null : typeof fieldName === 'string' ? { name: fieldName } : fieldName;
  const caseSensitive = opts.caseSensitive ?? false;
  const { vendorOp, raw, source } = opts;
  if (!opts.regex && !opts.ref && !opts.refMatch && opts.placeholder === undefined) {
    // The common shapes as whole literals, in the schema's key order: an object literal keeps
    // every property in-object, while properties added later go to a separate property array
    // (about 5 MB more per corpus of ~100,000 predicates; docs/performance.md).
    const type = 'predicate';
    if (source) {
      if (vendorOp !== undefined) return raw !== undefined ? { type, field, op, value, caseSensitive, vendorOp, raw, source } : { type, field, op, value, caseSensitive, vendorOp, source };
      return raw !== undefined ? { type, field, op, value, caseSensitive, raw, source } : { type, field, op, value, caseSensitive, source };
    }
    if (vendorOp !== undefined) return raw !== undefined ? { type, field, op, value, caseSensitive, vendorOp, raw } : { type, field, op, value, caseSensitive, vendorOp };
    return raw !== undefined ? { type, field, op, value, caseSensitive, raw } : { type, field, op, value, caseSensitive };
  }
  const p: Predicate = { type: 'predicate', field, op, value, caseSensitive };
  if (opts.regex) p.regex = opts.regex;
  if (opts.ref) p.ref = opts.ref;
  if (opts.refMatch) p.refMatch = opts.refMatch;
  if (opts.placeholder !== undefined) p.placeholder = opts.placeholder;
  if (vendorOp !== undefined) p.vendorOp = vendorOp;
  if (raw !== undefined) p.raw = raw;
  if (source) p.source = source;
  return p;
}

export function and(children: Node[], source?: Source): AndNode {
  return source ? { type: 'and', children, source } : { type: 'and', children };
}
export function or(children: Node[], source?: Source): OrNode {
  return source ? { type: 'or', children, source } : { type: 'or', children };
}
export function not(child: Node, source?: Source): NotNode {
  return source ? { type: 'not', child, source } : { type: 'not', child };
}
export function constant(value: boolean, source?: Source): ConstantNode {
  return source ? { type: 'constant', value, source } : { type: 'constant', value };
}
export function opaque(text: string, reason: string, source?: Source): OpaqueNode {
  return source ? { type: 'opaque', text, reason, source } : { type: 'opaque', text, reason };
}
