/** One technique page as JSON (`ruleatlas technique <ID> --format json`): the technique entry plus its rules' headers. */
import type { Catalog, CatalogTechnique } from '../catalog/schema.js';
import { findTechnique } from './lookup.js';

/** The technique entry; `technique.*.rules` and `technique.rules[].rule` index the `rules` array of the full catalog, and `rules` here lists those rules' headers with their `index`. */
export interface TechniquePageData {
  attack: Catalog['attack'];
  technique: CatalogTechnique;
  rules: {
    index: number;
    key: string;
    id: string;
    title: string;
    vendor: string;
    language: string;
    kind: string;
    status?: string;
    path: string;
    line?: number;
    techniques: string[];
  }[];
}

export function techniquePageData(catalog: Catalog, id: string): TechniquePageData | null {
  const t = findTechnique(catalog, id);
  if (!t) return null;
  const rules: TechniquePageData['rules'] = [];
  for (const r of t.rules) {
    const rule = catalog.rules[r.rule];
    if (!rule) continue;
    const h: TechniquePageData['rules'][number] = {
      index: r.rule,
      key: rule.key,
      id: rule.id,
      title: rule.title,
      vendor: rule.vendor,
      language: rule.language,
      kind: rule.kind,
      path: rule.path,
      techniques: rule.techniques,
    };
    if (rule.status !== undefined) h.status = rule.status;
    if (rule.line !== undefined) h.line = rule.line;
    rules.push(h);
  }
  return { attack: catalog.attack, technique: t, rules };
}

/** The JSON text of technique `id` (case-insensitive), or null when the catalog has no such technique. */
export function renderTechniqueJson(catalog: Catalog, id: string): string | null {
  const data = techniquePageData(catalog, id);
  return data ? JSON.stringify(data, null, 2) + '\n' : null;
}
