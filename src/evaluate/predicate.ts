/**
 * One predicate compiled into a test over an event view.
 *
 * Results are three-valued (`Tri`): 0 false, 1 true, 2 undetermined. A
 * predicate is undetermined when the evaluator cannot decide it honestly: an
 * unresolved placeholder, a field the query computed itself (ES|QL EVAL, SPL
 * eval), a regex that cannot run safely, an opaque node. Undetermined parts
 * follow Kleene logic through and/or/not, and a rule whose result is
 * undetermined is not reported as a match (it is counted apart).
 *
 * Semantics per operator are written down in docs/evaluator.md; the short
 * form: strings compare as text (numbers and booleans in the event by their
 * text form), case-folded unless the predicate is case-sensitive; a numeric
 * rule value also equals a numeric string (`EventID: 1` vs `"1"`); a boolean
 * rule value equals `true`/`false` text (Sysmon logs `Signed` as "true");
 * `eq null` means absent or null, `''` means present and empty; a field with
 * several values matches when one value does.
 */
import { parseGlob } from '../ast/glob.js';
import type { Diagnostic, Predicate } from '../ast/schema.js';
import { cidrContains, parseCidr, parseIP, type Cidr } from './cidr.js';
import type { EventView, Values } from './event-view.js';
import { BASENAME_TARGETS } from './field-layer.js';
import { compileGlob, fold, type StringTest } from './glob-match.js';
import { compileRegex } from './regex.js';

export type Tri = 0 | 1 | 2;
export type Test = (ev: EventView) => Tri;

export interface CompiledPredicate {
  test: Test;
  /** Relative cost, used to run cheap tests first inside `and`/`or`. */
  cost: number;
}

export interface CompileContext {
  diagnostics: Diagnostic[];
}

const UNDETERMINED: Test = () => 2;
const NUMERIC = /^\s*[-+]?(\d+(\.\d*)?|\.\d+)([eE][-+]?\d+)?\s*$/;

export function toNumber(v: unknown): number | undefined {
  if (typeof v === 'number') return Number.isFinite(v) ? v : undefined;
  if (typeof v === 'string' && NUMERIC.test(v)) return Number(v);
  return undefined;
}

function note(ctx: CompileContext, p: Predicate, code: string, message: string): void {
  const d: Diagnostic = { severity: 'warning', code, message };
  if (p.source?.line !== undefined) d.line = p.source.line;
  if (p.source?.column !== undefined) d.column = p.source.column;
  ctx.diagnostics.push(d);
}

/** The values a predicate looks at: its field's, or every value of the event for a field-less (keyword) predicate. */
function valuesOf(p: Predicate): (ev: EventView) => Values | undefined {
  if (!p.field) return () => undefined;
  const canon = p.field.canonical;
  const name = p.field.name;
  const lower = name.toLowerCase();
  // A rewritten base-name predicate (`Image|endswith: '\\x.exe'` → `process.name eq x.exe`) met by an
  // event that only has the full path under the rule's own name: compare the path's last component.
  const base = canon !== undefined && canon !== name && BASENAME_TARGETS.has(canon);
  return (ev) => ev.lookup(canon, name, lower, base);
}

/** Glob cost: exact < prefix/suffix < contains < general. */
function globCost(pattern: string): number {
  const t = parseGlob(pattern);
  if (t.length <= 1) return 1;
  if (t.length === 2) return 2;
  if (t.length === 3 && t[0]!.t === 'star' && t[2]!.t === 'star') return 3;
  return 5;
}

/** A test over the string forms of the values (or of the whole event when the predicate has no field). */
function stringTest(p: Predicate, test: StringTest, folded: boolean, cost: number): CompiledPredicate {
  if (!p.field) return { test: (ev) => (ev.allStrings(folded).some(test) ? 1 : 0), cost: cost + 30 };
  const get = valuesOf(p);
  return {
    test: (ev) => {
      const vals = get(ev);
      if (!vals) return 0;
      const strs = folded ? ev.foldedStrings(vals) : ev.strings(vals);
      for (let i = 0; i < strs.length; i++) if (test(strs[i]!)) return 1;
      return 0;
    },
    cost,
  };
}

