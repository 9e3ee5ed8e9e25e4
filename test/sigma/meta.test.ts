/** Correlation rules, filter (meta-filter) documents and legacy multi-document collections. */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { printQuery } from '../../src/ast/print.js';
import { RuleSchema } from '../../src/ast/schema.js';
import { codes, exclusions, parseLinked, parseText } from './helpers.js';
import { linkSigmaRules } from '../../src/vendors/sigma/index.js';

const fixture = (name: string) => readFileSync(join(__dirname, 'fixtures', name), 'utf8');
const show = (r: { query: Parameters<typeof printQuery>[0] }) => printQuery(r.query, { fieldNames: 'written', width: 200 });

describe('correlation rules', () => {
  const parsed = parseText(fixture('correlation.yml'), { path: 'correlation.yml' });
  const rules = parseLinked(fixture('correlation.yml'), { path: 'correlation.yml' });
  it('every document becomes a rule; correlation documents have the correlation shape', () => {
    expect(rules.map((r) => `${r.kind} ${r.line} ${show(r)}`)).toMatchInlineSnapshot(`
      [
        "detection 1 EventID eq 4625",
        "detection 14 EventID eq 4624",
        "correlation 27 correlation event_count rules("failed_logon") by IpAddress, TargetUserName timespan=10m where count >= 20",
        "correlation 45 correlation value_count rules("5b7a2c40-1f0e-4f5c-9a53-0c2f4d7b1a01") by IpAddress timespan=1h where dc(TargetUserName) > 10",
        "correlation 57 correlation temporal_ordered rules("failed_logon", "successful_logon") by src timespan=15m where distinct_rules >= 2",
        "correlation 74 correlation temporal rules("failed_logon", "successful_logon", "missing_rule") by TargetUserName timespan=2d where distinct_rules >= 3",
        "correlation 86 correlation value_sum rules("successful_logon") by TargetUserName timespan=1d where sum(Bytes) >= 1000000",
        "correlation 97 correlation value_avg rules("successful_logon") timespan=1w where avg(LogonType) < 3",
        "correlation 107 correlation value_percentile rules("successful_logon") by Computer timespan=30s where percentile(Duration) > 500",
      ]
    `);
    for (const r of rules) expect(() => RuleSchema.parse(r)).not.toThrow();
  });
  it('aliases, generate, tags and metadata are kept', () => {
    const c = rules.find((r) => r.title === 'Brute force followed by success')!;
    expect(c.query).toMatchObject({ kind: 'correlation', aliases: { src: { failed_logon: 'IpAddress', successful_logon: 'SourceAddress' } }, generate: true });
    const first = rules.find((r) => r.title === 'Many failed logons from one source')!;
    expect(first.attack).toEqual({ techniques: ['T1110.001'], tactics: ['credential-access'], raw: ['attack.credential-access', 'attack.t1110.001'] });
    expect(rules.find((r) => r.title === 'Slow logons')!.metadata.percentile).toBe(95);
  });
  it('link marks the rules a correlation uses and reports unknown references', () => {
    const failed = rules.find((r) => r.title === 'Failed logon')!;
    expect(failed.metadata.correlatedBy).toEqual(['5b7a2c40-1f0e-4f5c-9a53-0c2f4d7b1a03', '5b7a2c40-1f0e-4f5c-9a53-0c2f4d7b1a04', '5b7a2c40-1f0e-4f5c-9a53-0c2f4d7b1a05', '5b7a2c40-1f0e-4f5c-9a53-0c2f4d7b1a06']);
    expect(failed.metadata.generate).toBe(true);
    const both = rules.find((r) => r.title === 'Both logon outcomes')!;
    expect(both.diagnostics.map((d) => `${d.severity} ${d.code}`)).toEqual(['warning sigma.correlation.unknown-rule']);
    expect(parsed.rules.flatMap((r) => r.diagnostics)).toEqual([]);
  });
  it('invalid correlations are diagnostics', () => {
    const base = (body: string) => `title: c\nid: x\ncorrelation:\n${body}`;
    expect(codes(base('    type: event_sum\n    rules: [a]\n    timespan: 1m\n    condition: {gt: 1}'))).toEqual(['sigma.correlation.type']);
    expect(codes(base('    type: event_count\n    rules: [a]\n    timespan: 1 minute\n    condition: {gt: 1}'))).toEqual(['sigma.correlation.timespan']);
    expect(codes(base('    type: event_count\n    rules: [a]\n    condition: {gt: 1}'))).toEqual(['sigma.correlation.timespan']);
    expect(codes(base('    type: value_count\n    rules: [a]\n    timespan: 1m\n    condition: {gt: 1}'))).toEqual(['sigma.correlation.field']);
    expect(codes(base('    type: event_count\n    timespan: 1m\n    condition: {gt: 1}'))).toEqual(['sigma.correlation.rules']);
    expect(codes(base('    type: event_count\n    rules: [a]\n    timespan: 1m'))).toEqual(['sigma.correlation.condition']);
    expect(codes(base('    type: event_count\n    rules: [a]\n    timespan: 1m\n    condition: {gt: 1, lt: 9}'))).toEqual(['sigma.correlation.condition']);
    expect(codes(base('    type: event_count\n    rules: [a]\n    timespan: 1m\n    condition: {more: 1}'))).toEqual(['sigma.correlation.condition', 'sigma.correlation.condition']);
    expect(codes(base('    type: event_count\n    rules: [a]\n    timespan: 1m\n    condition: {gt: 1}\n    generate: yes'))).toEqual(['sigma.correlation.generate']);
    expect(codes(base('    type: value_percentile\n    rules: [a]\n    timespan: 1m\n    condition: {field: f, gt: 1}'))).toEqual(['sigma.correlation.percentile']);
    expect(codes(base('    type: event_count\n    rules: [a]\n    timespan: 1m\n    condition: {gt: 1}\n    aliases: [a]'))).toEqual(['sigma.correlation.aliases']);
    expect(codes(base('    type: temporal\n    rules: [a, b]\n    timespan: 1m\n    condition: a and b'))).toEqual(['sigma.correlation.extended-condition']);
    expect(codes(base('    - not a map'))).toEqual(['sigma.correlation.invalid']);
    expect(codes(base('    type: event_count\n    rules: [a]\n    group-by: {a: 1}\n    timespan: 1m\n    condition: {gt: 1}'))).toEqual(['sigma.correlation.group-by']);
    // pySigma's value_median is a 50th percentile.
    const median = parseText(base('    type: value_median\n    rules: [a]\n    timespan: 1m\n    condition: {field: f, gt: 1}'));
    expect(median.rules[0]!.query).toMatchObject({ correlationType: 'value_percentile', condition: { fn: 'percentile', field: { name: 'f' } } });
    expect(median.rules[0]!.metadata.percentile).toBe(50);
  });
});

