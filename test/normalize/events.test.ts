import { describe, expect, it } from 'vitest';
import { and, not, or, predicate } from '../../src/ast/build.js';
import { escapeGlob } from '../../src/ast/glob.js';
import type { LogSource, Node, Query, Rule, Vendor } from '../../src/ast/schema.js';
import { loadEventCatalog } from '../../src/events/index.js';
import { createNormalizer } from '../../src/normalize/index.js';
import { makeRule } from './rules.js';

const catalog = loadEventCatalog();
const n = createNormalizer();
const SYSMON = 'Microsoft-Windows-Sysmon';
const SEC = 'Microsoft-Windows-Security-Auditing';
const PS = 'Microsoft-Windows-PowerShell';
const events = (vendor: Vendor, f: Node | Query, ls: LogSource, extra: Partial<Rule> = {}) => (n.normalizeRule(makeRule(vendor, f, ls, extra)).events ?? []).map((e) => `${e.provider}/${e.eventId} ${e.via}`);
const contains = (s: string) => '*' + escapeGlob(s) + '*';

describe('event catalog', () => {
  it('covers the events rules point at, with their own message titles', () => {
    for (let id = 1; id <= 29; id++) expect(catalog.get(SYSMON, id), `Sysmon ${id}`).toBeDefined();
    expect(catalog.get(SYSMON, 255)).toBeDefined();
    const sec = [4624, 4625, 4648, 4662, 4663, 4688, ...Array.from({ length: 6 }, (_, i) => 4697 + i), 5136, 5137, 5140, 5145];
    for (let id = 4720; id <= 4799; id++) if ([4720, 4722, 4724, 4728, 4732, 4738, 4742, 4756, 4768, 4769, 4776, 4781, 4798, 4799].includes(id)) sec.push(id);
    for (const id of sec) expect(catalog.get(SEC, id), `Security ${id}`).toBeDefined();
    for (const id of [400, 403, 600, 800]) expect(catalog.get('PowerShell', id), `classic ${id}`).toBeDefined();
    for (const id of [4103, 4104]) expect(catalog.get(PS, id)).toBeDefined();
    for (const id of [7036, 7040, 7045]) expect(catalog.get('Service Control Manager', id)?.channel).toBe('System');
    expect(catalog.get(SYSMON, 1)!.title).toBe('Process creation');
    expect(catalog.get(SEC, 4688)).toMatchObject({ title: 'A new process has been created.', channel: 'Security', providerShort: 'Security-Auditing' });
    expect(catalog.get(PS, 4104)!.title).toBe('Creating Scriptblock text (MessageNumber of MessageTotal).');
    expect(catalog.get(SYSMON, 1)!.fields).toContain('ParentImage');
    expect(catalog.get('microsoft-windows-sysmon', 1)).toBe(catalog.get(SYSMON, 1));
    for (const e of catalog.events) expect(e.title.length, `${e.provider}/${e.eventId}`).toBeGreaterThan(0);
  });
  it('Security-Auditing titles from Microsoft Learn where OSSEM-DD has none; `Event ID N` only where no message was found', () => {
    expect(catalog.get(SEC, 4612)!.title).toBe('Internal resources allocated for the queuing of audit messages have been exhausted, leading to the loss of some audits.');
    expect(catalog.get(SEC, 5712)!.title).toBe('A Remote Procedure Call (RPC) was attempted.');
    expect(catalog.get(SEC, 4868)!.title).toBe('The certificate manager denied a pending certificate request.');
    expect(catalog.get(SEC, 5441)!.title).toBe('The following filter was present when the Windows Filtering Platform Base Filtering Engine started.');
    expect(catalog.get(SEC, 4790)!.title).toBe('An LDAP query group was created.');
    const fallback = catalog.events.filter((e) => /^Event ID \d+$/.test(e.title));
    expect(fallback.length).toBeLessThanOrEqual(323);
    // Every Sysmon event and every Security event rules commonly use has a real title.
    for (const e of fallback) expect(e.provider, `${e.provider}/${e.eventId}`).not.toBe(SYSMON);
    for (const id of [4624, 4625, 4688, 4698, 4720, 4768, 5136, 5145]) expect(catalog.get(SEC, id)!.title).not.toMatch(/^Event ID/);
  });
});

