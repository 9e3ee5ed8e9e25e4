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
import type { Catalog, CatalogField } from '../../catalog/schema.js';
import type { ListedRule } from '../lookup.js';
import { pushUtf8 } from '../bytes.js';
import { FIELD_VALUES_PER_PAGE } from './pages.js';

/** A rule's row: what the search shows and finds of it. */
function ruleRow(x: Pick<ListedRule, 'title' | 'vendor' | 'key' | 'id'>): unknown[] {
  return [x.title, x.vendor, x.key, x.id];
}

/**
 * A rule's row as the file holds it (UTF-8, escaped like every row: the
 * escapings are per character, so a row's bytes are the same alone as in its
 * batch). The incremental build replaces a retitled rule's row by these
 * bytes (src/incremental/retitle.ts).
 */
export function searchRuleRowBytes(x: Pick<ListedRule, 'title' | 'vendor' | 'key' | 'id'>): Buffer {
  const out: Uint8Array[] = [];
  pushLiteral(out, JSON.stringify(ruleRow(x)));
  return Buffer.concat(out);
}

/** The value rows of field `fi` (catalog order): what the search finds of its values. */
function fieldValueRows(x: CatalogField, fi: number, into: unknown[] = []): unknown[] {
  x.values.forEach((val, vi) => {
    if (val.op === 'exists') return;
    into.push([fi, val.op, val.value, val.indicatorRules.length + val.exclusionRules.length, vi]);
  });
  return into;
}

/**
 * Field `fi`'s value rows as the file holds them: the rows, comma-separated,
 * without a comma before the first (the file puts one between two fields'
 * rows), escaped like every piece of the file. The incremental build
 * writes the value rows of the fields a change reaches with these, and
 * copies the others' bytes from the previous file (src/incremental/rebuild.ts).
 */
export function searchFieldRowsBytes(x: CatalogField, fi: number): Buffer {
  const rows = fieldValueRows(x, fi);
  if (!rows.length) return Buffer.alloc(0);
  const out: Uint8Array[] = [];
  pushLiteral(out, JSON.stringify(rows).slice(1, -1));
  return Buffer.concat(out);
}

export function searchData(catalog: Catalog, withValues = true): { t: unknown[]; r: unknown[]; f: unknown[]; v: unknown[]; p: number } {
  const t = catalog.techniques.map((x) => [x.id, x.name ?? '', x.slug, x.ruleCount]);
  const r = catalog.rules.map(ruleRow);
  const f = catalog.fields.map((x) => [x.field ?? '(any field)', x.slug, x.count]);
  const v: unknown[] = [];
  if (withValues) catalog.fields.forEach((x, fi) => fieldValueRows(x, fi, v));
  return { t, r, f, v, p: FIELD_VALUES_PER_PAGE };
}

export function searchDataScript(catalog: Catalog): string {
  return Buffer.concat(searchDataChunks(catalog)).toString();
}

/** Rows stringified together (one piece of the file). */
const BATCH = 2000;

export interface SearchDataOptions {
  /**
   * With a `searchValues` key: the byte range of the value rows (the body of
   * the `v` array, as written in the file) is recorded there, [start, end].
   * With a `searchFields` key (and no `values`): each field's rows' range, flat
   * [start, end, ...] in catalog order, without the comma between two
   * fields' rows (`searchFieldRowsBytes`; empty for a field without rows).
   */
  ranges?: Map<string, number[]>;
  /**
   * The value rows as a previous file holds them (the bytes of that range):
   * written as they are, and the catalog's field values are not read. The
   * incremental build passes them when the change kept every predicate
   * (src/incremental/rebuild.ts), since nothing in them can have changed.
   */
  values?: Uint8Array;
}

/**
 * The file as UTF-8 chunks: the same bytes as
 * `window.RULEATLAS_SEARCH = JSON.parse(${jsonForScript(JSON.stringify(data))});\n`
 * (JSON.parse of a string literal loads faster than an object literal of the same size),
 * made piece by piece: each batch of rows is stringified, made a string-literal body
 * (JSON.stringify of the piece without its quotes) and escaped for a script on its
 * own (`pushLiteral`). Both escapings are per character, and pieces end between JSON
 * values, so the pieces add up to the escaped whole without ever building it.
 */