describe('filter documents', () => {
  const rules = parseLinked(fixture('filter.yml'), { path: 'filter.yml' });
  it('a filter is emitted as a rule of kind filter whose query is its condition', () => {
    const f = rules.filter((r) => r.kind === 'filter');
    expect(f.map((r) => `${r.title}: ${show(r)}`)).toMatchInlineSnapshot(`
      [
        "Exclude admin workstations: not ComputerName wildcard "ADM-*"",
        "Exclude test hosts everywhere on Windows: not (ComputerName eq "TEST-1" or ComputerName eq "TEST-2")",
        "Filter for a rule that is not loaded: not User eq "x"",
      ]
    `);
  });
  it('link ANDs each matching filter into its target rules, keeping exclusions top-level', () => {
    const whoami = rules.find((r) => r.title === 'Suspicious whoami')!;
    expect(show(whoami)).toMatchInlineSnapshot(`"Image wildcard "*\\\\\\\\whoami.exe" and not User wildcard "*SYSTEM*" and not ComputerName wildcard "ADM-*" and not (ComputerName eq "TEST-1" or ComputerName eq "TEST-2")"`);
    expect(exclusions(whoami)).toMatchInlineSnapshot(`
      [
        "User wildcard "*SYSTEM*"",
        "ComputerName wildcard "ADM-*"",
        "ComputerName eq "TEST-1" or ComputerName eq "TEST-2"",
      ]
    `);
    expect(whoami.metadata.appliedFilters).toEqual(['9d4f6a1e-2c3b-4d5e-8f90-a1b2c3d4e503', '9d4f6a1e-2c3b-4d5e-8f90-a1b2c3d4e504']);
  });
  it('a filter applies only to rules whose logsource it contains', () => {
    const linux = rules.find((r) => r.title === 'Linux whoami')!;
    expect(show(linux)).toBe('Image wildcard "*/whoami"');
    expect(linux.metadata.appliedFilters).toBeUndefined();
  });
  it('a filter naming a rule that is not loaded gets a warning', () => {
    const f = rules.find((r) => r.title === 'Filter for a rule that is not loaded')!;
    expect(f.diagnostics.map((d) => d.code)).toEqual(['sigma.filter.unknown-rule']);
  });
  it('invalid filters are diagnostics', () => {
    const base = (body: string, ls = 'logsource:\n    product: windows\n') => `title: f\nid: y\n${ls}filter:\n${body}`;
    expect(codes(base('    sel:\n        A: 1\n    condition: not sel'))).toEqual(['sigma.filter.rules']);
    expect(codes(base('    rules: any\n    sel:\n        A: 1\n    condition: not sel', ''))).toEqual(['sigma.filter.logsource']);
    expect(codes(base('    rules: any\n    sel:\n        A: 1\n    condition: [not sel]'))).toEqual(['sigma.condition.type']);
    expect(codes(base('    rules: any\n    sel:\n        A: 1\n    condition: not sel | count() > 5'))).toEqual(['sigma.condition.legacy-aggregation']);
    expect(codes(base('    - x'))).toEqual(['sigma.filter.invalid']);
  });
});

