/**
 * Value-aware rewrites that are exact equivalences (docs/normalization.md
 * "Rewrites"). Each takes a predicate whose canonical field is set and says
 * whether (and into what) it is rewritten; the normalizer applies that to its
 * own copy of the predicate.
 */
import type { Predicate } from '../ast/schema.js';
import { parseGlob } from '../ast/glob.js';

/** Full-path field -> the base-name field holding its last path component. */
export const BASENAME_FIELDS: Readonly<Record<string, string>> = {
  'process.executable': 'process.name',
  'process.parent.executable': 'process.parent.name',
  'file.path': 'file.name',
  'dll.path': 'dll.name',
};

/**
 * `F wildcard "*\name"` (one path component, no other wildcard) is
 * `basename(F) eq "name"`: a path ends with `\name` exactly when its last
 * component is `name` (the base-name fields are defined as that component).
 * `separators` is `\` for Windows sources, `\` and `/` for Linux/macOS ones.
 *
 * Returns the base-name field and the name, or null when the rewrite does not apply. Most
 * candidates are `*\\name` (the canonical glob of Sigma's `endswith: '\name'`): those are read
 * directly; anything with escapes or wildcards after the separator goes through parseGlob.
 */
export function basenameTarget(p: Predicate, separators: string): { canonical: string; name: string } | null {
  if (p.op !== 'wildcard' || p.ref || p.placeholder !== undefined || typeof p.value !== 'string') return null;
  const canonical = p.field?.canonical;
  if (!canonical) return null;
  const target = Object.hasOwn(BASENAME_FIELDS, canonical) ? BASENAME_FIELDS[canonical] : undefined;
  if (!target) return null;
  const v = p.value;
  // The first token must be a star (consecutive stars are one token).
  if (v.charCodeAt(0) !== STAR) return null;
  let i = 1;
  while (v.charCodeAt(i) === STAR) i++;
  if (i >= v.length) return null;
  // The separator: an escaped special character (`\\` is one backslash), or the character itself.
  let sep: string;
  let nameStart: number;
  const c = v.charCodeAt(i);
  const n = v.charCodeAt(i + 1);
  if (c === BACKSLASH && (n === STAR || n === QUESTION || n === BACKSLASH)) {
    sep = v[i + 1]!;
    nameStart = i + 2;
  } else {
    sep = v[i]!;
    nameStart = i + 1;
  }
  let plain = true;
  for (let j = nameStart; j < v.length; j++) {
    const x = v.charCodeAt(j);
    if (x === BACKSLASH || x === STAR || x === QUESTION || x === SLASH) {
      plain = false;
      break;
    }
  }
  if (plain) {
    // The rest is one literal without separators: the name as written.
    if (!separators.includes(sep) || nameStart >= v.length) return null;
    return { canonical: target, name: v.slice(nameStart) };
  }
  const toks = parseGlob(v);
  if (toks.length !== 2 || toks[0]!.t !== 'star' || toks[1]!.t !== 'lit') return null;
  const lit = toks[1].s;
  const sep2 = lit[0]!;
  if (!separators.includes(sep2)) return null;
  const name = lit.slice(1);
  if (!name) return null;
  for (let k = 0; k < name.length; k++) if (separators.includes(name[k]!) || name[k] === '\\' || name[k] === '/') return null;
  return { canonical: target, name };
}

const STAR = 42;
const QUESTION = 63;
const BACKSLASH = 92;
const SLASH = 47;

/**
 * event.code is an ECS keyword: numeric event ids (EventID: 4688, EventCode=4688) are written as
 * strings. Whether that applies (the value is a number to write as a string).
 */
export function isEventCode(p: Predicate): boolean {
  if (p.field?.canonical !== 'event.code' || typeof p.value !== 'number') return false;
  return p.op === 'eq' || p.op === 'wildcard' || p.op === 'match';
}
