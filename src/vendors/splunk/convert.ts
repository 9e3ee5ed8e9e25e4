/**
 * Parse trees -> unified AST nodes, for the two SPL boolean languages.
 *
 * Search language (base search, `search`, tstats WHERE): values are
 * case-insensitive, `*` is a wildcard, `f!=v` = exists(f) AND NOT f=v,
 * `NOT f=v` = NOT f=v, `f=*` = exists(f), free text = `match` on the raw event.
 * Eval language (`where`): values are case-sensitive, `=`/`==` exact,
 * `like()` wildcards are `%`/`_`, `match()` is an unanchored PCRE search.
 * Anything that is not a predicate (arithmetic, most functions) becomes an
 * `opaque` node with its text. See docs/semantics/splunk.md.
 */
import { pushAll } from '../../core/arrays.js';
import { and, constant, not, opaque, or, predicate } from '../../ast/build.js';
import { escapeGlob } from '../../ast/glob.js';
import type { FieldRef, Node, Predicate, PredicateOp, Scalar, Source } from '../../ast/schema.js';
import { isCidr, likePattern, scalarOf, searchPattern, tokenName, unescapeSpl } from './escape.js';
import type { EvalTree, SearchTree, SValue } from './tree.js';

export interface ConvertCtx {
  /** The whole expanded search text, and the offset of the parsed piece in it. */
  text: string;
  base: number;
  /** Resolve a field name as written at this point of the pipeline. */
  field(name: string): FieldRef;
  /** True when the field was produced by a lookup (filters on it are opaque). */
  isLookup(name: string): boolean;
  /** A Source for an absolute [s, e) range of the expanded text. */
  source(s: number, e: number): Source | undefined;
  /** Record a time bound (`earliest=-1h`). */
  timeBound(name: string, value: string): void;
  maxRegexChars: number;
  warn(code: string, message: string, s: number, e: number): void;
  /** Validate a subsearch body (diagnostics only). */
  subsearch(text: string, absOffset: number): void;
}

export const TIME_FIELDS = new Set(['earliest', 'latest', '_index_earliest', '_index_latest', 'starttime', 'endtime', 'starttimeu', 'endtimeu', 'starthoursago', 'endhoursago', 'startminutesago', 'endminutesago', 'startdaysago', 'enddaysago', 'timeformat', 'searchtimespanhours', 'searchtimespanminutes', 'searchtimespandays']);

function flatAnd(children: Node[], source?: Source): Node {
  const out: Node[] = [];
  for (const c of children) {
    if (c.type === 'and') pushAll(out, c.children);
    else if (!(c.type === 'constant' && c.value === true)) out.push(c);
  }
  if (out.length === 0) return constant(true, source);
  if (out.length === 1) return out[0]!;
  return and(out, source);
}

function flatOr(children: Node[], source?: Source): Node {
  const out: Node[] = [];
  for (const c of children) {
    if (c.type === 'or') pushAll(out, c.children);
    else out.push(c);
  }
  if (out.length === 1) return out[0]!;
  return or(out, source);
}

function slice(ctx: ConvertCtx, s: number, e: number): string {
  return ctx.text.slice(ctx.base + s, ctx.base + e);
}

function src(ctx: ConvertCtx, s: number, e: number): Source | undefined {
  return ctx.source(ctx.base + s, ctx.base + e);
}

const NUMERIC = /^-?\d+(\.\d+)?$/;

// ----------------------------------------------------------- search language

function searchValuePredicate(ctx: ConvertCtx, f: FieldRef, v: SValue, vendorOp: string, source: Source | undefined): Node {
  const raw = v.quoted ? `"${v.raw}"` : v.raw;
  if (v.macro) return opaque(`${f.name}${vendorOp === 'IN' ? ' IN ' : '='}${v.raw}`, 'unexpanded macro', source);
  const lit = unescapeSpl(v.raw);
  const opts = { caseSensitive: false, vendorOp, raw, ...(source ? { source } : {}) };
  const tok = tokenName(lit);
  if (tok) return predicate(f, 'eq', lit, { ...opts, placeholder: tok });
  if (lit === '*') return predicate(f, 'exists', true, opts);
  if (isCidr(lit)) return predicate(f, 'cidr', lit, opts);
  const pat = searchPattern(v.raw);
  if (pat.wildcard) return predicate(f, 'wildcard', pat.value, opts);
  return predicate(f, 'eq', scalarOf(lit), opts);
}

