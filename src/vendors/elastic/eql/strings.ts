/**
 * EQL string literals and wildcard patterns.
 *
 * Unescaping follows Elasticsearch (x-pack/plugin/eql AbstractBuilder
 * `unquoteString` and the EqlBase.g4 STRING token; docs eql-syntax.md
 * "Escape characters in a string"):
 * - `"…"`: escapes `\b \t \n \f \r \" \' \\` and `\u{XX…}` (2–8 hex digits, no
 *   surrogates, at most U+10FFFF). Any other `\X` is rejected by the
 *   Elasticsearch lexer: we report `eql.string.escape` and keep `\X` as written,
 *   as the Elasticsearch builder would.
 * - `"""…"""`: raw, no escapes (the grammar already put up to two extra
 *   closing quotes into the body).
 * - Endgame only: `'…'` (same escapes as `"…"`), `?"…"` / `?'…'` (raw, where only
 *   `\"` / `\'` stand for the quote). The caller reports them as dialect use.
 *
 * Patterns of the wildcard operators (`:`, `like`, `like~`): `*` is any run, `?`
 * exactly one character, and there is no escape: a backslash is a literal
 * character (research/elastic.md §3 "Windows-path corollary"; confirmed by
 * Elasticsearch's `eql/util/StringUtils.toLikePattern`, whose escape character
 * is U+0001, not the backslash).
 */
import { escapeGlob } from '../../../ast/glob.js';
import type { StrSyn } from './syntax.js';

export interface StringProblem {
  /** Offset of the problem inside the query text. */
  at: number;
  code: 'eql.string.escape' | 'eql.string.unicode';
  message: string;
}

const SIMPLE_ESCAPES: Record<string, string> = { b: '\b', t: '\t', n: '\n', f: '\f', r: '\r', '"': '"', "'": "'", '\\': '\\' };
const HEX = /^[0-9A-Fa-f]+$/;

/** Offset of the first body character inside the query text. */
function bodyStart(str: StrSyn): number {
  return str.s + (str.q === 'raw' ? 3 : str.q === 'rawdq' || str.q === 'rawsq' ? 2 : 1);
}

/** The value of a string literal, plus any escape problems (offsets in query text). */
export function unescapeString(str: StrSyn, problems?: StringProblem[]): string {
  const body = str.body;
  switch (str.q) {
    case 'raw':
      return body;
    case 'rawdq':
      return body.includes('\\"') ? body.replace(/\\"/g, '"') : body;
    case 'rawsq':
      return body.includes("\\'") ? body.replace(/\\'/g, "'") : body;
    default:
      break;
  }
  if (!body.includes('\\')) return body;
  const base = bodyStart(str);
  let out = '';
  for (let i = 0; i < body.length; i++) {
    const c = body[i]!;
    if (c !== '\\') {
      out += c;
      continue;
    }
    const n = body[i + 1];
    if (n === undefined) {
      // The grammar never ends a body on a lone backslash; be safe anyway.
      out += '\\';
      break;
    }
    const simple = SIMPLE_ESCAPES[n];
    if (simple !== undefined) {
      out += simple;
      i++;
      continue;
    }
    if (n === 'u') {
      const close = body[i + 2] === '{' ? body.indexOf('}', i + 3) : -1;
      const hex = close === -1 ? '' : body.slice(i + 3, close);
      if (close !== -1 && HEX.test(hex) && hex.length >= 2 && hex.length <= 8) {
        const code = parseInt(hex, 16);
        if (code >= 0xd800 && code <= 0xdfff) {
          problems?.push({ at: base + i, code: 'eql.string.unicode', message: `invalid unicode escape \\u{${hex}}: U+${hex.toUpperCase()} is a surrogate code` });
        } else if (code > 0x10ffff) {
          problems?.push({ at: base + i, code: 'eql.string.unicode', message: `invalid unicode escape \\u{${hex}}: beyond U+10FFFF` });
        } else {
          out += String.fromCodePoint(code);
        }
        i = close;
        continue;
      }
      problems?.push({
        at: base + i,
        code: 'eql.string.unicode',
        message: close === -1 || !HEX.test(hex) ? 'malformed unicode escape: expected \\u{XX} with 2-8 hex digits' : `unicode escape \\u{${hex}} must have 2-8 hex digits, it has ${hex.length}`,
      });
      out += '\\u';
      i++;
      continue;
    }
    problems?.push({ at: base + i, code: 'eql.string.escape', message: `unknown escape sequence \\${n} (Elasticsearch accepts \\b \\t \\n \\f \\r \\" \\' \\\\ and \\u{…}; use a """raw""" string for backslashes)` });
    out += '\\' + n;
    i++;
  }
  return out;
}

/** True when an EQL pattern has a wildcard (`*` or `?`); EQL has no escape for them. */
export function eqlHasWildcard(pattern: string): boolean {
  return pattern.includes('*') || pattern.includes('?');
}

/**
 * An EQL wildcard pattern (already unescaped) in the canonical glob syntax:
 * `*` and `?` stay wildcards, every other character (backslash included) is a
 * literal, escaped with `escapeGlob`.
 */
export function eqlPatternToGlob(pattern: string): string {
  let out = '';
  let lit = '';
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i]!;
    if (c === '*' || c === '?') {
      if (lit) out += escapeGlob(lit);
      lit = '';
      out += c;
    } else lit += c;
  }
  if (lit) out += escapeGlob(lit);
  return out;
}
