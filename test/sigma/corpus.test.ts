/**
 * The real SigmaHQ corpus (../shared/corpora/sigma, rules* folders): every
 * rule parses without an error diagnostic, and the parse agrees with the
 * numbers measured with pySigma in ../shared/research/sigma.md.
 */
import { readFileSync, readdirSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { isDeepStrictEqual } from 'node:util';
import { beforeAll, expect, it } from 'vitest';
import { SourceFile } from '../../src/core/source-file.js';
import { DEFAULT_LIMITS } from '../../src/core/limits.js';
import { formatDiagnostic } from '../../src/core/diagnostics.js';
import { parseSigmaFile, linkSigmaRules } from '../../src/vendors/sigma/index.js';
import { RuleSchema, type Diagnostic, type Rule } from '../../src/ast/schema.js';
import { predicates, topLevelExclusions } from '../../src/ast/walk.js';
import { corpus, describeCorpus } from '../helpers/corpora.js';

function ruleFiles(): string[] {
  const root = corpus('sigma');
  const out: string[] = [];
  const walkDir = (d: string) => {
    for (const e of readdirSync(d).sort()) {
      const p = join(d, e);
      if (statSync(p).isDirectory()) walkDir(p);
      else if (/\.ya?ml$/.test(e)) out.push(p);
    }
  };
  for (const d of readdirSync(root).sort()) if (d.startsWith('rules')) walkDir(join(root, d));
  return out;
}

describeCorpus('Sigma corpus (SigmaHQ rules*)', () => {
  let rules: Rule[] = [];
  let fileDiags: Diagnostic[] = [];
  let files: string[] = [];
  beforeAll(() => {
    files = ruleFiles();
    for (const f of files) {
      const r = parseSigmaFile(new SourceFile(relative(corpus('sigma'), f), readFileSync(f, 'utf8')), { limits: DEFAULT_LIMITS });
      rules.push(...r.rules);
      fileDiags.push(...r.diagnostics);
    }
    rules = linkSigmaRules(rules).rules;
  });

  it('all 3,780 rules parse with no error diagnostics (failures are printed)', () => {
    expect(files.length).toBe(3780);
    expect(rules.length).toBe(3780);
    const errors = [...fileDiags, ...rules.flatMap((r) => r.diagnostics)].filter((d) => d.severity === 'error');
    expect(errors.map(formatDiagnostic)).toEqual([]);
  });

  it('every rule matches the AST schema and every predicate points at its YAML line', () => {
    const bad: string[] = [];
    let noSource = 0;
    for (const r of rules) {
      const res = RuleSchema.safeParse(r);
      if (!res.success) bad.push(`${r.path}: ${res.error.message.slice(0, 200)}`);
      for (const u of predicates(r)) if (!u.predicate.source?.line || !u.predicate.source.text) noSource++;
    }
    expect(bad).toEqual([]);
    expect(noSource).toBe(0);
  });

  it('rules are plain data: they survive structuredClone (worker threads) and a JSON round-trip unchanged', () => {
    const changed = rules.filter((r) => !isDeepStrictEqual(structuredClone(r), r) || !isDeepStrictEqual(JSON.parse(JSON.stringify(r)), r));
    expect(changed.map((r) => r.path)).toEqual([]);
  });

  it('ATT&CK tags agree with the research counts (3,309 rules with a technique, 400 distinct)', () => {
    expect(rules.filter((r) => r.attack.techniques.length).length).toBe(3309);
    expect(new Set(rules.flatMap((r) => r.attack.techniques)).size).toBe(400);
    expect(rules.every((r) => r.attack.techniques.every((t) => /^T\d{4}(\.\d{3})?$/.test(t)))).toBe(true);
    // v19 tactic names are kept as written.
    expect(rules.filter((r) => r.attack.tactics.includes('stealth')).length).toBe(1094);
    expect(rules.filter((r) => r.attack.tactics.includes('defense-impairment')).length).toBe(415);
  });

  it('value kinds agree with pySigma parse-tree totals (regex 217, CIDR 365, null 96, fieldref 5, bool 4, keywords 736)', () => {
    const c = { regex: 0, cidr: 0, nul: 0, ref: 0, bool: 0, match: 0 };
    for (const r of rules)
      for (const { predicate: p } of predicates(r)) {
        if (p.op === 'regex_match') c.regex++;
        if (p.op === 'cidr') c.cidr++;
        if (p.op === 'eq' && p.value === null && !p.ref) c.nul++;
        if (p.ref) c.ref++;
        if (typeof p.value === 'boolean') c.bool++;
        if (p.op === 'match') c.match++;
      }
    expect(c).toEqual({ regex: 217, cidr: 365, nul: 96, ref: 5, bool: 4, match: 736 });
  });

  it('exclusions agree with the research: 791 rules have a top-level NOT, 825 contain a NOT', () => {
    expect(rules.filter((r) => topLevelExclusions(r).length > 0).length).toBe(791);
    const hasNot = (r: Rule) => JSON.stringify(r.query).includes('"type":"not"');
    expect(rules.filter(hasNot).length).toBe(825);
  });

  it('warnings are limited to known, explained cases', () => {
    const warnings = rules.flatMap((r) => r.diagnostics).filter((d) => d.severity === 'warning');
    expect(warnings.map(formatDiagnostic)).toEqual([]);
  });
});
