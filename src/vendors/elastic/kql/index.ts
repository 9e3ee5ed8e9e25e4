/**
 * KQL -> unified AST. Grammar: grammars/kql.peggy (Kibana's KQL syntax).
 * Operator and case decisions follow Kibana's `is()` function and are
 * recorded in docs/semantics/elastic.md:
 *
 * - unquoted value without `*` -> eq; with an unescaped `*` -> wildcard
 *   (`?` is a literal character in KQL);
 * - quoted value -> eq (a phrase; `*` inside is literal);
 * - keyword-like fields are case-sensitive; `.caseless` fields are not; on
 *   text-like fields (field-semantics.ts) every value is a `match`
 *   (analyzed, case-insensitive);
 * - `f:*` -> exists; `*:*` and a lone `*` -> match all (constant true);
 * - free text (no field) -> match with field null;
 * - ranges -> gt/gte/lt/lte (numeric-looking bounds become numbers);
 * - `true`/`false` unquoted -> boolean eq; `null` unquoted -> eq null;
 * - a value in CIDR notation (`10.0.0.0/8`, `fe80::/10`) -> cidr;
 * - nested `f:{ q }` -> q with every field prefixed `f.`.
 */
import { parse as parseKqlText } from '../../../generated/kql.js';
import { constant, not, opaque, predicate } from '../../../ast/build.js';
import { flatAnd as and, flatOr as or } from '../nodes.js';
import { escapeGlob, formatGlob } from '../../../ast/glob.js';
import type { Node } from '../../../ast/schema.js';
import { diagQuery, parseQuietly, sourceAt, syntaxDiag, withinLimits, type QueryCtx } from '../context.js';
import { isCaselessField, isTextField } from '../field-semantics.js';
import { readKql } from './reader.js';
import type { KNode, KValue, KValueTree } from './tree.js';

const NUMERIC = /^-?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?$/;
/**
 * An IPv4 or IPv6 block with a prefix length. Elasticsearch reads a term in
 * CIDR notation on an `ip` field as the address range, which is what every
 * such value in a rule means; on a keyword field it would be a literal that
 * no event carries.
 */
export const CIDR = /^(?:(?:\d{1,3}\.){3}\d{1,3}|[0-9A-Fa-f:.]*:[0-9A-Fa-f:.]*)\/\d{1,3}$/;

/** Parse a KQL query into a filter node; null (with error diagnostics) when it does not parse. */
export function parseKql(text: string, ctx: QueryCtx): Node | null {
  if (!withinLimits(ctx, text, 'kql')) return null;
  let tree: KNode;
  try {
    // The hand-written reader first; a query it does not read is parsed by the grammar, which reports the error.
    tree = readKql(text) ?? (parseQuietly(parseKqlText, text, { startRule: 'Query' }) as KNode);
  } catch (e) {
    syntaxDiag(ctx, 'kql.syntax', e);
    return null;
  }
  const conv = new KqlConverter(text, ctx);
  return conv.node(tree, '');
}

function literalText(v: KValue): string {
  let s = '';
  for (const t of v.tokens) s += t.t === 'lit' ? t.s : '*';
  return s;
}

function hasStar(v: KValue): boolean {
  return !v.quoted && v.tokens.some((t) => t.t === 'star');
}

class KqlConverter {
  constructor(
    private readonly text: string,
    private readonly ctx: QueryCtx,
  ) {}

  private src(start: number, end: number) {
    return sourceAt(this.ctx.loc, this.text, start, end);
  }

  node(n: KNode, prefix: string): Node {
    switch (n.type) {
      case 'empty':
        return constant(true, this.src(n.start, n.end));
      case 'and':
        return and(
          n.children.map((c) => this.node(c, prefix)),
          this.src(n.start, n.end),
        );
      case 'or':
        return or(
          n.children.map((c) => this.node(c, prefix)),
          this.src(n.start, n.end),
        );
      case 'not':
        return not(this.node(n.child, prefix), this.src(n.start, n.end));
      case 'nested':
        return this.node(n.query, prefix + literalText(n.field) + '.');
      case 'range':
        return this.range(n, prefix);
      case 'field': {
        const name = n.field === null ? null : prefix + literalText(n.field);
        return this.values(name, n.value, n);
      }
    }
  }

  private range(n: Extract<KNode, { type: 'range' }>, prefix: string): Node {
    const name = prefix + literalText(n.field);
    const raw = literalText(n.value);
    const value = !n.value.quoted && NUMERIC.test(raw) ? Number(raw) : raw;
    const op = n.op === '<' ? 'lt' : n.op === '<=' ? 'lte' : n.op === '>' ? 'gt' : 'gte';
    return predicate(name, op, value, { caseSensitive: true, vendorOp: n.op, raw: n.value.raw, source: this.src(n.start, n.end) });
  }

  private values(field: string | null, v: KValueTree, expr: { start: number; end: number }): Node {
    if ((v.type === 'or' || v.type === 'and') && v.children.length > this.ctx.limits.maxListItems) {
      diagQuery(this.ctx, 'error', 'kql.list.too-long', `value list has ${v.children.length} values, more than the limit of ${this.ctx.limits.maxListItems}`, v.start, v.end);
      return opaque(this.text.slice(v.start, v.end), 'value list over the limit', this.src(v.start, v.end));
    }
    switch (v.type) {
      case 'and':
        return and(
          v.children.map((c) => this.values(field, c, c)),
          this.src(v.start, v.end),
        );
      case 'or':
        return or(
          v.children.map((c) => this.values(field, c, c)),
          this.src(v.start, v.end),
        );
      case 'not':
        return not(this.values(field, v.child, v.child), this.src(v.start, v.end));
      case 'value':
        return this.leaf(field, v, expr);
    }
  }

  private leaf(field: string | null, v: KValue, expr: { start: number; end: number }): Node {
    const source = this.src(expr.start, expr.end);
    const opts = { vendorOp: ':', raw: v.raw, source };
    const isStarOnly = !v.quoted && v.tokens.length === 1 && v.tokens[0]!.t === 'star';
    // `*:*`, a lone `*` and an empty query match everything.
    if ((field === null || field === '*') && isStarOnly) return constant(true, source);
    if (field === null || field === '*') {
      const pattern = v.quoted ? escapeGlob(literalText(v)) : formatGlob(v.tokens);
      return predicate(null, 'match', pattern, { ...opts, caseSensitive: false });
    }
    if (isStarOnly) return predicate(field, 'exists', true, { ...opts, caseSensitive: false });
    if (v.tokens.length === 0) {
      diagQuery(this.ctx, 'warning', 'kql.value.empty', `empty value for field ${field}`, v.start, v.end);
      return predicate(field, 'eq', '', { ...opts, caseSensitive: true });
    }
    if (isTextField(field)) {
      const pattern = hasStar(v) ? formatGlob(v.tokens) : escapeGlob(literalText(v));
      return predicate(field, 'match', pattern, { ...opts, caseSensitive: false });
    }
    const caseSensitive = !isCaselessField(field);
    if (hasStar(v)) return predicate(field, 'wildcard', formatGlob(v.tokens), { ...opts, caseSensitive });
    const s = literalText(v);
    if (s.includes('/') && CIDR.test(s)) return predicate(field, 'cidr', s, { ...opts, caseSensitive: false });
    if (!v.quoted && (s === 'true' || s === 'false')) return predicate(field, 'eq', s === 'true', { ...opts, caseSensitive: true });
    if (!v.quoted && s === 'null') return predicate(field, 'eq', null, { ...opts, caseSensitive: true });
    return predicate(field, 'eq', s, { ...opts, caseSensitive });
  }
}
