/**
 * The real detection-rules corpus (../shared/corpora/elastic): every query
 * must parse with no error diagnostic. Counts come from
 * /work/shared/research/elastic.md and were re-measured here.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, expect, it } from 'vitest';
import { RuleSchema, type Rule, type Diagnostic } from '../../src/ast/schema.js';
import { opaqueNodes, predicates, topLevelExclusions } from '../../src/ast/walk.js';
import { formatDiagnostic } from '../../src/core/diagnostics.js';
import { corpus, describeCorpus } from '../helpers/corpora.js';
import { parseFile } from './helpers.js';

function tomlFiles(dir: string, out: string[] = []): string[] {
  for (const e of readdirSync(dir).sort()) {
    const p = join(dir, e);
    if (statSync(p).isDirectory()) walkDir(p, out);
    else if (p.endsWith('.toml')) out.push(p);
  }
  return out;
}
const walkDir = tomlFiles;

describeCorpus('elastic corpus', () => {
  let rules: Rule[] = [];
  let fileDiags: Diagnostic[] = [];
  let hunts: Rule[] = [];
  let huntFileDiags: Diagnostic[] = [];

  beforeAll(() => {
    for (const f of [...tomlFiles(corpus('elastic', 'rules')), ...tomlFiles(corpus('elastic', 'rules_building_block'))]) {
      const r = parseFile(f, readFileSync(f, 'utf8'));
      rules.push(...r.rules);
      fileDiags.push(...r.diagnostics);
    }
    for (const f of tomlFiles(corpus('elastic', 'hunting'))) {
      const text = readFileSync(f, 'utf8');
      if (!/^\[hunt\]/m.test(text)) continue;
      const r = parseFile(f, text, 'elastic-hunt-toml');
      hunts.push(...r.rules);
      huntFileDiags.push(...r.diagnostics);
    }
  });

  it('2,068 rules, 1,962 queries, all without error diagnostics', () => {
    expect(fileDiags.map(formatDiagnostic)).toEqual([]);
    expect(rules).toHaveLength(2068);
    const errors = rules.flatMap((r) => r.diagnostics.filter((d) => d.severity === 'error').map(formatDiagnostic));
    expect(errors).toEqual([]);
    expect(rules.filter((r) => r.queryText !== undefined)).toHaveLength(1962);
    const byLang: Record<string, number> = {};
    for (const r of rules) byLang[r.language] = (byLang[r.language] ?? 0) + 1;
    expect(byLang).toEqual({ eql: 1024, kuery: 729, esql: 209, none: 106 });
  });

  it('every query yields a query shape with predicates; the 106 ML rules have none and keep their techniques', () => {
    const ml = rules.filter((r) => r.ruleType === 'machine_learning');
    expect(ml).toHaveLength(106);
    for (const r of ml) {
      expect(r.query.kind).toBe('none');
      expect(r.attack.techniques.length + r.attack.tactics.length).toBeGreaterThan(0);
    }
    const noQuery = rules.filter((r) => r.ruleType !== 'machine_learning' && r.query.kind === 'none');
    expect(noQuery.map((r) => r.path)).toEqual([]);
    // A rule whose query parsed but produced no predicate at all is suspicious, unless it is a
    // pure aggregation (one ES|QL rule filters only on aggregated token counts).
    const empty = rules.filter((r) => r.query.kind !== 'none' && predicates(r).length === 0);
    expect(empty.map((r) => r.path.replace(/.*\/rules\//, ''))).toEqual(['integrations/aws_bedrock/aws_bedrock_high_resource_consumption_detection.toml']);
    expect(empty[0]!.query.kind === 'aggregate' && empty[0]!.query.conditions.map((c) => `${c.fn} ${c.op} ${c.value}`)).toEqual(['max gt 5000', 'count gt 10', 'avg gt 500', 'Esql.ml_risk_score gt 10']);
  });

  it('the only non-error diagnostics are the documented ones', () => {
    const codes: Record<string, number> = {};
    for (const r of rules) for (const d of r.diagnostics) codes[`${d.severity}:${d.code}`] = (codes[`${d.severity}:${d.code}`] ?? 0) + 1;
    // One single-escaped filter value (rules/windows/defense_evasion_posh_assembly_load.toml).
    expect(codes['warning:elastic.filter.escape']).toBe(1);
    expect(codes['info:elastic.position.approximate'] ?? 0).toBe(0);
  });

  it('rule types map to query shapes: threshold -> aggregate, esql with STATS -> aggregate, filters -> top-level not()', () => {
    const thr = rules.filter((r) => r.ruleType === 'threshold');
    expect(thr).toHaveLength(28);
    expect(thr.every((r) => r.query.kind === 'aggregate' && r.query.conditions[0]?.fn === 'count')).toBe(true);
    expect(thr.filter((r) => r.query.kind === 'aggregate' && r.query.conditions.some((c) => c.fn === 'dc'))).toHaveLength(18);
    const esqlAgg = rules.filter((r) => r.language === 'esql' && r.query.kind === 'aggregate');
    expect(esqlAgg.length).toBeGreaterThanOrEqual(161);
    // 18 rules carry 42 negated filters; each one is a top-level exclusion.
    const withFilters = rules.filter((r) => Array.isArray(r.metadata.filters));
    expect(withFilters).toHaveLength(18);
    let filterCount = 0;
    for (const r of withFilters) {
      const n = (r.metadata.filters as unknown[]).length;
      filterCount += n;
      const ex = topLevelExclusions(r).filter((e) => e.type === 'predicate' && e.vendorOp?.startsWith('dsl:'));
      expect(ex.length, r.path).toBe(n);
    }
    expect(filterCount).toBe(42);
  });

  it('techniques: deduplicated per rule, upper-case ids; index, integrations and datasets kept', () => {
    for (const r of rules) {
      expect(new Set(r.attack.techniques).size).toBe(r.attack.techniques.length);
      for (const t of r.attack.techniques) expect(t).toMatch(/^T\d{4}(\.\d{3})?$/);
    }
    expect(rules.filter((r) => r.attack.techniques.length > 0).length).toBe(1983);
    expect(rules.filter((r) => r.logsource.index?.length).length).toBe(1753 + 209);
    expect(rules.filter((r) => r.logsource.datasets?.length).length).toBeGreaterThan(500);
    expect(rules.filter((r) => r.logsource.integrations?.length).length).toBe(2013);
  });

  it('every rule is valid against the AST schema', () => {
    for (const r of rules) RuleSchema.parse(r);
  });

  it('the longest query (46,906 characters, a list of 2,609 values) parses', () => {
    const r = rules.find((x) => x.path.endsWith('defense_evasion_masquerading_windows_dll.toml'))!;
    expect(r.queryText!.length).toBe(46906);
    expect(r.diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
    expect(predicates(r).length).toBeGreaterThan(2609);
  });

  it('a synthetic query ten times longer (26,090 list values) parses through the rule-file layer', () => {
    const r = rules.find((x) => x.path.endsWith('defense_evasion_masquerading_windows_dll.toml'))!;
    const q = r.queryText!;
    // Repeat the biggest list's values ten times inside the same list
    // (a quote-aware scan: paths such as "Program Files (x86)" contain parentheses).
    const closeOf = (open: number): number => {
      let inStr = false;
      let depth = 0;
      for (let i = open; i < q.length; i++) {
        const c = q[i];
        if (inStr) {
          if (c === '\\') i++;
          else if (c === '"') inStr = false;
        } else if (c === '"') inStr = true;
        else if (c === '(') depth++;
        else if (c === ')' && --depth === 0) return i;
      }
      return -1;
    };
    // The largest `field : ( ... )` group holding only values (no and/or/not outside strings).
    const onlyValues = (t: string) => !/\b(and|or|not)\b/.test(t.replace(/"(?:[^"\\]|\\.)*"/g, '""'));
    let open = -1;
    let close = -1;
    for (let at = q.indexOf(': ('); at !== -1; at = q.indexOf(': (', at + 1)) {
      const o = at + 2;
      const e = closeOf(o);
      if (e - o > close - open && onlyValues(q.slice(o, e))) [open, close] = [o, e];
    }
    const values = q.slice(open + 1, close);
    expect(values.split('",').length).toBeGreaterThanOrEqual(2609);
    const big = q.slice(0, open + 1) + Array.from({ length: 10 }, () => values).join(',\n') + q.slice(close);
    expect(big.length).toBeGreaterThan(10 * 40_000);
    const toml = `[rule]\nrule_id = "big"\nname = "big"\ntype = "eql"\nlanguage = "eql"\nquery = '''\n${big}\n'''\n`;
    const out = parseFile('big.toml', toml).rules[0]!;
    expect(out.diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
    expect(predicates(out).length).toBeGreaterThan(26_090);
  });

  it('ES|QL: opaque parts are a minority and each has a reason', () => {
    const esql = rules.filter((r) => r.language === 'esql');
    let preds = 0;
    let opaque = 0;
    for (const r of esql) {
      preds += predicates(r).length;
      const o = opaqueNodes(r.query);
      opaque += o.length;
      for (const n of o) expect(n.reason.length).toBeGreaterThan(0);
    }
    expect(preds).toBeGreaterThan(5 * opaque);
  });

  it('hunting: 239 queries (165 ES|QL, 61 osquery, 13 EQL); all parse but 5 that Elasticsearch rejects too', () => {
    expect(huntFileDiags).toEqual([]);
    const byLang: Record<string, number> = {};
    for (const r of hunts) byLang[r.language] = (byLang[r.language] ?? 0) + 1;
    expect(byLang).toEqual({ esql: 165, osquery: 61, eql: 13 });
    const failing = hunts
      .filter((r) => r.diagnostics.some((d) => d.severity === 'error'))
      .map((r) => r.path.replace(/.*\/hunting\//, '') + ' ' + r.diagnostics.find((d) => d.severity === 'error')!.code)
      .sort();
    // Each of these is invalid ES|QL in the corpus: `=` for `==`, a dangling `or` before `)`,
    // `name = by ...` with no aggregation, `field .caseless` (space), `now(-)`.
    expect(failing).toEqual([
      'aws/queries/servicequotas_discovery_multi_region_get_service_quota_calls.toml esql.syntax',
      'azure/queries/entra_authentication_attempts_behind_rare_user_agents.toml esql.syntax',
      'okta/queries/credential_access_rapid_reset_password_requests_for_different_users.toml esql.syntax',
      'windows/queries/execution_via_remote_services_by_client_address.toml esql.syntax',
      'windows/queries/execution_via_windows_scheduled_task_with_low_occurrence_frequency.toml esql.syntax',
    ]);
    for (const r of hunts.filter((x) => x.language === 'eql')) expect(r.diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
  });
});
