/**
 * The one canonical wildcard syntax of the AST (values of `wildcard` and
 * `match` predicates):
 *
 *   `*`  any run of characters (also empty)
 *   `?`  exactly one character
 *   `\*` `\?` `\\`  a literal `*`, `?`, `\`
 *
 * Canonical form escapes every literal backslash as `\\`, so two patterns
 * are equal exactly when their canonical strings are equal, and patterns can
 * be concatenated safely (`'*' + escapeGlob(v) + '*'` never turns a trailing
 * backslash of `v` into an escape). Decoding is lenient like Sigma: a
 * backslash before any other character, or at the end, is a literal backslash.
 */

export type GlobToken = { t: 'lit'; s: string } | { t: 'star' } | { t: 'one' };

export const STAR: GlobToken = { t: 'star' };
export const ONE: GlobToken = { t: 'one' };

/** Escape a literal string so that it matches only itself. */
export function escapeGlob(literal: string): string {
  let out = '';
  for (let i = 0; i < literal.length; i++) {
    const c = literal[i]!;
    if (c === '\\' || c === '*' || c === '?') out += '\\' + c;
    else out += c;
  }
  return out;
}

/** Decode a pattern into tokens; adjacent literals are merged. */
export function parseGlob(pattern: string): GlobToken[] {
  const out: GlobToken[] = [];
  let lit = '';
  const flush = () => {
    if (lit) out.push({ t: 'lit', s: lit });
    lit = '';
  };
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i]!;
    if (c === '\\') {
      const n = pattern[i + 1];
      if (n === '*' || n === '?' || n === '\\') {
        lit += n;
        i++;
      } else lit += '\\';
    } else if (c === '*') {
      flush();
      // Consecutive stars mean the same as one.
      if (out[out.length - 1]?.t !== 'star') out.push(STAR);
    } else if (c === '?') {
      flush();
      out.push(ONE);
    } else lit += c;
  }
  flush();
  return out;
}

/** Encode tokens in canonical form. */
export function formatGlob(tokens: readonly GlobToken[]): string {
  let out = '';
  let prevStar = false;
  for (const t of tokens) {
    if (t.t === 'star') {
      if (!prevStar) out += '*';
      prevStar = true;
      continue;
    }
    prevStar = false;
    out += t.t === 'one' ? '?' : escapeGlob(t.s);
  }
  return out;
}

/** Re-encode any (leniently written) pattern canonically. */
export function canonicalGlob(pattern: string): string {
  return formatGlob(parseGlob(pattern));
}

export function hasWildcard(pattern: string): boolean {
  return parseGlob(pattern).some((t) => t.t !== 'lit');
}

/** The literal a pattern matches when it has no wildcard, else null. */
export function globLiteral(pattern: string): string | null {
  const toks = parseGlob(pattern);
  if (toks.some((t) => t.t !== 'lit')) return null;
  return toks.map((t) => (t as { s: string }).s).join('');
}

/**
 * Human display form: the shortest Sigma-style text (a backslash is written
 * doubled only where it would otherwise escape the next character).
 */
export function displayGlob(pattern: string): string {
  const toks = parseGlob(pattern);
  let out = '';
  for (let i = 0; i < toks.length; i++) {
    const t = toks[i]!;
    if (t.t === 'star') out += '*';
    else if (t.t === 'one') out += '?';
    else {
      const s = t.s;
      for (let j = 0; j < s.length; j++) {
        const c = s[j]!;
        if (c === '*' || c === '?') out += '\\' + c;
        else if (c === '\\') {
          const next = j + 1 < s.length ? s[j + 1] : toks[i + 1] ? (toks[i + 1]!.t === 'lit' ? (toks[i + 1] as { s: string }).s[0] : '*') : undefined;
          out += next === '*' || next === '?' || next === '\\' ? '\\\\' : '\\';
        } else out += c;
      }
    }
  }
  return out;
}

const RE_SPECIAL = /[.*+?^${}()|[\]\\/]/g;

/** Compile a canonical glob to an anchored JavaScript RegExp (`s` flag: `*` spans newlines). */
export function globToRegExp(pattern: string, caseSensitive: boolean): RegExp {
  let src = '^';
  for (const t of parseGlob(pattern)) {
    if (t.t === 'star') src += '[\\s\\S]*';
    else if (t.t === 'one') src += '[\\s\\S]';
    else src += t.s.replace(RE_SPECIAL, '\\$&');
  }
  src += '$';
  return new RegExp(src, caseSensitive ? 'u' : 'iu');
}
