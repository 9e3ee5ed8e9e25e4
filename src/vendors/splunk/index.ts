/**
 * The Splunk vendor: security_content detection YAML and Splunk app
 * `savedsearches.conf` (rules), macros (`macros/*.yml`, `macros.conf`),
 * `data_sources/*.yml` and `stories/*.yml` (support). See
 * docs/semantics/splunk.md for every semantic decision.
 */
import { setOwn } from '../../core/objects.js';
import { exactSize, pushAll } from '../../core/arrays.js';
import type { Diagnostic } from '../../ast/schema.js';
import { diagAt } from '../../core/diagnostics.js';
import type { SourceFile } from '../../core/source-file.js';
import { parseYaml } from '../../formats/yaml.js';
import type { VendorModule } from '../types.js';
import { eventFromExampleLog } from './data-source.js';
import { loadMacroYaml, loadMacrosConf, loadUserMacros } from './macro-library.js';
import { parseDetectionYaml, parseSavedSearches } from './rule.js';
import { restoreSplunkSupport, saveSplunkSupport } from './saved-state.js';
import type { DataSourceDef, SplunkState } from './state.js';
import { emptyState } from './state.js';

export type { SplunkState } from './state.js';
export { analyzeSearch } from './analyze.js';
export { dataSourceEvents } from './data-source.js';

interface State extends SplunkState {
  /** Diagnostics of the user macro library, reported once by `link`. */
  setupDiagnostics: Diagnostic[];
}

function loadDataSource(file: SourceFile, state: SplunkState, opts: { limits: import('../../core/limits.js').Limits }): Diagnostic[] {
  const { documents, diagnostics } = parseYaml(file, opts.limits, false);
  for (const d of documents) {
    const v = d.value as Record<string, unknown> | null;
    if (!v || typeof v !== 'object' || typeof v.name !== 'string') {
      diagnostics.push(diagAt(file, 'warning', 'splunk.datasource.invalid', 'data source without a `name`', d.start));
      continue;
    }
    const def: DataSourceDef = { name: v.name };
    if (typeof v.source === 'string') def.source = v.source;
    if (typeof v.sourcetype === 'string') def.sourcetype = v.sourcetype;
    if (typeof v.separator === 'string') def.separator = v.separator;
    if (typeof v.example_log === 'string') Object.assign(def, eventFromExampleLog(v.example_log));
    setOwn(state.dataSources, v.name, def);
  }
  return diagnostics;
}

function loadStory(file: SourceFile, state: SplunkState, opts: { limits: import('../../core/limits.js').Limits }): Diagnostic[] {
  const { documents, diagnostics } = parseYaml(file, opts.limits, false);
  for (const d of documents) {
    const v = d.value as Record<string, unknown> | null;
    if (!v || typeof v !== 'object' || typeof v.name !== 'string') continue;
    setOwn(state.stories, v.name, { name: v.name, path: file.path, ...(v.id ? { id: String(v.id) } : {}), ...(typeof v.description === 'string' ? { description: v.description } : {}) });
  }
  return diagnostics;
}

export const splunkVendor: VendorModule<State> = {
  vendor: 'splunk',
  createState(opts) {
    const state: State = { ...emptyState(), setupDiagnostics: [] };
    const spec = opts.vendorOptions?.macros;
    if (spec !== undefined) pushAll(state.setupDiagnostics, loadUserMacros(spec, state.userMacros, opts.limits));
    return state;
  },
  saveSupport: (state) => saveSplunkSupport(state),
  restoreSupport(data) {
    const restored = restoreSplunkSupport(data);
    return typeof restored === 'string' ? restored : { ...restored, setupDiagnostics: [] };
  },
  loadSupport(file, role, state, opts) {
    switch (role.format) {
      case 'splunk-macro-yaml':
        return loadMacroYaml(file, state.macros, opts.limits);
      case 'splunk-macros-conf':
        return loadMacrosConf(file, state.macros);
      case 'splunk-datasource-yaml':
        return loadDataSource(file, state, opts);
      case 'splunk-story-yaml':
        return loadStory(file, state, opts);
      default:
        return [diagAt(file, 'warning', 'splunk.support.format', `not a Splunk support format: ${role.format}`)];
    }
  },
  parseFile(file, role, state, opts) {
    if (role.format === 'splunk-savedsearches-conf') return parseSavedSearches(file, state, opts.limits);
    if (role.format === 'splunk-detection-yaml') return parseDetectionYaml(file, state, opts.limits);
    return { rules: [], diagnostics: [diagAt(file, 'error', 'splunk.rule.format', `not a Splunk rule format: ${role.format}`)] };
  },
  link(rules, state) {
    // Analytic stories: attach the story ids the loaded stories/ folder knows.
    for (const r of rules) {
      const names = r.metadata.analyticStories;
      if (!Array.isArray(names)) continue;
      const ids = names.map((n) => state.stories[String(n)]?.id).filter((x): x is string => !!x);
      if (ids.length) r.metadata.analyticStoryIds = exactSize(ids);
    }
    const diagnostics = state.setupDiagnostics;
    state.setupDiagnostics = [];
    return { rules, diagnostics };
  },
};
