/** Shared helpers for the EQL tests: parse a query on its own (offset 0) or embedded in a file. */
import type { Diagnostic, Node, Predicate, Query } from '../../../src/ast/schema.js';
import { printQuery } from '../../../src/ast/print.js';
import { predicates } from '../../../src/ast/walk.js';
import { DEFAULT_LIMITS, type Limits } from '../../../src/core/limits.js';
import { SourceFile } from '../../../src/core/source-file.js';
import { parseEql, type EqlResult } from '../../../src/vendors/elastic/eql/index.js';

export function eql(text: string, limits: Partial<Limits> = {}, categoryField?: string): EqlResult {
  const file = new SourceFile('test.eql', text);
  return parseEql(text, { file, offset: 0, limits: { ...DEFAULT_LIMITS, ...limits }, ...(categoryField ? { categoryField } : {}) });
}

/** Canonical text of a query that must parse without any diagnostic. */
export function show(text: string): string {
  const r = eql(text);
  if (r.diagnostics.length) throw new Error(`unexpected diagnostics for ${text}: ${JSON.stringify(r.diagnostics)}`);
  return printQuery(r.query, { width: 200 });
}

/** Diagnostics as `severity code line:column` strings. */
export function diags(r: { diagnostics: Diagnostic[] }): string[] {
  return r.diagnostics.map((d) => `${d.severity} ${d.code} ${d.line}:${d.column}`);
}

/** The single predicate of an event query's condition (after the category). */
export function onlyPredicate(q: Query): Predicate {
  const ps = predicates(q).map((u) => u.predicate).filter((p) => p.vendorOp !== 'category');
  if (ps.length !== 1) throw new Error(`expected one predicate, got ${ps.length}`);
  return ps[0]!;
}

export function filterOf(q: Query): Node {
  if (q.kind !== 'filter') throw new Error(`expected a filter query, got ${q.kind}`);
  return q.filter;
}
