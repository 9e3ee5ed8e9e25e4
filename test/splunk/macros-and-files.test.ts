/**
 * Macro expansion (arguments, recursion, cycles, unknown macros, limits,
 * user overrides), .conf files, detection YAML to Rule, data_source parsing.
 */
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { printNode, printQuery } from '../../src/ast/print.js';
import { RuleSchema } from '../../src/ast/schema.js';
import { DEFAULT_LIMITS } from '../../src/core/limits.js';
import { SourceFile } from '../../src/core/source-file.js';
import { parseConf } from '../../src/vendors/splunk/conf.js';
import { dataSourceEvents } from '../../src/vendors/splunk/data-source.js';
import { expandMacros, parseMacroCall } from '../../src/vendors/splunk/expand.js';
import { splunkVendor } from '../../src/vendors/splunk/index.js';
import { filterMacroName } from '../../src/vendors/splunk/rule.js';
import { emptyState } from '../../src/vendors/splunk/state.js';
import { codes, f, run, stateWith } from './helpers.js';

const FIX = resolve(__dirname, 'fixtures');
const opts = { limits: DEFAULT_LIMITS };
const file = (p: string) => new SourceFile(p, readFileSync(p, 'utf8'));

function stateFromFixtures(vendorOptions?: Record<string, unknown>) {
  const st = splunkVendor.createState({ ...opts, ...(vendorOptions ? { vendorOptions } : {}) });
  for (const n of ['cycle_a.yml', 'cycle_b.yml', 'two_args.yml', 'sysmon.yml']) splunkVendor.loadSupport!(file(resolve(FIX, 'macros', n)), { format: 'splunk-macro-yaml', vendor: 'splunk', role: 'support' }, st, opts);
  const confDiags = splunkVendor.loadSupport!(file(resolve(FIX, 'macros.conf')), { format: 'splunk-macros-conf', vendor: 'splunk', role: 'support' }, st, opts);
  return { st, confDiags };
}

