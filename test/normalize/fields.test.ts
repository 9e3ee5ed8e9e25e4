import { describe, expect, it } from 'vitest';
import { and, not, or, predicate } from '../../src/ast/build.js';
import { escapeGlob } from '../../src/ast/glob.js';
import { printQuery } from '../../src/ast/print.js';
import type { Predicate, Rule } from '../../src/ast/schema.js';
import { predicates } from '../../src/ast/walk.js';
import { classifyCanonical, createNormalizer, ecsFieldNames, fieldCoverage, loadUserMappings } from '../../src/normalize/index.js';
import { makeRule } from './rules.js';

const n = createNormalizer();
const endsWith = (s: string) => '*' + escapeGlob(s);
const contains = (s: string) => '*' + escapeGlob(s) + '*';
const preds = (r: Rule): Predicate[] => predicates(r).map((u) => u.predicate);
const WIN_PROC = { product: 'windows', category: 'process_creation' };

describe('Sigma fields by logsource', () => {
  it('maps process_creation fields and rewrites `endswith \\name` to the base-name field', () => {
    const rule = makeRule(
      'sigma',
      and([
        predicate('Image', 'wildcard', endsWith('\\rundll32.exe'), { vendorOp: 'endswith' }),
        predicate('CommandLine', 'wildcard', contains(',DllRegisterServer')),
        predicate('ParentImage', 'wildcard', endsWith('\\winword.exe')),
        predicate('OriginalFileName', 'eq', 'RUNDLL32.EXE'),
        not(predicate('Image', 'eq', 'C:\\Windows\\System32\\rundll32.exe')),
      ]),
      WIN_PROC,
    );
    const out = n.normalizeRule(rule);
    expect(printQuery(out.query, { width: 1000 })).toMatchInlineSnapshot(`"process.name eq "rundll32.exe" and process.command_line wildcard "*,DllRegisterServer*" and process.parent.name eq "winword.exe" and process.pe.original_file_name eq "RUNDLL32.EXE" and not process.executable eq "C:\\\\Windows\\\\System32\\\\rundll32.exe""`);
    // The name as written stays; the vendor operator and raw text too.
    const first = preds(out)[0]!;
    expect(first.field).toEqual({ name: 'Image', canonical: 'process.name' });
    expect(first.vendorOp).toBe('endswith');
  });

  it('does not rewrite what is not exactly one trailing path component', () => {
    const cases: Array<[string, string]> = [
      [endsWith('\\system32\\rundll32.exe'), 'wildcard'], // two components
      ['*\\' + 'run*.exe', 'wildcard'], // another wildcard
      [escapeGlob('\\rundll32.exe'), 'wildcard'], // no leading star (a literal pattern, not endswith)
      [endsWith('rundll32.exe'), 'wildcard'], // no separator: also matches xrundll32.exe
      [endsWith('\\'), 'wildcard'], // empty name
      [endsWith('/rundll32.exe'), 'wildcard'], // POSIX separator on a Windows source
    ];
    for (const [value, op] of cases) {
      const out = n.normalizeRule(makeRule('sigma', predicate('Image', 'wildcard', value), WIN_PROC));
      const p = preds(out)[0]!;
      expect(p.op, value).toBe(op);
      expect(p.field?.canonical, value).toBe('process.executable');
      expect(p.value, value).toBe(value);
    }
  });

  it('uses `/` as a separator for Linux and macOS sources', () => {
    const out = n.normalizeRule(makeRule('sigma', predicate('Image', 'wildcard', endsWith('/whoami')), { product: 'linux', category: 'process_creation' }));
    expect(preds(out)[0]).toMatchObject({ field: { canonical: 'process.name' }, op: 'eq', value: 'whoami' });
  });

  it('gives the same Sigma field different ECS names per category', () => {
    const img = (category: string) => preds(n.normalizeRule(makeRule('sigma', predicate('ImageLoaded', 'wildcard', endsWith('\\a.dll')), { product: 'windows', category })))[0]!;
    expect(img('image_load').field?.canonical).toBe('dll.name');
    expect(img('driver_load').field?.canonical).toBe('file.name');
    const ofn = (category: string) => preds(n.normalizeRule(makeRule('sigma', predicate('OriginalFileName', 'eq', 'a.dll'), { product: 'windows', category })))[0]!.field?.canonical;
    expect(ofn('process_creation')).toBe('process.pe.original_file_name');
    expect(ofn('image_load')).toBe('dll.pe.original_file_name');
    const reg = preds(n.normalizeRule(makeRule('sigma', and([predicate('TargetObject', 'wildcard', contains('\\Run\\')), predicate('Details', 'wildcard', contains('.exe'))]), { product: 'windows', category: 'registry_set' })));
    expect(reg.map((p) => p.field?.canonical)).toEqual(['registry.path', 'registry.data.strings']);
    // Security-log ParentProcessName holds a full path (4688), so it is the executable, not the name.
    const sec = preds(n.normalizeRule(makeRule('sigma', predicate('ParentProcessName', 'eq', 'C:\\Windows\\explorer.exe'), { product: 'windows', service: 'security' })))[0]!;
    expect(sec.field?.canonical).toBe('process.parent.executable');
  });

  it('keeps Windows fields without an ECS equivalent under winlog.event_data', () => {
    const out = n.normalizeRule(makeRule('sigma', predicate('GrantedAccess', 'eq', '0x1010'), { product: 'windows', category: 'process_access' }));
    expect(preds(out)[0]!.field?.canonical).toBe('winlog.event_data.GrantedAccess');
    expect(out.diagnostics).toEqual([]);
  });

  it('maps non-Windows sources to their integration namespaces and reports what it cannot map', () => {
    const ct = preds(n.normalizeRule(makeRule('sigma', and([predicate('eventSource', 'eq', 'iam.amazonaws.com'), predicate('eventName', 'eq', 'CreateUser'), predicate('requestParameters.userName', 'eq', 'x')]), { product: 'aws', service: 'cloudtrail' })));
    expect(ct.map((p) => p.field?.canonical)).toEqual(['event.provider', 'event.action', 'aws.cloudtrail.requestParameters.userName']);
    const out = n.normalizeRule(makeRule('sigma', predicate('Signature', 'eq', 'Mimikatz'), { category: 'antivirus' }));
    expect(preds(out)[0]!.field).toEqual({ name: 'Signature' });
    expect(out.diagnostics).toMatchObject([{ severity: 'info', code: 'normalize.field.unmapped' }]);
  });

  it('writes event ids as strings in event.code', () => {
    const out = n.normalizeRule(makeRule('sigma', or([predicate('EventID', 'eq', 4624), predicate('EventID', 'eq', 4625)]), { product: 'windows', service: 'security' }));
    expect(preds(out).map((p) => [p.field?.canonical, p.value])).toEqual([
      ['event.code', '4624'],
      ['event.code', '4625'],
    ]);
  });

  it('does not mutate its input', () => {
    const rule = makeRule('sigma', and([predicate('Image', 'wildcard', endsWith('\\x.exe')), predicate('EventID', 'eq', 1)]), WIN_PROC, { attack: { techniques: ['T1574.002'], tactics: [], raw: ['attack.t1574.002'] } });
    const before = structuredClone(rule);
    n.normalizeRule(rule);
    expect(rule).toEqual(before);
  });
});

