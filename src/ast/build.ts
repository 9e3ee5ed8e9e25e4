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
  const p: Predicate = {
    type: 'predicate',
    field: fieldName === null ? null : typeof fieldName === 'string' ? { name: fieldName } : fieldName,
    op,
    value,
    caseSensitive: opts.caseSensitive ?? false,
  };
  if (opts.regex) p.regex = opts.regex;
  if (opts.ref) p.ref = opts.ref;
  if (opts.refMatch) p.refMatch = opts.refMatch;
  if (opts.placeholder !== undefined) p.placeholder = opts.placeholder;
  if (opts.vendorOp !== undefined) p.vendorOp = opts.vendorOp;
  if (opts.raw !== undefined) p.raw = opts.raw;
  if (opts.source) p.source = opts.source;
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
