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

const GLOB_SPECIAL = /[\\*?]/g;

/** Escape a literal string so that it matches only itself. */
export function escapeGlob(literal: string): string {
  // One native replace: a flat string. Appending character by character built a chain of one
  // concatenation node per character, ~30 bytes each, kept as long as the value (a Windows path).
  return literal.replace(GLOB_SPECIAL, '\\$&');
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

const BACKSLASH = 92;
const STAR_CODE = 42;
const QUESTION = 63;

/**
 * True when `pattern` is already in canonical form: every backslash starts
 * an escape (`\\`, `\*`, `\?`) and no two unescaped stars are adjacent.
 * Patterns in the AST are canonical, so this scan lets `canonicalGlob`
 * return them as they are without decoding them into tokens.
 */
function isCanonicalGlob(pattern: string): boolean {
  let prevStar = false;
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern.charCodeAt(i);
    if (c === BACKSLASH) {
      const n = pattern.charCodeAt(i + 1);
      if (n !== STAR_CODE && n !== QUESTION && n !== BACKSLASH) return false;
      i++;
      prevStar = false;
    } else if (c === STAR_CODE) {
      if (prevStar) return false;
      prevStar = true;
    } else prevStar = false;
  }
  return true;
}

/** Re-encode any (leniently written) pattern canonically (a canonical pattern is returned as is). */
export function canonicalGlob(pattern: string): string {
  return isCanonicalGlob(pattern) ? pattern : formatGlob(parseGlob(pattern));
}

/** `hasWildcard` for a canonical pattern, without decoding it. */
export function canonicalHasWildcard(canonical: string): boolean {
  for (let i = 0; i < canonical.length; i++) {
    const c = canonical.charCodeAt(i);
    if (c === BACKSLASH) i++;
    else if (c === STAR_CODE || c === QUESTION) return true;
  }
  return false;
}

/** The text a canonical pattern without wildcards matches: its escapes decoded. */
export function canonicalLiteral(canonical: string): string {
  if (!canonical.includes('\\')) return canonical;
  let out = '';
  let from = 0;
  for (let i = 0; i < canonical.length; i++) {
    if (canonical.charCodeAt(i) !== BACKSLASH) continue;
    out += canonical.slice(from, i);
    from = i + 1; // keep the escaped character, drop the backslash
    i++;
  }
  return out + canonical.slice(from);
}

/**
 * `displayGlob` for a canonical pattern, in one scan: the canonical text
 * with each escaped backslash (`\\`) written single, unless the next
 * character is `*`, `?` or `\` (where a single one would read as an escape).
 */
export function displayCanonicalGlob(canonical: string): string {
  if (!canonical.includes('\\')) return canonical;
  let out = '';
  let from = 0;
  for (let i = 0; i < canonical.length; i++) {
    if (canonical.charCodeAt(i) !== BACKSLASH) continue;
    if (canonical.charCodeAt(i + 1) === BACKSLASH) {
      const next = canonical.charCodeAt(i + 2);
      if (next !== STAR_CODE && next !== QUESTION && next !== BACKSLASH) {
        out += canonical.slice(from, i + 1);
        from = i + 2;
      }
    }
    i++;
  }
  return out + canonical.slice(from);
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