describe('Splunk fields', () => {
  it('maps CIM data-model fields, raw Windows fields and source-macro namespaces', () => {
    const tstats = makeRule('splunk', or([predicate('Processes.process_name', 'eq', 'rundll32.exe'), predicate('Processes.process_path', 'wildcard', endsWith('\\rundll32.exe')), predicate('Processes.process', 'wildcard', contains('javascript:'))]), { sourceMacros: [] });
    expect(preds(n.normalizeRule(tstats)).map((p) => `${p.field?.canonical} ${p.op} ${p.value}`)).toEqual(['process.name eq rundll32.exe', 'process.name eq rundll32.exe', 'process.command_line wildcard *javascript:*']);
    const raw = makeRule('splunk', and([predicate('EventCode', 'eq', 1), predicate('Image', 'wildcard', endsWith('\\rundll32.exe')), predicate('process_name', 'eq', 'x.exe')]), { sourceMacros: ['sysmon'] });
    expect(preds(n.normalizeRule(raw)).map((p) => `${p.field?.canonical} ${p.op} ${p.value}`)).toEqual(['event.code eq 1', 'process.name eq rundll32.exe', 'process.name eq x.exe']);
    const ps = makeRule('splunk', and([predicate('EventCode', 'eq', 4104), predicate('ScriptBlockText', 'wildcard', contains('Invoke-Mimikatz'))]), { sourceMacros: ['powershell'] });
    expect(preds(n.normalizeRule(ps))[1]!.field?.canonical).toBe('powershell.file.script_block_text');
    const ct = makeRule('splunk', predicate('eventName', 'eq', 'DeleteTrail'), { sourceMacros: ['cloudtrail'] });
    expect(preds(n.normalizeRule(ct))[0]!.field?.canonical).toBe('event.action');
    const sel = n.normalizeRule(makeRule('splunk', predicate('Processes.dest', 'exists', true), { selection: predicate('sourcetype', 'eq', 'XmlWinEventLog') }));
    expect((sel.logsource.selection as Predicate).field?.canonical).toBe('splunk.sourcetype');
  });

  it('uses the winlog.event_data fallback only for EventData-shaped names', () => {
    const r = makeRule('splunk', and([predicate('EventCode', 'eq', 10), predicate('GrantedAccess', 'eq', '0x1010'), predicate('granted_access', 'eq', '0x1010'), predicate('Processes.dest_category', 'eq', 'dc')]), { sourceMacros: ['sysmon'] });
    const out = n.normalizeRule(r);
    expect(preds(out).map((p) => p.field?.canonical)).toEqual(['event.code', 'winlog.event_data.GrantedAccess', undefined, undefined]);
    expect(out.diagnostics.filter((d) => d.code === 'normalize.field.unmapped')).toHaveLength(2);
  });

  it('maps aggregate group-by and condition fields', () => {
    const q = { kind: 'aggregate' as const, input: { kind: 'filter' as const, filter: predicate('Processes.process_name', 'eq', 'net.exe') }, groupBy: [{ name: 'Processes.dest' }, { name: 'Processes.user' }], conditions: [{ fn: 'dc', field: { name: 'Processes.process' }, op: 'gt' as const, value: 3 }] };
    const out = n.normalizeRule(makeRule('splunk', q));
    expect(out.query.kind === 'aggregate' && out.query.groupBy).toEqual([
      { name: 'Processes.dest', canonical: 'host.name' },
      { name: 'Processes.user', canonical: 'user.name' },
    ]);
    expect(out.query.kind === 'aggregate' && out.query.conditions[0]!.field).toEqual({ name: 'Processes.process', canonical: 'process.command_line' });
  });
});