export function searchDataChunks(catalog: Catalog, opts: SearchDataOptions = {}): Uint8Array[] {
  const out: Uint8Array[] = [];
  const range = opts.ranges?.get('searchValues');
  const fieldRanges = opts.ranges?.get('searchFields');
  const at = () => out.reduce((n, b) => n + b.byteLength, 0);
  pushUtf8(out, 'window.RULEATLAS_SEARCH = JSON.parse("');
  let first = true;
  for (const [k, v] of Object.entries(searchData(catalog, !opts.values))) {
    pushLiteral(out, (first ? '{' : ',') + JSON.stringify(k) + ':');
    first = false;
    if (!Array.isArray(v)) {
      pushLiteral(out, JSON.stringify(v));
      continue;
    }
    pushLiteral(out, '[');
    const values = k === 'v';
    if (values && range) range.splice(0, range.length, at());
    if (values && opts.values) out.push(opts.values);
    else if (values && fieldRanges) {
      // Each field's rows as a piece of its own, its byte range recorded (the rows are the same bytes
      // as in batches: a comma between two rows either way).
      const base = at();
      const rows = joinFieldRows(catalog.fields.length, (fi) => searchFieldRowsBytes(catalog.fields[fi]!, fi));
      for (let i = 0; i < rows.parts.length; i++) out.push(rows.parts[i]!);
      fieldRanges.length = 0;
      for (let i = 0; i < rows.ranges.length; i++) fieldRanges.push(base + rows.ranges[i]!);
    } else for (let i = 0; i < v.length; i += BATCH) pushLiteral(out, (i ? ',' : '') + JSON.stringify(v.slice(i, i + BATCH)).slice(1, -1));
    if (values && range) range.push(at());
    pushLiteral(out, ']');
  }
  pushLiteral(out, first ? '{}' : '}');
  pushUtf8(out, '");\n');
  return out;
}

const COMMA = Buffer.from(',');

/**
 * The body of the value rows from each field's rows (`rowsOf(fi)`, as
 * `searchFieldRowsBytes` makes them, in catalog order): its pieces, with a
 * comma between two fields' rows, and each field's [start, end] in it
 * (flat; a field without rows has an empty range). The incremental build
 * makes the body so too, from the previous file's bytes of the fields a
 * change does not reach (src/incremental/rebuild.ts).
 */
export function joinFieldRows(nFields: number, rowsOf: (fi: number) => Uint8Array): { parts: Uint8Array[]; ranges: number[] } {
  const parts: Uint8Array[] = [];
  const ranges: number[] = [];
  let size = 0;
  for (let fi = 0; fi < nFields; fi++) {
    const b = rowsOf(fi);
    if (b.length && size) {
      parts.push(COMMA);
      size++;
    }
    ranges.push(size, size + b.length);
    if (b.length) parts.push(b);
    size += b.length;
  }
  return { parts, ranges };
}

const SCRIPT_ESCAPE: Record<number, Buffer> = { 0x3c: Buffer.from('\\u003c'), 0x3e: Buffer.from('\\u003e'), 0x26: Buffer.from('\\u0026') };
const LS = Buffer.from('\\u2028');
const PS = Buffer.from('\\u2029');

/**
 * The body of the JSON string literal of `jsonText` (JSON.stringify without the
 * quotes), with `<`, `>`, `&`, U+2028, U+2029 as \u escapes (`scriptSafe`),
 * encoded: the escapes are found in the UTF-8 bytes (U+2028/9 are E2 80 A8/A9,
 * never split between two pieces, which end on whole characters).
 */
function pushLiteral(out: Uint8Array[], jsonText: string): void {
  const pieces: Buffer[] = [];
  pushUtf8(pieces, JSON.stringify(jsonText));
  pieces[0] = pieces[0]!.subarray(1);
  pieces[pieces.length - 1] = pieces[pieces.length - 1]!.subarray(0, -1);
  for (const b of pieces) pushScriptSafe(out, b);
}

/**
 * `b` with `<`, `>`, `&`, U+2028 and U+2029 as \u escapes, pushed onto
 * `out`. The bytes to escape are found with `indexOf` (native), each kind's
 * next one kept, rather than by looking at every byte in a loop: a piece
 * of a megabyte holds a few hundred of them.
 */
function pushScriptSafe(out: Uint8Array[], b: Buffer): void {
  let from = 0;
  let lt = b.indexOf(0x3c);
  let gt = b.indexOf(0x3e);
  let amp = b.indexOf(0x26);
  let e2 = b.indexOf(0xe2);
  for (;;) {
    let i = -1;
    for (const x of [lt, gt, amp, e2]) if (x >= 0 && (i < 0 || x < i)) i = x;
    if (i < 0) break;
    let esc: Buffer;
    let len = 1;
    if (i === lt) {
      esc = SCRIPT_ESCAPE[0x3c]!;
      lt = b.indexOf(0x3c, i + 1);
    } else if (i === gt) {
      esc = SCRIPT_ESCAPE[0x3e]!;
      gt = b.indexOf(0x3e, i + 1);
    } else if (i === amp) {
      esc = SCRIPT_ESCAPE[0x26]!;
      amp = b.indexOf(0x26, i + 1);
    } else {
      e2 = b.indexOf(0xe2, i + 1);
      // U+2028 and U+2029 are E2 80 A8 and E2 80 A9; any other character starting with E2 stays.
      if (b[i + 1] !== 0x80 || (b[i + 2] !== 0xa8 && b[i + 2] !== 0xa9)) continue;
      esc = b[i + 2] === 0xa8 ? LS : PS;
      len = 3;
    }
    if (i > from) out.push(b.subarray(from, i));
    out.push(esc);
    from = i + len;
  }
  if (b.length > from) out.push(from ? b.subarray(from) : b);
}