describe('legacy collections (action: global / reset / repeat)', () => {
  it('the global template is merged into each following document until reset', () => {
    const rules = parseLinked(fixture('global-action.yml'), { path: 'global-action.yml' });
    // Rules of one legacy collection share an id: later ones get `#n` (ids are keys downstream).
    expect(rules.map((r) => r.id)).toEqual(['7c1e0a55-3d2b-4e6f-9a1c-0b2d3e4f5a61', '7c1e0a55-3d2b-4e6f-9a1c-0b2d3e4f5a61#2', '7c1e0a55-3d2b-4e6f-9a1c-0b2d3e4f5a62']);
    expect(rules.map((r) => `${r.title} [${r.logsource.product}/${r.logsource.service}] line ${r.line}: ${show(r)}`)).toMatchInlineSnapshot(`
      [
        "Remote service installation [windows/system] line 13: ServiceName wildcard "*remote*" and EventID eq 7045",
        "Remote service installation [windows/security] line 19: ServiceName wildcard "*remote*" and EventID eq 4697",
        "Standalone after reset [windows/system] line 27: EventID eq 7036",
      ]
    `);
    expect(rules.flatMap((r) => r.diagnostics.map((d) => `${d.severity} ${d.code}`))).toEqual(['info sigma.rule.id-duplicate']);
    // Predicates keep pointing at the document they were written in.
    const second = rules[1]!;
    const f = second.query.kind === 'filter' && second.query.filter.type === 'and' ? second.query.filter.children[1] : null;
    expect(f && f.type === 'predicate' && f.source?.line).toBe(23);
  });
  it('the same id in two files is kept and flagged at link time', () => {
    const a = parseText('title: a\nid: same\nlogsource: {product: windows}\ndetection:\n    sel: {A: 1}\n    condition: sel\n', { path: 'a.yml' }).rules;
    const b = parseText('title: b\nid: same\nlogsource: {product: windows}\ndetection:\n    sel: {A: 2}\n    condition: sel\n', { path: 'b.yml' }).rules;
    const linked = linkSigmaRules([...a, ...b]).rules;
    expect(linked.map((r) => `${r.path} ${r.id} ${r.diagnostics.map((d) => d.code).join(',')}`)).toEqual(['a.yml same ', 'b.yml same sigma.rule.id-duplicate']);
  });
  it('repeat merges into the previous rule; unknown actions are errors', () => {
    const text = 'title: a\nid: a1\nlogsource: {product: windows}\ndetection:\n    sel: {A: 1}\n    condition: sel\n---\naction: repeat\nid: a2\ndetection:\n    sel: {A: 2}\n---\naction: merge\n';
    const r = parseText(text);
    expect(r.rules.map((x) => `${x.id} ${show(x)}`)).toEqual(['a1 A eq 1', 'a2 A eq 2']);
    expect(r.diagnostics.map((d) => d.code)).toEqual(['sigma.collection.action']);
  });
});
