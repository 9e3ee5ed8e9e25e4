/**
 * Reviewed snapshot of the predicates and top-level exclusions of corpus
 * rules chosen for their edge cases (research/elastic.md §2, §4, §5). EQL
 * rules are left to the EQL parser's own tests.
 */
import { readFileSync } from 'node:fs';
import { expect, it } from 'vitest';
import { printNode, printPredicate } from '../../src/ast/print.js';
import type { Rule } from '../../src/ast/schema.js';
import { opaqueNodes, predicates, topLevelExclusions } from '../../src/ast/walk.js';
import { corpus, describeCorpus } from '../helpers/corpora.js';
import { parseFile } from './helpers.js';

const CASES: Array<[string, string]> = [
  // KQL
  ['cross-platform/execution_aws_ssm_session_manager_child_process.toml', 'unquoted C\\:\\\\ path, quoted path, \\\\n not a newline, f:(* and not ...)'],
  ['integrations/azure/collection_azure_storage_account_blob_public_access_enabled.toml', 'escaped quotes and colons inside an unquoted wildcard'],
  ['linux/credential_access_kubernetes_and_cloud_credential_paths_via_process_args.toml', 'unquoted value spanning a newline (missing or)'],
  ['integrations/gcp/persistence_gcp_gke_sensitive_role_created_or_modified.toml', 'quoted "*" is a literal asterisk'],
  ['cross-platform/defense_evasion_genai_config_modification.toml', '? is literal in KQL (new_terms)'],
  ['integrations/kubernetes/credential_access_kubernetes_secrets_list_cluster_and_sensitive_namespaces.toml', '? literal in /api/v1/secrets?limit*'],
  ['integrations/azure/persistence_entra_id_global_administrator_role_assigned.toml', 'wildcard field name'],
  ['integrations/gcp/persistence_gcp_service_account_impersonation_role_grant.toml', 'nested-looking field value'],
  ['network/initial_access_potential_cpanel_whm_crlf_authentication_bypass.toml', 'range'],
  ['network/lateral_movement_dns_server_overflow.toml', 'range on a number'],
  ['integrations/aws/privilege_escalation_iam_customer_managed_policy_attached_to_role.toml', 'arn\\:aws\\:iam escapes'],
  ['apm/apm_405_response_method_not_allowed.toml', 'f:(* and not ...)'],
  ['cross-platform/initial_access_exfiltration_new_usb_device_mounted.toml', 'true/false literals, new_terms'],
  ['cross-platform/credential_access_suspicious_instance_metadata_service_api_request.toml', 'booleans'],
  ['windows/execution_posh_psreflect.toml', 'negated DSL filter with double escaping, script_block_text match'],
  ['windows/defense_evasion_posh_assembly_load.toml', 'single-escaped filter (authoring slip)'],
  ['windows/execution_posh_hacktool_functions.toml', 'longest KQL query, filters'],
  ['windows/credential_access_lsass_memdump_handle_access.toml', 'filters'],
  ['network/command_and_control_vnc_virtual_network_computing_from_the_internet.toml', 'CIDR values in KQL'],
  // threshold / threat_match / new_terms
  ['network/discovery_potential_syn_port_scan_detected.toml', 'threshold with cardinality'],
  ['network/discovery_potential_network_sweep_detected.toml', 'threshold'],
  ['integrations/azure/credential_access_entra_id_excessive_account_lockouts.toml', 'threshold with field = []'],
  ['threat_intel/threat_intel_indicator_match_email.toml', 'threat_match'],
  ['threat_intel/threat_intel_indicator_match_registry.toml', 'threat_match'],
  ['cross-platform/initial_access_exfiltration_new_usb_device_mounted.toml', 'new_terms'],
  // ES|QL
  ['cross-platform/execution_aws_ec2_lolbin_via_ssm.toml', 'LIKE "%...%" is literal; DISSECT; computed fields'],
  ['cross-platform/multiple_alerts_from_different_modules_by_user.toml', 'KQL() embedded'],
  ['cross-platform/lateral_movement_multi_alerts_new_userid.toml', 'KQL() embedded'],
  ['cross-platform/persistence_web_server_potential_command_injection.toml', 'RLIKE, double-backslash drive paths'],
  ['cross-platform/credential_access_grep_recursive_credential_discovery.toml', 'to_lower LIKE, IS NULL'],
  ['cross-platform/initial_access_elastic_defend_alert_package_manager_ancestor.toml', 'INLINE STATS, ends_with'],
  ['cross-platform/multiple_alerts_llm_by_user_entity.toml', 'COMPLETION'],
  ['cross-platform/command_and_control_wget_activity_llm_triage.toml', 'GROK, starts_with'],
  ['cross-platform/defense_evasion_long_base64_encoded_interpreter_command_line.toml', 'MV_EXPAND'],
  ['integrations/azure/initial_access_entra_id_illicit_consent_grant_via_registered_application.toml', 'RENAME'],
  ['cross-platform/initial_access_azure_o365_with_network_alert.toml', 'cidr_match, match()'],
  ['cross-platform/multiple_machine_learning_jobs_by_entity.toml', 'NOT IN'],
  ['windows/credential_access_rare_webdav_destination.toml', 'LIKE list form'],
  ['cross-platform/credential_access_multi_cloud_cli_token_harvesting.toml', 'LIKE with raw triple-quoted strings'],
  ['windows/command_and_control_multiple_rmm_vendors_same_host.toml', 'longest ES|QL query'],
  ['integrations/aws_bedrock/aws_bedrock_high_resource_consumption_detection.toml', 'aggregate conditions only'],
];