export function compilePredicate(p: Predicate, ctx: CompileContext): CompiledPredicate {
  if (p.field?.computed || p.ref?.computed) {
    note(ctx, p, 'evaluate.field.computed', `field ${p.field?.computed ? p.field.name : p.ref!.name} is computed by the query, not carried by events: undetermined`);
    return { test: UNDETERMINED, cost: 100 };
  }
  if (p.placeholder !== undefined) {
    note(ctx, p, 'evaluate.placeholder', `placeholder %${p.placeholder}% has no value: undetermined`);
    return { test: UNDETERMINED, cost: 100 };
  }
  if (p.ref) return compileFieldRef(p, ctx);
  const cs = p.caseSensitive;
  switch (p.op) {
    case 'eq':
      return compileEq(p);
    case 'wildcard': {
      if (typeof p.value !== 'string') return compileEq({ ...p, op: 'eq' });
      return stringTest(p, compileGlob(p.value, cs), !cs, globCost(p.value));
    }
    case 'match': {
      const pattern = typeof p.value === 'string' ? p.value : String(p.value);
      return stringTest(p, compileGlob(pattern, cs, false), !cs, 3);
    }
    case 'regex_match':
      return compileRegexPredicate(p, ctx);
    case 'cidr':
      return compileCidr(p, ctx);
    case 'gt':
    case 'gte':
    case 'lt':
    case 'lte':
      return compileCompare(p, ctx);
    case 'exists': {
      const get = valuesOf(p);
      const want = p.value !== false;
      return {
        test: (ev) => {
          const vals = get(ev);
          const present = vals !== undefined && vals.some((v) => v !== null);
          return present === want ? 1 : 0;
        },
        cost: 1,
      };
    }
  }
  note(ctx, p, 'evaluate.op.unknown', `unknown operator ${String((p as Predicate).op)}: undetermined`);
  return { test: UNDETERMINED, cost: 100 };
}

function compileEq(p: Predicate): CompiledPredicate {
  const get = valuesOf(p);
  const value = p.value;
  if (value === null) {
    return {
      test: (ev) => {
        const vals = get(ev);
        return !vals || vals.every((v) => v === null) ? 1 : 0;
      },
      cost: 1,
    };
  }
  if (typeof value === 'string') {
    const target = p.caseSensitive ? value : fold(value);
    return stringTest(p, (s) => s === target, !p.caseSensitive, 1);
  }
  if (typeof value === 'number') {
    const text = String(value);
    const test = (vals: Values) => {
      for (const v of vals) {
        if (v === value) return true;
        if (typeof v === 'string' && (v === text || toNumber(v) === value)) return true;
      }
      return false;
    };
    if (!p.field) return { test: (ev) => (ev.allStrings(false).some((s) => s === text || toNumber(s) === value) ? 1 : 0), cost: 30 };
    return { test: (ev) => { const vals = get(ev); return vals && test(vals) ? 1 : 0; }, cost: 1 };
  }
  // boolean
  const text = String(value);
  const test = (vals: Values) => {
    for (const v of vals) {
      if (v === value) return true;
      if (typeof v === 'string' && fold(v) === text) return true;
    }
    return false;
  };
  return { test: (ev) => { const vals = get(ev); return vals && test(vals) ? 1 : 0; }, cost: 1 };
}

function compileRegexPredicate(p: Predicate, ctx: CompileContext): CompiledPredicate {
  const src = typeof p.value === 'string' ? p.value : String(p.value);
  const info = p.regex ?? { flavor: 'pcre' as const, flags: '', anchored: false };
  const r = compileRegex(src, info, p.caseSensitive);
  if ('error' in r) {
    note(ctx, p, 'evaluate.regex.unsupported', `regex /${src}/ cannot be run: ${r.error}; undetermined`);
    return { test: UNDETERMINED, cost: 100 };
  }
  for (const n of r.notes) note(ctx, p, 'evaluate.regex.approximate', `regex /${src}/: ${n}`);
  const get = valuesOf(p);
  const test = r.test;
  const over = (strs: string[]): Tri => {
    let undetermined = false;
    for (const s of strs) {
      const m = test(s);
      if (m === true) return 1;
      if (m === null) undetermined = true;
    }
    return undetermined ? 2 : 0;
  };
  if (!p.field) return { test: (ev) => over(ev.allStrings(false)), cost: 50 };
  return {
    test: (ev) => {
      const vals = get(ev);
      return vals ? over(ev.strings(vals)) : 0;
    },
    cost: 20,
  };
}

function compileCidr(p: Predicate, ctx: CompileContext): CompiledPredicate {
  const block: Cidr | null = typeof p.value === 'string' ? parseCidr(p.value) : null;
  if (!block) {
    note(ctx, p, 'evaluate.cidr.invalid', `${JSON.stringify(p.value)} is not a CIDR block: undetermined`);
    return { test: UNDETERMINED, cost: 100 };
  }
  const get = valuesOf(p);
  return {
    test: (ev) => {
      const vals = get(ev);
      if (!vals) return 0;
      for (const s of ev.strings(vals)) {
        const ip = parseIP(s);
        if (ip && cidrContains(block, ip)) return 1;
      }
      return 0;
    },
    cost: 4,
  };
}

