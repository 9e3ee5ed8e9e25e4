/**
 * Which pages of a field the rebuild reaches are the previous build's.
 *
 * A field with many values has many pages (500 values each: the corpora's
 * `process.command_line` has 27, 4 MB of HTML), and an edited value changes
 * the rows of one or two of them. A page shows the field's name, slug and
 * number of pages, its slice of the value rows (operator, value, regex
 * note, the rules listing it), and on page 1 the header figures, the
 * techniques and the rules; every rule by its listing (`ListedRule`). When
 * all of that is the same in the previous element (read back from the
 * previous catalog.json) and the new one, and no rule it lists changed its
 * listing, the page's bytes are the previous ones (rendering is a function
 * of them, and the rebuild checked the previous pages' stamps), so it is
 * neither rendered nor compared again.
 */
import type { CatalogField } from '../catalog/schema.js';
import { FIELD_VALUES_PER_PAGE, fieldPageCount } from '../render/site/pages.js';

type FieldValue = CatalogField['values'][number];

const sameNumbers = (a: readonly number[], b: readonly number[]): boolean => {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
};

/** Whether a rule list names none of `relisted`. */
const listsNone = (rules: readonly number[], relisted: ReadonlySet<number>): boolean => {
  if (!relisted.size) return true;
  for (const r of rules) if (relisted.has(r)) return false;
  return true;
};

function sameRow(a: FieldValue, b: FieldValue, relisted: ReadonlySet<number>): boolean {
  return (
    a.op === b.op &&
    a.value === b.value &&
    sameNumbers(a.indicatorRules, b.indicatorRules) &&
    sameNumbers(a.exclusionRules, b.exclusionRules) &&
    JSON.stringify(a.regex) === JSON.stringify(b.regex) &&
    listsNone(a.indicatorRules, relisted) &&
    listsNone(a.exclusionRules, relisted)
  );
}

/**
 * The page numbers (1-based) of field `now` whose content is what `was`
 * (the previous build's element of the same field) showed; `relisted`: the
 * rules whose listing (title, status, page name...) changed.
 */
export function unchangedFieldPages(now: CatalogField, was: CatalogField, relisted: ReadonlySet<number>): Set<number> {
  const same = new Set<number>();
  const pages = fieldPageCount(now);
  if (now.field !== was.field || now.slug !== was.slug || !Array.isArray(was.values) || fieldPageCount(was) !== pages) return same;
  const header =
    now.values.length === was.values.length &&
    now.count === was.count &&
    JSON.stringify(now.byVendor) === JSON.stringify(was.byVendor) &&
    JSON.stringify(now.ops) === JSON.stringify(was.ops) &&
    JSON.stringify(now.writtenAs) === JSON.stringify(was.writtenAs) &&
    JSON.stringify(now.techniques) === JSON.stringify(was.techniques) &&
    sameNumbers(now.rules, was.rules) &&
    listsNone(now.rules, relisted);
  for (let p = 1; p <= pages; p++) {
    if (p === 1 && !header) continue;
    const from = (p - 1) * FIELD_VALUES_PER_PAGE;
    const to = Math.min(from + FIELD_VALUES_PER_PAGE, now.values.length);
    let ok = to - from === Math.min(FIELD_VALUES_PER_PAGE, was.values.length - from);
    for (let i = from; ok && i < to; i++) ok = sameRow(now.values[i]!, was.values[i]!, relisted);
    if (ok) same.add(p);
  }
  return same;
}
