/**
 * Compiled matchers for canonical glob patterns (src/ast/glob.ts).
 *
 * Most patterns in real rules are `x`, `x*`, `*x` or `*x*`, so those compile
 * to `===`, `startsWith`, `endsWith` and `includes`. Anything else runs a
 * hand-written two-pointer matcher with backtracking to the last `*` only,
 * which is O(pattern × value) in the worst case: a glob can never be
 * catastrophic the way a backtracking regex can.
 *
 * Case-insensitive matchers expect an already lower-cased value (the event
 * view lower-cases each value once per event, not once per pattern).
 */
import { parseGlob, type GlobToken } from '../ast/glob.js';

export type StringTest = (value: string) => boolean;

/** Lower-casing used on both sides of every case-insensitive comparison. */
export function fold(s: string): string {
  return s.toLowerCase();
}

/**
 * A matcher for a glob. `anchored` false means the pattern may match any
 * substring (full-text `match` semantics): it is then equivalent to `*p*`.
 */
export function compileGlob(pattern: string, caseSensitive: boolean, anchored = true): StringTest {
  let toks = parseGlob(pattern);
  if (!caseSensitive) toks = toks.map((t) => (t.t === 'lit' ? { t: 'lit', s: fold(t.s) } : t));
  if (!anchored) {
    if (toks[0]?.t !== 'star') toks = [{ t: 'star' }, ...toks];
    if (toks[toks.length - 1]?.t !== 'star') toks = [...toks, { t: 'star' }];
  }
  return compileTokens(toks);
}

function compileTokens(toks: GlobToken[]): StringTest {
  const n = toks.length;
  if (n === 0) return (v) => v.length === 0;
  const lit = (i: number) => (toks[i]!.t === 'lit' ? (toks[i] as { s: string }).s : null);
  if (n === 1) {
    const s = lit(0);
    if (s !== null) return (v) => v === s;
    if (toks[0]!.t === 'star') return () => true;
  }
  if (n === 2) {
    const a = lit(0);
    const b = lit(1);
    if (a !== null && toks[1]!.t === 'star') return (v) => v.startsWith(a);
    if (b !== null && toks[0]!.t === 'star') return (v) => v.endsWith(b);
  }
  if (n === 3 && toks[0]!.t === 'star' && toks[2]!.t === 'star') {
    const s = lit(1);
    if (s !== null) return (v) => v.includes(s);
  }
  // Only literals and stars: prefix, ordered middle parts, suffix, with indexOf.
  if (!toks.some((t) => t.t === 'one')) return starsOnly(toks);
  return (v) => globMatch(toks, v);
}

function starsOnly(toks: GlobToken[]): StringTest {
  const startsStar = toks[0]!.t === 'star';
  const endsStar = toks[toks.length - 1]!.t === 'star';
  const lits = toks.filter((t) => t.t === 'lit').map((t) => (t as { s: string }).s);
  const prefix = startsStar ? '' : lits.shift()!;
  const suffix = endsStar || lits.length === 0 ? '' : lits.pop()!;
  const middles = lits;
  const minLen = prefix.length + suffix.length;
  return (v) => {
    if (v.length < minLen || !v.startsWith(prefix) || !v.endsWith(suffix)) return false;
    let pos = prefix.length;
    const end = v.length - suffix.length;
    for (const m of middles) {
      const at = v.indexOf(m, pos);
      if (at === -1 || at + m.length > end) return false;
      pos = at + m.length;
    }
    return true;
  };
}

/** Width in UTF-16 units of the character at `i` (a surrogate pair is one character for `?`). */
function charWidth(v: string, i: number): number {
  const c = v.charCodeAt(i);
  if (c >= 0xd800 && c <= 0xdbff && i + 1 < v.length) {
    const d = v.charCodeAt(i + 1);
    if (d >= 0xdc00 && d <= 0xdfff) return 2;
  }
  return 1;
}

/**
 * Full-match of a token list against a value. Greedy on literals, remembers
 * only the last `*` (the classic wildcard algorithm): correct because a later
 * star can absorb anything an earlier star would have.
 */
export function globMatch(toks: readonly GlobToken[], v: string): boolean {
  let ti = 0;
  let vi = 0;
  let starTi = -1;
  let starVi = 0;
  while (vi < v.length || ti < toks.length) {
    const t = toks[ti];
    if (t) {
      if (t.t === 'star') {
        starTi = ti++;
        starVi = vi;
        continue;
      }
      if (t.t === 'one' && vi < v.length) {
        vi += charWidth(v, vi);
        ti++;
        continue;
      }
      if (t.t === 'lit' && v.startsWith(t.s, vi)) {
        vi += t.s.length;
        ti++;
        continue;
      }
    }
    // Mismatch (or pattern exhausted with value left): let the last star absorb one more character.
    if (starTi >= 0 && starVi < v.length) {
      starVi += charWidth(v, starVi);
      vi = starVi;
      ti = starTi + 1;
      continue;
    }
    return false;
  }
  return true;
}
