/** Test helpers: parse Sigma YAML text and render rules compactly for golden comparisons. */
import { SourceFile } from '../../src/core/source-file.js';
import { DEFAULT_LIMITS, type Limits } from '../../src/core/limits.js';
import { parseSigmaFile, linkSigmaRules } from '../../src/vendors/sigma/index.js';
import type { Diagnostic, Node, Rule } from '../../src/ast/schema.js';
import { printNode, printQuery } from '../../src/ast/print.js';
import { predicates, topLevelExclusions } from '../../src/ast/walk.js';

export interface ParseOpts {
  limits?: Partial<Limits>;
  placeholders?: Record<string, string[]>;
  path?: string;
}

export function parseText(text: string, o: ParseOpts = {}): { rules: Rule[]; diagnostics: Diagnostic[] } {
  const file = new SourceFile(o.path ?? 'test.yml', text);
  const opts = { limits: { ...DEFAULT_LIMITS, ...(o.limits ?? {}) }, ...(o.placeholders ? { placeholders: o.placeholders } : {}) };
  return parseSigmaFile(file, opts);
}

/** Parse and link (filters, correlations). */
export function parseLinked(text: string, o: ParseOpts = {}): Rule[] {
  return linkSigmaRules(parseText(text, o).rules).rules;
}

/** A one-rule document with the given detection block (indented by the caller as YAML under `detection:`). */
export function rule(detection: string, extra = ''): string {
  return `title: Test rule
id: 00000000-0000-4000-8000-000000000001
status: test
logsource:
    product: windows
    category: process_creation
detection:
${detection.replace(/^\n/, '').replace(/\s+$/, '')}
level: medium
${extra}`;
}

/** The query of the only rule of a text, as canonical text with field names as written. */
export function q(text: string, o: ParseOpts = {}): string {
  const r = parseText(text, o);
  if (r.rules.length !== 1) throw new Error(`expected one rule, got ${r.rules.length}`);
  return printQuery(r.rules[0]!.query, { fieldNames: 'written', width: 200 });
}

/** Diagnostics of a text as `severity code @line:col` strings (rule and file level). */
export function diags(text: string, o: ParseOpts = {}): string[] {
  const r = parseText(text, o);
  return [...r.diagnostics, ...r.rules.flatMap((x) => x.diagnostics)].map((d) => `${d.severity} ${d.code} @${d.line}:${d.column}`);
}

export function codes(text: string, o: ParseOpts = {}): string[] {
  const r = parseText(text, o);
  return [...r.diagnostics, ...r.rules.flatMap((x) => x.diagnostics)].map((d) => d.code);
}

/** The sorted set of (field, op, value) triples of a rule, with polarity. */
export function triples(r: Rule): string[] {
  const out = new Set<string>();
  for (const u of predicates(r)) {
    const p = u.predicate;
    // Values unescaped between « » so golden files stay readable (wildcard values are canonical globs).
    const v = p.ref ? `@${p.ref.name}` : typeof p.value === 'string' ? `«${p.value}»` : String(p.value);
    out.add(`${u.negated ? '-' : '+'} ${p.field ? p.field.name : '*'} ${p.op}${p.caseSensitive && p.op !== 'regex_match' ? ':cs' : ''}${p.regex?.flags ? ':' + p.regex.flags : ''} ${v}`);
  }
  return [...out].sort();
}

export function exclusions(r: Rule): string[] {
  return topLevelExclusions(r).map((n: Node) => printNode(n, { fieldNames: 'written', width: 200 }));
}
