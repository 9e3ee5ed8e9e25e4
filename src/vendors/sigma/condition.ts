/**
 * Sigma conditions: parse with grammars/sigma-condition.peggy, then resolve
 * selection names and `x of pattern` selectors into AST nodes.
 *
 * Resolution follows pySigma (`ConditionSelector`, `ConditionIdentifier`):
 * patterns match selection names in full and case-sensitively (`*` is any
 * run), in YAML order; `them` is every selection; names starting with `_` are
 * skipped unless the pattern itself starts with `_`. `1`/`any` of give an OR,
 * `all of` an AND, and a one-member group is the member itself. A pattern that
 * matches nothing is reported (warning) and dropped from its parent as pySigma
 * does (`sel and not 1 of filter_*` becomes `sel`).
 */
import type { AggregateCondition, Duration, Node, Query } from '../../ast/schema.js';
import { and, not, opaque, or } from '../../ast/build.js';
import { parse, SyntaxError as ConditionSyntaxError } from '../../generated/sigma-condition.js';
import { report, type RuleCtx } from './context.js';

interface Loc {
  start: number;
  end: number;
}
export type CondAst =
  | { type: 'id'; name: string; loc: Loc }
  | { type: 'of'; quantifier: '1' | 'any' | 'all'; pattern: string; loc: Loc }
  | { type: 'not'; child: CondAst; loc: Loc }
  | { type: 'and' | 'or'; children: CondAst[]; loc: Loc }
  | { type: 'group'; child: CondAst; loc: Loc };
export type AggAst =
  | { type: 'count'; fn: string; field: string | null; by: string[]; cmp: { op: AggregateCondition['op']; value: number } | null; loc: Loc; text: string }
  | { type: 'near'; expr: CondAst; loc: Loc; text: string };
export interface ParsedCondition {
  expr: CondAst;
  agg: AggAst | null;
}

/**
 * Where the condition text sits in the file: `exact` when offsets map 1:1 (a
 * plain or quoted one-line scalar); otherwise `source` is the scalar as
 * written (multi-line plain or block scalar), aligned on demand.
 */
export interface CondAt {
  offset: number;
  exact: boolean;
  source?: string;
  /** The condition text (for alignment). */
  text?: string;
}

function at(where: CondAt, loc: number): number {
  if (where.exact) return where.offset + loc;
  if (where.source !== undefined) return where.offset + alignOffset(where.text ?? '', where.source, loc);
  return where.offset;
}

/**
 * Map an offset of the YAML-folded condition text to an offset of the scalar
 * as written: equal characters advance together, anything else in the source
 * (indentation, line breaks, the block indicator line) is skipped.
 */
export function alignOffset(text: string, source: string, loc: number): number {
  let j = 0;
  for (let i = 0; i < loc && i < text.length; i++) {
    while (j < source.length && source[j] !== text[i]) j++;
    j++;
  }
  // Skip layout between the previous character and the one at `loc`.
  while (j < source.length && loc < text.length && source[j] !== text[loc]) j++;
  return Math.min(j, source.length);
}

/** Maximum nesting of parentheses in a condition text. */
function parenDepth(text: string): number {
  let d = 0;
  let max = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 40) max = Math.max(max, ++d);
    else if (c === 41) d--;
  }
  return max;
}

export function parseCondition(ctx: RuleCtx, text: string, where: CondAt): ParsedCondition | null {
  if (text.length > ctx.limits.maxQueryChars) {
    report(ctx, 'error', 'sigma.condition.too-long', `condition longer than ${ctx.limits.maxQueryChars} characters`, where.offset);
    return null;
  }
  if (parenDepth(text) > ctx.limits.maxDepth) {
    report(ctx, 'error', 'sigma.condition.too-deep', `condition nests parentheses deeper than ${ctx.limits.maxDepth}`, where.offset);
    return null;
  }
  try {
    return readPlainCondition(text) ?? (parse(text) as ParsedCondition);
  } catch (e) {
    if (e instanceof ConditionSyntaxError) {
      const expected = [...new Set((e.expected ?? []).map((x) => x.description ?? x.text ?? x.type))];
      const off = e.location?.start.offset ?? 0;
      let msg = `invalid condition: ${e.message}`;
      if (/\b(AND|OR|NOT|And|Or|Not)\b/.test(text)) msg += ' (operators and, or, not are lower-case)';
      else if (/\b\d+\s+of\b/.test(text) && !/\b1\s+of\b/.test(text)) msg += " (only '1 of', 'any of' and 'all of' exist)";
      report(ctx, 'error', 'sigma.condition.syntax', msg, at(where, off), expected);
      return null;
    }
    if (e instanceof RangeError) {
      report(ctx, 'error', 'sigma.condition.too-deep', 'condition nests too deeply to parse', where.offset);
      return null;
    }
    throw e;
  }
}

