/**
 * The real corpus: every EQL query of elastic/detection-rules (1,024 active
 * rules in rules/ and rules_building_block/, plus the hunting files' EQL
 * queries) parses with no diagnostic, and the AST agrees with the numbers
 * measured independently in research/elastic.md §3 (Python eql library).
 * The TOML is read here with smol-toml (the Elastic loader is someone else's).
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { parse as parseToml } from 'smol-toml';
import { beforeAll, describe, expect, it } from 'vitest';
import type { Node, Predicate, Query } from '../../../src/ast/schema.js';
import { opaqueNodes, predicates, queryFilters, topLevelExclusions } from '../../../src/ast/walk.js';
import { DEFAULT_LIMITS } from '../../../src/core/limits.js';
import { SourceFile } from '../../../src/core/source-file.js';
import { parseEql, type EqlResult } from '../../../src/vendors/elastic/eql/index.js';
import { corpus, describeCorpus } from '../../helpers/corpora.js';

interface Parsed {
  path: string;
  file: SourceFile;
  query: string;
  result: EqlResult;
}

function* tomlFiles(dir: string): Generator<string> {
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, e.name);
    if (e.isDirectory()) {
      if (e.name !== '_deprecated') yield* tomlFiles(p);
    } else if (e.name.endsWith('.toml')) yield p;
  }
}

function parseAt(path: string, text: string, query: string, categoryField?: string): Parsed {
  const offset = text.indexOf(query);
  if (offset < 0) throw new Error(`query text not found verbatim in ${path}`);
  const file = new SourceFile(path, text);
  return { path, file, query, result: parseEql(query, { file, offset, limits: DEFAULT_LIMITS, ...(categoryField ? { categoryField } : {}) }) };
}

function loadRules(): Parsed[] {
  const out: Parsed[] = [];
  for (const dir of ['rules', 'rules_building_block']) {
    for (const path of tomlFiles(corpus('elastic', dir))) {
      const text = readFileSync(path, 'utf8');
      const rule = (parseToml(text) as { rule?: { language?: string; query?: string; event_category_override?: string } }).rule;
      if (rule?.language === 'eql' && typeof rule.query === 'string') out.push(parseAt(path, text, rule.query, rule.event_category_override));
    }
  }
  return out;
}

function loadHunts(): Parsed[] {
  const out: Parsed[] = [];
  for (const path of tomlFiles(corpus('elastic', 'hunting'))) {
    const text = readFileSync(path, 'utf8');
    const hunt = (parseToml(text) as { hunt?: { language?: string[]; query?: string[] } }).hunt;
    if (!hunt?.language?.includes('EQL')) continue;
    // A hunt lists several languages at most once each; EQL queries are the ones that are not ES|QL or SQL.
    for (const q of hunt.query ?? []) if (!/^\s*(from|select|sql)\b/i.test(q)) out.push(parseAt(path, text, q));
  }
  return out;
}

const kinds = (ps: Parsed[]) => ps.reduce<Record<string, number>>((m, p) => ((m[p.result.query.kind] = (m[p.result.query.kind] ?? 0) + 1), m), {});
const rel = (p: string) => relative(corpus('elastic'), p);

function allNodes(q: Query): Node[] {
  const out: Node[] = [];
  const stack = queryFilters(q).map((f) => f.filter);
  while (stack.length) {
    const n = stack.pop()!;
    out.push(n);
    if (n.type === 'and' || n.type === 'or') stack.push(...n.children);
    else if (n.type === 'not') stack.push(n.child);
  }
  return out;
}

describeCorpus('EQL on the elastic/detection-rules corpus', () => {
  let rules: Parsed[] = [];
  let hunts: Parsed[] = [];
  beforeAll(() => {
    rules = loadRules();
    hunts = loadHunts();
  });

  it('finds the 1,024 active EQL rules and 13 hunting EQL queries', () => {
    expect(rules.length).toBe(1024);
    expect(hunts.length).toBe(13);
  });

  it('parses every one with no diagnostic at all (no error, no dialect warning)', () => {
    const bad = [...rules, ...hunts].filter((p) => p.result.diagnostics.length).map((p) => `${rel(p.path)}: ${p.result.diagnostics.map((d) => d.code).join(', ')}`);
    expect(bad).toEqual([]);
  });

  it('has the query shapes research/elastic.md measured: 823 event queries, 198 sequences, 3 samples', () => {
    expect(kinds(rules)).toEqual({ filter: 823, sequence: 198, sample: 3 });
  });

  it('keeps the sequence options the corpus uses', () => {
    const seqs = rules.map((p) => p.result.query).filter((q): q is Extract<Query, { kind: 'sequence' }> => q.kind === 'sequence');
    expect(seqs.filter((q) => q.by?.length).length).toBe(177);
    expect(seqs.filter((q) => q.maxspan).length).toBe(187);
    expect(seqs.filter((q) => q.steps.some((s) => s.by?.length)).length).toBe(59);
    expect(seqs.filter((q) => q.steps.some((s) => s.runs)).length).toBe(18);
    expect(seqs.filter((q) => q.until).length).toBe(1);
    expect(seqs.filter((q) => q.steps.some((s) => s.missing)).map((q) => q.steps.length)).toEqual([2, 2]);
    expect(seqs.filter((q) => q.steps.length === 1).every((q) => (q.steps[0]!.runs ?? 0) > 1)).toBe(true);
    expect(seqs.every((q) => !q.maxspan || q.maxspan.ms > 0)).toBe(true);
  });

  it('maps operators as the research table counts them', () => {
    const count = (f: (p: Predicate) => boolean) => rules.reduce((n, r) => n + predicates(r.result.query).filter((u) => f(u.predicate)).length, 0);
    // `:` literal values: 8445 plain, 4327 with * or ? (research §3, from the eql library's parse).
    expect(count((p) => p.vendorOp === ':' && p.op === 'eq')).toBe(8445);
    expect(count((p) => p.vendorOp === ':' && p.op === 'wildcard')).toBe(4327);
    // `in` list values (7923) are case-sensitive eq; `:` never is.
    expect(count((p) => p.vendorOp === 'in')).toBe(7923);
    expect(count((p) => p.vendorOp === 'in' && !(p.op === 'eq' && p.caseSensitive))).toBe(0);
    expect(count((p) => p.vendorOp === ':' && p.caseSensitive)).toBe(0);
    expect(count((p) => p.vendorOp === 'like' && !p.caseSensitive)).toBe(0);
    expect(count((p) => (p.vendorOp === 'regex' || p.vendorOp === 'regex~') && !(p.op === 'regex_match' && p.regex?.anchored))).toBe(0);
    // 39 rules call cidrmatch once each.
    expect(rules.filter((r) => predicates(r.result.query).some((u) => u.predicate.op === 'cidr')).length).toBe(39);
  });

  it('counts top-level exclusions like the research (419 rules / 633 not clauses, before flattening)', () => {
    let ruleCount = 0;
    let clauses = 0;
    let withNeq = 0;
    for (const r of rules) {
      if (r.result.query.kind !== 'filter') continue;
      const ex = topLevelExclusions(r.result.query);
      // `a != "x"` is not(eq) too; the research counted `not` keywords only.
      const kw = ex.filter((n) => !(n.type === 'predicate' && n.vendorOp === '!='));
      if (ex.length) withNeq++;
      if (kw.length) ruleCount++;
      clauses += kw.length;
    }
    // research §3 counted the literal top-level `not` conjuncts: 419 rules, 633 clauses. Flattening
    // `a and (b and not c)` and counting `x not in (...)` adds 3 rules and 4 clauses (measured on
    // the syntax tree while writing this test); `file.extension == null` (not exists) adds 1 clause.
    expect([ruleCount, clauses]).toEqual([422, 638]);
    expect(withNeq).toBe(444);
  });

  it('keeps everything it cannot express as opaque nodes with stable reasons', () => {
    const reasons: Record<string, number> = {};
    for (const r of rules) for (const o of opaqueNodes(r.result.query)) reasons[o.reason] = (reasons[o.reason] ?? 0) + 1;
    expect(reasons).toMatchInlineSnapshot(`
      {
        "comparison on a computed value (function, arithmetic or variable)": 12,
        "endsWith() whose first argument is not a field": 4,
        "endsWith~() whose first argument is not a field": 2,
        "startsWith~() whose first argument is not a field": 3,
        "startsWith~() with a computed or non-string argument": 7,
      }
    `);
  });

  it('gives every predicate a source that points at its own text in the rule file', () => {
    let checked = 0;
    for (const r of [...rules, ...hunts]) {
      for (const n of allNodes(r.result.query)) {
        if (n.type !== 'predicate' && n.type !== 'opaque') continue;
        const s = n.source!;
        const start = r.file.lineOffset(s.line!) + s.column! - 1;
        const end = r.file.lineOffset(s.endLine!) + s.endColumn! - 1;
        const slice = r.file.text.slice(start, end);
        // Whole comparisons carry their own text; a list element points at its value (its `raw`),
        // and its text names the field and operator too.
        const ok = slice === s.text || (n.type === 'predicate' ? slice === n.raw : s.text!.includes(slice));
        if (!ok) throw new Error(`${rel(r.path)}: source ${JSON.stringify(s)} does not match ${JSON.stringify(slice)}`);
        checked++;
      }
    }
    expect(checked).toBeGreaterThan(30_000);
  });

  it('honours event_category_override (13 AWS rules test event.type)', () => {
    const over = rules.filter((r) => predicates(r.result.query).some((u) => u.predicate.vendorOp === 'category' && u.predicate.field?.name === 'event.type'));
    expect(over.length).toBe(13);
  });

  it('parses the longest query (one list of 2,609 values) into one flat OR', () => {
    const big = rules.find((r) => r.path.endsWith('defense_evasion_masquerading_windows_dll.toml'))!;
    expect(big.query.length).toBe(46_906);
    const ors = allNodes(big.result.query).filter((n): n is Extract<Node, { type: 'or' }> => n.type === 'or');
    const longest = Math.max(...ors.map((o) => o.children.length));
    expect(longest).toBe(2609);
  });

  it('parses a synthetic query more than ten times longer (one list of 31,308 values) the same way', () => {
    const big = rules.find((r) => r.path.endsWith('defense_evasion_masquerading_windows_dll.toml'))!;
    const list0 = allNodes(big.result.query).find((n): n is Extract<Node, { type: 'or' }> => n.type === 'or' && n.children.length === 2609)!;
    // The list exactly as written in the rule (its OR node's source text is the whole comparison).
    const written = list0.source!.text!;
    const values = written.slice(written.indexOf('(') + 1, written.lastIndexOf(')'));
    const copies = Math.ceil((10 * big.query.length) / values.length);
    expect(copies).toBe(12);
    const synthetic = `library where dll.path : (${Array.from({ length: copies }, () => values).join(',\n')})`;
    expect(synthetic.length).toBeGreaterThan(10 * big.query.length);
    const file = new SourceFile('synthetic.eql', synthetic);
    const r = parseEql(synthetic, { file, offset: 0, limits: DEFAULT_LIMITS });
    expect(r.diagnostics).toEqual([]);
    const q = r.query as Extract<Query, { kind: 'filter' }>;
    const list = (q.filter as Extract<Node, { type: 'and' }>).children[1] as Extract<Node, { type: 'or' }>;
    expect(list.type).toBe('or');
    expect(list.children.length).toBe(copies * 2609);
  });
});
