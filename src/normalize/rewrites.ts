/**
 * Value-aware rewrites that are exact equivalences (docs/normalization.md
 * "Rewrites"). Each takes a predicate whose canonical field is set and
 * returns the rewritten predicate or the same object.
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
 */
export function basenameRewrite(p: Predicate, separators: string): Predicate {
  if (p.op !== 'wildcard' || p.ref || p.placeholder !== undefined || typeof p.value !== 'string') return p;
  const canonical = p.field?.canonical;
  if (!canonical) return p;
  const target = BASENAME_FIELDS[canonical];
  if (!target) return p;
  const toks = parseGlob(p.value);
  if (toks.length !== 2 || toks[0]!.t !== 'star' || toks[1]!.t !== 'lit') return p;
  const lit = toks[1].s;
  const sep = lit[0]!;
  if (!separators.includes(sep)) return p;
  const name = lit.slice(1);
  if (!name) return p;
  for (let i = 0; i < name.length; i++) if (separators.includes(name[i]!) || name[i] === '\\' || name[i] === '/') return p;
  return { ...p, field: { ...p.field!, canonical: target }, op: 'eq', value: name };
}

/** event.code is an ECS keyword: numeric event ids (EventID: 4688, EventCode=4688) become strings. */
export function eventCodeString(p: Predicate): Predicate {
  if (p.field?.canonical !== 'event.code' || typeof p.value !== 'number') return p;
  if (p.op !== 'eq' && p.op !== 'wildcard' && p.op !== 'match') return p;
  return { ...p, value: String(p.value) };
}
