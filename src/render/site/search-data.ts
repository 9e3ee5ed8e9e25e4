/**
 * The search index of the site, written as `assets/search-data.js`:
 * `window.RULEATLAS_SEARCH = JSON.parse("...")`. A script file rather than a
 * fetched .json so the site works from file://; the JSON text is a JS string
 * literal with `<`, `>`, `&`, U+2028/9 escaped (src/render/escape.ts).
 *
 * Rows are arrays to keep the file small:
 *   t: [id, name, slug, rules]      techniques
 *   r: [title, vendor, key, id]     rules (page: rules/<key>.html)
 *   f: [field, slug, rules]         fields
 *   v: [fieldIndex, op, value, rules, valueIndex]   field values (page: fields/<slug>[~N].html#v<valueIndex>,
 *                                                    N = floor(valueIndex / p) + 1, shown only from 2)
 *   p: values per field page
 */
import type { Catalog } from '../../catalog/schema.js';
import { jsonForScript } from '../escape.js';
import { FIELD_VALUES_PER_PAGE } from './pages.js';

export function searchData(catalog: Catalog): { t: unknown[]; r: unknown[]; f: unknown[]; v: unknown[]; p: number } {
  const t = catalog.techniques.map((x) => [x.id, x.name ?? '', x.slug, x.ruleCount]);
  const r = catalog.rules.map((x) => [x.title, x.vendor, x.key, x.id]);
  const f = catalog.fields.map((x) => [x.field ?? '(any field)', x.slug, x.count]);
  const v: unknown[] = [];
  catalog.fields.forEach((x, fi) => {
    x.values.forEach((val, vi) => {
      if (val.op === 'exists') return;
      v.push([fi, val.op, val.value, val.indicatorRules.length + val.exclusionRules.length, vi]);
    });
  });
  return { t, r, f, v, p: FIELD_VALUES_PER_PAGE };
}

export function searchDataScript(catalog: Catalog): string {
  // JSON.parse of a string literal is faster to load than an object literal of the same size.
  const json = JSON.stringify(searchData(catalog));
  return `window.RULEATLAS_SEARCH = JSON.parse(${jsonForScript(json)});\n`;
}