/**
 * A hand-written reader for conditions without an aggregation, the shape of nearly every rule
 * (`selection and not 1 of filter_*`). It returns exactly the tree of the generated parser
 * (grammars/sigma-condition.peggy: the same node kinds, key order, names and `loc` offsets), or
 * undefined for anything else — an aggregation (`|`), a syntax error, deep parentheses — which
 * then goes through the generated parser, so every error message and expected-token list comes
 * from there. Why: a corpus load runs each parser only a few thousand times, mostly before V8
 * has optimized it, and the generated parser's rule functions cost several times this reader
 * when cold (test/sigma/condition-reader.test.ts compares the two).
 */
export function readPlainCondition(text: string): ParsedCondition | undefined {
  const r = new ConditionReader(text);
  r.ws();
  const expr = r.or(0);
  if (expr === undefined) return undefined;
  r.ws();
  return r.pos === text.length ? { expr, agg: null } : undefined;
}

/** Parentheses deeper than this go to the generated parser (which reports overflows as before). */
const READER_MAX_DEPTH = 64;

class ConditionReader {
  pos = 0;
  constructor(readonly text: string) {}

  /** `_`: [ \t\r\n]* */
  ws(): void {
    const t = this.text;
    let c = t.charCodeAt(this.pos);
    while (c === 32 || c === 9 || c === 13 || c === 10) c = t.charCodeAt(++this.pos);
  }

  /** The keyword `kw` at the current position, not followed by a character of the class (IdChar, or PatChar for `of`). */
  keyword(kw: string, pat = false): boolean {
    if (!this.text.startsWith(kw, this.pos)) return false;
    const c = this.text.charCodeAt(this.pos + kw.length);
    return !(pat ? isPatChar(c) : isIdChar(c));
  }

  /** OrExpr / AndExpr: `head (_ kw _ next)*`, one n-ary node when there is a tail. */
  or(depth: number): CondAst | undefined {
    return this.list('or', depth);
  }

  list(type: 'or' | 'and', depth: number): CondAst | undefined {
    const start = this.pos;
    const head = type === 'or' ? this.list('and', depth) : this.not(depth);
    if (head === undefined) return undefined;
    let children: CondAst[] | undefined;
    for (;;) {
      const save = this.pos;
      this.ws();
      if (!this.keyword(type)) {
        // No operator: the whitespace belongs to whatever follows.
        this.pos = save;
        break;
      }
      this.pos += type.length;
      this.ws();
      // An operator without an operand never parses (the caller cannot continue either).
      const next = type === 'or' ? this.list('and', depth) : this.not(depth);
      if (next === undefined) return undefined;
      (children ??= [head]).push(next);
    }
    return children ? { type, children, loc: { start, end: this.pos } } : head;
  }

  /** NotExpr: `(not _)* Primary`, each `not` spanning from its keyword to the end of its operand. */
  not(depth: number): CondAst | undefined {
    let nots: number[] | undefined;
    while (this.keyword('not')) {
      (nots ??= []).push(this.pos);
      this.pos += 3;
      this.ws();
    }
    let node = this.primary(depth);
    if (node === undefined) return undefined;
    if (nots) for (let i = nots.length - 1; i >= 0; i--) node = { type: 'not', child: node, loc: { start: nots[i]!, end: node.loc.end } };
    return node;
  }

