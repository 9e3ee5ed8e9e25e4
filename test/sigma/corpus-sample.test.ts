/**
 * Hand-checked sample: for 50 corpus rules chosen to cover every edge case of
 * ../shared/research/sigma.md §3 (and a few common shapes), the set of
 * (polarity, field, operator, value) predicates and the top-level exclusions.
 * The golden file (golden/corpus-sample.txt) was reviewed by eye against the
 * rule files; comments name the edge case each rule covers. Regenerate it with
 * SIGMA_UPDATE_GOLDEN=1 and review the diff before committing.
 */
import { existsSync, readFileSync, readdirSync, statSync, writeFileSync, mkdirSync } from 'node:fs';
import { join, relative } from 'node:path';
import { expect, it } from 'vitest';
import { SourceFile } from '../../src/core/source-file.js';
import { DEFAULT_LIMITS } from '../../src/core/limits.js';
import { parseSigmaFile } from '../../src/vendors/sigma/index.js';
import { corpus, describeCorpus } from '../helpers/corpora.js';
import { exclusions, triples } from './helpers.js';

const SAMPLE: Array<[string, string]> = [
  ['proc_creation_win_dumpminitool_susp_execution.yml', '#1 nested parentheses, not inside groups'],
  ['file_event_win_office_uncommon_file_startup.yml', '#2 depth-3 mix of groups and 1 of'],
  ['proc_creation_win_wsl_kali_linux_usage.yml', '#3 precedence without parentheses (A or (B and not C))'],
  ['posh_ps_clearing_windows_console_history.yml', '#3 selection1 or selection2a and selection2b'],
  ['proc_creation_win_exploit_cve_2025_55182_susp_nodejs_server_child_process.yml', '#4 multi-line condition'],
  ['proc_creation_lnx_exploit_cve_2025_55182_susp_nodejs_server_child_process.yml', '#4 multi-line condition (linux)'],
  ['proc_creation_win_susp_image_missing.yml', '#5 only negations'],
  ['zeek_rdp_public_listener.yml', '#5 not selection with a YAML comment; #26 cidr IPv4+IPv6'],
  ['proc_creation_win_susp_non_exe_image.yml', '#5 no positive term'],
  ['raw_access_thread_susp_disk_access_using_uncommon_tools.yml', '#5 no positive term'],
  ['proc_creation_win_regedit_export_keys.yml', '#6 not all of; windash'],
  ['proc_creation_win_regedit_import_keys.yml', '#6 not all of'],
  ['proc_creation_macos_file_and_directory_discovery.yml', '#7 selection name with |; #14 regex {n,}'],
  ['proc_creation_lnx_susp_sensitive_file_access.yml', '#8 selection name with .'],
  ['web_cve_2021_26858_iis_rce.yml', '#10 keyword |all with an int'],
  ['lnx_auditd_system_shutdown_reboot.yml', '#11 numeric keywords'],
  ['file_event_win_susp_registry_hive_file_creation.yml', '#12 re|i'],
  ['proc_creation_win_susp_copy_system_dir.yml', '#12 CommandLine|re|i'],
  ['proc_creation_win_curl_ntlm_hash_leak_attempt.yml', '#13 inline (?i)'],
  ['proxy_susp_ipfs_cred_harvest.yml', '#13 inline (?i) and PCRE classes'],
  ['image_load_side_load_vcruntime140.yml', '#15 bool Signed: true'],
  ['net_connection_win_adws_unusual_connection.yml', '#15 bool Initiated: true'],
  ['win_security_susp_add_sid_history.yml', '#16 implicit null; nested exclusions only'],
  ['proc_creation_win_bash_file_execution.yml', '#17 null and empty string pair'],
  ['proxy_hktl_cobalt_strike_malleable_c2_requests.yml', '#18 escaped ?'],
  ['proxy_hktl_baby_shark_default_agent_url.yml', '#18 momyshark\\?key='],
  ['zeek_smb_converted_win_lm_namedpipe.yml', '#19 \\\\\\\\\\*\\\\IPC$ = \\\\*\\IPC$ with a literal star; keywords under not'],
  ['zeek_smb_converted_win_atsvc_task.yml', '#19 \\\\*\\IPC$ = \\ + wildcard + \\IPC$'],
  ['proc_creation_win_rar_susp_greedy_compression.yml', '#19 ?:\\\\\\*. = one char, :\\*.'],
  ['file_access_win_susp_gpo_files.yml', '#20 startswith \\\\ = one backslash'],
  ['proc_creation_win_net_use_mount_share.yml', '#20 \\\\\\\\ = two backslashes'],
  ['proc_creation_win_hktl_crackmapexec_execution_patterns.yml', '#21 wildcards inside contains'],
  ['proc_creation_win_cmd_redirection_susp_folder.yml', '#22 ? as a wildcard; %APPDATA% literal'],
  ['proc_creation_win_lolbin_unregmp2.yml', '#23 windash'],
  ['proc_creation_win_powershell_base64_frombase64string.yml', '#24 base64offset|contains'],
  ['proc_creation_win_exploit_cve_2025_53770_indicators.yml', '#24 wide|base64offset|contains, base64|contains'],
  ['file_delete_win_delete_own_image.yml', '#25 fieldref'],
  ['aws_update_login_profile.yml', '#25 fieldref with dotted fields, negated'],
  ['proxy_webdav_external_execution.yml', '#26 cidr list under not'],
  ['okta_fastpass_phishing_detection.yml', '#27 dotted field names'],
  ['file_event_win_susp_homoglyph_filename.yml', '#29 non-ASCII via YAML escapes'],
  ['proc_creation_win_susp_lnk_exec_hidden_cmd.yml', '#31 tab in a comment'],
  ['proc_creation_win_desktopimgdownldr_susp_execution.yml', 'nested NOT only: (sel_a and not f_a) or sel_b'],
  ['registry_set_susp_keyboard_layout_load.yml', 'unquoted 00000429 is text (YAML 1.1)'],
  ['azure_user_account_mfa_disable.yml', 'double-quoted YAML escapes'],
  ['win_security_adcs_certighost_cdc_chase_request.yml', 'expand placeholders'],
  ['azure_ad_failed_auth_from_countries_you_do_not_operate_out_of.yml', 'placeholder rule, not filter only'],
  ['proc_creation_win_whoami_all_execution.yml', 'common: Image|endswith or OriginalFileName, windash'],
  ['proc_creation_win_rundll32_no_params.yml', 'common: endswith + not 1 of filter_main_*'],
  ['proc_access_win_lsass_memdump.yml', 'process_access GrantedAccess lists'],
];

