/**
 * The Splunk vendor state: the macro library, the data_sources catalog and
 * the analytic stories. Plain data only (records of plain objects), because
 * the loader sends the state to worker threads.
 *
 * Macro precedence (docs/semantics/splunk.md): user macros passed through
 * `vendorOptions.macros` > macros loaded from support files (a later file
 * replaces an earlier one with a diagnostic) > built-in fallbacks
 * (`drop_dm_object_name`, the per-detection `<name>_filter`).
 */

export interface MacroDef {
  name: string;
  /** Argument names, in order (`$name$` in the definition). */
  args: string[];
  definition: string;
  /** Where it came from: a file path, `user:<path>`, or `builtin`. */
  origin: string;
  /** macros.conf `iseval = 1`: the definition is an eval expression (not supported; reported). */
  iseval?: boolean;
}

export interface DataSourceDef {
  name: string;
  source?: string;
  sourcetype?: string;
  separator?: string;
  /** From the `example_log` XML of Windows sources. */
  provider?: string;
  eventId?: number;
  channel?: string;
}

export interface StoryDef {
  name: string;
  id?: string;
  description?: string;
  path: string;
}

export interface SplunkState {
  /** Key: `name/arity`. */
  macros: Record<string, MacroDef>;
  /** User overrides (vendorOptions.macros), same keys; looked up first. */
  userMacros: Record<string, MacroDef>;
  dataSources: Record<string, DataSourceDef>;
  stories: Record<string, StoryDef>;
}

export function macroKey(name: string, arity: number): string {
  return `${name}/${arity}`;
}

export function emptyState(): SplunkState {
  return { macros: {}, userMacros: {}, dataSources: {}, stories: {} };
}
