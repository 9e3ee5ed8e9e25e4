import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { printQuery } from '../../src/ast/print.js';
import { RuleSchema } from '../../src/ast/schema.js';
import { predicates, topLevelExclusions } from '../../src/ast/walk.js';
import { printNode } from '../../src/ast/print.js';
import { locateTomlStrings } from '../../src/vendors/elastic/toml-locate.js';
import { classifyHuntQuery } from '../../src/vendors/elastic/hunt-file.js';
import { parseFile, reviewRule } from './helpers.js';

const FIX = resolve(__dirname, 'fixtures');
const DEMO = resolve(__dirname, '..', '..', 'fixtures', 'elastic');
const read = (p: string) => readFileSync(p, 'utf8');
const load = (name: string, format: Parameters<typeof parseFile>[2] = 'elastic-toml') => parseFile(name, read(resolve(FIX, name)), format);

describe('TOML rule files', () => {
  it('takes the [rule] query, not a [transform] query; maps positions through basic-string escapes', () => {
    const r = load('basic_string_query.toml');
    expect(r.diagnostics).toEqual([]);
    const rule = r.rules[0]!;
    expect(rule.diagnostics).toEqual([]);
    expect(printQuery(rule.query)).toBe('process.executable eq:cs "C:\\\\Windows\\\\System32\\\\cmd.exe" and process.args eq:cs "/c"');
    const src = predicates(rule).map((u) => u.predicate.source);
    // Line 22 col 1 is `process.executable:...`; the second clause starts on line 23 col 3.
    expect(src.map((s) => [s?.line, s?.column])).toEqual([
      [22, 1],
      [23, 3],
    ]);
    expect(src[1]?.endColumn).toBe(30); // exclusive end: just after the second \u0022 (columns 24-29)
  });
  it('ATT&CK: techniques deduplicated (upper-cased), subtechniques kept, tactics, raw ids as written', () => {
    const rule = load('basic_string_query.toml').rules[0]!;
    expect(rule.attack).toEqual({ techniques: ['T1059', 'T1059.003'], tactics: ['TA0002', 'TA0005'], raw: ['TA0002', 'T1059', 'T1059.003', 'TA0005', 't1059'] });
    expect(rule).toMatchObject({ id: '00000000-0000-4000-8000-000000000001', vendor: 'elastic', language: 'kuery', kind: 'detection', ruleType: 'query', severity: 'low', riskScore: 21, line: 11 });
    expect(rule.metadata.metadata).toMatchObject({ maturity: 'production' });
    expect(RuleSchema.parse(JSON.parse(JSON.stringify(rule)))).toEqual(rule);
  });
  it('a query syntax error gives the rule, a `none` query and a diagnostic at the file position', () => {
    const rule = load('bad_syntax.toml').rules[0]!;
    expect(rule.query).toEqual({ kind: 'none', reason: 'kuery query does not parse' });
    expect(rule.diagnostics[0]).toMatchObject({ severity: 'error', code: 'kql.syntax', path: 'bad_syntax.toml', line: 16, column: 1 });
  });
  it('a file that is not TOML is one error diagnostic with line and column', () => {
    const r = load('not_toml.toml');
    expect(r.rules).toEqual([]);
    expect(r.diagnostics).toHaveLength(1);
    expect(r.diagnostics[0]).toMatchObject({ severity: 'error', code: 'toml.syntax', line: expect.any(Number), column: expect.any(Number) });
  });
  it('CRLF files parse; positions stay on the right lines', () => {
    const rule = load('crlf.toml').rules[0]!;
    expect(rule.diagnostics).toEqual([]); // exact positions: no elastic.position.approximate
    expect(printQuery(rule.query)).toBe('process.name eq:cs "cmd.exe" and process.args eq:cs "x"');
    expect(predicates(rule).map((u) => u.predicate.source?.line)).toEqual([7, 8]);
  });
  it('threat_match keeps threat_query, threat_filters and threat_mapping in metadata and checks the threat query', () => {
    const rule = load('threat_match.toml').rules[0]!;
    expect(rule.diagnostics).toEqual([]);
    expect(printQuery(rule.query)).toBe('source.ip exists');
    expect(rule.metadata).toMatchObject({ threat_query: expect.stringContaining('threat.indicator.ip:*'), threat_mapping: [{ entries: [{ field: 'source.ip', value: 'threat.indicator.ip' }] }] });
    expect((rule.metadata.threat_filters as unknown[]).length).toBe(1);
  });
});

