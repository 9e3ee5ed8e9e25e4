/**
 * Lucene query string -> unified AST. Grammar: grammars/lucene.peggy.
 * Decisions (docs/semantics/elastic.md): a term without wildcard -> eq, with
 * unescaped `*`/`?` -> wildcard; a quoted phrase -> eq (match on text-like
 * fields); `/re/` -> regex_match (Lucene flavor, anchored); `[a TO b]` and
 * `>=n` -> range predicates; no field -> match with field null. Keyword-like
 * fields are case-sensitive, as in KQL.
 */
import { parse as parseLuceneText } from '../../../generated/lucene.js';
import { constant, not, predicate } from '../../../ast/build.js';
import { flatAnd as and, flatOr as or } from '../nodes.js';
import { escapeGlob, formatGlob, type GlobToken } from '../../../ast/glob.js';
import type { Node, PredicateOp } from '../../../ast/schema.js';
import { diagQuery, parseQuietly, sourceAt, syntaxDiag, withinLimits, type QueryCtx } from '../context.js';
import { isCaselessField, isTextField } from '../field-semantics.js';
import { CIDR } from '../kql/index.js';

type LValue =
  | { type: 'term'; tokens: Array<string | null | undefined>; raw: string; start: number; end: number }
  | { type: 'phrase'; text: string; raw: string; start: number; end: number }
  | { type: 'regex'; pattern: string; raw: string; start: number; end: number }
  | { type: 'range'; low: string; high: string; includeLow: boolean; includeHigh: boolean; raw: string; start: number; end: number }
  | { type: 'compare'; op: string; value: string; raw: string; start: number; end: number }
  | { type: 'or' | 'and'; children: LValue[]; start: number; end: number }
  | { type: 'not'; child: LValue; start: number; end: number };
type LNode =
  | { type: 'empty'; start: number; end: number }
  | { type: 'or' | 'and'; children: LNode[]; start: number; end: number }
  | { type: 'not'; child: LNode; start: number; end: number }
  | { type: 'field'; field: string | null; value: LValue; start: number; end: number };

const NUMERIC = /^-?(?:\d+\.?\d*|\.\d+)$/;

export function parseLucene(text: string, ctx: QueryCtx): Node | null {
  if (!withinLimits(ctx, text, 'lucene')) return null;
  let tree: LNode;
  try {
    tree = parseQuietly(parseLuceneText, text, { startRule: 'Query' }) as LNode;
  } catch (e) {
    syntaxDiag(ctx, 'lucene.syntax', e);
    return null;
  }
  const src = (s: number, e: number) => sourceAt(ctx.loc, text, s, e);

  const bound = (v: string): string | number => (NUMERIC.test(v) ? Number(v) : v);

  const value = (field: string | null, v: LValue, expr: { start: number; end: number }): Node => {
    const source = src(expr.start, expr.end);
    switch (v.type) {
      case 'and':
      case 'or':
        return (v.type === 'and' ? and : or)(
          v.children.map((c) => value(field, c, c)),
          src(v.start, v.end),
        );
      case 'not':
        return not(value(field, v.child, v.child), src(v.start, v.end));
      case 'regex':
        if (v.pattern.length > ctx.limits.maxRegexChars) diagQuery(ctx, 'warning', 'lucene.regex.too-long', 'regular expression longer than the limit', v.start, v.end);
        return predicate(field, 'regex_match', v.pattern, { caseSensitive: true, regex: { flavor: 'lucene', flags: '', anchored: true }, vendorOp: ':/', raw: v.raw, source });
      case 'range': {
        const parts: Node[] = [];
        if (v.low !== '*') parts.push(predicate(field, v.includeLow ? 'gte' : 'gt', bound(v.low), { caseSensitive: true, vendorOp: ':[]', raw: v.raw, source }));
        if (v.high !== '*') parts.push(predicate(field, v.includeHigh ? 'lte' : 'lt', bound(v.high), { caseSensitive: true, vendorOp: ':[]', raw: v.raw, source }));
        if (parts.length === 0) return field ? predicate(field, 'exists', true, { vendorOp: ':[* TO *]', raw: v.raw, source }) : constant(true, source);
        return parts.length === 1 ? parts[0]! : and(parts, source);
      }
      case 'compare': {
        const op: PredicateOp = v.op === '>' ? 'gt' : v.op === '>=' ? 'gte' : v.op === '<' ? 'lt' : 'lte';
        return predicate(field, op, bound(v.value), { caseSensitive: true, vendorOp: ':' + v.op, raw: v.raw, source });
      }
      case 'phrase': {
        if (field !== null && v.text.includes('/') && CIDR.test(v.text)) return predicate(field, 'cidr', v.text, { vendorOp: ':', raw: v.raw, source });
        if (field === null || isTextField(field)) return predicate(field, 'match', escapeGlob(v.text), { caseSensitive: false, vendorOp: ':', raw: v.raw, source });
        return predicate(field, 'eq', v.text, { caseSensitive: !isCaselessField(field), vendorOp: ':', raw: v.raw, source });
      }
      case 'term': {
        const toks: GlobToken[] = [];
        let wild = false;
        for (const t of v.tokens) {
          if (t === null) {
            toks.push({ t: 'star' });
            wild = true;
          } else if (t === undefined) {
            toks.push({ t: 'one' });
            wild = true;
          } else toks.push({ t: 'lit', s: t });
        }
        const pattern = formatGlob(toks);
        if (field !== null && toks.length === 1 && toks[0]!.t === 'star') return predicate(field, 'exists', true, { vendorOp: ':', raw: v.raw, source });
        if (field === null && toks.length === 1 && toks[0]!.t === 'star') return constant(true, source);
        if (field === null || isTextField(field)) return predicate(field, 'match', pattern, { caseSensitive: false, vendorOp: ':', raw: v.raw, source });
        const caseSensitive = !isCaselessField(field);
        if (wild) return predicate(field, 'wildcard', pattern, { caseSensitive, vendorOp: ':', raw: v.raw, source });
        const lit = v.tokens.join('');
        if (lit.includes('/') && CIDR.test(lit)) return predicate(field, 'cidr', lit, { vendorOp: ':', raw: v.raw, source });
        return predicate(field, 'eq', lit, { caseSensitive, vendorOp: ':', raw: v.raw, source });
      }
    }
  };

  const node = (n: LNode): Node => {
    switch (n.type) {
      case 'empty':
        return constant(true, src(n.start, n.end));
      case 'and':
      case 'or':
        return (n.type === 'and' ? and : or)(n.children.map(node), src(n.start, n.end));
      case 'not':
        return not(node(n.child), src(n.start, n.end));
      case 'field':
        return value(n.field === '*' ? null : n.field, n.value, n);
    }
  };
  return node(tree);
}