function lookupGuard(ctx: ConvertCtx, name: string, node: Node, s: number, e: number): Node {
  if (ctx.isLookup(name)) return opaque(slice(ctx, s, e), 'filter on a lookup output field', src(ctx, s, e));
  return node;
}

export function searchToNode(t: SearchTree, ctx: ConvertCtx): Node {
  switch (t.k) {
    case 'empty':
      return constant(true);
    case 'and':
      return flatAnd(t.items.map((c) => searchToNode(c, ctx)));
    case 'or':
      return flatOr(t.items.map((c) => searchToNode(c, ctx)));
    case 'group':
      return searchToNode(t.item, ctx);
    case 'not':
      return not(searchToNode(t.item, ctx));
    case 'cmp': {
      const name = t.field.name;
      const source = src(ctx, t.s, t.e);
      if (TIME_FIELDS.has(name.toLowerCase())) {
        ctx.timeBound(name, unescapeSpl(t.value.raw));
        return constant(true);
      }
      const f = ctx.field(name);
      let node: Node;
      if (t.op === '=' || t.op === '==') node = searchValuePredicate(ctx, f, t.value, '=', source);
      else if (t.op === '!=') {
        const eq = searchValuePredicate(ctx, f, t.value, '!=', source);
        node = and([predicate(f, 'exists', true, { vendorOp: '!=', ...(source ? { source } : {}) }), not(eq)]);
      } else {
        const lit = unescapeSpl(t.value.raw);
        const op: PredicateOp = t.op === '>' ? 'gt' : t.op === '>=' ? 'gte' : t.op === '<' ? 'lt' : 'lte';
        const value: Scalar = NUMERIC.test(lit) ? Number(lit) : lit;
        node = predicate(f, op, value, { caseSensitive: false, vendorOp: t.op, raw: t.value.quoted ? `"${t.value.raw}"` : t.value.raw, ...(source ? { source } : {}) });
      }
      return lookupGuard(ctx, name, node, t.s, t.e);
    }
    case 'in': {
      const f = ctx.field(t.field.name);
      const source = src(ctx, t.s, t.e);
      const node = t.values.length === 0 ? constant(false) : flatOr(t.values.map((v) => searchValuePredicate(ctx, f, v, 'IN', source)));
      return lookupGuard(ctx, t.field.name, node, t.s, t.e);
    }
    case 'term': {
      const lit = unescapeSpl(t.value.raw);
      const source = src(ctx, t.s, t.e);
      if (!t.value.quoted && lit === '*') return constant(true, source);
      const raw = t.value.quoted ? `"${t.value.raw}"` : t.value.raw;
      const tok = tokenName(lit);
      if (tok) return predicate(null, 'match', escapeGlob(lit), { vendorOp: 'term', raw, placeholder: tok, ...(source ? { source } : {}) });
      const pat = searchPattern(t.value.raw);
      return predicate(null, 'match', pat.wildcard ? pat.value : escapeGlob(pat.value), { caseSensitive: false, vendorOp: t.value.quoted ? 'phrase' : 'term', raw, ...(source ? { source } : {}) });
    }
    case 'fn': {
      const source = src(ctx, t.s, t.e);
      const pat = searchPattern(t.value.raw);
      return predicate(null, 'match', pat.wildcard ? pat.value : escapeGlob(pat.value), {
        caseSensitive: t.name === 'CASE',
        vendorOp: t.name,
        raw: slice(ctx, t.s, t.e),
        ...(source ? { source } : {}),
      });
    }
    case 'subsearch':
      ctx.subsearch(t.text, ctx.base + t.textS);
      return opaque(`[${t.text}]`, 'subsearch (its results become a filter at run time)', src(ctx, t.s, t.e));
    case 'macro':
      return opaque(t.text, 'unexpanded macro', src(ctx, t.s, t.e));
  }
}

