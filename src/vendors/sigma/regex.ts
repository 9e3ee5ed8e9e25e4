/**
 * Sigma `re` values are Python (`re`) / PCRE-style patterns, matched as a
 * search anywhere in the value (pySigma compiles them with Python `re`;
 * SigmaHQ authors assume unanchored search). The AST keeps the pattern as
 * written, with two normalizations:
 *
 * - A leading global inline flag group (`(?i)`, `(?is)`) is moved into
 *   `regex.flags` (only i/m/s are kept; Python's a/L/u/x are reported), so the
 *   AST's case sensitivity is visible without reading the pattern.
 * - Validation: the pattern is translated to an ECMAScript equivalent for the
 *   constructs Python has and JavaScript lacks (`(?P<n>`, `(?P=n)`, `\A`, `\Z`,
 *   atomic groups, possessive quantifiers, `(?#...)`, scoped flags) and
 *   compiled once. A pattern that still does not compile is an error.
 */
export interface RegexCheck {
  /** Pattern without the leading global flag group. */
  source: string;
  /** Flags found in that group (subset of `ims`). */
  inlineFlags: string;
  /** Flags of that group this AST cannot carry (a, L, u, x). */
  unsupportedFlags: string;
  error: string | null;
}

const LEADING_FLAGS = /^\(\?([aiLmsux]+)\)/;

export function checkRegex(pattern: string): RegexCheck {
  let source = pattern;
  let inlineFlags = '';
  let unsupportedFlags = '';
  const m = LEADING_FLAGS.exec(pattern);
  if (m) {
    source = pattern.slice(m[0].length);
    for (const f of m[1]!) {
      if ('ims'.includes(f)) {
        if (!inlineFlags.includes(f)) inlineFlags += f;
      } else if (!unsupportedFlags.includes(f)) unsupportedFlags += f;
    }
    inlineFlags = [...inlineFlags].sort().join('');
  }
  let error: string | null = null;
  try {
    new RegExp(toEcmaScript(source));
  } catch (e) {
    error = (e as Error).message;
  }
  return { source, inlineFlags, unsupportedFlags, error };
}

/** Best-effort translation of Python-only regex syntax, for validation only. */
function toEcmaScript(p: string): string {
  return p
    .replace(/\(\?#[^)]*\)/g, '')
    .replace(/\(\?P<([A-Za-z_]\w*)>/g, '(?<$1>')
    .replace(/\(\?P=([A-Za-z_]\w*)\)/g, '\\k<$1>')
    .replace(/\(\?>/g, '(?:')
    .replace(/\(\?[aiLmsux-]+:/g, '(?:')
    .replace(/\\A/g, '^')
    .replace(/\\Z/g, '$')
    .replace(/([*+?}])\+/g, '$1');
}
