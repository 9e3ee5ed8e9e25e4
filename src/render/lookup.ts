/** Indexes over a catalog that every renderer needs (built once per catalog object). */
import type { Catalog, CatalogField, CatalogRule, CatalogTechnique } from '../catalog/schema.js';

export interface CatalogLookup {
  techniques: Map<string, CatalogTechnique>;
  fields: Map<string, CatalogField>;
}

const cache = new WeakMap<Catalog, CatalogLookup>();

/** Field map key: the field name, or a sentinel for "any field". */
export function fieldLookupKey(field: string | null): string {
  return field === null ? '\u0000*' : field;
}

export function lookup(catalog: Catalog): CatalogLookup {
  let l = cache.get(catalog);
  if (!l) {
    l = {
      techniques: new Map(catalog.techniques.map((t) => [t.id.toUpperCase(), t])),
      fields: new Map(catalog.fields.map((f) => [fieldLookupKey(f.field), f])),
    };
    cache.set(catalog, l);
  }
  return l;
}

/** A technique by id, case-insensitively (`t1114.002`). */
export function findTechnique(catalog: Catalog, id: string): CatalogTechnique | undefined {
  return lookup(catalog).techniques.get(id.trim().toUpperCase());
}

export const VENDOR_LABEL: Record<string, string> = { sigma: 'Sigma', elastic: 'Elastic', splunk: 'Splunk' };

export function vendorLabel(v: string): string {
  return VENDOR_LABEL[v] ?? v;
}

/**
 * What a page that lists a rule (technique pages, field pages, the search
 * data, the Markdown pages) reads of it; only its own page reads more. The
 * incremental build lists rules from these alone (src/incremental/rebuild.ts),
 * so a renderer that lists a rule must read nothing else of its row.
 */
export type ListedRule = Pick<CatalogRule, 'key' | 'id' | 'title' | 'vendor' | 'kind' | 'status'>;

/** Rules of a technique page grouped by vendor (vendors in catalog order: alphabetical). */
export function rulesByVendor(catalog: Catalog, t: CatalogTechnique): { vendor: string; rules: { rule: CatalogRule; index: number; via: string[]; n: number }[] }[] {
  const groups = new Map<string, { rule: CatalogRule; index: number; via: string[]; n: number }[]>();
  t.rules.forEach((r, i) => {
    const rule = catalog.rules[r.rule];
    if (!rule) return;
    let g = groups.get(rule.vendor);
    if (!g) groups.set(rule.vendor, (g = []));
    g.push({ rule, index: r.rule, via: r.via, n: i + 1 });
  });
  return [...groups].map(([vendor, rules]) => ({ vendor, rules }));
}

/** The page title of a technique: `Parent: Name T1234.001`, or the id alone without ATT&CK data. */
export function techniqueTitle(t: CatalogTechnique): string {
  const name = t.name ? (t.parentName ? `${t.parentName}: ${t.name}` : t.name) : null;
  return name ? `${name} ${t.id}` : t.id;
}

/** `12,345` (plain code: Intl formatting is slow when called for every row of 10,000 pages). */
export function formatCount(n: number): string {
  const s = String(n);
  if (n < 1000 && n > -1000) return s;
  return s.replace(/\B(?=(\d{3})+(?!\d))/g, ',');
}

export function plural(n: number, one: string, many = one + 's'): string {
  return `${formatCount(n)} ${n === 1 ? one : many}`;
}

/** Operators of a field row, most used first: `eq 3, wildcard 1`. */
export function opsText(ops: Record<string, number>): string {
  return Object.entries(ops)
    .sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1))
    .map(([op, n]) => `${op} ${n}`)
    .join(', ');
}

/** Operator label with regex flags: `regex_match (i, anchored)`. */
export function opLabel(op: string, regex?: { flags: string; anchored: boolean }): string {
  if (!regex) return op;
  const notes = [regex.flags, regex.anchored ? 'anchored' : ''].filter(Boolean);
  return notes.length ? `${op} (${notes.join(', ')})` : op;
}