// ------------------------------------------------------------- eval language

type Lit = { kind: 'str'; value: string; raw: string } | { kind: 'num'; value: number; raw: string } | { kind: 'token'; value: string; name: string; raw: string };

function unwrap(t: EvalTree): EvalTree {
  while (t.k === 'group') t = t.item;
  return t;
}

function literalOf(t: EvalTree): Lit | null {
  t = unwrap(t);
  if (t.k === 'str') {
    const v = unescapeSpl(t.raw);
    const tok = tokenName(v);
    if (tok) return { kind: 'token', value: v, name: tok, raw: `"${t.raw}"` };
    return { kind: 'str', value: v, raw: `"${t.raw}"` };
  }
  if (t.k === 'num') return { kind: 'num', value: t.value, raw: t.raw };
  if (t.k === 'neg' && unwrap(t.item).k === 'num') {
    const n = unwrap(t.item) as { value: number; raw: string };
    return { kind: 'num', value: -n.value, raw: '-' + n.raw };
  }
  if (t.k === 'token') return { kind: 'token', value: t.raw, name: t.raw.slice(1, -1), raw: t.raw };
  return null;
}

function fieldOf(t: EvalTree): string | null {
  t = unwrap(t);
  return t.k === 'field' ? t.name : null;
}

const FLIP: Record<string, string> = { '<': '>', '>': '<', '<=': '>=', '>=': '<=', '=': '=', '==': '==', '!=': '!=' };
const CMP_OP: Record<string, PredicateOp> = { '<': 'lt', '>': 'gt', '<=': 'lte', '>=': 'gte', '=': 'eq', '==': 'eq' };

function litPredicate(f: FieldRef, op: PredicateOp, lit: Lit, vendorOp: string, source: Source | undefined): Predicate {
  const opts = { caseSensitive: lit.kind === 'str', vendorOp, raw: lit.raw, ...(source ? { source } : {}) };
  if (lit.kind === 'token') return predicate(f, op, lit.value, { ...opts, placeholder: lit.name });
  return predicate(f, op, lit.value, opts);
}

function notEqual(f: FieldRef, eq: Node, source: Source | undefined): Node {
  return and([predicate(f, 'exists', true, { vendorOp: '!=', ...(source ? { source } : {}) }), not(eq)]);
}

const INLINE_FLAGS = /^\(\?([imsxU]+)\)/;

/** A leading `(?ims)` group becomes AST flags; a group with other flags (x, U) stays in the pattern. */
export function splitInlineFlags(pattern: string): { re: string; flags: string } {
  const m = INLINE_FLAGS.exec(pattern);
  if (!m || !/^[ims]+$/.test(m[1]!)) return { re: pattern, flags: '' };
  return { re: pattern.slice(m[0].length), flags: [...new Set(m[1]!.split(''))].sort().join('') };
}

function regexPredicate(ctx: ConvertCtx, f: FieldRef, pattern: string, vendorOp: string, raw: string, source: Source | undefined, t: EvalTree): Node {
  if (pattern.length > ctx.maxRegexChars) {
    ctx.warn('spl.regex.too-long', `regular expression longer than ${ctx.maxRegexChars} characters`, t.s, t.e);
    return opaque(slice(ctx, t.s, t.e), 'regex over the size limit', source);
  }
  const { re, flags } = splitInlineFlags(pattern);
  return predicate(f, 'regex_match', re, {
    caseSensitive: !flags.includes('i'),
    regex: { flavor: 'pcre', flags, anchored: false },
    vendorOp,
    raw,
    ...(source ? { source } : {}),
  });
}

