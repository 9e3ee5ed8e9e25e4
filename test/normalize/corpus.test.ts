/**
 * Normalization over the real corpora (../shared/corpora): coverage of
 * canonical fields, cross-vendor indicators, covered events and ATT&CK
 * resolution. Loads the three corpora once (slow on a shared machine).
 */
import { beforeAll, expect, it } from 'vitest';
import type { Rule } from '../../src/ast/schema.js';
import { predicates } from '../../src/ast/walk.js';
import { loadEventCatalog } from '../../src/events/index.js';
import { loadCorpus } from '../../src/loader/load.js';
import { fieldCoverage } from '../../src/normalize/index.js';
import { corpus, describeCorpus } from '../helpers/corpora.js';
import { logWide, targetsWindowsEvents, windowsSource } from './windows-target.js';

let rules: Rule[] = [];

describeCorpus('normalization over the three corpora', () => {
  beforeAll(async () => {
    // One vendor at a time, yielding between them, so the test worker can still talk to vitest on a busy machine.
    for (const v of ['sigma', 'elastic', 'splunk']) {
      const res = await loadCorpus([corpus(v)], { workers: 0 });
      rules.push(...res.rules);
      await new Promise((r) => setTimeout(r, 10));
    }
  }, 900_000);

  it('maps at least 97% of field predicates to ECS or a declared extension, per vendor too', () => {
    const cov = fieldCoverage(rules);
    expect(cov.predicates).toBeGreaterThan(90_000);
    expect(cov.share).toBeGreaterThanOrEqual(0.97);
    for (const [vendor, c] of Object.entries(cov.byVendor)) expect(c.share, vendor).toBeGreaterThanOrEqual(0.95);
    // Every unmapped field is listed, and the list accounts for every unvalidated predicate.
    expect(cov.unmapped.reduce((s, u) => s + u.count, 0)).toBe(cov.predicates - cov.validated);
  });

  it('the three vendors meet on the process fields and on one indicator', () => {
    const users = (field: string) => new Set(rules.filter((r) => predicates(r).some((u) => u.predicate.field?.canonical === field)).map((r) => r.vendor));
    for (const f of ['process.name', 'process.command_line', 'process.parent.name', 'process.executable']) expect([...users(f)].sort(), f).toEqual(['elastic', 'sigma', 'splunk']);
    const behind = rules.filter((r) =>
      predicates(r).some(({ predicate: p, negated, role }) => role === 'event' && !negated && p.field?.canonical === 'process.name' && p.op === 'eq' && typeof p.value === 'string' && p.value.toLowerCase() === 'rundll32.exe'),
    );
    const byVendor: Partial<Record<string, Rule[]>> = {};
    for (const r of behind) (byVendor[r.vendor] ??= []).push(r);
    expect(byVendor.sigma?.length).toBeGreaterThan(20);
    expect(byVendor.elastic?.length).toBeGreaterThan(5);
    expect(byVendor.splunk?.length).toBeGreaterThan(5);
    // The Sigma side comes from `Image|endswith: '\rundll32.exe'`, the Splunk side from CIM process_name.
    const written = new Set(behind.flatMap((r) => predicates(r).filter((u) => u.predicate.field?.canonical === 'process.name').map((u) => `${r.vendor}:${u.predicate.field!.name}`)));
    expect(written).toContain('sigma:Image');
    expect(written).toContain('splunk:Processes.process_name');
  });

  it('every event a rule covers is in the catalog; Windows rules have events', () => {
    const catalog = loadEventCatalog();
    for (const r of rules) for (const e of r.events ?? []) expect(catalog.get(e.provider, e.eventId), `${r.path}: ${e.provider}/${e.eventId}`).toBeDefined();
    // Splunk: every rule with a Windows data_source.
    const sp = rules.filter((r) => r.vendor === 'splunk' && (r.metadata['dataSourceEvents'] as unknown[] | undefined)?.length);
    expect(sp.filter((r) => !r.events?.length).map((r) => r.path)).toEqual([]);
    // Sigma: every Windows rule of a category with events, or whose positive logic names an event id.
    // Kernel-File ETW categories (events 12 / 27 since the event table has them); asserted on their own in the next test.
    const SIGMA_NO_EVENT_LOG = new Set(['file_access', 'file_rename']);
    const sig = rules.filter((r) => r.vendor === 'sigma' && r.logsource.product === 'windows' && !SIGMA_NO_EVENT_LOG.has(r.logsource.category ?? ''));
    const sigMissing = sig.filter((r) => !r.events?.length);
    const namesId = (r: Rule) => predicates(r).some((u) => !u.negated && u.predicate.field?.canonical === 'event.code');
    expect(sigMissing.filter((r) => r.logsource.category || namesId(r)).map((r) => r.path)).toEqual([]);
    // What is left matches any event of a channel (keywords over a whole log): a handful of rules.
    expect(sigMissing.length).toBeLessThan(15);
    // Elastic: rules on Windows event-log indices that pin an event by code, action, category or script-block field.
    const el = rules.filter((r) => r.vendor === 'elastic' && (r.logsource.index ?? []).some((i) => /^(winlogbeat-|logs-windows\.|logs-system\.(security|system))/.test(i)));
    const pins = (r: Rule) => predicates(r).some((u) => !u.negated && /^(event\.code|event\.action|event\.category|powershell\.file\.script_block_text)$/.test(u.predicate.field?.canonical ?? ''));
    const elMissing = el.filter((r) => pins(r) && !r.events?.length);
    expect(elMissing.length / el.length).toBeLessThan(0.01);
  });

  it('every rule that targets Windows events has an event in the catalog (counts per vendor); log-wide rules are listed', () => {
    // test/normalize/windows-target.ts and docs/normalization.md "Which rules target Windows events".
    const target = (v: string) => rules.filter((r) => r.vendor === v && targetsWindowsEvents(r));
    expect({ sigma: target('sigma').length, elastic: target('elastic').length, splunk: target('splunk').length }).toEqual({ sigma: 2870, elastic: 509, splunk: 1100 });
    for (const v of ['sigma', 'elastic', 'splunk']) expect(target(v).filter((r) => !r.events?.length).map((r) => r.path), v).toEqual([]);
    // Log-wide: keyword searches over a whole log (Sigma) and indicator-match / alert-promotion / onboarding rules over
    // catch-all indices (Elastic). None of them is given an event, and none had one.
    const wide = rules.filter(logWide);
    const name = (r: Rule) => `${r.vendor}:${r.path.replace(/^.*corpora\//, '')}`;
    expect(wide.map(name).sort()).toEqual([
      'elastic:elastic/rules/cross-platform/guided_onboarding_sample_rule.toml',
      'elastic:elastic/rules/promotions/external_alerts.toml',
      'elastic:elastic/rules/threat_intel/threat_intel_indicator_match_address.toml',
      'elastic:elastic/rules/threat_intel/threat_intel_indicator_match_hash.toml',
      'elastic:elastic/rules/threat_intel/threat_intel_indicator_match_registry.toml',
      'elastic:elastic/rules/threat_intel/threat_intel_indicator_match_url.toml',
      'elastic:elastic/rules/threat_intel/threat_intel_rapid7_threat_command.toml',
      'sigma:sigma/rules/windows/builtin/application/Other/win_av_relevant_match.yml',
      'sigma:sigma/rules/windows/builtin/win_alert_mimikatz_keywords.yml',
    ]);
    expect(wide.filter((r) => r.events?.length)).toEqual([]);
    // Every Windows-source rule is either targeting or log-wide.
    expect(rules.filter(windowsSource).length).toBe(2870 + 509 + 1100 + wide.length);
    // Sigma file_access / file_rename come from the ETW provider Microsoft-Windows-Kernel-File (Create 12, RenamePath 27).
    const kf = rules.filter((r) => r.vendor === 'sigma' && r.logsource.product === 'windows' && ['file_access', 'file_rename'].includes(r.logsource.category ?? ''));
    expect(kf.length).toBe(15);
    for (const r of kf) {
      const want = r.logsource.category === 'file_access' ? 12 : 27;
      expect(r.events, r.path).toEqual([{ provider: 'Microsoft-Windows-Kernel-File', eventId: want, via: 'logsource' }]);
    }
    // A Security-log rule without an event id ("any event in security" on purpose): the Security events carrying its fields.
    const sam = rules.find((r) => r.path.endsWith('win_security_susp_computer_name.yml'))!;
    const ids = (sam.events ?? []).map((e) => e.eventId);
    expect(new Set(sam.events!.map((e) => e.via))).toEqual(new Set(['fields']));
    for (const id of [4624, 4720, 4741, 4742, 4768]) expect(ids, String(id)).toContain(id);
  });

  it('rules tagged T1114.002 cover Sysmon 1, Security 4688 and PowerShell 4104', () => {
    const t = rules.filter((r) => r.attack.techniques.includes('T1114.002'));
    expect(new Set(t.map((r) => r.vendor)).size).toBeGreaterThanOrEqual(2);
    const ev = new Set(t.flatMap((r) => (r.events ?? []).map((e) => `${e.provider}/${e.eventId}`)));
    for (const e of ['Microsoft-Windows-Sysmon/1', 'Microsoft-Windows-Security-Auditing/4688', 'Microsoft-Windows-PowerShell/4104']) expect(ev).toContain(e);
  });

  it('resolves every technique id except the listed unknowns; all Sigma v19 ids resolve', () => {
    const unknown = new Map<string, string[]>();
    for (const r of rules) for (const d of r.diagnostics) if (d.code === 'attack.unknown-technique') unknown.set(r.vendor, [...(unknown.get(r.vendor) ?? []), d.message.split(' ')[1]!]);
    expect(unknown.get('sigma')).toBeUndefined();
    // T1660 is an ATT&CK for Mobile id (Phishing) in one Elastic rule; AML.* are MITRE ATLAS ids in Elastic LLM hunting queries.
    expect(Object.keys(Object.fromEntries(unknown))).toEqual(['elastic']);
    expect([...new Set(unknown.get('elastic'))].sort()).toEqual(['AML.T0029', 'AML.T0034', 'AML.T0051', 'AML.T0051.000', 'T1660']);
    const v19 = rules.filter((r) => r.vendor === 'sigma' && r.diagnostics.some((d) => d.code === 'attack.v19-technique'));
    expect(v19.length).toBeGreaterThan(200);
    for (const r of v19) expect(r.attack.techniques.some((t) => /^T16(8[5-9]|90)/.test(t)), r.path).toBe(false);
    // Sigma and Elastic meet on the renumbered Impair Defenses technique.
    const t15621 = new Set(rules.filter((r) => r.attack.techniques.includes('T1562.001')).map((r) => r.vendor));
    expect([...t15621].sort()).toEqual(['elastic', 'sigma', 'splunk']);
  });
});