function review(rule: Rule, why: string): string {
  const uses = predicates(rule);
  const lines = [`# ${rule.path.replace(/.*\/elastic\//, '')} — ${why}`, `${rule.language}/${rule.ruleType} query=${rule.query.kind} techniques=${rule.attack.techniques.join(',')}`];
  if (rule.query.kind === 'aggregate') {
    lines.push(`groupBy: ${rule.query.groupBy.map((f) => f.name + (f.computed ? '(computed)' : '')).join(', ')}`);
    lines.push(`conditions: ${rule.query.conditions.map((c) => `${c.fn}${c.field ? '(' + c.field.name + ')' : ''} ${c.op} ${c.value}`).join('; ')}`);
  }
  lines.push(`predicates (${uses.length}):`);
  for (const u of uses.slice(0, 40)) lines.push(`  ${u.negated ? '-' : '+'} ${printPredicate(u.predicate)}${u.predicate.field?.computed ? ' (computed)' : ''}`);
  if (uses.length > 40) lines.push(`  ... ${uses.length - 40} more`);
  const ex = topLevelExclusions(rule);
  lines.push(`exclusions (${ex.length}):`);
  for (const e of ex) {
    const s = printNode(e, { width: 1e9 });
    lines.push(`  ! ${s.length > 300 ? s.slice(0, 300) + '…' : s}`);
  }
  const op = opaqueNodes(rule.query);
  if (op.length) lines.push(`opaque (${op.length}): ${op.map((o) => o.reason).join('; ')}`);
  const diags = rule.diagnostics.map((d) => `${d.severity}:${d.code}`);
  if (diags.length) lines.push(`diagnostics: ${diags.join(', ')}`);
  return lines.join('\n');
}

describeCorpus('elastic corpus snapshot', () => {
  it(`${CASES.length} edge-case rules: predicates and top-level exclusions`, () => {
    expect(CASES.length).toBeGreaterThanOrEqual(40);
    const out: string[] = [];
    for (const [file, why] of CASES) {
      const path = corpus('elastic', 'rules', file);
      const r = parseFile(path, readFileSync(path, 'utf8'));
      expect(r.rules, file).toHaveLength(1);
      expect(r.rules[0]!.language, file).not.toBe('eql');
      out.push(review(r.rules[0]!, why));
    }
    expect(out.join('\n\n')).toMatchSnapshot();
  });
  it('hunting files: one rule per query, by language (EQL bodies not shown)', () => {
    const out: string[] = [];
    for (const file of ['linux/queries/persistence_via_grub_bootloader.toml', 'macos/queries/execution_suspicious_executable_file_modification_via_docker.toml', 'windows/queries/createremotethread_by_source_process_with_low_occurrence.toml']) {
      const path = corpus('elastic', 'hunting', file);
      const text = readFileSync(path, 'utf8');
      for (const r of parseFile(path, text, 'elastic-hunt-toml').rules) {
        out.push(r.language === 'eql' ? `# ${r.id} ${r.language} line ${r.line}: ${r.query.kind}, ${predicates(r).length} predicates` : `${review(r, `hunt query, line ${r.line}`)}`);
      }
    }
    expect(out.length).toBeGreaterThan(4);
    expect(out.join('\n\n')).toMatchSnapshot();
  });
});
