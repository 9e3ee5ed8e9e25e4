/**
 * The Splunk state of the supporting files (macros, data sources, analytic
 * stories) as JSON data, for the incremental build's snapshot: a rebuild
 * after an edited detection, with every supporting file unchanged, starts
 * from it instead of reading and parsing the 600-odd files again (about
 * 100 ms of such a rebuild of the security_content corpus;
 * docs/performance.md, "Incremental builds").
 *
 * The data comes back from the cache directory, which is not trusted: every
 * record and field is checked to have the shape the support loaders make,
 * and a key that is not what the loaders would file the entry under refuses
 * the whole state (the rebuild then reads the files). The records keep the
 * keys as JSON gives them, own properties even for `__proto__`, as
 * `setOwn` stores them when the files are read.
 */
import type { DataSourceDef, MacroDef, SplunkState, StoryDef } from './state.js';
import { macroKey } from './state.js';

/** What `saveSplunkSupport` writes. */
export interface SavedSplunkSupport {
  macros: Record<string, MacroDef>;
  dataSources: Record<string, DataSourceDef>;
  stories: Record<string, StoryDef>;
}

/** The supporting files' part of the state; null when the user's own macros are in it (no stamp watches their files). */
export function saveSplunkSupport(state: SplunkState & { setupDiagnostics?: readonly unknown[] }): SavedSplunkSupport | null {
  if (Object.keys(state.userMacros).length || state.setupDiagnostics?.length) return null;
  return { macros: state.macros, dataSources: state.dataSources, stories: state.stories };
}

const isStr = (v: unknown): v is string => typeof v === 'string';
const optStr = (v: unknown): boolean => v === undefined || typeof v === 'string';
const isObject = (v: unknown): v is Record<string, unknown> => !!v && typeof v === 'object' && !Array.isArray(v) && Object.getPrototypeOf(v) === Object.prototype;

/** Only these keys, each as `check` wants it. */
function shaped(v: unknown, fields: Record<string, (x: unknown) => boolean>): v is Record<string, unknown> {
  if (!isObject(v)) return false;
  for (const k of Object.keys(v)) if (!Object.hasOwn(fields, k)) return false;
  for (const k of Object.keys(fields)) if (!fields[k]!(v[k])) return false;
  return true;
}

const MACRO = { name: isStr, args: (x: unknown) => Array.isArray(x) && x.every(isStr), definition: isStr, origin: isStr, iseval: (x: unknown) => x === undefined || typeof x === 'boolean' };
const DATA_SOURCE = { name: isStr, source: optStr, sourcetype: optStr, separator: optStr, provider: optStr, eventId: (x: unknown) => x === undefined || (typeof x === 'number' && Number.isFinite(x)), channel: optStr };
const STORY = { name: isStr, id: optStr, description: optStr, path: isStr };

/** Every value of `rec` has the shape, filed under the key `keyOf` gives it. */
function records<T>(rec: unknown, fields: Record<string, (x: unknown) => boolean>, keyOf: (v: T) => string): rec is Record<string, T> {
  if (!isObject(rec)) return false;
  for (const k of Object.keys(rec)) {
    const v = rec[k];
    if (!shaped(v, fields) || keyOf(v as T) !== k) return false;
  }
  return true;
}

/** `saveSplunkSupport`'s data checked and made a state again (with no user macros), or why not. */
export function restoreSplunkSupport(data: unknown): SplunkState | string {
  if (!shaped(data, { macros: isObject, dataSources: isObject, stories: isObject })) return 'not a saved Splunk support state';
  const d = data as unknown as SavedSplunkSupport;
  if (!records<MacroDef>(d.macros, MACRO, (m) => macroKey(m.name, m.args.length))) return 'a saved Splunk macro is damaged';
  if (!records<DataSourceDef>(d.dataSources, DATA_SOURCE, (s) => s.name)) return 'a saved Splunk data source is damaged';
  if (!records<StoryDef>(d.stories, STORY, (s) => s.name)) return 'a saved Splunk story is damaged';
  return { macros: d.macros, userMacros: {}, dataSources: d.dataSources, stories: d.stories };
}