  /** Primary: `( OrExpr )`, a selector `1|any|all of pattern`, or a selection name. */
  primary(depth: number): CondAst | undefined {
    const t = this.text;
    const start = this.pos;
    if (t.charCodeAt(start) === 40 /* ( */) {
      if (depth >= READER_MAX_DEPTH) return undefined;
      this.pos++;
      this.ws();
      const child = this.or(depth + 1);
      if (child === undefined) return undefined;
      this.ws();
      if (t.charCodeAt(this.pos) !== 41 /* ) */) return undefined;
      this.pos++;
      return { type: 'group', child, loc: { start, end: this.pos } };
    }
    const quantifier = this.keyword('1') ? '1' : this.keyword('any') ? 'any' : this.keyword('all') ? 'all' : undefined;
    if (quantifier) {
      this.pos += quantifier.length;
      this.ws();
      if (this.keyword('of', true)) {
        this.pos += 2;
        this.ws();
        const p0 = this.pos;
        while (isPatChar(t.charCodeAt(this.pos))) this.pos++;
        if (this.pos > p0) return { type: 'of', quantifier, pattern: t.slice(p0, this.pos), loc: { start, end: this.pos } };
      }
      // Not a selector: read the quantifier as a selection name.
      this.pos = start;
    }
    while (isIdChar(t.charCodeAt(this.pos))) this.pos++;
    if (this.pos === start) return undefined;
    const name = t.slice(start, this.pos);
    if (name === 'and' || name === 'or' || name === 'not') return undefined;
    return { type: 'id', name, loc: { start, end: this.pos } };
  }
}

/** IdChar: [A-Za-z0-9_-] */
function isIdChar(c: number): boolean {
  return (c >= 97 && c <= 122) || (c >= 65 && c <= 90) || (c >= 48 && c <= 57) || c === 95 || c === 45;
}
/** PatChar: [A-Za-z0-9_*] */
function isPatChar(c: number): boolean {
  return (c >= 97 && c <= 122) || (c >= 65 && c <= 90) || (c >= 48 && c <= 57) || c === 95 || c === 42;
}

/** Full, case-sensitive match of a selection name against a pattern where `*` is any run. */
export function patternMatches(pattern: string, name: string): boolean {
  const segs = pattern.split('*');
  if (segs.length === 1) return pattern === name;
  const first = segs[0]!;
  const last = segs[segs.length - 1]!;
  if (name.length < first.length + last.length || !name.startsWith(first) || !name.endsWith(last)) return false;
  let pos = first.length;
  const end = name.length - last.length;
  for (let i = 1; i < segs.length - 1; i++) {
    const s = segs[i]!;
    const j = name.indexOf(s, pos);
    if (j === -1 || j + s.length > end) return false;
    pos = j + s.length;
  }
  return true;
}

/** Selection names a selector refers to (pySigma ConditionSelector.resolve_referenced_detections). */
export function selectorNames(pattern: string, names: readonly string[]): string[] {
  if (pattern === 'them') return names.filter((n) => !n.startsWith('_'));
  const underscore = pattern.startsWith('_');
  return names.filter((n) => (underscore || !n.startsWith('_')) && patternMatches(pattern, n));
}

export interface Selections {
  /** Selection names in YAML order. */
  names: readonly string[];
  get(name: string): Node | undefined;
  /** Called for every name the condition uses (to report unused selections). */
  used: Set<string>;
}

/** Resolve a parsed condition into a node; null when every part was dropped (empty patterns). */
export function resolveCondition(ctx: RuleCtx, ast: CondAst, sel: Selections, where: CondAt): Node | null {
  // Iterative post-order: conditions are small, but hostile `not not not ...` chains must not overflow.
  type Frame = { ast: CondAst; done: boolean };
  const results = new Map<CondAst, Node | null>();
  const stack: Frame[] = [{ ast, done: false }];
  while (stack.length) {
    const f = stack.pop()!;
    const a = f.ast;
    if (!f.done) {
      stack.push({ ast: a, done: true });
      if (a.type === 'not' || a.type === 'group') stack.push({ ast: a.child, done: false });
      else if (a.type === 'and' || a.type === 'or') for (let i = a.children.length - 1; i >= 0; i--) stack.push({ ast: a.children[i]!, done: false });
      continue;
    }
    results.set(a, resolveOne(ctx, a, sel, where, results));
  }
  return results.get(ast) ?? null;
}

