/**
 * Sigma value types, mirroring pySigma's `sigma/types.py` closely enough that
 * the modifier chain can be type-checked the same way (a modifier accepts some
 * kinds and produces one), but as plain data.
 *
 * A Sigma string is a list of parts: literal text, `*`, `?` and (after
 * `expand`) placeholders. Parsing follows pySigma `SigmaString.__init__` and
 * the specification's escape rules exactly: `\` escapes only `*`, `?` and `\`;
 * before any other character, and at the end, it is a literal backslash. So
 * `\\` collapses to one backslash, and `C:\Windows\` stays as written.
 */
import { escapeGlob } from '../../ast/glob.js';

export type StrPart = { t: 'lit'; s: string } | { t: 'star' } | { t: 'one' } | { t: 'ph'; name: string };

export interface SStr {
  kind: 'str';
  parts: StrPart[];
  /** `cased` modifier: match case-sensitively. */
  cased: boolean;
  /**
   * After `wide`/`utf16*`: every character of the literal parts is one byte
   * (0-255) of the encoded text, not a Unicode character. base64 encodes these
   * characters as bytes instead of as UTF-8.
   */
  bytes: boolean;
  /** The value as written (YAML-unquoted), kept for `re`, which takes the raw text. */
  original?: string;
}
export interface SRe {
  kind: 're';
  /** The pattern as written (pySigma keeps regex values raw: no wildcard or escape processing). */
  source: string;
  /** Subset of i, m, s from modifiers. */
  flags: string;
  /** `%name%` placeholders inserted by `expand`. */
  placeholders?: string[];
}
export interface SNum { kind: 'num'; value: number; raw: string }
export interface SBool { kind: 'bool'; value: boolean }
export interface SNull { kind: 'null' }
/** OR-group produced by windash / base64offset; stays OR under `all`. */
export interface SExp { kind: 'exp'; values: SValue[] }
export interface SCidr { kind: 'cidr'; cidr: string }
export interface SRef { kind: 'ref'; field: string; startsWith: boolean; endsWith: boolean }
export interface SCmp {
  kind: 'cmp';
  op: 'gt' | 'gte' | 'lt' | 'lte';
  value: number;
  raw: string;
  /** Set when comparing a timestamp part (`f|hour|gt: 8`; pySigma's SigmaTimestampPart is a SigmaNumber). */
  part?: STsPart['part'];
}
export interface SExists { kind: 'exists'; value: boolean }
export interface STsPart { kind: 'ts'; part: 'minute' | 'hour' | 'day' | 'week' | 'month' | 'year'; value: number; raw: string }

export type SValue = SStr | SRe | SNum | SBool | SNull | SExp | SCidr | SRef | SCmp | SExists | STsPart;
export type SKind = SValue['kind'];

const STAR = { t: 'star' } as const;
const ONE = { t: 'one' } as const;

/** Parse a Sigma string value into parts (escape table of the specification / pySigma). */
const SPECIAL = /[*?\\]/;

const WILDCARD = /[*?]/;

export function parseSigmaString(s: string): SStr {
  // Fast path: most values have no wildcard or backslash.
  if (!SPECIAL.test(s)) return { kind: 'str', parts: s ? [{ t: 'lit', s }] : [], cased: false, bytes: false, original: s };
  // Without wildcards the only escape that changes anything is `\\` (one backslash), and pairs
  // read left to right are exactly what replaceAll finds: the common Windows path (`\cmd.exe`,
  // `C:\Windows\`) needs no character loop, and usually no new string.
  if (!WILDCARD.test(s)) {
    const lit = s.includes('\\\\') ? s.replaceAll('\\\\', '\\') : s;
    return { kind: 'str', parts: [{ t: 'lit', s: lit }], cased: false, bytes: false, original: s };
  }
  // Literal parts are taken as runs (slices) between wildcards and escapes of special characters,
  // not appended character by character: that built one concatenation node per character, which
  // the AST kept for as long as the value (about 30 bytes per character of a Windows path).
  const parts: StrPart[] = [];
  let acc = '';
  let run = 0; // start of the literal run not yet added to acc
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c === 92 /* \ */) {
      const n = s.charCodeAt(i + 1);
      // `\*`, `\?`, `\\`: the escaped character alone; any other `\x` (or a final `\`) stays as written.
      if (n === 42 || n === 63 || n === 92) {
        acc += s.slice(run, i);
        run = i + 1;
      }
      i++;
    } else if (c === 42 /* * */ || c === 63 /* ? */) {
      acc += s.slice(run, i);
      if (acc) parts.push({ t: 'lit', s: acc });
      acc = '';
      parts.push(c === 42 ? STAR : ONE);
      run = i + 1;
    }
  }
  acc += s.slice(run);
  if (acc) parts.push({ t: 'lit', s: acc });
  return { kind: 'str', parts, cased: false, bytes: false, original: s };
}