function compare(t: EvalTree & { k: 'bin' }, ctx: ConvertCtx): Node {
  const source = src(ctx, t.s, t.e);
  const text = slice(ctx, t.s, t.e);
  let op = t.op.toUpperCase();
  let lf = fieldOf(t.l);
  let rl = literalOf(t.r);
  let rf = fieldOf(t.r);
  if (!lf && fieldOf(t.r) && literalOf(t.l) && op !== 'LIKE') {
    lf = fieldOf(t.r);
    rl = literalOf(t.l);
    rf = null;
    op = FLIP[op] ?? op;
  }
  // lower(f) == "x" / upper(f) == "X": a case-insensitive comparison on f.
  const lu = unwrap(t.l);
  if (!lf && lu.k === 'call' && /^(lower|upper)$/i.test(lu.name) && lu.args.length === 1 && fieldOf(lu.args[0]!) && rl?.kind === 'str') {
    const name = fieldOf(lu.args[0]!)!;
    const lowerCase = lu.name.toLowerCase() === 'lower';
    if (rl.value === (lowerCase ? rl.value.toLowerCase() : rl.value.toUpperCase())) {
      const f = ctx.field(name);
      let node: Node | null = null;
      if (op === '=' || op === '==') node = predicate(f, 'eq', rl.value, { caseSensitive: false, vendorOp: `${lu.name}()${op}`, raw: rl.raw, ...(source ? { source } : {}) });
      else if (op === 'LIKE') {
        const p = likePattern(rl.value);
        node = predicate(f, p.wildcard ? 'wildcard' : 'eq', p.value, { caseSensitive: false, vendorOp: `${lu.name}() LIKE`, raw: rl.raw, ...(source ? { source } : {}) });
      } else if (op === '!=') node = notEqual(f, predicate(f, 'eq', rl.value, { caseSensitive: false, vendorOp: `${lu.name}()!=`, raw: rl.raw, ...(source ? { source } : {}) }), source);
      if (node) return lookupGuard(ctx, name, node, t.s, t.e);
    }
  }
  if (!lf) return opaque(text, 'eval comparison that is not field-versus-literal', source);
  const f = ctx.field(lf);
  let node: Node;
  if (op === 'LIKE') {
    if (!rl || rl.kind !== 'str') return opaque(text, 'LIKE with a non-literal pattern', source);
    const p = likePattern(rl.value);
    node = predicate(f, p.wildcard ? 'wildcard' : 'eq', p.value, { caseSensitive: true, vendorOp: 'LIKE', raw: rl.raw, ...(source ? { source } : {}) });
  } else if (rl) {
    if (op === '!=') node = notEqual(f, litPredicate(f, 'eq', rl, '!=', source), source);
    else node = litPredicate(f, CMP_OP[op]!, rl, t.op, source);
  } else if (rf) {
    const ref = ctx.field(rf);
    if (op === '=' || op === '==') node = predicate(f, 'eq', null, { caseSensitive: true, ref, vendorOp: t.op, ...(source ? { source } : {}) });
    else if (op === '!=') node = notEqual(f, predicate(f, 'eq', null, { caseSensitive: true, ref, vendorOp: '!=', ...(source ? { source } : {}) }), source);
    else node = predicate(f, CMP_OP[op]!, null, { caseSensitive: true, ref, vendorOp: t.op, ...(source ? { source } : {}) });
    if (ctx.isLookup(rf)) return opaque(text, 'filter on a lookup output field', source);
  } else return opaque(text, 'eval comparison with a computed operand', source);
  return lookupGuard(ctx, lf, node, t.s, t.e);
}

function inList(fieldTree: EvalTree, list: EvalTree[], ctx: ConvertCtx, t: EvalTree): Node {
  const source = src(ctx, t.s, t.e);
  const name = fieldOf(fieldTree);
  if (!name) return opaque(slice(ctx, t.s, t.e), 'in() over a computed value', source);
  const f = ctx.field(name);
  const parts: Node[] = [];
  for (const item of list) {
    const lit = literalOf(item);
    const other = fieldOf(item);
    if (lit) parts.push(litPredicate(f, 'eq', lit, 'IN', source));
    else if (other) parts.push(predicate(f, 'eq', null, { caseSensitive: true, ref: ctx.field(other), vendorOp: 'IN', ...(source ? { source } : {}) }));
    else return opaque(slice(ctx, t.s, t.e), 'in() with a computed value', source);
  }
  if (parts.length === 0) return constant(false, source);
  return lookupGuard(ctx, name, flatOr(parts), t.s, t.e);
}