describe('macro expansion', () => {
  it('expands recursively, with positional and named arguments, wrapping predicate macros in parentheses', () => {
    const st = stateWith({ outer: 'x=1 OR `inner(a, "b,c")`', 'inner(2)': '$arg1$=$arg2$' });
    expect(expandMacros('`outer` y=2', st, DEFAULT_LIMITS).text).toBe('(x=1 OR (a=b,c)) y=2');
    const { st: s2 } = stateFromFixtures();
    expect(expandMacros('`two_args(value="v 1", field=f)`', s2, DEFAULT_LIMITS).text).toBe('(f="v 1")');
  });
  it('never expands inside quoted strings; comments become blanks of the same length', () => {
    const st = stateWith({ m: 'a=1' });
    const e = expandMacros('x="`m`" ```c `m` |``` `m`', st, DEFAULT_LIMITS);
    expect(e.text).toBe('x="`m`" ' + ' '.repeat('```c `m` |```'.length) + ' (a=1)');
  });
  it('reports cycles, unknown macros (kept as opaque parts) and arity mismatches', () => {
    const { st } = stateFromFixtures();
    const r = run('`cycle_a` `nope` `two_args(x)`', {}, {}, st);
    expect(codes(r.diagnostics)).toEqual(['error spl.macro.cycle', 'warning spl.macro.unknown', 'warning spl.macro.unknown']);
    expect(r.diagnostics[0]!.message).toBe('macro cycle: cycle_a -> cycle_b -> cycle_a');
    expect(f('`nope` a=1', {})).toBe('opaque("`nope`", "unexpanded macro") and a eq 1');
  });
  it('enforces the depth and size limits', () => {
    const chain: Record<string, string> = {};
    for (let i = 0; i < 40; i++) chain[`m${i}`] = `\`m${i + 1}\``;
    chain.m40 = 'a=1';
    expect(codes(run('`m0`', chain).diagnostics)).toEqual(['error spl.macro.depth-limit']);
    const bomb: Record<string, string> = { b0: 'x' };
    for (let i = 1; i <= 20; i++) bomb[`b${i}`] = `\`b${i - 1}\` \`b${i - 1}\``;
    const r = run('`b20`', bomb, { maxExpandedChars: 100_000 });
    expect(codes(r.diagnostics)).toContain('error spl.macro.size-limit');
  });
  it('built-ins: drop_dm_object_name and the per-detection _filter hook (true), also written | search `x_filter`', () => {
    expect(f('a=1 | `my_rule_filter`', {})).toBe('a eq 1');
    expect(f('a=1 | search `my_rule_filter`', {})).toBe('a eq 1');
    expect(run('a=1 | `my_rule_filter`', {}).macros).toEqual([{ name: 'my_rule_filter', arity: 0, class: 'noop', origin: 'builtin' }]);
  });
  it('classifies macros', () => {
    const r = run('`src` `pred` | `fmt(t)` | `opts_only`', { src: 'index=a OR sourcetype=b', pred: 'p=1 OR q=2', 'fmt(1)': 'convert ctime($arg1$)', opts_only: 'summariesonly=true' });
    expect(r.macros.map((m) => `${m.name}:${m.class}`)).toEqual(['src:source', 'pred:predicate', 'fmt:pipeline', 'opts_only:options']);
    expect(r.sourceMacros).toEqual(['src']);
  });
  it('user macros (vendorOptions.macros) override loaded ones', () => {
    const { st } = stateFromFixtures({ macros: [{ 'two_args(2)': 'overridden=$arg1$' }] });
    expect(expandMacros('`two_args(a, b)`', st, DEFAULT_LIMITS).text).toBe('(overridden=a)');
  });
  it('parseMacroCall splits top-level commas only', () => {
    expect(parseMacroCall('m(a, "b,c", f(x,y))')).toEqual({ name: 'm', args: ['a', '"b,c"', 'f(x,y)'] });
    expect(parseMacroCall('m')).toEqual({ name: 'm', args: [] });
    expect(parseMacroCall('not a macro')).toBeNull();
  });
});

describe('.conf files', () => {
  it('parses stanzas, comments and continuation lines', () => {
    const st = parseConf('# c\n[a]\nk = v1 \\\n  v2\nx=y\n[b(1)]\nargs = z\n');
    expect(st.map((s) => [s.name, Object.fromEntries([...s.entries].map(([k, e]) => [k, e.value]))])).toEqual([
      ['a', { k: 'v1 \n  v2', x: 'y' }],
      ['b(1)', { args: 'z' }],
    ]);
  });
  it('macros.conf: arity stanzas, args, and a reported arity mismatch', () => {
    const { st, confDiags } = stateFromFixtures();
    expect(codes(confDiags)).toEqual(['warning spl.macro.arity']);
    expect(f('`shells` `pair(a, 1)`', {}) ).toBe('opaque("`shells`", "unexpanded macro") and opaque("`pair(a, 1)`", "unexpanded macro")');
    expect(printNode((run("`shells` `pair(a, 1)`", {}, {}, st).query as unknown as { filter: never }).filter)).toBe('(process_name eq "cmd.exe" or process_name eq "powershell.exe") and a eq 1');
  });
  it('savedsearches.conf: one rule per stanza with a search, ATT&CK ids from annotations or the title, positions across continuation lines', () => {
    const { st } = stateFromFixtures();
    const out = splunkVendor.parseFile(file(resolve(FIX, 'savedsearches.conf')), { format: 'splunk-savedsearches-conf', vendor: 'splunk', role: 'rules' }, st, opts);
    expect(out.rules.map((r) => [r.title, r.attack.techniques, r.status, r.query.kind])).toEqual([
      ['Test - Encoded PowerShell T1059.001 - Rule', ['T1059.001'], undefined, 'aggregate'],
      ['Test - Annotated', ['T1003.001', 'T1003'], 'disabled', 'filter'],
    ]);
    const r0 = out.rules[0]!;
    expect(printQuery(r0.query, { width: 1000 })).toBe('aggregate count by host\nfrom\n  EventCode eq 4688 and (process_name eq "cmd.exe" or process_name eq "powershell.exe") and CommandLine wildcard "* -enc *"');
    // CommandLine is on the second line of the search value.
    const cl = (r0.query as { input: { filter: { children: Array<{ source?: { line?: number } }> } } }).input.filter.children[2]!;
    expect(cl.source?.line).toBe(8);
    expect(out.rules[1]!.metadata.dataSourceEvents).toEqual([{ provider: 'Microsoft-Windows-Sysmon', eventId: 10, channel: 'Microsoft-Windows-Sysmon/Operational' }]);
    for (const r of out.rules) expect(() => RuleSchema.parse(r)).not.toThrow();
  });
});

