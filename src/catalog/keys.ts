/**
 * The identity of a (field, operator, value) combination, used to merge the
 * same indicator across rules and vendors. Decisions (docs/catalog.md §Values):
 *
 * - Field: the canonical name, or the name as written when the normalizer
 *   could not map it. Field names are compared exactly (ECS and CIM names are
 *   case-sensitive).
 * - A `wildcard` pattern without any wildcard matches exactly its literal, so
 *   it is the same indicator as `eq` of that literal and is shown as `eq`.
 * - Wildcard and `match` patterns are compared in the one canonical glob
 *   syntax (src/ast/glob.ts), re-encoded with `canonicalGlob`.
 * - A case-insensitive string value is compared case-folded; a case-sensitive
 *   one exactly, except against a case-insensitive value: Sigma `cmd.exe`
 *   (case-insensitive) matches KQL `CMD.EXE` (case-sensitive), so both count
 *   in the case-insensitive row (buildCatalog merges them through
 *   `foldedKey`). Two case-sensitive values that differ in case (`CMD.EXE`,
 *   `cmd.exe`) match different events and stay apart unless a
 *   case-insensitive use joins them. Rows count how many of their rules
 *   compare case-sensitively.
 * - Regex sources are never folded (`\S` and `\s` differ); flags and
 *   anchoring are part of the identity.
 * - Numbers and booleans compare by their decimal/text form, so Sigma
 *   `EventID: 4688` and KQL `event.code: "4688"` merge. `eq null` (field null
 *   or absent) is its own value, distinct from the string "null".
 * - CIDR blocks are compared case-folded (IPv6 hex digits).
 * - Field-to-field comparisons compare by the referenced field (`@field`),
 *   placeholders by their name (`%name%`).
 */
import { canonicalGlob, canonicalHasWildcard, canonicalLiteral, displayCanonicalGlob } from '../ast/glob.js';
import type { Predicate, PredicateOp } from '../ast/schema.js';

export interface ValueIdentity {
  field: string | null;
  written: string | null;
  mapped: boolean;
  op: PredicateOp;
  /** Compared form. */
  norm: string;
  /** Display form. */
  display: string;
  regex?: { flags: string; anchored: boolean };
  /** The full key: field, op, normalized value. */
  key: string;
  /**
   * For a case-sensitive string value (eq, wildcard, match): the key its
   * case-folded form has. A case-insensitive use of that folded key matches
   * this value too, so the catalog counts both in one row (see buildCatalog).
   */
  foldedKey?: string;
  /** The value was compared case-insensitively (a string value of eq, wildcard or match). */
  ci?: boolean;
}

const SEP = '\u0001';
const NULL_VALUE = '\u0000null';
/** Field key of a predicate without field (full-text / keyword search). */
export const ANY_FIELD = '\u0000*';

export function fieldKey(field: string | null): string {
  return field === null ? ANY_FIELD : field;
}

function scalarText(v: unknown): string {
  if (v === null) return NULL_VALUE;
  return String(v);
}

function fold(s: string, caseSensitive: boolean): string {
  return caseSensitive ? s : s.toLowerCase();
}

/**
 * The identity without the joined key strings: `norm` compared within (field, op), and for a
 * case-sensitive string value its case-folded form when it differs (`foldedNorm`).
 * buildCatalog keys on (field, op, norm) directly, so no long key string is built per predicate.
 */
export interface ValueIdentityParts extends Omit<ValueIdentity, 'key' | 'foldedKey'> {
  foldedNorm?: string;
}

export function valueIdentity(p: Predicate): ValueIdentity {
  const { foldedNorm, ...parts } = valueIdentityParts(p);
  const prefix = fieldKey(parts.field) + SEP + parts.op + SEP;
  const out: ValueIdentity = { ...parts, key: prefix + parts.norm };
  if (foldedNorm !== undefined) out.foldedKey = prefix + foldedNorm;
  return out;
}

export function valueIdentityParts(p: Predicate): ValueIdentityParts {
  const id = identityInto(p, newIdentityScratch());
  const { field, written, mapped, op, norm, display, regex } = id;
  const out: ValueIdentityParts = regex ? { field, written, mapped, op, norm, display, regex } : { field, written, mapped, op, norm, display };
  if (id.foldedNorm !== undefined) out.foldedNorm = id.foldedNorm;
  else if (id.ci) out.ci = true;
  return out;
}

/**
 * The identity parts in a caller-owned object that is overwritten on each call:
 * buildCatalog computes one per predicate (≈ 100,000 on the real corpora) and
 * keeps only strings out of it, so it reuses one object instead of allocating.
 */
export interface IdentityScratch extends Pick<ValueIdentity, 'field' | 'written' | 'mapped' | 'op' | 'norm' | 'display'> {
  regex: ValueIdentity['regex'] | undefined;
  /** As in `ValueIdentityParts`: a case-sensitive string value's case-folded form, when it differs. */
  foldedNorm: string | undefined;
  ci: boolean;
}

export function newIdentityScratch(): IdentityScratch {
  return { field: null, written: null, mapped: false, op: 'eq', norm: '', display: '', regex: undefined, foldedNorm: undefined, ci: false };
}

/** Fill `out` with the identity of `p` (see `valueIdentityParts`) and return it. */
export function identityInto(p: Predicate, out: IdentityScratch): IdentityScratch {
  const f = p.field;
  out.field = f ? (f.canonical ?? f.name) : null;
  out.written = f ? f.name : null;
  out.mapped = !!f?.canonical;
  out.regex = undefined;
  out.foldedNorm = undefined;
  out.ci = false;
  let op: PredicateOp = p.op;
  let norm: string;
  let display: string;
  const v = p.value;
  if (p.ref) {
    const name = p.ref.canonical ?? p.ref.name;
    norm = display = '@' + name;
  } else if (p.placeholder !== undefined) {
    norm = display = `%${p.placeholder}%`;
  } else {
    switch (p.op) {
      case 'wildcard':
      case 'match': {
        if (typeof v !== 'string') {
          norm = display = scalarText(v);
          break;
        }
        // AST patterns are canonical already, so these are scans, not token lists.
        const c = canonicalGlob(v);
        if (p.op === 'wildcard' && !canonicalHasWildcard(c)) {
          // No wildcard: it matches exactly its literal, so it is an `eq` of it.
          const lit = canonicalLiteral(c);
          op = 'eq';
          norm = fold(lit, p.caseSensitive);
          display = lit;
        } else {
          norm = fold(c, p.caseSensitive);
          display = displayCanonicalGlob(c);
        }
        break;
      }
      case 'regex_match': {
        const flags = p.regex?.flags ?? '';
        const anchored = p.regex?.anchored ?? false;
        out.regex = { flags, anchored };
        display = scalarText(v);
        norm = `${flags}${anchored ? '^' : ''}/${display}`;
        break;
      }
      case 'cidr':
        display = scalarText(v);
        norm = display.toLowerCase();
        break;
      case 'exists':
        display = '';
        norm = v === true ? '' : scalarText(v);
        break;
      default:
        display = v === null ? 'null' : String(v);
        norm = typeof v === 'string' ? fold(v, p.caseSensitive) : scalarText(v);
    }
  }
  out.op = op;
  out.norm = norm;
  out.display = display;
  if (!p.ref && p.placeholder === undefined && typeof v === 'string' && (op === 'eq' || op === 'wildcard' || op === 'match')) {
    if (p.caseSensitive) {
      const folded = norm.toLowerCase();
      if (folded !== norm) out.foldedNorm = folded;
    } else out.ci = true;
  }
  return out;
}