describe('hunting TOML', () => {
  it('one Rule per query, classified by its own language; osquery is recorded, not parsed', () => {
    const r = load('hunt.toml', 'elastic-hunt-toml');
    expect(r.rules.map((x) => [x.id, x.language, x.kind, x.query.kind])).toEqual([
      ['11111111-2222-4333-8444-555555555555:1', 'esql', 'hunt', 'aggregate'],
      ['11111111-2222-4333-8444-555555555555:2', 'eql', 'hunt', 'filter'],
      ['11111111-2222-4333-8444-555555555555:3', 'osquery', 'hunt', 'none'],
    ]);
    expect(r.rules[0]!.attack.techniques).toEqual(['T1059.001', 'T1105']);
    expect(r.rules[0]!.logsource.index).toEqual(['logs-endpoint.events.process-*']);
    expect(r.rules[0]!.diagnostics).toEqual([]);
    expect(r.rules[2]!.diagnostics.map((d) => [d.severity, d.code])).toEqual([['info', 'elastic.hunt.osquery']]);
    // The stray `sql` line is stripped and positions still point into the file (line 14: `from ...`).
    expect(r.rules[0]!.line).toBe(14);
  });
  it('classifies by first keyword, skipping comments', () => {
    expect(classifyHuntQuery('// x\nFROM a | where b == 1', [])).toBe('esql');
    expect(classifyHuntQuery('sequence by host.id [process where true]', [])).toBe('eql');
    expect(classifyHuntQuery('file where file.name == "a"', [])).toBe('eql');
    expect(classifyHuntQuery('SELECT 1', [])).toBe('osquery');
    expect(classifyHuntQuery('weird', ['ES|QL'])).toBe('esql');
  });
});

describe('NDJSON exports', () => {
  it('parses rule lines, maps positions through JSON escapes, reports bad lines and skips the summary', () => {
    const r = load('export.ndjson', 'elastic-ndjson');
    expect(r.rules).toHaveLength(1);
    const rule = r.rules[0]!;
    expect(printQuery(rule.query)).toBe('process.name eq:cs "cmd.exe" and process.args eq:cs "/c"');
    expect(predicates(rule).map((u) => [u.predicate.source?.line, u.predicate.source?.column])).toEqual([
      [1, 118],
      [1, 150],
    ]);
    expect(r.diagnostics.map((d) => [d.severity, d.code, d.line])).toEqual([
      ['error', 'json.syntax', 2],
      ['info', 'elastic.ndjson.summary', 3],
    ]);
  });
});

describe('toml-locate', () => {
  it('records string paths through tables, arrays of tables, inline tables and multi-line strings', () => {
    const t = `a = "x"\n[rule]\nq = '''\n[not.a.header]\n'''\n[[rule.threat]]\nid = 'T1'\n[hunt]\nquery = [\n'''one''',\n"two", # c\n]\nt = { k = "v" }\n`;
    const l = locateTomlStrings(t);
    expect(l.strings.map((s) => [s.path, s.kind, t.slice(s.start, s.end)])).toEqual([
      ['a', 'basic', 'x'],
      ['rule.q', 'ml-literal', '[not.a.header]\n'],
      ['rule.threat.id', 'literal', 'T1'],
      ['hunt.query', 'ml-literal', 'one'],
      ['hunt.query', 'basic', 'two'],
      ['hunt.t.k', 'basic', 'v'],
    ]);
    expect(l.headers.map((h) => h.name)).toEqual(['rule', 'rule.threat', 'hunt']);
  });
});