export function plainString(s: string): SStr {
  return { kind: 'str', parts: s ? [{ t: 'lit', s }] : [], cased: false, bytes: false };
}

/** Merge adjacent literals (after modifiers concatenated parts). */
export function mergeParts(parts: StrPart[]): StrPart[] {
  const out: StrPart[] = [];
  for (const p of parts) {
    const last = out[out.length - 1];
    if (p.t === 'lit') {
      if (!p.s) continue;
      if (last?.t === 'lit') out[out.length - 1] = { t: 'lit', s: last.s + p.s };
      else out.push(p);
    } else out.push(p);
  }
  return out;
}

export function hasWildcards(v: SStr): boolean {
  const parts = v.parts;
  for (let i = 0; i < parts.length; i++) if (parts[i]!.t === 'star' || parts[i]!.t === 'one') return true;
  return false;
}
/** True when the string has a placeholder part (after `expand`). */
export function hasPlaceholders(v: SStr): boolean {
  const parts = v.parts;
  for (let i = 0; i < parts.length; i++) if (parts[i]!.t === 'ph') return true;
  return false;
}
/** True when the string has a wildcard or placeholder part (pySigma `contains_special`). */
export function isSpecial(v: SStr): boolean {
  return v.parts.some((p) => p.t !== 'lit');
}

/** The literal text of a string without wildcards. */
export function literalText(v: SStr): string {
  const parts = v.parts;
  // One literal part (the usual case) is returned as it is.
  if (parts.length === 1 && parts[0]!.t === 'lit') return parts[0]!.s;
  let out = '';
  for (let i = 0; i < parts.length; i++) {
    const p = parts[i]!;
    if (p.t === 'lit') out += p.s;
  }
  return out;
}

/**
 * The canonical glob (src/ast/glob.ts) of a string. Placeholders are written
 * as their `%name%` text (the predicate carries the names separately).
 */
export function toGlob(v: SStr): string {
  // Pieces joined once: a flat string (appending kept a concatenation node per part).
  const out: string[] = [];
  let prev = '';
  const parts = v.parts;
  for (let i = 0; i < parts.length; i++) {
    const p = parts[i]!;
    // Consecutive stars are one star in canonical form (and in pySigma's contains: no double wildcard).
    if (p.t === 'star' && prev === 'star') continue;
    prev = p.t;
    if (p.t === 'lit') out.push(SPECIAL.test(p.s) ? escapeGlob(p.s) : p.s);
    else if (p.t === 'star') out.push('*');
    else if (p.t === 'one') out.push('?');
    else out.push(escapeGlob(`%${p.name}%`));
  }
  return out.length === 1 ? out[0]! : out.join('');
}

export function startsWithStar(v: SStr): boolean {
  return v.parts[0]?.t === 'star';
}
export function endsWithStar(v: SStr): boolean {
  return v.parts[v.parts.length - 1]?.t === 'star';
}

/**
 * `expand`: turn `%name%` in literal parts into placeholder parts (pySigma
 * `insert_placeholders`: a `%` preceded by a backslash does not open a
 * placeholder, and `\%` is unescaped to `%` in the surrounding text).
 */
const PLACEHOLDER_RE = /(?<!\\)%([^%]+)%/g;
export function insertPlaceholders(v: SStr): SStr {
  const parts: StrPart[] = [];
  for (const p of v.parts) {
    if (p.t !== 'lit') {
      parts.push(p);
      continue;
    }
    let last = 0;
    PLACEHOLDER_RE.lastIndex = 0;
    for (let m = PLACEHOLDER_RE.exec(p.s); m; m = PLACEHOLDER_RE.exec(p.s)) {
      const before = p.s.slice(last, m.index).replaceAll('\\%', '%');
      if (before) parts.push({ t: 'lit', s: before });
      parts.push({ t: 'ph', name: m[1]! });
      last = m.index + m[0].length;
    }
    const rest = p.s.slice(last).replaceAll('\\%', '%');
    if (rest) parts.push({ t: 'lit', s: rest });
  }
  return { ...v, parts };
}

export function placeholderNames(v: SStr): string[] {
  const out: string[] = [];
  for (const p of v.parts) if (p.t === 'ph' && !out.includes(p.name)) out.push(p.name);
  return out;
}

export const KIND_NAMES: Record<SKind, string> = {
  str: 'string',
  re: 'regular expression',
  num: 'number',
  bool: 'boolean',
  null: 'null',
  exp: 'expansion',
  cidr: 'CIDR network',
  ref: 'field reference',
  cmp: 'comparison',
  exists: 'exists check',
  ts: 'timestamp part',
};