function call(t: EvalTree & { k: 'call' }, ctx: ConvertCtx): Node {
  const name = t.name.toLowerCase();
  const source = src(ctx, t.s, t.e);
  const text = slice(ctx, t.s, t.e);
  const a = t.args;
  switch (name) {
    case 'true':
      if (a.length === 0) return constant(true, source);
      break;
    case 'false':
      if (a.length === 0) return constant(false, source);
      break;
    case 'isnull':
    case 'isnotnull': {
      const fname = a.length === 1 ? fieldOf(a[0]!) : null;
      if (!fname) break;
      const p = predicate(ctx.field(fname), 'exists', true, { vendorOp: `${t.name}()`, ...(source ? { source } : {}) });
      return lookupGuard(ctx, fname, name === 'isnull' ? not(p) : p, t.s, t.e);
    }
    case 'like': {
      const fname = a.length === 2 ? fieldOf(a[0]!) : null;
      const lit = a.length === 2 ? literalOf(a[1]!) : null;
      if (!fname || !lit || lit.kind !== 'str') break;
      const p = likePattern(lit.value);
      const node = predicate(ctx.field(fname), p.wildcard ? 'wildcard' : 'eq', p.value, { caseSensitive: true, vendorOp: 'like()', raw: lit.raw, ...(source ? { source } : {}) });
      return lookupGuard(ctx, fname, node, t.s, t.e);
    }
    case 'match': {
      const fname = a.length === 2 ? fieldOf(a[0]!) : null;
      const lit = a.length === 2 ? literalOf(a[1]!) : null;
      if (!fname || !lit || lit.kind !== 'str') break;
      return lookupGuard(ctx, fname, regexPredicate(ctx, ctx.field(fname), lit.value, 'match()', lit.raw, source, t), t.s, t.e);
    }
    case 'in':
      if (a.length >= 1) return inList(a[0]!, a.slice(1), ctx, t);
      break;
    case 'cidrmatch': {
      const lit = a.length === 2 ? literalOf(a[0]!) : null;
      const fname = a.length === 2 ? fieldOf(a[1]!) : null;
      if (!fname || !lit || lit.kind !== 'str' || !isCidr(lit.value)) break;
      return lookupGuard(ctx, fname, predicate(ctx.field(fname), 'cidr', lit.value, { vendorOp: 'cidrmatch()', raw: lit.raw, ...(source ? { source } : {}) }), t.s, t.e);
    }
  }
  return opaque(text, `eval function ${t.name}()`, source);
}

export function evalToNode(t: EvalTree, ctx: ConvertCtx): Node {
  switch (t.k) {
    case 'group':
      return evalToNode(t.item, ctx);
    case 'not':
      return not(evalToNode(t.item, ctx));
    case 'bin': {
      const op = t.op.toUpperCase();
      if (op === 'AND') return flatAnd([evalToNode(t.l, ctx), evalToNode(t.r, ctx)]);
      if (op === 'OR') return flatOr([evalToNode(t.l, ctx), evalToNode(t.r, ctx)]);
      if (op in FLIP || op === 'LIKE') return compare(t, ctx);
      return opaque(slice(ctx, t.s, t.e), op === 'XOR' ? 'XOR' : 'eval arithmetic', src(ctx, t.s, t.e));
    }
    case 'in':
      return inList(t.item, t.list, ctx, t);
    case 'call':
      return call(t, ctx);
    case 'macro':
      return opaque(t.text, 'unexpanded macro', src(ctx, t.s, t.e));
    default:
      return opaque(slice(ctx, t.s, t.e), 'eval value used as a condition', src(ctx, t.s, t.e));
  }
}
