/**
 * Canonical field names per vendor. Sigma: seeds/fields/windows.json and
 * sigma.json by logsource. Splunk: Splunk metadata, CIM data-model fields,
 * raw Windows event fields (by the events the rule reads), bare CIM names,
 * then source-macro namespaces. Elastic: the name itself, with `.caseless`
 * and `.text` multi-fields folded into their base field. User mappings come
 * first for every vendor. A name none of these gives is left unmapped
 * (never invented) and reported.
 */
import type { Rule } from '../ast/schema.js';
import { classifyCanonical, type FieldStatus } from './ecs.js';
import { RuleList, elasticTable, normalizeKey, sigmaTable, splunkTable, windowsTable, type NormalizedKey, type Resolution, type SourceKey } from './tables.js';
import type { UserMappings } from './user-mappings.js';

export interface FieldResult {
  canonical?: string;
  how: Resolution['how'] | 'computed';
  status: FieldStatus;
  /** Set when a multi-field suffix (`.caseless`, `.text`) implies case-insensitive matching. */
  caseInsensitive?: boolean;
}

/** Per-rule context for field resolution (computed once per rule). */
export interface FieldContext {
  source: NormalizedKey;
  /** Splunk: the rule reads Windows events (raw EventData names apply). */
  windows?: NormalizedKey;
  /** Splunk: logsource implied by the source macros (cloud, auditd, ...). */
  macroSources?: NormalizedKey[];
}

export function fieldContext(source: SourceKey, windows?: SourceKey, macroSources?: SourceKey[]): FieldContext {
  const c: FieldContext = { source: normalizeKey(source) };
  if (windows) c.windows = normalizeKey(windows);
  if (macroSources?.length) c.macroSources = macroSources.map(normalizeKey);
  return c;
}

const EVENTDATA_NAME = /^[A-Z][A-Za-z0-9]*$/;

interface SplunkSourceEntry {
  macros: string[];
  windows?: boolean;
  logsource?: { product?: string; category?: string; service?: string };
}

export class FieldResolver {
  private readonly sigma: RuleList;
  private readonly splunkUser: RuleList;
  private readonly elasticUser: RuleList;
  private readonly splunk = splunkTable();
  private readonly multiFields: Array<[string, boolean]>;
  private readonly extraPrefixes: string[];
  private readonly statusCache = new Map<string, FieldStatus>();
  private readonly macroSources = new Map<string, SplunkSourceEntry>();
  private readonly hasUserSplunk: boolean;
  private readonly hasUserElastic: boolean;

  constructor(user: UserMappings = {}) {
    this.sigma = new RuleList([...windowsTable().rules, ...sigmaTable().rules], user.sigma ?? []);
    // Splunk raw fields of cloud/Linux sources reuse the Sigma tables (same raw JSON / auditd names).
    this.splunkUser = new RuleList([], user.splunk ?? []);
    this.elasticUser = new RuleList([], user.elastic ?? []);
    this.hasUserSplunk = (user.splunk ?? []).length > 0;
    this.hasUserElastic = (user.elastic ?? []).length > 0;
    this.multiFields = Object.entries(elasticTable().multiFields).map(([suffix, v]) => [suffix, v.caseSensitive]);
    this.extraPrefixes = user.extensions ?? [];
    for (const s of this.splunk.sources) for (const m of s.macros) this.macroSources.set(m.toLowerCase(), s);
  }

  status(name: string): FieldStatus {
    let s = this.statusCache.get(name);
    if (!s) {
      s = classifyCanonical(name, this.extraPrefixes);
      this.statusCache.set(name, s);
    }
    return s;
  }

  private done(r: Resolution | undefined, name?: string): FieldResult {
    if (r && r.canonical !== undefined) return { canonical: r.canonical, how: r.how, status: this.status(r.canonical) };
    if (name !== undefined && this.status(name) !== 'unknown') return { canonical: name, how: 'identity', status: this.status(name) };
    return { how: 'unmapped', status: 'unknown' };
  }

  resolve(rule: Rule, name: string, ctx: FieldContext, computed = false): FieldResult {
    if (computed) return { canonical: name, how: 'computed', status: this.status(name) };
    switch (rule.vendor) {
      case 'sigma':
        return this.done(this.sigma.lookup(ctx.source, name), name);
      case 'elastic':
        return this.resolveElastic(name, ctx);
      case 'splunk':
        return this.resolveSplunk(name, ctx);
    }
  }

  private resolveElastic(name: string, ctx: FieldContext): FieldResult {
    let base = name;
    let caseInsensitive: boolean | undefined;
    for (const [suffix, cs] of this.multiFields) {
      if (name.endsWith(suffix) && name.length > suffix.length) {
        base = name.slice(0, -suffix.length);
        if (!cs) caseInsensitive = true;
        break;
      }
    }
    if (this.hasUserElastic) {
      const u = this.elasticUser.lookup(ctx.source, base) ?? this.elasticUser.lookup(ctx.source, name);
      if (u) return { ...this.done(u), ...(caseInsensitive ? { caseInsensitive } : {}) };
    }
    // Elastic names are canonical as written (after folding the multi-field).
    return { canonical: base, how: 'identity', status: this.status(base), ...(caseInsensitive ? { caseInsensitive } : {}) };
  }

  private resolveSplunk(name: string, ctx: FieldContext): FieldResult {
    const sp = this.splunk;
    if (this.hasUserSplunk) {
      const u = this.splunkUser.lookup(ctx.source, name);
      if (u) return this.done(u);
    }
    const meta = sp.metadata[name];
    if (meta) return this.done({ canonical: meta, how: 'table' });
    const cim = sp.cim[name] ?? this.cimSuffix(name);
    if (cim) return this.done({ canonical: cim, how: 'table' });
    const raw = sp.rawWindows[name];
    if (raw) return this.done({ canonical: raw, how: 'table' });
    let winFallback: Resolution | undefined;
    if (ctx.windows) {
      const w = this.sigma.lookup(ctx.windows, name);
      if (w?.how === 'table' || w?.how === 'user') return this.done(w);
      winFallback = w;
    }
    const bare = sp.bare[name];
    if (bare) return this.done({ canonical: bare, how: 'table' });
    // The winlog.event_data fallback only for names shaped like EventData names (PascalCase, no dots or
    // underscores): Splunk add-on aliases (`granted_access`), eval results and dotted CIM fields are not event fields.
    if (winFallback && EVENTDATA_NAME.test(name)) return this.done(winFallback);
    for (const src of ctx.macroSources ?? []) {
      const r = this.sigma.lookup(src, name);
      if (r) return this.done(r, name);
    }
    return this.done(undefined, name);
  }

  /** `Endpoint.Processes.process_name`, `Network_Traffic.All_Traffic.dest_port`: the data-model prefix dropped. */
  private cimSuffix(name: string): string | undefined {
    const parts = name.split('.');
    for (let i = 1; i + 2 <= parts.length; i++) {
      const hit = this.splunk.cim[parts.slice(i).join('.')];
      if (hit) return hit;
    }
    return undefined;
  }

  /** The logsource a Splunk source macro implies, when the table knows it. */
  macroSource(macro: string): SplunkSourceEntry | undefined {
    return this.macroSources.get(macro.toLowerCase());
  }
}
