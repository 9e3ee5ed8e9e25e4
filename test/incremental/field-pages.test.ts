/**
 * Which pages of a reached field a rebuild keeps (src/incremental/field-pages.ts):
 * exactly those whose content is the previous element's.
 */
import { describe, expect, it } from 'vitest';
import type { CatalogField } from '../../src/catalog/schema.js';
import { unchangedFieldPages } from '../../src/incremental/field-pages.js';
import { FIELD_VALUES_PER_PAGE } from '../../src/render/site/pages.js';

/** A field of `n` values (three pages for 1,200), each listing rule i % 50 (and rule 7 excluding the last). */
function field(n: number): CatalogField {
  const values = Array.from({ length: n }, (_, i) => ({ op: 'eq' as const, value: `v${i}.exe`, indicatorRules: [i % 50], exclusionRules: i === n - 1 ? [7] : [] }));
  return { field: 'process.name', slug: 'process.name', count: 50, byVendor: { sigma: 50 }, ops: { eq: n }, writtenAs: [{ vendor: 'sigma', name: 'Image', count: 50 }], techniques: [{ id: 'T1003', count: 3 }], rules: Array.from({ length: 50 }, (_, i) => i), values };
}
const copy = (f: CatalogField): CatalogField => JSON.parse(JSON.stringify(f)) as CatalogField;
const pages = (s: Set<number>) => [...s].sort((a, b) => a - b);
const none = new Set<number>();

describe('unchangedFieldPages', () => {
  it('keeps every page of an unchanged field, and the pages around a changed row', () => {
    expect(FIELD_VALUES_PER_PAGE).toBe(500);
    const was = field(1200);
    expect(pages(unchangedFieldPages(field(1200), was, none))).toEqual([1, 2, 3]);
    const row = copy(was);
    row.values[700]!.value = 'other.exe';
    expect(pages(unchangedFieldPages(row, was, none))).toEqual([1, 3]);
    const rules = copy(was);
    rules.values[1100]!.indicatorRules = [3, 4];
    expect(pages(unchangedFieldPages(rules, was, none))).toEqual([1, 2]);
    const excl = copy(was);
    excl.values[1199]!.exclusionRules = [];
    expect(pages(unchangedFieldPages(excl, was, none))).toEqual([1, 2]);
    const op = copy(was);
    op.values[0]!.op = 'wildcard';
    expect(pages(unchangedFieldPages(op, was, none))).toEqual([2, 3]);
    const regex = copy(was);
    regex.values[10]!.regex = { flags: 'i' } as never;
    expect(pages(unchangedFieldPages(regex, was, none))).toEqual([2, 3]);
  });

  it('writes page 1 again when its header, techniques or rules changed, and every page when the pages moved', () => {
    const was = field(1200);
    for (const change of [
      (f: CatalogField) => void (f.count = 51),
      (f: CatalogField) => void (f.byVendor = { sigma: 49, splunk: 1 }),
      (f: CatalogField) => void (f.ops = { contains: 1, eq: 1199 }),
      (f: CatalogField) => void (f.writtenAs[0]!.count = 3),
      (f: CatalogField) => void (f.techniques = [{ id: 'T1003.001', count: 3 }]),
      (f: CatalogField) => void f.rules.pop(),
    ]) {
      const now = copy(was);
      change(now);
      expect(pages(unchangedFieldPages(now, was, none))).toEqual([2, 3]);
    }
    // A value added or removed: the distinct count on page 1, the last page's rows; a page more or less: every page (the pager).
    const added = copy(was);
    added.values.push({ op: 'eq', value: 'new.exe', indicatorRules: [1], exclusionRules: [] });
    expect(pages(unchangedFieldPages(added, was, none))).toEqual([2]);
    const full = field(1500);
    const more = copy(full);
    more.values.push({ op: 'eq', value: 'new.exe', indicatorRules: [1], exclusionRules: [] });
    expect(pages(unchangedFieldPages(more, full, none))).toEqual([]);
    expect(pages(unchangedFieldPages(full, more, none))).toEqual([]);
    const removed = copy(was);
    removed.values.pop();
    expect(pages(unchangedFieldPages(removed, was, none))).toEqual([2]);
    const renamed = copy(was);
    renamed.slug = 'process.name-2';
    expect(pages(unchangedFieldPages(renamed, was, none))).toEqual([]);
  });

  it('writes again each page that lists a rule whose listing changed', () => {
    const was = field(1200);
    // Rule 7 is on every page (values 7, 57, ...) and in the last row's exclusions; rule 49 too, and among the field's rules.
    expect(pages(unchangedFieldPages(field(1200), was, new Set([7])))).toEqual([]);
    const few = field(1200);
    const old = copy(few);
    // A rule listed by one row of page 3 only (and so not among the first 50 rules' rows... but on page 1's rule list).
    few.values[1150]!.indicatorRules = [99];
    old.values[1150]!.indicatorRules = [99];
    expect(pages(unchangedFieldPages(few, old, new Set([99])))).toEqual([1, 2]);
  });
});