describe('demo fixtures (fixtures/elastic)', () => {
  const files = ['powershell_encoded_command.toml', 'rundll32_script_protocol.toml', 'lsass_access_rare_source.toml', 'mailbox_export_burst.toml', 'mail_access_new_app.toml', 'procdump_lsass_with_filters.toml', 'ml_rare_powershell_parent.toml', 'rundll32_network_sequence.toml'];
  const rules = files.flatMap((f) => parseFile(f, read(resolve(DEMO, f))).rules);
  const ndjson = parseFile('kibana_export.ndjson', read(resolve(DEMO, 'kibana_export.ndjson')), 'elastic-ndjson');
  it('every demo rule parses without errors and carries its techniques', () => {
    expect(rules).toHaveLength(8);
    for (const r of [...rules, ...ndjson.rules]) expect(r.diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
    const techniques = new Set([...rules, ...ndjson.rules].flatMap((r) => r.attack.techniques));
    for (const t of ['T1114.002', 'T1059.001', 'T1218.011', 'T1003.001']) expect(techniques.has(t)).toBe(true);
  });
  it('threshold -> aggregate with count and cardinality; ML -> no query; filters -> top-level exclusions', () => {
    const byType = Object.fromEntries(rules.map((r) => [r.ruleType + ':' + r.language, r]));
    const thr = byType['threshold:kuery']!;
    expect(thr.query.kind === 'aggregate' && [thr.query.groupBy, thr.query.conditions.map((c) => c.text)]).toEqual([[{ name: 'user.id' }], ['count >= 3', 'cardinality(o365.audit.Parameters.Mailbox) >= 2']]);
    expect(byType['machine_learning:none']!.query.kind).toBe('none');
    const filt = rules.find((r) => r.title.startsWith('Memory Dump'))!;
    expect(topLevelExclusions(filt).map((n) => printNode(n))).toEqual(['process.parent.executable wildcard "?:\\\\\\\\Program Files\\\\\\\\Vendor Diagnostics\\\\\\\\*"', 'process.Ext.authentic_code_signature exists']);
    const nt = byType['new_terms:kuery']!;
    expect(nt.query.kind).toBe('filter');
    expect(nt.metadata.new_terms).toMatchObject({ value: ['o365.audit.ClientAppId', 'user.id'] });
    expect(nt.metadata.alert_suppression).toMatchObject({ group_by: ['user.id'] });
  });
  it('review snapshot of the demo rules (EQL bodies belong to the EQL parser: only their shape here)', () => {
    const review = (r: (typeof rules)[number]) => (r.language === 'eql' ? `${r.id} [eql/${r.ruleType}] ${r.title}: ${r.query.kind}, ${predicates(r).length > 0 ? 'has predicates' : 'no predicates'}` : reviewRule(r));
    expect([...rules, ...ndjson.rules].map(review).join('\n\n')).toMatchSnapshot();
  });
});

describe('positions inside embedded queries', () => {
  it('KQL inside an ES|QL KQL("""...""") call points at the file line and column', () => {
    const toml = `[rule]\nrule_id = "k"\nname = "k"\ntype = "esql"\nlanguage = "esql"\nquery = '''\nFROM logs-*\n| WHERE KQL("""event.action:executed and\n   process.name:curl""")\n'''\n`;
    const rule = parseFile('k.toml', toml).rules[0]!;
    expect(rule.diagnostics).toEqual([]);
    expect(predicates(rule).map((u) => [u.predicate.source?.text, u.predicate.source?.line, u.predicate.source?.column])).toEqual([
      ['event.action:executed', 8, 16],
      ['process.name:curl', 9, 4],
    ]);
  });
  it('a KQL syntax error inside KQL("...") with escapes is reported at its file position', () => {
    const toml = `[rule]\nrule_id = "k"\nname = "k"\ntype = "esql"\nlanguage = "esql"\nquery = '''\nFROM logs-* | WHERE KQL("a:\\"x\\" and (b:1")\n'''\n`;
    const rule = parseFile('k.toml', toml).rules[0]!;
    const d = rule.diagnostics.find((x) => x.code === 'kql.syntax')!;
    // The KQL text ends (a ")" is missing) where the ES|QL string closes: column 42.
    expect(d).toMatchObject({ line: 7, column: 42 });
  });
});