function resolveOne(ctx: RuleCtx, a: CondAst, sel: Selections, where: CondAt, results: Map<CondAst, Node | null>): Node | null {
  switch (a.type) {
    case 'id': {
      sel.used.add(a.name);
      const n = sel.get(a.name);
      if (n) return n;
      report(ctx, 'error', 'sigma.condition.unknown-selection', `condition refers to selection '${a.name}', which is not defined in detection`, at(where, a.loc.start), sel.names.length ? [...sel.names] : undefined);
      return opaque(a.name, 'unknown selection');
    }
    case 'of': {
      const names = selectorNames(a.pattern, sel.names);
      if (!names.length) {
        report(ctx, 'warning', 'sigma.condition.pattern-empty', `'${a.quantifier} of ${a.pattern}' matches no selection; the term is dropped (as pySigma does)`, at(where, a.loc.start));
        return null;
      }
      for (const n of names) sel.used.add(n);
      const kids = names.map((n) => sel.get(n)!);
      if (kids.length === 1) return kids[0]!;
      return a.quantifier === 'all' ? and(kids) : or(kids);
    }
    case 'group':
      return results.get(a.child) ?? null;
    case 'not': {
      const c = results.get(a.child) ?? null;
      return c ? not(c) : null;
    }
    case 'and':
    case 'or': {
      const kids = a.children.map((c) => results.get(c) ?? null).filter((n): n is Node => n !== null);
      if (!kids.length) return null;
      if (kids.length === 1) return kids[0]!;
      return a.type === 'and' ? and(kids) : or(kids);
    }
  }
}

/** Depth of a parsed condition (guards the recursive consumers of the AST). */
export function conditionDepth(ast: CondAst): number {
  let max = 0;
  // Nodes and their depths on two stacks (no pair to destructure per node: this runs unoptimized).
  const nodes: CondAst[] = [ast];
  const depths: number[] = [1];
  while (nodes.length) {
    const a = nodes.pop()!;
    const d = depths.pop()!;
    if (d > max) max = d;
    if (a.type === 'not' || a.type === 'group') {
      nodes.push(a.child);
      depths.push(d + 1);
    } else if (a.type === 'and' || a.type === 'or') {
      for (let i = 0; i < a.children.length; i++) {
        nodes.push(a.children[i]!);
        depths.push(d + 1);
      }
    }
  }
  return max;
}

const DURATION_UNITS: Record<string, number> = { s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000, w: 604_800_000, M: 2_629_746_000, y: 31_556_952_000 };

/** `5m`, `1h`, `30s`... (pySigma SigmaCorrelationTimespan units, also used for legacy `timeframe`). */
export function parseDuration(text: unknown): Duration | null {
  if (typeof text !== 'string' && typeof text !== 'number') return null;
  const t = String(text).trim();
  const m = /^(\d+)([smhdwMy])$/.exec(t);
  if (!m) return null;
  return { ms: Number(m[1]) * DURATION_UNITS[m[2]!]!, text: t };
}

/**
 * A legacy (Sigma v1) pipe aggregation as the `aggregate` query shape:
 * `sel | count(f) by g > 5` counts (distinct f when given) per g; `near`
 * cannot be expressed and is kept as an opaque post-condition.
 */
export function legacyAggregate(ctx: RuleCtx, filter: Node, agg: AggAst, window: Duration | null, sel: Selections, where: CondAt): Query {
  report(ctx, 'warning', 'sigma.condition.legacy-aggregation', `legacy aggregation '| ${agg.text}' is deprecated (Sigma correlation rules replace it; pySigma rejects it)`, at(where, agg.loc.start));
  const input: Query = { kind: 'filter', filter };
  if (agg.type === 'near') {
    const near = resolveCondition(ctx, agg.expr, sel, where);
    const q: Query = { kind: 'aggregate', input, groupBy: [], conditions: [], aggregations: ['near'], post: [opaque(agg.text, near ? 'legacy near: events matching the expression must occur within the timeframe' : 'legacy near with an empty expression')] };
    if (window) q.window = window;
    return q;
  }
  const conditions: AggregateCondition[] = [];
  // Sigma v1: count(field) counts distinct values of the field.
  const fn = agg.fn === 'count' && agg.field ? 'dc' : agg.fn;
  if (agg.cmp) {
    const c: AggregateCondition = { fn, op: agg.cmp.op, value: agg.cmp.value, text: agg.text };
    if (agg.field) c.field = { name: agg.field };
    conditions.push(c);
  }
  const q: Query = {
    kind: 'aggregate',
    input,
    groupBy: agg.by.map((name) => ({ name })),
    conditions,
    aggregations: [`${fn}(${agg.field ?? ''})`],
  };
  if (window) q.window = window;
  return q;
}
