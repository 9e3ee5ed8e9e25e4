/**
 * The real security_content corpus (../shared/corpora/splunk): every active
 * detection parses with no error, macros expanded from the corpus macros
 * folder; shapes, macro classes, data_source events and precedence-sensitive
 * clauses are counted; a reviewed snapshot covers the research edge cases.
 */
import { readFileSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, expect, it } from 'vitest';
import { printNode, printQuery } from '../../src/ast/print.js';
import type { Node, Rule } from '../../src/ast/schema.js';
import { RuleSchema } from '../../src/ast/schema.js';
import { positiveParts, predicates, topLevelExclusions } from '../../src/ast/walk.js';
import { DEFAULT_LIMITS } from '../../src/core/limits.js';
import { SourceFile } from '../../src/core/source-file.js';
import { parse } from '../../src/generated/spl.js';
import { splunkVendor } from '../../src/vendors/splunk/index.js';
import type { FileFormat } from '../../src/vendors/types.js';
import { corpus, describeCorpus } from '../helpers/corpora.js';

function ymlFiles(dir: string): string[] {
  const out: string[] = [];
  for (const n of readdirSync(dir).sort()) {
    const p = join(dir, n);
    if (statSync(p).isDirectory()) out.push(...ymlFiles(p));
    else if (n.endsWith('.yml')) out.push(p);
  }
  return out;
}

const opts = { limits: DEFAULT_LIMITS };
let rules: Rule[] = [];
let fileCount = 0;
const byName = new Map<string, Rule>();