describe('Sigma events', () => {
  it('from the logsource category', () => {
    expect(events('sigma', predicate('CommandLine', 'eq', 'x'), { product: 'windows', category: 'process_creation' })).toEqual([`${SYSMON}/1 logsource`, `${SEC}/4688 logsource`]);
    expect(events('sigma', predicate('ScriptBlockText', 'wildcard', contains('Get-Mailbox')), { product: 'windows', category: 'ps_script' })).toEqual([`${PS}/4104 logsource`, 'PowerShellCore/4104 logsource']);
    expect(events('sigma', predicate('Payload', 'eq', 'x'), { product: 'windows', category: 'ps_module' })).toEqual([`${PS}/4103 logsource`, 'PowerShellCore/4103 logsource']);
    expect(events('sigma', predicate('TargetObject', 'eq', 'x'), { product: 'windows', category: 'registry_set' })).toEqual([`${SYSMON}/13 logsource`]);
  });
  it('from EventID predicates with the service channel, ignoring exclusions', () => {
    const f = and([or([predicate('EventID', 'eq', 4624), predicate('EventID', 'eq', 4625)]), not(predicate('EventID', 'eq', 4634))]);
    expect(events('sigma', f, { product: 'windows', service: 'security' })).toEqual([`${SEC}/4624 predicate`, `${SEC}/4625 predicate`]);
    expect(events('sigma', predicate('EventID', 'eq', 1102), { product: 'windows', service: 'security' })).toEqual(['Microsoft-Windows-Eventlog/1102 predicate']);
    expect(events('sigma', and([predicate('Provider_Name', 'eq', 'Service Control Manager'), predicate('EventID', 'eq', 7045)]), { product: 'windows', service: 'system' })).toEqual(['Service Control Manager/7045 predicate']);
    // A contradiction reaches no event.
    expect(events('sigma', and([predicate('EventID', 'eq', 4624), predicate('EventID', 'eq', 4625)]), { product: 'windows', service: 'security' })).toEqual([]);
    // registry_event narrowed by EventID.
    expect(events('sigma', predicate('EventID', 'eq', 13), { product: 'windows', category: 'registry_event' })).toEqual([`${SYSMON}/13 predicate`]);
  });
  it('file_access / file_rename from the Kernel-File ETW provider (no event log, manifest task names as titles)', () => {
    const KF = 'Microsoft-Windows-Kernel-File';
    expect(events('sigma', predicate('FileName', 'wildcard', '*\\Protect\\CREDHIST'), { product: 'windows', category: 'file_access' })).toEqual([`${KF}/12 logsource`]);
    expect(events('sigma', predicate('TargetFilename', 'wildcard', '*.dll'), { product: 'windows', category: 'file_rename' })).toEqual([`${KF}/27 logsource`]);
    expect(catalog.get(KF, 12)).toMatchObject({ title: 'Create', providerShort: 'Kernel-File' });
    expect(catalog.get(KF, 12)!.channel).toBeUndefined();
    expect(catalog.get(KF, 12)!.fields).toEqual(expect.arrayContaining(['FileName', 'CreateOptions', 'ShareAccess']));
    expect(catalog.get(KF, 27)).toMatchObject({ title: 'RenamePath' });
    expect(catalog.get(KF, 27)!.fields).toContain('FilePath');
  });
  it('a channel with event-data fields but no event id: the channel events that carry the fields', () => {
    const ls = { product: 'windows', service: 'security' };
    // SamAccountName alone: the account-management events that record it.
    const sam = events('sigma', predicate('SamAccountName', 'wildcard', 'X-*'), ls);
    expect(sam).toContain(`${SEC}/4741 fields`);
    expect(sam).not.toContain(`${SEC}/4624 fields`);
    for (const e of sam) expect(catalog.get(SEC, Number(e.split(/[/ ]/)[1]))!.fields).toContain('SamAccountName');
    // An `or` unions; an `and` needs every field; exclusions and absent-field tests require nothing.
    const either = events('sigma', or([predicate('SamAccountName', 'eq', 'x'), predicate('TargetUserName', 'eq', 'x')]), ls);
    expect(either).toContain(`${SEC}/4624 fields`);
    const both = events('sigma', and([predicate('SamAccountName', 'eq', 'x'), predicate('TargetUserName', 'eq', 'x'), not(predicate('SubjectUserName', 'eq', 'y'))]), ls);
    expect(both.length).toBeGreaterThan(0);
    expect(both.length).toBeLessThanOrEqual(sam.length);
    expect(events('sigma', and([predicate('TargetUserName', 'eq', null)]), ls)).toEqual([]);
    // Keywords name no field: a keyword search over a whole log gets no event.
    expect(events('sigma', predicate(null, 'match', 'mimikatz'), { product: 'windows', service: 'application' })).toEqual([]);
    expect(events('sigma', predicate(null, 'match', 'mimikatz'), ls)).toEqual([]);
  });
  it('nothing for non-Windows sources', () => {
    expect(events('sigma', predicate('eventName', 'eq', 'x'), { product: 'aws', service: 'cloudtrail' })).toEqual([]);
  });
});

