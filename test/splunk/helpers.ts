/** Test helpers: analyze one SPL search with a small macro library and print the result canonically. */
import { printNode, printQuery } from '../../src/ast/print.js';
import type { Diagnostic, Node } from '../../src/ast/schema.js';
import { DEFAULT_LIMITS, type Limits } from '../../src/core/limits.js';
import { analyzeSearch, type SplAnalysis } from '../../src/vendors/splunk/analyze.js';
import { loadUserMacros } from '../../src/vendors/splunk/macro-library.js';
import { emptyState, type SplunkState } from '../../src/vendors/splunk/state.js';

export function stateWith(macros: Record<string, string> = {}): SplunkState {
  const st = emptyState();
  loadUserMacros([macros], st.macros, DEFAULT_LIMITS);
  return st;
}

export const DEMO_MACROS: Record<string, string> = {
  sysmon: 'sourcetype=XmlWinEventLog:Microsoft-Windows-Sysmon/Operational OR source=XmlWinEventLog:Microsoft-Windows-Sysmon/Operational',
  wineventlog_security: 'eventtype=wineventlog_security OR Channel=security',
  process_net: '(Processes.process_name=net.exe OR Processes.original_file_name=net.exe)',
  security_content_summariesonly: 'summariesonly=false allow_old_summaries=true',
  'security_content_ctime(1)': 'convert timeformat="%Y-%m-%dT%H:%M:%S" ctime($arg1$)',
  windows_shells: '(Processes.process_name=cmd.exe OR Processes.process_name=powershell.exe)',
};

export function run(spl: string, macros: Record<string, string> = DEMO_MACROS, limits: Partial<Limits> = {}, state?: SplunkState): SplAnalysis {
  return analyzeSearch(spl, { state: state ?? stateWith(macros), limits: { ...DEFAULT_LIMITS, ...limits }, file: null });
}

/** The query as canonical text (field names as written). */
export function q(spl: string, macros?: Record<string, string>): string {
  return printQuery(run(spl, macros).query, { fieldNames: 'written', width: 1000 });
}

/** The event filter of a search (aggregate input or filter). */
export function f(spl: string, macros?: Record<string, string>): string {
  const query = run(spl, macros).query;
  const node: Node = query.kind === 'filter' ? query.filter : query.kind === 'aggregate' && query.input.kind === 'filter' ? query.input.filter : { type: 'constant', value: false };
  return printNode(node, { fieldNames: 'written', width: 1000 });
}

export function sel(spl: string, macros?: Record<string, string>): string | undefined {
  const s = run(spl, macros).selection;
  return s ? printNode(s, { fieldNames: 'written', width: 1000 }) : undefined;
}

export function codes(diags: Diagnostic[]): string[] {
  return diags.map((d) => `${d.severity} ${d.code}`);
}
