/**
 * Field coverage over normalized rules: the share of predicates whose
 * canonical field is an ECS field or a declared extension, and the list of
 * fields left unmapped (for `ruleatlas check` and the unmapped-fields
 * command). Keyword predicates (no field) and computed fields (ES|QL EVAL,
 * SPL eval) are not event fields and are counted apart.
 */
import type { Predicate, Rule, Vendor } from '../ast/schema.js';
import { queryFilters, walk } from '../ast/walk.js';
import { classifyCanonical } from './ecs.js';

export interface UnmappedField {
  vendor: Vendor;
  field: string;
  canonical?: string;
  count: number;
}

export interface FieldCoverage {
  /** Predicates with an event field (keyword and computed-field predicates excluded). */
  predicates: number;
  /** Of those, predicates whose canonical field is ECS or a declared extension. */
  validated: number;
  share: number;
  /** Fields whose canonical name is missing or not validated, most frequent first. */
  unmapped: UnmappedField[];
  keywordPredicates: number;
  computedPredicates: number;
  byVendor: Record<string, { predicates: number; validated: number; share: number }>;
}

export function fieldCoverage(rules: Iterable<Rule>, extraPrefixes: readonly string[] = []): FieldCoverage {
  let predicates = 0;
  let validated = 0;
  let keywordPredicates = 0;
  let computedPredicates = 0;
  const byVendor: Record<string, { predicates: number; validated: number; share: number }> = {};
  const unmapped = new Map<string, UnmappedField>();
  const status = new Map<string, boolean>();
  const ok = (c: string) => {
    let s = status.get(c);
    if (s === undefined) status.set(c, (s = classifyCanonical(c, extraPrefixes) !== 'unknown'));
    return s;
  };
  const count = (rule: Rule, p: Predicate) => {
    if (!p.field) {
      keywordPredicates++;
      return;
    }
    if (p.field.computed) {
      computedPredicates++;
      return;
    }
    const v = (byVendor[rule.vendor] ??= { predicates: 0, validated: 0, share: 0 });
    predicates++;
    v.predicates++;
    const c = p.field.canonical;
    if (c !== undefined && ok(c)) {
      validated++;
      v.validated++;
      return;
    }
    const key = `${rule.vendor}\u0000${p.field.name}\u0000${c ?? ''}`;
    const u = unmapped.get(key);
    if (u) u.count++;
    else unmapped.set(key, c === undefined ? { vendor: rule.vendor, field: p.field.name, count: 1 } : { vendor: rule.vendor, field: p.field.name, canonical: c, count: 1 });
  };
  for (const rule of rules) {
    const visit = (n: Parameters<Parameters<typeof walk>[1]['enter'] & {}>[0]) => {
      if (n.type === 'predicate') count(rule, n);
    };
    for (const { filter } of queryFilters(rule.query)) walk(filter, { enter: visit });
    if (rule.logsource.selection) walk(rule.logsource.selection, { enter: visit });
  }
  for (const v of Object.values(byVendor)) v.share = v.predicates ? v.validated / v.predicates : 1;
  return {
    predicates,
    validated,
    share: predicates ? validated / predicates : 1,
    unmapped: [...unmapped.values()].sort((a, b) => b.count - a.count || a.vendor.localeCompare(b.vendor) || a.field.localeCompare(b.field)),
    keywordPredicates,
    computedPredicates,
    byVendor,
  };
}
