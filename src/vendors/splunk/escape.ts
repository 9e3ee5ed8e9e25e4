/**
 * SPL value escaping, as measured on the corpus and documented by Splunk
 * (research §4, §5.2; docs/semantics/splunk.md):
 *  - `\\` is one backslash, `\"` a quote, `\|` a pipe (quoted or bare values);
 *  - a backslash before any other character is a literal backslash
 *    (`"*\calc.exe"` = `*\calc.exe`), also before `*`: a backslash cannot
 *    escape the wildcard (`"system32\*"` = `system32\` then any run);
 *  - in the search language `*` is the only wildcard; `?` is literal.
 */
import { escapeGlob } from '../../ast/glob.js';

/** Decode SPL escapes of a value (quoted or bare) into its literal text, `*` kept as written. */
export function unescapeSpl(raw: string): string {
  if (!raw.includes('\\')) return raw;
  let out = '';
  for (let i = 0; i < raw.length; i++) {
    const c = raw[i]!;
    if (c === '\\' && i + 1 < raw.length) {
      const n = raw[i + 1]!;
      if (n === '\\' || n === '"' || n === '|') {
        out += n;
        i++;
        continue;
      }
    }
    out += c;
  }
  return out;
}

export interface SearchPattern {
  /** True when the value contains a `*` wildcard. */
  wildcard: boolean;
  /** Canonical glob (when wildcard) or the literal text. */
  value: string;
}

/** A search-language value: escapes decoded, every `*` a wildcard, everything else literal. */
export function searchPattern(raw: string): SearchPattern {
  const lit = unescapeSpl(raw);
  if (!lit.includes('*')) return { wildcard: false, value: lit };
  return { wildcard: true, value: lit.split('*').map(escapeGlob).join('*').replace(/\*{2,}/g, '*') };
}

/** An eval `like()` / `LIKE` pattern: `%` any run, `_` one character, everything else literal. */
export function likePattern(lit: string): SearchPattern {
  if (!lit.includes('%') && !lit.includes('_')) return { wildcard: false, value: lit };
  let out = '';
  let buf = '';
  for (const c of lit) {
    if (c === '%' || c === '_') {
      out += escapeGlob(buf) + (c === '%' ? '*' : '?');
      buf = '';
    } else buf += c;
  }
  out += escapeGlob(buf);
  return { wildcard: true, value: out.replace(/\*{2,}/g, '*') };
}

const INT = /^-?(0|[1-9][0-9]{0,14})$/;
/** A plain decimal integer becomes a number (`EventCode=4688`); everything else stays a string. */
export function scalarOf(lit: string): string | number {
  return INT.test(lit) ? Number(lit) : lit;
}

const CIDR4 = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})\/(\d{1,2})$/;
const CIDR6 = /^[0-9A-Fa-f:]*:[0-9A-Fa-f:.]*\/\d{1,3}$/;
export function isCidr(lit: string): boolean {
  const m = CIDR4.exec(lit);
  if (m) return m.slice(1, 5).every((x) => Number(x) <= 255) && Number(m[5]) <= 32;
  return CIDR6.test(lit) && Number(lit.split('/')[1]) <= 128;
}

const TOKEN = /^\$([A-Za-z0-9_.:-]+)\$$/;
/** `$name$` (a whole-value token, substituted at run time by map/dashboards), else null. */
export function tokenName(lit: string): string | null {
  const m = TOKEN.exec(lit);
  return m ? m[1]! : null;
}