describe('Elastic events', () => {
  const sec = { index: ['logs-system.security*', 'logs-windows.forwarded*', 'winlogbeat-*'] };
  it('from event.code, event.action, category + type and script-block fields', () => {
    expect(events('elastic', and([predicate('event.code', 'eq', '4624'), predicate('winlog.logon.type', 'eq', 'Network')]), sec)).toEqual([`${SEC}/4624 event.code`]);
    expect(events('elastic', predicate('event.code', 'eq', '10'), { index: ['logs-windows.sysmon_operational-*'] })).toEqual([`${SYSMON}/10 event.code`]);
    expect(events('elastic', predicate('event.action', 'eq', 'logged-in'), sec)).toEqual([`${SEC}/4624 event.action`]);
    expect(events('elastic', predicate('event.action', 'wildcard', 'Image loaded*'), { index: ['winlogbeat-*'] })).toEqual([`${SYSMON}/7 event.action`]);
    const proc = and([predicate('event.category', 'eq', 'process'), predicate('event.type', 'eq', 'start'), predicate('process.name', 'eq', 'rundll32.exe')]);
    expect(events('elastic', proc, { index: ['winlogbeat-*', 'logs-endpoint.events.process-*'] })).toEqual([`${SYSMON}/1 category`, `${SEC}/4688 category`]);
    expect(events('elastic', proc, { index: ['logs-windows.sysmon_operational-*'] })).toEqual([`${SYSMON}/1 category`]);
    expect(events('elastic', predicate('powershell.file.script_block_text', 'match', 'Invoke-Mimikatz'), { index: ['logs-windows.powershell*', 'winlogbeat-*'] })).toEqual([`${PS}/4104 script-block`]);
  });
  it('nothing for EDR-only indices (not Windows event logs)', () => {
    expect(events('elastic', and([predicate('event.category', 'eq', 'process'), predicate('event.type', 'eq', 'start')]), { index: ['logs-endpoint.events.process-*', 'endgame-*'] })).toEqual([]);
  });
});

describe('Splunk events', () => {
  it('from EventCode with the source macro, else from data_source', () => {
    expect(events('splunk', and([predicate('EventCode', 'eq', 4688), predicate('Process_Command_Line', 'wildcard', contains('x'))]), { sourceMacros: ['wineventlog_security'] })).toEqual([`${SEC}/4688 predicate`]);
    expect(events('splunk', predicate('EventCode', 'eq', 7045), { sourceMacros: ['wineventlog_system'] })).toEqual(['Service Control Manager/7045 predicate']);
    const ds = [
      { provider: SYSMON, eventId: 1 },
      { provider: SEC, eventId: 4688 },
    ];
    expect(events('splunk', predicate('Processes.process_name', 'eq', 'rundll32.exe'), {}, { metadata: { dataSourceEvents: ds } })).toEqual([`${SYSMON}/1 data_source`, `${SEC}/4688 data_source`]);
    // The Sysmon log has no event 4624: reported, not listed.
    const bad = n.normalizeRule(makeRule('splunk', predicate('EventCode', 'eq', 4624), { sourceMacros: ['sysmon'] }));
    expect(bad.events).toEqual([]);
    expect(bad.diagnostics).toMatchObject([{ severity: 'info', code: 'events.not-in-catalog' }]);
  });
});