describe('detection YAML', () => {
  it('maps every field, keeps the rest as metadata, and locates predicates in the file', () => {
    const { st } = stateFromFixtures();
    const out = splunkVendor.parseFile(file(resolve(FIX, 'detection_edge.yml')), { format: 'splunk-detection-yaml', vendor: 'splunk', role: 'rules' }, st, opts);
    expect(out.rules).toHaveLength(1);
    const r = out.rules[0]!;
    expect(() => RuleSchema.parse(r)).not.toThrow();
    expect(r).toMatchObject({
      id: '11111111-2222-3333-4444-555555555555',
      title: 'Test Edge Detection - Mixed (v2)',
      vendor: 'splunk',
      language: 'spl',
      kind: 'detection',
      ruleType: 'TTP',
      status: 'production',
      authors: ['ruleatlas tests', 'Team'],
      riskScore: 25,
      attack: { techniques: ['T1059.003', 'T1059'], tactics: [], raw: ['t1059.003', 'T1059', 'T1059', 'bogus'] },
      logsource: { dataSources: ['Sysmon EventID 1 AND Sysmon EventID 3', 'Windows Security 5136', 'CrowdStrike ProcessRollup2', 'NTLM Operational 8004,8005,8006'] },
      queryText: expect.stringContaining('`sysmon` EventCode=1'),
    });
    expect(r.metadata.analyticStories).toEqual(['Test Story']);
    expect(r.metadata.dataSourceEvents).toEqual([
      { provider: 'Microsoft-Windows-Sysmon', eventId: 1, channel: 'Microsoft-Windows-Sysmon/Operational' },
      { provider: 'Microsoft-Windows-Sysmon', eventId: 3, channel: 'Microsoft-Windows-Sysmon/Operational' },
      { provider: 'Microsoft-Windows-Security-Auditing', eventId: 5136, channel: 'Security' },
      { provider: 'Microsoft-Windows-NTLM', eventId: 8004, channel: 'Microsoft-Windows-NTLM/Operational' },
      { provider: 'Microsoft-Windows-NTLM', eventId: 8005, channel: 'Microsoft-Windows-NTLM/Operational' },
      { provider: 'Microsoft-Windows-NTLM', eventId: 8006, channel: 'Microsoft-Windows-NTLM/Operational' },
    ]);
    expect(codes(r.diagnostics)).toEqual(['warning splunk.attack.invalid', 'warning spl.macro.unknown']);
    // `unknown_thing` sits on line 15 of the file, after the folded line break.
    expect(r.diagnostics[1]).toMatchObject({ line: 15, column: 67 });
    expect(r.logsource.sourceMacros).toEqual(['sysmon']);
    expect(printNode(r.logsource.selection!)).toBe('source eq "XmlWinEventLog:Microsoft-Windows-Sysmon/Operational" or sourcetype eq "xmlwineventlog"');
    expect(printQuery(r.query, { fieldNames: 'written' })).toBe(
      'aggregate count by Computer\nfrom\n  (\n    EventCode eq 1\n    and\n    Image wildcard "*\\\\\\\\cmd.exe"\n    and\n    CommandLine wildcard "*/c*"\n    and\n    not CommandLine regex_match:i "echo"\n    and\n    opaque("`unknown_thing`", "unexpanded macro command")\n  )',
    );
    const img = (r.query as { input: { filter: { children: Array<{ source?: unknown }> } } }).input.filter.children[1]!;
    expect(img.source).toEqual({ vendor: 'splunk', text: 'Image="*\\\\cmd.exe"', line: 14, column: 31, endLine: 14, endColumn: 49 });
  });
  it('a file that is not a mapping, or lacks search, is reported, never dropped', () => {
    const st = emptyState();
    const bad = splunkVendor.parseFile(new SourceFile('x.yml', 'name: X\nid: 1\n'), { format: 'splunk-detection-yaml', vendor: 'splunk', role: 'rules' }, { ...st, setupDiagnostics: [] }, opts);
    expect(bad.rules).toHaveLength(1);
    expect(codes(bad.rules[0]!.diagnostics)).toEqual(['error splunk.detection.field']);
    const broken = splunkVendor.parseFile(new SourceFile('y.yml', 'name: [unclosed\n'), { format: 'splunk-detection-yaml', vendor: 'splunk', role: 'rules' }, { ...st, setupDiagnostics: [] }, opts);
    expect(codes(broken.diagnostics)).toEqual(['error yaml.syntax']);
  });
  it('the _filter hook name rule: lower-case, every non [a-z0-9] is _', () => {
    expect(filterMacroName('Cmd Echo Pipe - Escalation')).toBe('cmd_echo_pipe___escalation_filter');
  });
});

