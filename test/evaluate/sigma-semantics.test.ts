/**
 * Golden tests for Sigma operator and modifier semantics, end to end: a rule
 * written in Sigma (our own fixtures), parsed and normalized by the loader,
 * compiled, and run against hand-written events. Expected values were
 * worked out by hand from the Sigma specification (escaping, windash,
 * base64offset, CIDR, null vs empty).
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Rule } from '../../src/ast/schema.js';
import { compileRule } from '../../src/evaluate/compile.js';
import { loadCorpus } from '../../src/loader/load.js';

const dir = mkdtempSync(join(tmpdir(), 'ruleatlas-eval-'));
const rules = new Map<string, Rule>();

/** One Sigma rule per case: `detection` is YAML text indented by 4 spaces under `detection:`. */
const CASES: Record<string, string> = {
  escaped_star: `
    sel:
        TargetFilename: 'C:\\Windows\\*'
    condition: sel`,
  escaped_backslash_then_star: `
    sel:
        TargetFilename: 'C:\\Windows\\\\*'
    condition: sel`,
  escaped_question: `
    sel:
        c-uri|endswith: '\\?manifest=wac'
    condition: sel`,
  question_wildcard: `
    sel:
        CommandLine|contains: '>?%APPDATA%'
    condition: sel`,
  windash: `
    sel:
        CommandLine|contains|windash: ' -enc '
    condition: sel`,
  base64offset: `
    sel:
        CommandLine|base64offset|contains: 'http://'
    condition: sel`,
  wide_base64offset: `
    sel:
        CommandLine|wide|base64offset|contains: 'ping'
    condition: sel`,
  cidr: `
    sel:
        DestinationIp|cidr:
            - '10.0.0.0/8'
            - 'fe80::/10'
    condition: sel`,
  null_value: `
    sel:
        CommandLine: null
    condition: sel`,
  empty_value: `
    sel:
        CommandLine: ''
    condition: sel`,
  regex: `
    sel:
        CommandLine|re: '\\s-e(nc)?\\s'
    condition: sel`,
  regex_i: `
    sel:
        CommandLine|re|i: '\\s-E(NC)?\\s'
    condition: sel`,
  catastrophic_regex: `
    sel:
        CommandLine|re: '(a+)+$'
    condition: sel`,
  keywords: `
    keywords:
        - 'mimikatz'
        - 'sekurlsa::'
    condition: keywords`,
  keywords_all: `
    keywords:
        '|all':
            - 'POST'
            - 200
    condition: keywords`,
  fieldref: `
    sel:
        TargetFilename|fieldref: Image
    condition: sel`,
  contains_all: `
    sel:
        CommandLine|contains|all:
            - 'vssadmin'
            - 'delete'
    condition: sel`,
  number: `
    sel:
        DestinationPort: 4444
    condition: sel`,
  boolean: `
    sel:
        Initiated: true
    condition: sel`,
  cased: `
    sel:
        CommandLine|cased|contains: 'Invoke-'
    condition: sel`,
  endswith_basename: `
    sel:
        Image|endswith: '\\rundll32.exe'
    condition: sel`,
  startswith: `
    sel:
        ParentImage|startswith: 'C:\\Users\\'
    condition: sel`,
  not_filter: `
    sel:
        Image|endswith: '\\cmd.exe'
    filter_main:
        ParentImage|endswith: '\\explorer.exe'
    condition: sel and not 1 of filter_*`,
};