function compileCompare(p: Predicate, ctx: CompileContext): CompiledPredicate {
  const get = valuesOf(p);
  const op = p.op;
  const cmp = (c: number): boolean => (op === 'gt' ? c > 0 : op === 'gte' ? c >= 0 : op === 'lt' ? c < 0 : c <= 0);
  const num = toNumber(p.value);
  if (num !== undefined && typeof p.value !== 'boolean') {
    return {
      test: (ev) => {
        const vals = get(ev);
        if (!vals) return 0;
        for (const v of vals) {
          const n = toNumber(v);
          if (n !== undefined && cmp(n - num)) return 1;
        }
        return 0;
      },
      cost: 2,
    };
  }
  if (typeof p.value !== 'string') {
    note(ctx, p, 'evaluate.compare.value', `cannot compare with ${JSON.stringify(p.value)}: undetermined`);
    return { test: UNDETERMINED, cost: 100 };
  }
  // String comparison: code-unit order, case-folded unless case-sensitive.
  const target = p.caseSensitive ? p.value : fold(p.value);
  return {
    test: (ev) => {
      const vals = get(ev);
      if (!vals) return 0;
      for (const s of p.caseSensitive ? ev.strings(vals) : ev.foldedStrings(vals)) if (cmp(s < target ? -1 : s > target ? 1 : 0)) return 1;
      return 0;
    },
    cost: 2,
  };
}

/**
 * Field-to-field comparison (Sigma `fieldref`, SPL `where a = b`). `eq`
 * compares whole values; `wildcard` places the other field's value as the
 * predicate's `refMatch` says (`contains`, `startswith`, `endswith`).
 * gt/gte/lt/lte compare numbers.
 */
function compileFieldRef(p: Predicate, ctx: CompileContext): CompiledPredicate {
  const get = valuesOf(p);
  const refCanon = p.ref!.canonical;
  const refName = p.ref!.name;
  const refLower = refName.toLowerCase();
  const cs = p.caseSensitive;
  let mode: 'eq' | 'contains' | 'startswith' | 'endswith' | 'cmp' = 'eq';
  if (p.op === 'gt' || p.op === 'gte' || p.op === 'lt' || p.op === 'lte') mode = 'cmp';
  else if (p.op === 'wildcard' || p.op === 'match') {
    // Where the other field's value goes is recorded by the AST (`refMatch`); without it, a
    // wildcard or match comparison means containment.
    mode = p.refMatch ?? 'contains';
  } else if (p.op !== 'eq') {
    note(ctx, p, 'evaluate.fieldref.op', `field reference with operator ${p.op} is not supported: undetermined`);
    return { test: UNDETERMINED, cost: 100 };
  }
  const op = p.op;
  const cmp = (c: number): boolean => (op === 'gt' ? c > 0 : op === 'gte' ? c >= 0 : op === 'lt' ? c < 0 : c <= 0);
  return {
    test: (ev) => {
      const a = get(ev);
      const b = ev.lookup(refCanon, refName, refLower);
      if (!a || !b) return 0;
      if (mode === 'cmp') {
        for (const x of a) for (const y of b) {
          const nx = toNumber(x);
          const ny = toNumber(y);
          if (nx !== undefined && ny !== undefined && cmp(nx - ny)) return 1;
        }
        return 0;
      }
      const as = cs ? ev.strings(a) : ev.foldedStrings(a);
      const bs = cs ? ev.strings(b) : ev.foldedStrings(b);
      for (const x of as) for (const y of bs) {
        if (mode === 'eq' ? x === y : mode === 'contains' ? x.includes(y) : mode === 'startswith' ? x.startsWith(y) : x.endsWith(y)) return 1;
      }
      return 0;
    },
    cost: 3,
  };
}

/** Membership test for `or` groups of exact/glob predicates over one field: one lookup, one fold, a Set and a few matchers. */
export function compileFieldGroup(preds: Predicate[]): CompiledPredicate {
  const p0 = preds[0]!;
  const cs = p0.caseSensitive;
  const exact = new Set<string>();
  const globs: StringTest[] = [];
  let cost = 1;
  for (const p of preds) {
    const v = p.value as string;
    if (p.op === 'eq') exact.add(cs ? v : fold(v));
    else {
      const lit = parseGlob(v);
      if (lit.length === 1 && lit[0]!.t === 'lit') exact.add(cs ? lit[0]!.s : fold(lit[0]!.s));
      else {
        globs.push(compileGlob(v, cs));
        cost += 0.5;
      }
    }
  }
  const get = valuesOf(p0);
  return {
    test: (ev) => {
      const vals = get(ev);
      if (!vals) return 0;
      const strs = cs ? ev.strings(vals) : ev.foldedStrings(vals);
      for (const s of strs) {
        if (exact.has(s)) return 1;
        for (let i = 0; i < globs.length; i++) if (globs[i]!(s)) return 1;
      }
      return 0;
    },
    cost: Math.min(cost, 20),
  };
}

/** Whether a predicate can join a field group (string eq or wildcard, nothing special). */
export function groupable(p: Predicate): boolean {
  return (p.op === 'eq' || p.op === 'wildcard') && typeof p.value === 'string' && p.field !== null && !p.ref && p.placeholder === undefined && !p.field.computed;
}

export function groupKey(p: Predicate): string {
  return `${p.field!.canonical ?? ''}\u0000${p.field!.name}\u0000${p.caseSensitive ? 1 : 0}`;
}