describeCorpus('splunk corpus', () => {
  beforeAll(() => {
    const state = splunkVendor.createState(opts);
    const support: Array<[string, FileFormat]> = [
      ['macros', 'splunk-macro-yaml'],
      ['data_sources', 'splunk-datasource-yaml'],
      ['stories', 'splunk-story-yaml'],
    ];
    for (const [dir, format] of support) {
      for (const p of ymlFiles(corpus('splunk', dir))) {
        const diags = splunkVendor.loadSupport!(new SourceFile(p, readFileSync(p, 'utf8')), { format, vendor: 'splunk', role: 'support' }, state, opts);
        expect(diags.filter((d) => d.severity === 'error')).toEqual([]);
      }
    }
    const files = ymlFiles(corpus('splunk', 'detections'));
    fileCount = files.length;
    for (const p of files) {
      const out = splunkVendor.parseFile(new SourceFile(p, readFileSync(p, 'utf8')), { format: 'splunk-detection-yaml', vendor: 'splunk', role: 'rules' }, state, opts);
      expect(out.diagnostics).toEqual([]);
      rules.push(...out.rules);
    }
    rules = splunkVendor.link!(rules, state, opts).rules;
    for (const r of rules) byName.set(r.path.split('/').pop()!.replace(/\.yml$/, ''), r);
  }, 120_000);

  it('all 1,613 detections parse with no error diagnostics', () => {
    expect(fileCount).toBe(1613);
    expect(rules).toHaveLength(1613);
    const errors = rules.flatMap((r) => r.diagnostics.filter((d) => d.severity === 'error').map((d) => `${r.path}:${d.line}: ${d.code} ${d.message}`));
    expect(errors).toEqual([]);
    // Warnings too: every macro the corpus uses is defined, except the ES macro `get_asset` (info).
    const warnings = rules.flatMap((r) => r.diagnostics.filter((d) => d.severity === 'warning').map((d) => `${r.path}: ${d.code} ${d.message}`));
    expect(warnings).toEqual([]);
  });

  it('predicate sources point at the clause in the file (or at the macro call it came from)', () => {
    let ok = 0;
    const bad: string[] = [];
    for (const r of rules) {
      const lines = readFileSync(r.path, 'utf8').split('\n');
      for (const u of predicates(r)) {
        const s = u.predicate.source;
        if (!s?.line || !s.text) continue;
        const ch = lines[s.line - 1]?.[s.column! - 1];
        if (ch === s.text[0] || ch === '`') ok++;
        else bad.push(`${r.path}:${s.line}:${s.column}`);
      }
    }
    expect(ok).toBeGreaterThan(7000);
    // The multi-line searches (windows_ad_suspicious_gpo_modification, windows_vulnerable_driver_loaded) are placed by line only.
    expect(bad.length).toBeLessThanOrEqual(10);
  });

  it('every rule validates against the AST schema', () => {
    for (const r of rules) expect(RuleSchema.safeParse(r).success, r.path).toBe(true);
  });

  it('shapes: the 13 risk correlation searches are correlations, everything else a filter or an aggregate', () => {
    const kinds: Record<string, number> = {};
    for (const r of rules) kinds[r.query.kind] = (kinds[r.query.kind] ?? 0) + 1;
    expect(kinds.correlation).toBe(13);
    expect(kinds.none ?? 0).toBe(0);
    expect((kinds.filter ?? 0) + (kinds.aggregate ?? 0)).toBe(1600);
    const correlations = rules.filter((r) => r.query.kind === 'correlation');
    expect(correlations.every((r) => r.ruleType === 'Correlation')).toBe(true);
    expect(rules.filter((r) => r.ruleType === 'Correlation')).toHaveLength(13);
  });

  it('every rule resolves its generated `<name>_filter` hook to a no-op', () => {
    const withHook = rules.filter((r) => ((r.metadata.splunk as { macros: Array<{ name: string; class: string }> }).macros ?? []).some((m) => m.name.endsWith('_filter') && m.class === 'noop'));
    expect(withHook).toHaveLength(1613);
  });

  it('macro classes and source selection', () => {
    const classes = new Map<string, Set<string>>();
    for (const r of rules) for (const m of (r.metadata.splunk as { macros: Array<{ name: string; class: string }> }).macros) {
      if (!classes.has(m.class)) classes.set(m.class, new Set());
      classes.get(m.class)!.add(m.name);
    }
    expect(classes.get('source')!.size).toBeGreaterThanOrEqual(60);
    expect(classes.get('predicate')!.size).toBeGreaterThanOrEqual(45);
    expect([...classes.get('unknown')!]).toEqual(['get_asset']);
    expect(classes.get('source')!.has('sysmon')).toBe(true);
    expect(classes.get('predicate')!.has('process_powershell')).toBe(true);
    expect(classes.get('pipeline')!.has('security_content_ctime')).toBe(true);
    expect(classes.get('options')!.has('security_content_summariesonly')).toBe(true);
    const sourceMacroRules = rules.filter((r) => r.logsource.sourceMacros?.length);
    // Research: 718 searches start with a source macro; a few more use one later (subsearch hosts excluded).
    expect(sourceMacroRules.length).toBeGreaterThanOrEqual(715);
    const tstats = rules.filter((r) => (r.metadata.splunk as { datamodel?: string }).datamodel);
    expect(tstats.length).toBeGreaterThanOrEqual(877 + 14 + 4 - 14); // tstats + from datamodel (mstats has no datamodel)
  });

  it('data_source strings resolve to Windows events', () => {
    const pairs = new Set<string>();
    let rulesWithEvents = 0;
    for (const r of rules) {
      const ev = r.metadata.dataSourceEvents as Array<{ provider: string; eventId: number }>;
      if (ev.length) rulesWithEvents++;
      for (const e of ev) pairs.add(`${e.provider}/${e.eventId}`);
    }
    expect(rulesWithEvents).toBeGreaterThan(1000);
    // Research §6: 98 distinct (provider, id) pairs are referenced.
    expect(pairs.size).toBeGreaterThanOrEqual(90);
    expect(pairs.has('Microsoft-Windows-Sysmon/1')).toBe(true);
    expect(pairs.has('Microsoft-Windows-Security-Auditing/4688')).toBe(true);
    expect(pairs.has('Microsoft-Windows-PowerShell/4104')).toBe(true);
  });

  it('precedence-sensitive search clauses (top-level AND over an unparenthesised OR) get the Splunk grouping', () => {
    // Count on the searches as written (macros unexpanded), as the research did: base searches, `search` and tstats WHERE.
    let sensitive = 0;
    let clauses = 0;
    type T = { k: string; items?: T[] };
    const check = (t: T | null | undefined) => {
      if (!t || t.k === 'empty') return;
      clauses++;
      if (t.k === 'and' && t.items!.some((i) => i.k === 'or')) sensitive++;
    };
    type C = { rule: string | null; tree: unknown };
    const visit = (text: string, depth: number) => {
      let p: { commands: C[] };
      try {
        p = parse(text, { startRule: 'Pipeline' });
      } catch {
        return;
      }
      for (const c of p.commands) {
        if (c.rule === 'SearchExpr') check(c.tree as T);
        if (c.rule === 'TstatsArgs') check((c.tree as { where: T | null }).where);
        // Subsearch bodies are search syntax too.
        if (depth < 4 && c.rule === 'GenericArgs') for (const it of c.tree as Array<{ k: string; text?: string }>) if (it.k === 'subsearch') visit(it.text!, depth + 1);
      }
    };
    for (const r of rules) visit(r.queryText!, 0);
    // Research §0.3 counts 112 of 1,732 with a heuristic scanner; the parse-tree count (an AND node with an
    // unparenthesised OR child, subsearch bodies included) is 93 of 1,824 (docs/semantics/splunk.md).
    expect(sensitive).toBe(93);
    expect(clauses).toBe(1824);
  });

  // The research file's edge cases plus a spread of shapes; reviewed by eye (see docs/semantics/splunk.md).
  const SNAPSHOT = [
    'windows_service_stop_via_net__and_sc_application', 'aws_detect_users_creating_keys_with_encrypt_policy_without_mfa', 'clop_common_exec_parameter',
    'windows_ad_suspicious_gpo_modification', 'extraction_of_registry_hives', 'windows_dll_side_loading_in_calc', 'windows_driver_load_non_standard_path',
    'windows_known_abused_dll_created', 'detect_baron_samedit_cve_2021_3156', 'kubernetes_create_or_update_privileged_pod',
    'malicious_powershell_process_with_obfuscation_techniques', 'potential_password_in_username', 'kubernetes_nginx_ingress_lfi',
    'linux_iptables_firewall_modification', 'detect_baron_samedit_cve_2021_3156_segfault', 'cmlua_or_cmstplua_uac_bypass', 'bits_job_persistence',
    'windows_msiexec_remote_download', 'detect_large_outbound_icmp_packets', 'get_wmiobject_group_discovery', 'gsuite_email_suspicious_subject_with_attachment',
    'windows_ad_dangerous_group_acl_modification', 'powershell_4104_hunting', 'detect_distributed_password_spray_attempts', 'proxyshell_proxynotshell_behavior_detected',
    'okta_risk_threshold_exceeded', 'windows_disable_lock_workstation_feature_through_registry', 'eventvwr_uac_bypass', 'detect_prohibited_applications_spawning_cmd_exe',
    'windows_lolbas_executed_as_renamed_file', 'circle_ci_disable_security_job', 'dns_query_length_with_high_standard_deviation', 'remote_desktop_network_bruteforce',
    'kubernetes_anomalous_inbound_network_activity_from_process', 'log4shell_jndi_payload_injection_with_outbound_connection', 'common_ransomware_notes',
    'o365_external_identity_policy_changed', 'windows_steal_authentication_certificates___esc1_abuse', 'process_deleting_its_process_file_path',
    'aws_ecr_container_scanning_findings_high', 'suspicious_reg_exe_process', 'unusually_long_command_line', 'detect_rare_executables',
    'windows_ad_dcshadow_privileges_acl_addition', 'cmd_echo_pipe___escalation',
  ];

  it('snapshot: predicates and topLevelExclusions of 45 corpus detections', () => {
    const print = (n: Node) => printNode(n, { fieldNames: 'written', width: 160 });
    const out: Record<string, unknown> = {};
    const missing: string[] = [];
    for (const name of SNAPSHOT) {
      const r = byName.get(name);
      if (!r) {
        missing.push(name);
        continue;
      }
      const q = r.query;
      out[name] = {
        kind: q.kind,
        selection: r.logsource.selection ? print(r.logsource.selection) : null,
        sourceMacros: r.logsource.sourceMacros ?? [],
        positive: positiveParts(r).map(print),
        exclusions: topLevelExclusions(r).map(print),
        shape: q.kind === 'aggregate' ? printQuery({ ...q, input: { kind: 'filter', filter: { type: 'constant', value: true } } }, { fieldNames: 'written', width: 160 }).split('\nfrom')[0] : q.kind === 'correlation' ? printQuery(q) : null,
        diagnostics: r.diagnostics.map((d) => `${d.severity} ${d.code}`),
      };
    }
    expect(missing).toEqual([]);
    expect(Object.keys(out).length).toBeGreaterThanOrEqual(40);
    expect(out).toMatchSnapshot();
  });
});
