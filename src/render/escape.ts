/**
 * The one HTML escaping path of the site. Every page is built with the `html`
 * tagged template, which escapes every interpolated value unless it is
 * already `Html` (produced by `html` itself or by `trusted`). Rule-derived
 * strings therefore cannot inject markup: there is no other way to put a
 * string into a page.
 */

const ESC: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };
const ESC_RE = /[&<>"']/g;
const NEEDS_ESC = /[&<>"']/;

/** Escape text for an HTML text node or a quoted attribute value. */
export function escapeHtml(s: string): string {
  return NEEDS_ESC.test(s) ? s.replace(ESC_RE, (c) => ESC[c]!) : s;
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
  return JSON.stringify(value).replace(/[<>&\u2028\u2029]/g, (c) => '\\u' + c.charCodeAt(0).toString(16).padStart(4, '0'));
}