beforeAll(async () => {
  for (const [name, detection] of Object.entries(CASES)) {
    const yaml = `title: ${name}
id: 00000000-0000-4000-8000-${String(Object.keys(CASES).indexOf(name)).padStart(12, '0')}
status: test
logsource:
    product: windows
    category: process_creation
detection:${detection}
level: low
`;
    writeFileSync(join(dir, `${name}.yml`), yaml);
  }
  const res = await loadCorpus([dir]);
  for (const r of res.rules) rules.set(r.title, r);
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** Match results of a case against events (flat Sigma-named JSON, whose source is unknown: no log source gate). */
function run(name: string, events: object[]): boolean[] {
  const rule = rules.get(name);
  expect(rule, name).toBeDefined();
  expect(rule!.diagnostics.filter((d) => d.severity === 'error'), name).toEqual([]);
  const m = compileRule(rule!);
  return events.map((e) => m(e).matched);
}

const b64 = (s: string) => Buffer.from(s, 'utf8').toString('base64');
const b64w = (s: string) => Buffer.from(s, 'utf16le').toString('base64');

describe('Sigma semantics, end to end', () => {
  it('escaped wildcards: \\* is a literal star, \\\\* a backslash then a wildcard', () => {
    expect(run('escaped_star', [{ TargetFilename: 'C:\\Windows*' }, { TargetFilename: 'C:\\Windows\\x.exe' }])).toEqual([true, false]);
    expect(run('escaped_backslash_then_star', [{ TargetFilename: 'C:\\Windows\\x.exe' }, { TargetFilename: 'C:\\Windows*' }])).toEqual([true, false]);
    expect(run('escaped_question', [{ 'c-uri': '/x/?manifest=wac' }, { 'c-uri': '/x/Xmanifest=wac' }])).toEqual([true, false]);
  });

  it('? matches exactly one character', () => {
    expect(run('question_wildcard', [{ CommandLine: 'echo a > %APPDATA%\\x' }, { CommandLine: 'echo a >%APPDATA%' }, { CommandLine: 'a >  %APPDATA%' }])).toEqual([true, false, false]);
  });

  it('windash: - and / and the three Unicode dashes, nothing else', () => {
    const cl = (d: string) => ({ CommandLine: `powershell ${d}enc AAAA` });
    expect(run('windash', [cl('-'), cl('/'), cl('\u2013'), cl('\u2014'), cl('\u2015'), cl('+'), cl('--')])).toEqual([true, true, true, true, true, false, false]);
  });

  it('base64offset: the value at each of the three alignments, inside a longer base64 text', () => {
    const events = ['', 'a', 'ab'].map((p) => ({ CommandLine: `powershell -e ${b64(p + 'http://example.test/x')}` }));
    expect(run('base64offset', [...events, { CommandLine: `x ${b64('ftp://example.test')}` }])).toEqual([true, true, true, false]);
    const wide = ['', 'a', 'ab'].map((p) => ({ CommandLine: `-enc ${b64w(p + 'ping 127.0.0.1')}` }));
    expect(run('wide_base64offset', [...wide, { CommandLine: `-enc ${b64('ping 127.0.0.1')}` }])).toEqual([true, true, true, false]);
  });

  it('cidr: IPv4 and IPv6 blocks, IPv4-mapped addresses, non-addresses', () => {
    const ips = ['10.1.2.3', '11.0.0.1', 'fe80::1', 'febf:ffff::1', 'fec0::1', '2001:db8::1', '::ffff:10.0.0.5', 'not an ip', '10.1.2.3.4'];
    expect(run('cidr', ips.map((DestinationIp) => ({ DestinationIp })))).toEqual([true, false, true, true, false, false, true, false, false]);
  });

  it('null means absent or null; empty string means present and empty', () => {
    const events = [{}, { CommandLine: null }, { CommandLine: '' }, { CommandLine: 'x' }];
    expect(run('null_value', events)).toEqual([true, true, false, false]);
    expect(run('empty_value', events)).toEqual([false, false, true, false]);
  });

  it('re: unanchored search, case-sensitive unless |i', () => {
    const events = [{ CommandLine: 'powershell -enc AAA' }, { CommandLine: 'powershell -e AAA' }, { CommandLine: 'powershell -ENC AAA' }, { CommandLine: 'x-enc y' }];
    expect(run('regex', events)).toEqual([true, true, false, false]);
    expect(run('regex_i', events)).toEqual([true, true, true, false]);
  });

  it('a catastrophic regex for backtracking engines runs in linear time (RE2)', () => {
    const long = 'a'.repeat(100_000) + 'b';
    expect(run('catastrophic_regex', [{ CommandLine: long }, { CommandLine: 'xaaa' }])).toEqual([false, true]);
  });

  it('keywords: any value of the event, case-insensitive; |all needs every keyword (numbers as text)', () => {
    expect(run('keywords', [{ CommandLine: 'x MIMIKATZ y' }, { Other: { Nested: 'sekurlsa::logonpasswords' } }, { CommandLine: 'mimi katz' }])).toEqual([true, true, false]);
    expect(run('keywords_all', [{ method: 'POST', status: 200 }, { method: 'POST', status: 404 }, { line: 'POST /x 200' }])).toEqual([true, false, true]);
  });

  it('fieldref compares two fields of the same event', () => {
    expect(run('fieldref', [{ TargetFilename: 'C:\\a.exe', Image: 'c:\\A.exe' }, { TargetFilename: 'C:\\a.exe', Image: 'C:\\b.exe' }, { TargetFilename: 'C:\\a.exe' }])).toEqual([true, false, false]);
  });

  it('contains|all needs every value', () => {
    expect(run('contains_all', [{ CommandLine: 'vssadmin.exe Delete Shadows' }, { CommandLine: 'vssadmin list shadows' }])).toEqual([true, false]);
  });

  it('numbers and booleans match their text forms', () => {
    expect(run('number', [{ DestinationPort: 4444 }, { DestinationPort: '4444' }, { DestinationPort: '44444' }])).toEqual([true, true, false]);
    expect(run('boolean', [{ Initiated: 'true' }, { Initiated: true }, { Initiated: 'false' }, { Initiated: 'True' }])).toEqual([true, true, false, true]);
  });

  it('strings are case-insensitive unless |cased', () => {
    expect(run('cased', [{ CommandLine: 'Invoke-Mimikatz' }, { CommandLine: 'invoke-mimikatz' }])).toEqual([true, false]);
    expect(run('contains_all', [{ CommandLine: 'VSSADMIN DELETE' }])).toEqual([true]);
  });

  it('endswith a path component (normalized to a base name) still matches full paths', () => {
    expect(run('endswith_basename', [{ Image: 'C:\\Windows\\System32\\rundll32.exe' }, { Image: 'C:\\x\\myrundll32.exe' }, { Image: 'rundll32.exe' }])).toEqual([true, false, true]);
    expect(run('startswith', [{ ParentImage: 'c:\\users\\bob\\x.exe' }, { ParentImage: 'C:\\Windows\\x.exe' }])).toEqual([true, false]);
  });

  it('not 1 of filter_*: an exclusion, and an absent field does not trigger it', () => {
    expect(run('not_filter', [{ Image: 'C:\\Windows\\cmd.exe', ParentImage: 'C:\\Windows\\explorer.exe' }, { Image: 'C:\\Windows\\cmd.exe', ParentImage: 'C:\\x\\evil.exe' }, { Image: 'C:\\Windows\\cmd.exe' }])).toEqual([false, true, true]);
  });

  it('reports the predicates that matched', () => {
    const m = compileRule(rules.get('not_filter')!);
    const r = m({ Image: 'C:\\Windows\\cmd.exe', ParentImage: 'C:\\x\\evil.exe' });
    expect(r.matched).toBe(true);
    expect(r.predicates.map((p) => p.field?.name)).toEqual(['Image']);
  });
});

describe('log source gate and event shapes', () => {
  const sysmon = (id: number, data: object) => ({
    Event: {
      System: { Provider: { '#attributes': { Name: 'Microsoft-Windows-Sysmon' } }, EventID: id, Channel: 'Microsoft-Windows-Sysmon/Operational', TimeCreated: { '#attributes': { SystemTime: '2026-01-01T00:00:00Z' } } },
      EventData: data,
    },
  });

  it('a process_creation rule fires on Sysmon 1 and Security 4688, not on Sysmon 7 with the same Image', () => {
    const m = compileRule(rules.get('endswith_basename')!);
    const img = { Image: 'C:\\Windows\\System32\\rundll32.exe' };
    const sec = { Event: { System: { Provider: { '#attributes': { Name: 'Microsoft-Windows-Security-Auditing' } }, EventID: 4688, Channel: 'Security' }, EventData: { NewProcessName: 'C:\\Windows\\System32\\rundll32.exe' } } };
    expect([m(sysmon(1, img)).matched, m(sec).matched, m(sysmon(7, img)).matched, m(sysmon(7, img)).gated]).toEqual([true, true, false, true]);
  });

  it('ECS (nested or dotted), Winlogbeat and Splunk-style events reach the same canonical fields', () => {
    const m = compileRule(rules.get('endswith_basename')!);
    const shapes = [
      { process: { executable: 'C:\\Windows\\System32\\rundll32.exe' } },
      { 'process.executable': 'C:\\Windows\\System32\\rundll32.exe' },
      { 'process.name': 'rundll32.exe' },
      { winlog: { channel: 'Microsoft-Windows-Sysmon/Operational', event_id: 1, provider_name: 'Microsoft-Windows-Sysmon', event_data: { Image: 'C:\\Windows\\System32\\rundll32.exe' } } },
      { source: 'XmlWinEventLog:Microsoft-Windows-Sysmon/Operational', EventCode: '1', Image: 'C:\\Windows\\System32\\rundll32.exe' },
      // Splunk CIM results (data-model and bare names).
      { 'Processes.process_name': 'rundll32.exe', 'Processes.dest': 'host1' },
      { process_name: 'rundll32.exe', dest: 'host1' },
    ];
    expect(shapes.map((e) => m(e).matched)).toEqual([true, true, true, true, true, true, true]);
  });

  it('Windows EventData names with spaces are also reachable without them; UserData leaves by name', () => {
    const m = compileRule(rules.get('number')!);
    expect(m({ Event: { EventData: { 'Destination Port': 4444 } } }).matched).toBe(true);
    expect(m({ Event: { UserData: { Element: { '#attributes': { xmlns: 'x' }, DestinationPort: '4444' } } } }).matched).toBe(true);
    expect(m({ Event: { EventData: { Data: [{ '#attributes': { Name: 'DestinationPort' }, '#text': '4444' }] } } }).matched).toBe(true);
  });
});