function indexByName(): Map<string, string> {
  const out = new Map<string, string>();
  const root = corpus('sigma');
  const walkDir = (d: string) => {
    for (const e of readdirSync(d)) {
      const p = join(d, e);
      if (statSync(p).isDirectory()) walkDir(p);
      else if (e.endsWith('.yml') && !out.has(e)) out.set(e, p);
    }
  };
  for (const d of readdirSync(root)) if (d.startsWith('rules')) walkDir(join(root, d));
  return out;
}

describeCorpus('hand-checked corpus sample', () => {
  it('covers at least 40 rules that exist in the corpus', () => {
    const idx = indexByName();
    const missing = SAMPLE.map(([n]) => n).filter((n) => !idx.has(n));
    expect(missing).toEqual([]);
    expect(SAMPLE.length).toBeGreaterThanOrEqual(40);
  });

  it('predicates and top-level exclusions match the reviewed golden file', () => {
    const idx = indexByName();
    let out = '';
    for (const [name, why] of SAMPLE) {
      const path = idx.get(name);
      if (!path) continue;
      const r = parseSigmaFile(new SourceFile(relative(corpus('sigma'), path), readFileSync(path, 'utf8')), { limits: DEFAULT_LIMITS });
      expect(r.rules.length).toBe(1);
      const rule = r.rules[0]!;
      expect(rule.diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
      out += `=== ${rule.path}\n# ${why}\n`;
      for (const t of triples(rule)) out += `  ${t}\n`;
      const ex = exclusions(rule);
      out += ex.length ? ex.map((e) => `  EXCLUDE ${e.replace(/\n/g, '\n    ')}\n`).join('') : '  (no top-level exclusions)\n';
    }
    const golden = join(__dirname, 'golden', 'corpus-sample.txt');
    if (process.env.SIGMA_UPDATE_GOLDEN === '1' || !existsSync(golden)) {
      mkdirSync(join(__dirname, 'golden'), { recursive: true });
      writeFileSync(golden, out);
    }
    expect(out).toBe(readFileSync(golden, 'utf8'));
  });
});
