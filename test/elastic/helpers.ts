/** Test helpers: run one query language on a string, print the result canonically. */
import { printNode, printQuery } from '../../src/ast/print.js';
import type { Diagnostic, Node, Query, Rule } from '../../src/ast/schema.js';
import { predicates, topLevelExclusions } from '../../src/ast/walk.js';
import { DEFAULT_LIMITS, type Limits } from '../../src/core/limits.js';
import { SourceFile } from '../../src/core/source-file.js';
import { parseEsql } from '../../src/vendors/elastic/esql/index.js';
import { elasticVendor } from '../../src/vendors/elastic/index.js';
import { parseKql } from '../../src/vendors/elastic/kql/index.js';
import { parseLucene } from '../../src/vendors/elastic/lucene/index.js';
import type { FileFormat } from '../../src/vendors/types.js';

export function ctxFor(text: string, limits: Partial<Limits> = {}) {
  return { loc: { file: new SourceFile('<query>', text), base: 0 }, limits: { ...DEFAULT_LIMITS, ...limits }, diagnostics: [] as Diagnostic[] };
}

export function kql(text: string): { node: Node | null; diagnostics: Diagnostic[]; printed: string } {
  const ctx = ctxFor(text);
  const node = parseKql(text, ctx);
  return { node, diagnostics: ctx.diagnostics, printed: node ? printNode(node) : 'ERROR ' + ctx.diagnostics.map((d) => d.code).join(',') };
}

export function lucene(text: string): { node: Node | null; diagnostics: Diagnostic[]; printed: string } {
  const ctx = ctxFor(text);
  const node = parseLucene(text, ctx);
  return { node, diagnostics: ctx.diagnostics, printed: node ? printNode(node) : 'ERROR ' + ctx.diagnostics.map((d) => d.code).join(',') };
}

export function esql(text: string): { query: Query | null; diagnostics: Diagnostic[]; printed: string } {
  const ctx = ctxFor(text);
  const r = parseEsql(text, ctx);
  return { query: r?.query ?? null, diagnostics: ctx.diagnostics, printed: r ? printQuery(r.query) : 'ERROR ' + ctx.diagnostics.map((d) => d.code).join(',') };
}

export function parseFile(path: string, text: string, format: FileFormat = 'elastic-toml') {
  return elasticVendor.parseFile(new SourceFile(path, text), { format, vendor: 'elastic', role: 'rules' }, null, { limits: DEFAULT_LIMITS });
}

/** One value of a single-predicate query, for escaping tables. */
export function onlyPredicate(n: Node | null) {
  if (!n || n.type !== 'predicate') throw new Error('expected one predicate, got ' + (n ? printNode(n) : 'null'));
  return { op: n.op, value: n.value, caseSensitive: n.caseSensitive };
}

/** Compact review form of a rule: query, predicates with polarity, exclusions. */
export function reviewRule(rule: Rule): string {
  const lines = [`${rule.id} [${rule.language}/${rule.ruleType}] ${rule.title}`, printQuery(rule.query, { width: 140 })];
  const ex = topLevelExclusions(rule);
  lines.push(`exclusions (${ex.length}):`);
  for (const e of ex) lines.push('  - ' + printNode(e, { width: 1e9 }));
  lines.push(`predicates: ${predicates(rule).length}`);
  return lines.join('\n');
}
