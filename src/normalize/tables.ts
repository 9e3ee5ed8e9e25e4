/**
 * Field-mapping tables (seeds/fields/*.json) and the rule-list lookup they
 * share with user mappings: an ordered list of `{ when, fields, fallbackPrefix }`
 * entries; the most specific matching entry that names the field wins, then
 * the most specific matching fallback prefix.
 */
import { readSeedJson } from './seeds.js';

/** What a rule's source is, for table lookups. Values are compared case-insensitively. */
export interface SourceKey {
  product?: string;
  category?: string;
  service?: string;
  /** Splunk source macros of the search. */
  macros?: string[];
  /** Elastic index patterns. */
  indices?: string[];
}

export type WhenValue = string | string[];
export interface When {
  product?: WhenValue;
  category?: WhenValue;
  service?: WhenValue;
  macro?: WhenValue;
  index?: WhenValue;
}

export interface MappingEntry {
  when?: When;
  /** field as written -> canonical name; null = explicitly left unmapped. */
  fields?: Record<string, string | null>;
  fallbackPrefix?: string;
  why?: Record<string, string>;
}

export interface RuleListTable {
  source: string;
  rules: MappingEntry[];
}

export interface SplunkTable {
  source: string;
  cim: Record<string, string>;
  rawWindows: Record<string, string>;
  bare: Record<string, string>;
  metadata: Record<string, string>;
  sources: Array<{ macros: string[]; windows?: boolean; logsource?: { product?: string; category?: string; service?: string } }>;
}

export interface ElasticTable {
  source: string;
  multiFields: Record<string, { caseSensitive: boolean }>;
  renames: Record<string, string>;
}

export const windowsTable = (): RuleListTable => readSeedJson<RuleListTable>('fields/windows.json');
export const sigmaTable = (): RuleListTable => readSeedJson<RuleListTable>('fields/sigma.json');
export const splunkTable = (): SplunkTable => readSeedJson<SplunkTable>('fields/splunk.json');
export const elasticTable = (): ElasticTable => readSeedJson<ElasticTable>('fields/elastic.json');

export type Resolution =
  | { canonical: string; how: 'table' | 'fallback' | 'identity' | 'user' }
  | { canonical?: undefined; how: 'unmapped' };

function lowerList(v: WhenValue): string[] {
  return (Array.isArray(v) ? v : [v]).map((x) => x.toLowerCase());
}

interface CompiledEntry {
  entry: MappingEntry;
  specificity: number;
  order: number;
  fromUser: boolean;
  test: (k: NormalizedKey) => boolean;
}

export interface NormalizedKey {
  product: string;
  category: string;
  service: string;
  macros: string[];
  indices: string[];
  id: string;
}

/** Normalize a source key once per rule; lookups then cost two Map hits. */
export function normalizeKey(k: SourceKey): NormalizedKey {
  const product = (k.product ?? '').toLowerCase();
  const category = (k.category ?? '').toLowerCase();
  const service = (k.service ?? '').toLowerCase();
  const macros = (k.macros ?? []).map((m) => m.toLowerCase());
  const indices = (k.indices ?? []).map((m) => m.toLowerCase());
  return { product, category, service, macros, indices, id: `${product}|${category}|${service}|${macros.join(',')}|${indices.join(',')}` };
}

function compile(entry: MappingEntry, order: number, fromUser: boolean): CompiledEntry {
  const w = entry.when ?? {};
  const checks: Array<(k: NormalizedKey) => boolean> = [];
  if (w.product !== undefined) {
    const s = new Set(lowerList(w.product));
    checks.push((k) => s.has(k.product));
  }
  if (w.category !== undefined) {
    const s = new Set(lowerList(w.category));
    checks.push((k) => s.has(k.category));
  }
  if (w.service !== undefined) {
    const s = new Set(lowerList(w.service));
    checks.push((k) => s.has(k.service));
  }
  if (w.macro !== undefined) {
    const s = new Set(lowerList(w.macro));
    checks.push((k) => k.macros.some((m) => s.has(m)));
  }
  if (w.index !== undefined) {
    const pats = lowerList(w.index);
    checks.push((k) => k.indices.some((i) => pats.some((p) => (p.endsWith('*') ? i.startsWith(p.slice(0, -1)) : i === p))));
  }
  return { entry, specificity: checks.length, order, fromUser, test: (k) => checks.every((c) => c(k)) };
}

/**
 * A compiled rule list. Lookups are cached per (source, field), so the cost
 * per predicate is one or two Map hits.
 */
export class RuleList {
  private readonly entries: CompiledEntry[];
  private readonly byKey = new Map<string, CompiledEntry[]>();
  private readonly cache = new Map<string, Map<string, Resolution | undefined>>();

  constructor(base: MappingEntry[], user: MappingEntry[] = []) {
    // User entries come first and win ties of specificity.
    const all = [...user.map((e, i) => compile(e, i, true)), ...base.map((e, i) => compile(e, user.length + i, false))];
    this.entries = all;
  }

  private matching(k: NormalizedKey): CompiledEntry[] {
    let hit = this.byKey.get(k.id);
    if (!hit) {
      hit = this.entries.filter((e) => e.test(k)).sort((a, b) => (a.fromUser !== b.fromUser ? (a.fromUser ? -1 : 1) : b.specificity - a.specificity || a.order - b.order));
      this.byKey.set(k.id, hit);
    }
    return hit;
  }

  /** Resolve a field for a source; `undefined` when no entry of this list says anything. */
  lookup(source: SourceKey | NormalizedKey, field: string): Resolution | undefined {
    const k = 'id' in source && typeof source.id === 'string' ? (source as NormalizedKey) : normalizeKey(source);
    let perKey = this.cache.get(k.id);
    if (!perKey) this.cache.set(k.id, (perKey = new Map()));
    if (perKey.has(field)) return perKey.get(field);
    const list = this.matching(k);
    let res: Resolution | undefined;
    for (const e of list) {
      const f = e.entry.fields;
      if (f && Object.prototype.hasOwnProperty.call(f, field)) {
        const v = f[field];
        res = v == null ? { how: 'unmapped' } : { canonical: v, how: e.fromUser ? 'user' : 'table' };
        break;
      }
    }
    if (!res) {
      for (const e of list) {
        if (e.entry.fallbackPrefix) {
          res = { canonical: e.entry.fallbackPrefix + field, how: e.fromUser ? 'user' : 'fallback' };
          break;
        }
      }
    }
    perKey.set(field, res);
    return res;
  }
}