describe('data_source strings', () => {
  it('resolves the corpus patterns and ignores non-Windows ids', () => {
    const ev = (s: string) => dataSourceEvents(s, {}).map((e) => `${e.provider}/${e.eventId}`);
    expect(ev('Sysmon EventID 1')).toEqual(['Microsoft-Windows-Sysmon/1']);
    expect(ev('Windows Event Log Security 4688')).toEqual(['Microsoft-Windows-Security-Auditing/4688']);
    expect(ev('Windows Event Log Security 1102')).toEqual(['Microsoft-Windows-Eventlog/1102']);
    expect(ev('Powershell Script Block Logging 4104')).toEqual(['Microsoft-Windows-PowerShell/4104']);
    expect(ev('Sysmon for Linux EventID 11')).toEqual(['Linux-Sysmon/11']);
    expect(ev('Windows Event Log System 7045')).toEqual(['Service Control Manager/7045']);
    expect(ev('Windows Event Log System 4720')).toEqual(['Microsoft-Windows-Security-Auditing/4720']);
    expect(ev('Windows Event Log Defender 1116')).toEqual(['Microsoft-Windows-Windows Defender/1116']);
    expect(ev('Windows Event Log TaskScheduler 200')).toEqual(['Microsoft-Windows-TaskScheduler/200']);
    expect(ev('Sysmon EventID 1 AND Sysmon EventID 11')).toEqual(['Microsoft-Windows-Sysmon/1', 'Microsoft-Windows-Sysmon/11']);
    expect(ev('CrowdStrike ProcessRollup2')).toEqual([]);
    expect(ev('O365')).toEqual([]);
  });
  it('a loaded data_sources definition wins when its example names the same id', () => {
    const defs = { 'Windows Event Log Application 2282': { name: 'x', provider: 'ProcessExitMonitor', eventId: 2282, channel: 'Application' } };
    expect(dataSourceEvents('Windows Event Log Application 2282', defs)).toEqual([{ provider: 'ProcessExitMonitor', eventId: 2282, channel: 'Application', dataSource: 'Windows Event Log Application 2282' }]);
  });
});

