/**
 * Regular expressions for `regex_match` predicates, run with RE2 (re2js):
 * matching is linear in the input, so no rule regex can hang the process.
 *
 * Each AST flavor is translated to RE2 syntax once, at compile time:
 * - `pcre` (Sigma `re`, SPL `match`/`regex`), `java`, `ecmascript`: RE2
 *   already accepts most of it. Rewritten: `\Z` → `\z` (Python meaning: end
 *   of input), `\e` → `\x1b`, `\h` → `[\t ]`, `(?#…)` removed. Approximated
 *   (noted in the result): possessive quantifiers (`a++`) and atomic groups
 *   (`(?>…)`) run as ordinary greedy ones.
 * - `lucene` (EQL `regex`, ES|QL `RLIKE`, Lucene `/…/`): Lucene's RegExp
 *   language. `.` matches any character, `^` and `$` are literals, `@` is
 *   any string, `#` the empty language, `"…"` a quoted literal, `\c` the
 *   literal c (except the `\d \s \w` classes), `<n-m>` a numeric interval.
 *   Complement `~` and intersection `&` cannot be expressed in RE2 and are
 *   reported.
 *
 * Patterns RE2 cannot run (back-references, lookahead) fall back to a
 * JavaScript RegExp, but only when the pattern has no nested quantifier (the
 * shape of catastrophic backtracking) and only on inputs up to
 * `FALLBACK_MAX_INPUT` characters; a longer input makes the predicate
 * undetermined rather than slow. Anything else is reported and the predicate
 * is undetermined.
 */
import { RE2JS } from 're2js';
import type { RegexInfo } from '../ast/schema.js';

/** Longest input a backtracking fallback regex is run on. */
export const FALLBACK_MAX_INPUT = 4096;

export interface CompiledRegex {
  /** Match result, or null when the input cannot be evaluated safely. */
  test(value: string): boolean | null;
  engine: 're2' | 'js-guarded';
  /** Approximations made while translating. */
  notes: string[];
}

export interface RegexError {
  error: string;
}

export function compileRegex(source: string, info: RegexInfo, caseSensitive: boolean): CompiledRegex | RegexError {
  const notes: string[] = [];
  let pattern: string;
  if (info.flavor === 'lucene') {
    const t = luceneToRe2(source);
    if ('error' in t) return t;
    pattern = t.pattern;
  } else {
    pattern = pcreToRe2(source, notes);
  }
  const insensitive = !caseSensitive || info.flags.includes('i');
  let flags = 0;
  if (insensitive) flags |= RE2JS.CASE_INSENSITIVE;
  if (info.flags.includes('s') || info.flavor === 'lucene') flags |= RE2JS.DOTALL;
  if (info.flags.includes('m')) flags |= RE2JS.MULTILINE;
  const anchored = info.anchored;
  let re: RE2JS | null = null;
  let firstError = '';
  for (const extra of [0, RE2JS.LOOKBEHINDS]) {
    try {
      re = RE2JS.compile(pattern, flags | extra);
      break;
    } catch (e) {
      firstError ||= (e as Error).message;
    }
  }
  if (re) {
    const r = re;
    return { test: anchored ? (v) => r.testExact(v) : (v) => r.test(v), engine: 're2', notes };
  }
  if (info.flavor === 'lucene') return { error: firstError };
  return jsFallback(source, info, insensitive, firstError, notes);
}

function pcreToRe2(src: string, notes: string[]): string {
  let out = '';
  let inClass = false;
  for (let i = 0; i < src.length; i++) {
    const c = src[i]!;
    if (c === '\\') {
      const n = src[i + 1];
      if (n === undefined) {
        out += '\\\\';
        continue;
      }
      i++;
      if (n === 'Z' && !inClass) out += '\\z';
      else if (n === 'e') out += '\\x1b';
      else if (n === 'h') out += inClass ? '\\t ' : '[\\t ]';
      else out += '\\' + n;
      continue;
    }
    if (inClass) {
      if (c === ']') inClass = false;
      out += c;
      continue;
    }
    if (c === '[') {
      inClass = true;
      out += c;
      // A `]` right after `[` or `[^` is a literal member.
      if (src[i + 1] === '^') out += src[++i];
      if (src[i + 1] === ']') out += '\\' + src[++i];
      continue;
    }
    if (c === '(' && src.startsWith('(?#', i)) {
      const end = src.indexOf(')', i);
      if (end !== -1) {
        i = end;
        continue;
      }
    }
    if (c === '(' && src.startsWith('(?>', i)) {
      notes.push('atomic group run as a plain group');
      out += '(?:';
      i += 2;
      continue;
    }
    if (c === '+' && i > 0 && '*+?}'.includes(src[i - 1]!) && src[i - 2] !== '\\') {
      notes.push('possessive quantifier run as greedy');
      continue;
    }
    out += c;
  }
  return out;
}

const LUCENE_KEEP_ESCAPES = new Set(['d', 'D', 's', 'S', 'w', 'W']);

function re2Literal(ch: string): string {
  return /[A-Za-z0-9_]/.test(ch) ? ch : /[\\.+*?()|[\]{}^$]/.test(ch) ? '\\' + ch : ch === '\n' ? '\\n' : ch;
}