describe('Elastic fields', () => {
  it('keeps names, folds .caseless and .text into the base field without case', () => {
    const out = n.normalizeRule(makeRule('elastic', and([predicate('process.name.caseless', 'eq', 'rundll32.exe', { caseSensitive: true }), predicate('process.command_line.text', 'match', 'a b'), predicate('process.parent.name', 'eq', 'x.exe', { caseSensitive: true })]), { index: ['winlogbeat-*'] }));
    expect(preds(out).map((p) => [p.field, p.caseSensitive])).toEqual([
      [{ name: 'process.name.caseless', canonical: 'process.name' }, false],
      [{ name: 'process.command_line.text', canonical: 'process.command_line' }, false],
      [{ name: 'process.parent.name', canonical: 'process.parent.name' }, true],
    ]);
  });

  it('maps sequence `by` fields and reports non-ECS names it keeps', () => {
    const q = { kind: 'sequence' as const, by: [{ name: 'process.entity_id' }], steps: [{ filter: predicate('event.category', 'eq', 'process') }, { filter: predicate('mycorp.tag', 'eq', 'x'), by: [{ name: 'process.pid' }] }] };
    const out = n.normalizeRule(makeRule('elastic', q));
    expect(out.query.kind === 'sequence' && out.query.by).toEqual([{ name: 'process.entity_id', canonical: 'process.entity_id' }]);
    expect(out.query.kind === 'sequence' && out.query.steps[1]!.by).toEqual([{ name: 'process.pid', canonical: 'process.pid' }]);
    expect(out.diagnostics).toMatchObject([{ code: 'normalize.field.unvalidated', severity: 'info' }]);
  });

  it('skips computed fields in coverage and counts the rest', () => {
    const rules = [
      n.normalizeRule(makeRule('elastic', and([predicate({ name: 'Esql.count', computed: true }, 'gt', 3), predicate('process.name', 'eq', 'a'), predicate('mycorp.x', 'eq', 'b'), predicate(null, 'match', 'kw')]))),
      n.normalizeRule(makeRule('sigma', predicate('Signature', 'eq', 'x'), { category: 'antivirus' })),
    ];
    const cov = fieldCoverage(rules);
    expect(cov).toMatchObject({ predicates: 3, validated: 1, keywordPredicates: 1, computedPredicates: 1 });
    expect(cov.unmapped).toEqual([
      { vendor: 'elastic', field: 'mycorp.x', canonical: 'mycorp.x', count: 1 },
      { vendor: 'sigma', field: 'Signature', count: 1 },
    ]);
    expect(fieldCoverage(rules, ['mycorp.']).validated).toBe(2);
  });
});