describe('the supporting files saved for a rebuild (saveSupport, restoreSupport)', () => {
  const saved = (st: unknown) => JSON.parse(JSON.stringify(splunkVendor.saveSupport!(st as never))) as Record<string, Record<string, Record<string, unknown>>>;

  it('comes back as the state the files made, keys such as __proto__ included as own properties', () => {
    const { st } = stateFromFixtures();
    // A data source and a story named as Object.prototype's accessor, stored as the loaders store them.
    const named = (text: string) => new SourceFile('/x/__proto__.yml', text);
    splunkVendor.loadSupport!(named('name: __proto__\nsource: XmlWinEventLog:Security\n'), { format: 'splunk-datasource-yaml', vendor: 'splunk', role: 'support' }, st, opts);
    splunkVendor.loadSupport!(named('name: __proto__\nid: 11111111-2222-3333-4444-555555555555\n'), { format: 'splunk-story-yaml', vendor: 'splunk', role: 'support' }, st, opts);
    expect(Object.hasOwn(st.dataSources, '__proto__')).toBe(true);
    const back = splunkVendor.restoreSupport!(saved(st), opts);
    expect(back).toEqual(st);
    if (typeof back === 'string') throw new Error(back);
    expect(Object.hasOwn(back.dataSources, '__proto__') && Object.hasOwn(back.stories, '__proto__')).toBe(true);
    expect(Object.getPrototypeOf(back.dataSources)).toBe(Object.prototype);
    expect(Object.keys(back.macros)).toEqual(Object.keys(st.macros));
    // It expands as the loaded state does.
    expect(expandMacros('`two_args(value="v 1", field=f)` `sysmon`', back, DEFAULT_LIMITS).text).toBe(expandMacros('`two_args(value="v 1", field=f)` `sysmon`', st, DEFAULT_LIMITS).text);
  });

  it('is not saved when the user macro library is part of the state (no stamp watches those files)', () => {
    const { st } = stateFromFixtures({ macros: [{ name: 'mine', text: 'name: mine\ndefinition: a=1\n' }] });
    expect(Object.keys(st.userMacros).length + st.setupDiagnostics.length).toBeGreaterThan(0);
    expect(splunkVendor.saveSupport!(st)).toBeNull();
  });

  it('refuses data of any other shape, with the reason', () => {
    const good = saved(stateFromFixtures().st);
    const macro = Object.keys(good.macros!)[0]!;
    const bad: [unknown, string][] = [
      [null, 'not a saved Splunk support state'],
      [[], 'not a saved Splunk support state'],
      [{ ...good, extra: {} }, 'not a saved Splunk support state'],
      [{ ...good, stories: [] }, 'not a saved Splunk support state'],
      [{ ...good, macros: { ...good.macros, [macro]: { ...good.macros![macro], args: ['a', 'b', 'c'] } } }, 'a saved Splunk macro is damaged'],
      [{ ...good, macros: { ...good.macros, [macro]: { ...good.macros![macro], definition: 1 } } }, 'a saved Splunk macro is damaged'],
      [{ ...good, macros: { ...good.macros, [macro]: { ...good.macros![macro], run: 'x' } } }, 'a saved Splunk macro is damaged'],
      [{ ...good, macros: JSON.parse(`{"__proto__/0": {"name": "x", "args": [], "definition": "a", "origin": "f"}}`) }, 'a saved Splunk macro is damaged'],
      [{ ...good, dataSources: { s: { name: 's', eventId: '4688' } } }, 'a saved Splunk data source is damaged'],
      [{ ...good, dataSources: { s: { name: 't' } } }, 'a saved Splunk data source is damaged'],
      [{ ...good, stories: { s: { name: 's' } } }, 'a saved Splunk story is damaged'],
      [{ ...good, stories: JSON.parse('{"s": {"name": "s", "path": "p", "__proto__": {"id": "x"}}}') }, 'a saved Splunk story is damaged'],
    ];
    for (const [data, why] of bad) expect(splunkVendor.restoreSupport!(data, opts), JSON.stringify(data)?.slice(0, 80)).toBe(why);
  });
});
