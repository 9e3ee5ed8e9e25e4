/**
 * The one HTML escaping path of the site. Every page is built with the `html`
 * tagged template, which escapes every interpolated value unless it is
 * already `Html` (produced by `html` itself or by `trusted`). Rule-derived
 * strings therefore cannot inject markup: there is no other way to put a
 * string into a page.
 */

import { utf8 } from './bytes.js';

const NEEDS_ESC = /[&<>"']/;

/** Escape text for an HTML text node or a quoted attribute value. */
export function escapeHtml(s: string): string {
  if (!NEEDS_ESC.test(s)) return s;
  // Native replaces of the characters present (`&` first) beat one replace with a callback per match.
  if (s.indexOf('&') >= 0) s = s.replace(/&/g, '&amp;');
  if (s.indexOf('<') >= 0) s = s.replace(/</g, '&lt;');
  if (s.indexOf('>') >= 0) s = s.replace(/>/g, '&gt;');
  if (s.indexOf('"') >= 0) s = s.replace(/"/g, '&quot;');
  if (s.indexOf("'") >= 0) s = s.replace(/'/g, '&#39;');
  return s;
}

/** Markup that is already safe. Only `html` and `trusted` make it. */
export class Html {
  constructor(readonly value: string) {}
  toString(): string {
    return this.value;
  }
}

export type HtmlValue = Html | string | number | boolean | null | undefined | readonly HtmlValue[];

function part(v: HtmlValue): string {
  if (typeof v === 'string') return escapeHtml(v);
  // A number's text never holds a markup character.
  if (typeof v === 'number') return String(v);
  if (v === null || v === undefined || v === false) return '';
  if (v instanceof Html) return v.value;
  if (Array.isArray(v)) {
    let s = '';
    for (const x of v) s += part(x);
    return s;
  }
  return escapeHtml(String(v));
}

/** Tagged template: literal parts are trusted markup, every `${value}` is escaped (arrays are joined). */
export function html(strings: TemplateStringsArray, ...values: HtmlValue[]): Html {
  let out = strings[0]!;
  for (let i = 0; i < values.length; i++) out += part(values[i]!) + strings[i + 1]!;
  return new Html(out);
}

/**
 * A page's UTF-8 bytes, built from `Html` pieces (nothing else can be added, so
 * the escaping guarantee holds) and encoded in chunks of about 16 K characters.
 * Encoding a short string while its pieces are still in the CPU cache is several
 * times faster than flattening a whole page of small concatenated pieces at the
 * end, and text outside Latin-1 (a `’` in a heading, a title in another script)
 * only makes its own chunk two-byte instead of the whole page.
 */
export class HtmlOut {
  private cur = '';
  private readonly chunks: Buffer[] = [];

  add(h: Html): void {
    this.cur += h.value;
    if (this.cur.length >= HtmlOut.CHUNK) this.flush();
  }

  private flush(): void {
    if (!this.cur) return;
    this.chunks.push(utf8(this.cur));
    this.cur = '';
  }

  /** The page: its chunks in order (write them with `writev`, or `Buffer.concat`). */
  finish(): Buffer[] {
    this.flush();
    return this.chunks;
  }

  /** Chunk size in UTF-16 code units. */
  static CHUNK = 16384;
}

/**
 * The same markup as one flat string. Cached markup that is copied into many
 * pages is flattened once, so each copy is one piece instead of a tree.
 */
export function flat(h: Html): Html {
  // Flattening is not exposed to JavaScript; slicing a string flattens it (V8).
  return new Html((' ' + h.value).slice(1));
}

/** Mark a string built by this module's own code (never rule data) as markup. */
export function trusted(s: string): Html {
  return new Html(s);
}

/** Join escaped parts with a separator. */
export function join(items: readonly HtmlValue[], sep: string): Html {
  return new Html(items.map(part).join(sep));
}

/**
 * The URL when it is an absolute http(s) URL, else null. Only such links are
 * made clickable; anything else (javascript:, data:, relative paths) is shown
 * as text.
 */
export function safeHttpUrl(s: string): string | null {
  const t = s.trim();
  if (!/^https?:\/\//i.test(t)) return null;
  try {
    const u = new URL(t);
    return u.protocol === 'http:' || u.protocol === 'https:' ? u.href : null;
  } catch {
    return null;
  }
}

/**
 * JSON for a `<script>` element or a .js file: `<`, `>`, `&`, U+2028 and
 * U+2029 are written as \u escapes, so the text can never close the script
 * element or start an HTML comment, and is valid JavaScript too.
 */
export function jsonForScript(value: unknown): string {
  return scriptSafe(JSON.stringify(value));
}

const SCRIPT_ESCAPES: readonly (readonly [string, string])[] = [
  ['<', '\\u003c'],
  ['>', '\\u003e'],
  ['&', '\\u0026'],
  ['\u2028', '\\u2028'],
  ['\u2029', '\\u2029'],
];

/** JSON text with `<`, `>`, `&`, U+2028 and U+2029 written as \u escapes (see `jsonForScript`). */
export function scriptSafe(json: string): string {
  for (const [c, e] of SCRIPT_ESCAPES) if (json.indexOf(c) >= 0) json = json.replaceAll(c, e);
  return json;
}