describe('canonical namespace', () => {
  it('validates against the @elastic/ecs field list and the declared extensions', () => {
    expect(ecsFieldNames().size).toBeGreaterThan(2000);
    expect(classifyCanonical('process.name')).toBe('ecs');
    expect(classifyCanonical('process.command_line.text')).toBe('ecs');
    expect(classifyCanonical('winlog.event_data.GrantedAccess')).toBe('extension');
    expect(classifyCanonical('process.Ext.token.integrity_level_name')).toBe('extension');
    expect(classifyCanonical('Processes.process_name')).toBe('unknown');
    expect(classifyCanonical('winlog.')).toBe('unknown');
  });

  it('the generated name list is exactly the EcsFlat names of the installed @elastic/ecs, multi-fields included', async () => {
    // The run time reads src/generated/ecs-names.js (grammars/ecs-names.mjs), not the package.
    const { EcsFlat } = (await import('@elastic/ecs')) as unknown as { EcsFlat: Record<string, { multi_fields?: Array<{ flat_name: string }> }> };
    const want = new Set<string>();
    for (const [name, def] of Object.entries(EcsFlat)) {
      want.add(name);
      for (const m of def.multi_fields ?? []) want.add(m.flat_name);
    }
    expect([...ecsFieldNames()].sort()).toEqual([...want].sort());
  });

  it('every explicit table target is ECS or a declared extension', async () => {
    const { windowsTable, sigmaTable, splunkTable } = await import('../../src/normalize/tables.js');
    const targets: string[] = [];
    for (const t of [windowsTable(), sigmaTable()]) for (const e of t.rules) for (const v of Object.values(e.fields ?? {})) if (v) targets.push(v);
    const sp = splunkTable();
    targets.push(...Object.values(sp.cim), ...Object.values(sp.bare), ...Object.values(sp.rawWindows), ...Object.values(sp.metadata));
    const bad = [...new Set(targets)].filter((t) => classifyCanonical(t) === 'unknown');
    expect(bad).toEqual([]);
  });
});

describe('user mappings', () => {
  it('adds and overrides mappings per vendor and source', () => {
    const yaml = `
extensions: ["acme."]
sigma:
  - when: { product: windows, category: process_creation }
    fields: { Image: acme.proc.path, CustomField: acme.custom }
splunk:
  - when: { macro: acme_edr }
    fields: { proc: process.name }
elastic:
  - fields: { "acme.legacy_name": process.name }
`;
    const { mappings, diagnostics } = loadUserMappings(yaml, 'acme.yml');
    expect(diagnostics).toEqual([]);
    const un = createNormalizer({ mappings });
    const s = preds(un.normalizeRule(makeRule('sigma', and([predicate('Image', 'eq', 'C:\\a.exe'), predicate('CustomField', 'eq', 'x'), predicate('CommandLine', 'eq', 'y')]), WIN_PROC)));
    expect(s.map((p) => p.field?.canonical)).toEqual(['acme.proc.path', 'acme.custom', 'process.command_line']);
    const sp = preds(un.normalizeRule(makeRule('splunk', predicate('proc', 'eq', 'a.exe'), { sourceMacros: ['acme_edr'] })));
    expect(sp[0]!.field?.canonical).toBe('process.name');
    const el = preds(un.normalizeRule(makeRule('elastic', predicate('acme.legacy_name', 'eq', 'a.exe'))));
    expect(el[0]!.field?.canonical).toBe('process.name');
    expect(un.extensions).toEqual(['acme.']);
  });

  it('reports invalid mappings as diagnostics instead of throwing', () => {
    const bad = loadUserMappings('sigma:\n  - when: { produkt: windows }\n    fields: { A: b }\n', 'bad.yml');
    expect(bad.mappings).toEqual({});
    expect(bad.diagnostics.map((d) => d.code)).toEqual(['mappings.invalid']);
    expect(bad.diagnostics[0]!.message).toMatch(/produkt/);
    const broken = loadUserMappings('sigma: [', 'broken.yml');
    expect(broken.diagnostics.some((d) => d.severity === 'error')).toBe(true);
    const viaApi = createNormalizer({ mappings: { sigma: 'nope' } });
    expect(viaApi.diagnostics[0]).toMatchObject({ code: 'mappings.invalid', severity: 'error' });
    const r = viaApi.normalizeRule(makeRule('sigma', predicate('Image', 'eq', 'x'), WIN_PROC));
    expect(r.diagnostics.map((d) => d.code)).toContain('mappings.invalid');
  });
});