/** Translate Lucene RegExp syntax (all optional operators enabled, as Elasticsearch does) to RE2. */
export function luceneToRe2(src: string): { pattern: string } | RegexError {
  let out = '';
  let inClass = false;
  for (let i = 0; i < src.length; i++) {
    const c = src[i]!;
    if (c === '\\') {
      const n = src[i + 1];
      if (n === undefined) return { error: 'trailing backslash' };
      i++;
      out += LUCENE_KEEP_ESCAPES.has(n) ? '\\' + n : inClass && n !== ']' && n !== '\\' && n !== '-' && n !== '^' ? n : re2Literal(n);
      continue;
    }
    if (inClass) {
      if (c === ']') inClass = false;
      out += c === '[' ? '\\[' : c;
      continue;
    }
    switch (c) {
      case '[':
        inClass = true;
        out += c;
        if (src[i + 1] === '^') out += src[++i];
        break;
      case '^':
      case '$':
        out += '\\' + c;
        break;
      case '@':
        out += '(?:.*)';
        break;
      case '#':
        out += '[^\\x00-\\x{10FFFF}]';
        break;
      case '"': {
        const end = src.indexOf('"', i + 1);
        if (end === -1) return { error: 'unterminated quoted string' };
        for (const ch of src.slice(i + 1, end)) out += re2Literal(ch);
        i = end;
        break;
      }
      case '<': {
        const m = /^<(\d+)-(\d+)>/.exec(src.slice(i));
        if (!m) {
          out += '<';
          break;
        }
        const alt = numericInterval(m[1]!, m[2]!);
        if (alt === null) return { error: `numeric interval ${m[0]} is too wide to translate` };
        out += alt;
        i += m[0].length - 1;
        break;
      }
      case '~':
        return { error: 'Lucene complement (~) has no RE2 equivalent' };
      case '&':
        return { error: 'Lucene intersection (&) has no RE2 equivalent' };
      default:
        out += c;
    }
  }
  return { pattern: out };
}

/** `<n-m>` as an alternation of the decimal numbers (Lucene also accepts leading zeros up to the width of the bound). */
function numericInterval(a: string, b: string): string | null {
  let lo = Number(a);
  let hi = Number(b);
  if (lo > hi) [lo, hi] = [hi, lo];
  if (hi - lo > 2000) return null;
  const width = Math.max(a.length, b.length);
  const alts: string[] = [];
  for (let n = lo; n <= hi; n++) alts.push(`0{0,${Math.max(0, width - String(n).length)}}${n}`);
  return `(?:${alts.join('|')})`;
}

/** Nested quantifier: a quantified group containing a quantifier — the shape of exponential backtracking. */
function hasNestedQuantifier(src: string): boolean {
  const stack: boolean[] = [];
  let inClass = false;
  let lastGroupHadQuant = false;
  for (let i = 0; i < src.length; i++) {
    const c = src[i]!;
    if (c === '\\') {
      i++;
      continue;
    }
    if (inClass) {
      if (c === ']') inClass = false;
      continue;
    }
    if (c === '[') inClass = true;
    else if (c === '(') stack.push(false);
    else if (c === ')') {
      lastGroupHadQuant = stack.pop() ?? false;
      const next = src[i + 1];
      if (lastGroupHadQuant && next !== undefined && '*+{?'.includes(next)) return true;
      if (lastGroupHadQuant && stack.length) stack[stack.length - 1] = true;
    } else if ('*+{'.includes(c) || (c === '?' && src[i - 1] !== '(')) {
      if (stack.length) stack[stack.length - 1] = true;
    }
  }
  return false;
}

function jsFallback(source: string, info: RegexInfo, insensitive: boolean, re2Error: string, notes: string[]): CompiledRegex | RegexError {
  if (hasNestedQuantifier(source)) return { error: `RE2 cannot run it (${re2Error}) and it has nested quantifiers, so it is not run with a backtracking engine` };
  let js = source
    .replace(/\(\?#[^)]*\)/g, '')
    .replace(/\(\?P<([A-Za-z_]\w*)>/g, '(?<$1>')
    .replace(/\(\?P=([A-Za-z_]\w*)\)/g, '\\k<$1>')
    .replace(/\\A/g, '^')
    .replace(/\\[Zz]/g, '$(?![\\s\\S])');
  let flags = insensitive ? 'i' : '';
  const lead = /^\(\?([ims]+)\)/.exec(js);
  if (lead) {
    js = js.slice(lead[0].length);
    for (const f of lead[1]!) if (!flags.includes(f)) flags += f;
  }
  for (const f of info.flags) if ('ms'.includes(f) && !flags.includes(f)) flags += f;
  let re: RegExp;
  try {
    re = new RegExp(info.anchored ? `^(?:${js})$` : js, flags);
  } catch (e) {
    return { error: `RE2: ${re2Error}; JavaScript: ${(e as Error).message}` };
  }
  notes.push(`run with a guarded backtracking engine (${re2Error}); inputs over ${FALLBACK_MAX_INPUT} characters are undetermined`);
  return { test: (v) => (v.length > FALLBACK_MAX_INPUT ? null : re.test(v)), engine: 'js-guarded', notes };
}
