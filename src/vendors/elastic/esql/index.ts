/**
 * ES|QL -> unified AST. Grammar: grammars/esql.peggy (the whole pipeline;
 * FROM, WHERE, EVAL, STATS, RENAME, GROK, DISSECT structured, other commands
 * kept as text). Decisions (docs/semantics/elastic.md):
 *
 * - WHERE clauses before the first STATS / INLINE STATS are the event filter
 *   (ANDed in order). STATS ... BY gives an `aggregate` query; WHERE clauses
 *   after it become aggregate conditions when they compare one aggregate (or
 *   computed column) with a constant, else opaque `post` parts.
 * - `==` -> eq (case-sensitive), `!=` -> not(eq), comparisons -> gt/gte/lt/lte,
 *   `IN` -> or of eq, `IS NULL` -> not(exists), `IS NOT NULL` -> exists,
 *   `LIKE` -> wildcard (`*`, `?`, backslash escapes; eq when there is no
 *   wildcard), `RLIKE` -> regex_match (Lucene flavor, anchored),
 *   `to_lower(f)`/`to_upper(f)` around the field -> the same predicate,
 *   case-insensitive; `starts_with`/`ends_with` -> wildcard; `cidr_match` ->
 *   or of cidr; `match`/`match_phrase`/`f : "q"` -> match; `KQL("...")` ->
 *   parsed with the KQL parser; `QSTR("...")` with the Lucene parser.
 * - A field produced by EVAL, GROK, DISSECT, ENRICH, COMPLETION or STATS is
 *   FieldRef.computed; RENAME maps the new name back to the event field.
 * - Anything else (arithmetic, now()-relative time windows, other functions)
 *   becomes an opaque node with its text and the reason.
 */
import { pushAll } from '../../../core/arrays.js';
import { parse as parseEsqlText } from '../../../generated/esql.js';
import { constant, not, opaque, predicate } from '../../../ast/build.js';
import { flatAnd as and, flatOr as or } from '../nodes.js';
import { escapeGlob, formatGlob, type GlobToken } from '../../../ast/glob.js';
import type { AggregateCondition, FieldRef, Node, OpaqueNode, PredicateOp, Query, Scalar } from '../../../ast/schema.js';
import { diagQuery, parseQuietly, shiftLoc, sourceAt, subLoc, syntaxDiag, withinLimits, type QueryCtx } from '../context.js';
import { parseKql } from '../kql/index.js';
import { parseLucene } from '../lucene/index.js';
import { readEsql } from './reader.js';

// ------------------------------------------------------------ grammar output
interface Span {
  start: number;
  end: number;
}
type Expr =
  | ({ type: 'or' | 'and'; children: Expr[] } & Span)
  | ({ type: 'not'; child: Expr } & Span)
  | ({ type: 'in'; expr: Expr; list: Expr[]; negated: boolean } & Span)
  | ({ type: 'isnull'; expr: Expr; negated: boolean } & Span)
  | ({ type: 'like'; rlike: boolean; expr: Expr; patterns: Array<{ value: string; raw: string; triple: boolean }>; negated: boolean } & Span)
  | ({ type: 'match'; left: Expr; right: Expr } & Span)
  | ({ type: 'compare'; op: string; left: Expr; right: Expr } & Span)
  | ({ type: 'binary'; op: string; left: Expr; right: Expr } & Span)
  | ({ type: 'unary'; op: string; expr: Expr } & Span)
  | ({ type: 'cast'; expr: Expr; to: string } & Span)
  | ({ type: 'call'; name: string; args: Expr[]; text: string } & Span)
  | ({ type: 'field'; name: string } & Span)
  | ({ type: 'literal'; kind: 'null' | 'boolean' | 'number' | 'string' | 'timespan' | 'array'; value: Scalar; raw: string; triple?: boolean; badEscape?: boolean; unit?: string } & Span)
  | ({ type: 'param'; name: string; raw: string } & Span)
  | ({ type: 'star' } & Span)
  | ({ type: 'map'; text: string } & Span);
interface Assignment extends Span {
  name: string | null;
  expr: Expr;
  where?: Expr | null;
  text?: string;
}
type Command = Span & { type: 'command'; name: string; text: string } & (
    | { name: 'from' | 'ts'; sources: string[]; metadata: string[] }
    | { name: 'where'; condition: Expr }
    | { name: 'eval'; assignments: Assignment[] }
    | { name: 'stats' | 'inline stats'; aggregations: Assignment[]; by: Assignment[] }
    | { name: 'rename'; renames: Array<{ from: string; to: string }> }
    | { name: 'grok' | 'dissect'; input: Expr; pattern: string }
    | { generic: true; body: string }
  );

// ------------------------------------------------------------ result
export interface EsqlResult {
  query: Query;
  /** FROM sources (index patterns) and METADATA fields. */
  sources: string[];
  metadataFields: string[];
  /** Command names in order, for metadata/statistics. */
  commands: string[];
}

const CASE_FOLD = new Set(['to_lower', 'to_upper']);
/**
 * Type conversions the predicate sees through: `to_ip(source.ip)` still tests
 * source.ip (the corpus wraps ip/keyword fields this way before cidr_match,
 * LIKE and IS NULL). A conversion that fails gives null, as a missing field does.
 */
const CONVERSIONS = new Set(['to_string', 'to_str', 'to_ip', 'to_long', 'to_integer', 'to_int', 'to_double', 'to_dbl', 'to_unsigned_long', 'to_ul', 'to_ulong', 'to_boolean', 'to_bool', 'to_datetime', 'to_dt', 'to_version', 'to_ver', 'mv_first', 'mv_min', 'mv_max']);

/** Parse an ES|QL query. Returns null (with error diagnostics) when it does not parse. */
export function parseEsql(text: string, ctx: QueryCtx): EsqlResult | null {
  if (!withinLimits(ctx, text, 'esql')) return null;
  let tree: { commands: Command[] };
  try {
    // The hand-written reader first; a query it does not read is parsed by the grammar, which reports the error.
    tree = (readEsql(text) as unknown as { commands: Command[] } | null) ?? parseQuietly(parseEsqlText, text, { startRule: 'Query' });
  } catch (e) {
    syntaxDiag(ctx, 'esql.syntax', e);
    return null;
  }
  return new EsqlConverter(text, ctx).convert(tree.commands);
}

/** Grok `%{SYNTAX:name}` / `%{SYNTAX:name:type}` / `(?<name>...)` and dissect `%{name}` (with modifiers) field names. */
export function patternFields(kind: 'grok' | 'dissect', pattern: string): string[] {
  const out: string[] = [];
  const re = /%\{([^}]*)\}/g;
  for (let m = re.exec(pattern); m; m = re.exec(pattern)) {
    const body = m[1]!;
    if (kind === 'grok') {
      const parts = body.split(':');
      if (parts.length >= 2 && parts[1]) out.push(parts[1]);
    } else {
      const name = body.replace(/^[+?&*]/, '').replace(/->$/, '').replace(/\/\d+$/, '');
      if (name && !body.startsWith('?')) out.push(name);
    }
  }
  // Grok also takes Oniguruma named groups: (?<name>...).
  if (kind === 'grok') {
    const named = /\(\?<([A-Za-z_@][\w.@]*)>/g;
    for (let m = named.exec(pattern); m; m = named.exec(pattern)) out.push(m[1]!);
  }
  return out;
}

/** ES|QL LIKE pattern -> canonical glob: `*` any run, `?` one char, `\` escapes the next character. */
export function likeToGlob(pattern: string): string {
  const toks: GlobToken[] = [];
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i]!;
    if (c === '\\' && i + 1 < pattern.length) {
      toks.push({ t: 'lit', s: pattern[++i]! });
    } else if (c === '*') toks.push({ t: 'star' });
    else if (c === '?') toks.push({ t: 'one' });
    else toks.push({ t: 'lit', s: c });
  }
  return formatGlob(toks);
}

/** Offsets (into the query) of each decoded character of an ES|QL string literal at [start, end). */
function stringOffsets(text: string, start: number, end: number, triple: boolean): number[] {
  const out: number[] = [];
  if (triple) {
    for (let i = start + 3; i < end - 3; i++) out.push(i);
    out.push(end - 3);
    return out;
  }
  for (let i = start + 1; i < end - 1; i++) {
    out.push(i);
    if (text[i] === '\\') i++;
  }
  out.push(end - 1);
  return out;
}

class EsqlConverter {
  private computed = new Set<string>();
  private renames = new Map<string, string>();
  /** Aggregate column -> the aggregation it holds. */
  private aggColumns = new Map<string, { fn: string; field?: FieldRef }>();
  /**
   * EVAL columns that only re-express one event field (`x = to_lower(f)`,
   * `x = to_ip(f)`, `x = f::keyword`): a test on x is the same test on f
   * (case-insensitive when folded), so predicates name f, not a computed column.
   */
  private aliases = new Map<string, { field: FieldRef; caseFolded: boolean }>();
  /** Columns an EVAL computed after the first STATS (conditions may name them). */
  private postStatsComputed = new Set<string>();

  constructor(
    private readonly text: string,
    private readonly ctx: QueryCtx,
  ) {}

  private src(s: Span) {
    return sourceAt(this.ctx.loc, this.text, s.start, s.end);
  }

  private slice(s: Span): string {
    return this.text.slice(s.start, s.end);
  }

  private fieldRef(name: string): FieldRef {
    const real = this.renames.get(name) ?? name;
    return this.computed.has(name) ? { name: real, computed: true } : { name: real };
  }

  convert(commands: Command[]): EsqlResult {
    const sources: string[] = [];
    const metadataFields: string[] = [];
    const eventFilters: Node[] = [];
    let stats: Extract<Command, { name: 'stats' | 'inline stats' }> | null = null;
    let statsCount = 0;
    const conditions: AggregateCondition[] = [];
    const post: OpaqueNode[] = [];

    for (const c of commands) {
      if ('generic' in c && c.generic) {
        this.genericFields(c.name, c.body);
        if (stats && c.name !== 'keep' && c.name !== 'sort' && c.name !== 'limit' && c.name !== 'drop') {
          // Commands after STATS that change rows are kept for display.
          if (c.name === 'mv_expand' || c.name === 'lookup' || c.name === 'enrich' || c.name === 'fork') post.push(opaque(c.text, `ES|QL ${c.name.toUpperCase()} after STATS`, this.src(c)));
        }
        continue;
      }
      switch (c.name) {
        case 'from':
        case 'ts': {
          const f = c as Extract<Command, { name: 'from' | 'ts' }>;
          pushAll(sources, f.sources);
          pushAll(metadataFields, f.metadata);
          break;
        }
        case 'where': {
          const w = c as Extract<Command, { name: 'where' }>;
          if (!stats) eventFilters.push(this.expr(w.condition));
          else if (statsCount > 1) post.push(opaque(w.text, 'ES|QL WHERE after a second STATS', this.src(w)));
          else this.postWhere(w, conditions, post);
          break;
        }
        case 'eval': {
          const e = c as Extract<Command, { name: 'eval' }>;
          for (const a of e.assignments) {
            const name = a.name ?? this.slice(a.expr);
            const alias = !stats && a.name && a.expr.type !== 'field' ? this.target(a.expr) : null;
            this.aliases.delete(name);
            if (alias && !alias.field.computed) {
              this.aliases.set(name, alias);
              this.computed.delete(name);
            } else this.computed.add(name);
            if (stats) this.postStatsComputed.add(name);
          }
          break;
        }
        case 'rename': {
          const r = c as Extract<Command, { name: 'rename' }>;
          for (const { from, to } of r.renames) {
            this.renames.set(to, this.renames.get(from) ?? from);
            if (this.computed.has(from)) this.computed.add(to);
          }
          break;
        }
        case 'grok':
        case 'dissect': {
          const g = c as Extract<Command, { name: 'grok' | 'dissect' }>;
          for (const f of patternFields(g.name, g.pattern)) {
            this.aliases.delete(f);
            this.computed.add(f);
          }
          break;
        }
        case 'stats':
        case 'inline stats': {
          const s = c as Extract<Command, { name: 'stats' | 'inline stats' }>;
          statsCount++;
          if (!stats) stats = s;
          else post.push(opaque(s.text, 'ES|QL second STATS', this.src(s)));
          for (const a of s.aggregations) {
            const name = a.name ?? this.slice(a.expr);
            if (statsCount === 1) this.aggColumns.set(name, this.describeAgg(a.expr, name));
            this.aliases.delete(name);
            this.computed.add(name);
          }
          for (const b of s.by)
            if (b.name) {
              this.aliases.delete(b.name);
              this.computed.add(b.name);
            }
          break;
        }
      }
    }

    const filter: Node = eventFilters.length === 0 ? constant(true) : eventFilters.length === 1 ? eventFilters[0]! : and(eventFilters);
    let query: Query = { kind: 'filter', filter };
    if (stats) {
      const groupBy: FieldRef[] = stats.by.map((b) => (b.name ? { name: b.name, computed: true } : b.expr.type === 'field' ? this.fieldRef(b.expr.name) : { name: this.slice(b.expr), computed: true }));
      query = {
        kind: 'aggregate',
        input: query,
        groupBy,
        conditions,
        aggregations: stats.aggregations.map((a) => (a.text ?? this.slice(a)).replace(/\s+/g, ' ')),
        ...(post.length ? { post } : {}),
      };
    }
    return { query, sources, metadataFields, commands: commands.map((c) => c.name) };
  }

  private genericFields(name: string, body: string): void {
    // COMPLETION name = ..., ENRICH ... WITH a = b, c: new columns.
    if (name === 'completion') {
      const m = /^\s*([\w.@`]+)\s*=/.exec(body);
      this.computed.add(m ? m[1]!.replace(/`/g, '') : 'completion');
    } else if (name === 'enrich') {
      const w = /\bwith\b([\s\S]*)$/i.exec(body);
      if (w)
        for (const part of w[1]!.split(',')) {
          const m = /^\s*([\w.@]+)/.exec(part);
          if (m) this.computed.add(m[1]!);
        }
    }
  }

  /**
   * What an aggregate column holds: `count(*)` -> count, `count_distinct(f)` -> dc of f,
   * `max(f)` -> max of f; anything more complex (SUM(CASE(...)), arithmetic) is
   * named by its column, the "computed name" of AggregateCondition.fn.
   */
  private describeAgg(e: Expr, column: string): { fn: string; field?: FieldRef } {
    if (e.type === 'call') {
      const fn = e.name === 'count_distinct' ? 'dc' : e.name;
      const arg = e.args[0];
      if (e.args.length <= 1 && (!arg || arg.type === 'star')) return { fn };
      if (arg && arg.type === 'field') return { fn, field: this.fieldRef(arg.name) };
    }
    return { fn: column };
  }

  private postWhere(w: Extract<Command, { name: 'where' }>, conditions: AggregateCondition[], post: OpaqueNode[]): void {
    const parts = w.condition.type === 'and' ? w.condition.children : [w.condition];
    for (const p of parts) {
      const cond = this.condition(p);
      if (cond) conditions.push(cond);
      else post.push(opaque(this.slice(p), 'ES|QL post-aggregation condition', this.src(p)));
    }
  }

  private condition(p: Expr): AggregateCondition | null {
    if (p.type !== 'compare') return null;
    let left = p.left;
    let right = p.right;
    let op = p.op;
    if (left.type === 'literal' && right.type === 'field') {
      [left, right] = [right, left];
      op = FLIP[op] ?? op;
    }
    if (left.type !== 'field' || right.type !== 'literal' || (typeof right.value !== 'number' && typeof right.value !== 'string')) return null;
    const agg = this.aggColumns.get(left.name);
    // Only a test on an aggregate (or a column computed from aggregates) is an
    // aggregate condition; a test on a group key or, after INLINE STATS, on an
    // event field stays an opaque post-aggregation part.
    if (!agg && !this.postStatsComputed.has(left.name)) return null;
    const cop = CONDITION_OP[op];
    if (!cop) return null;
    const out: AggregateCondition = { fn: agg ? agg.fn : left.name, op: cop, value: right.value, text: this.slice(p) };
    if (agg?.field) out.field = agg.field;
    return out;
  }

  // ---------------------------------------------------------------- event predicates

  expr(e: Expr): Node {
    switch (e.type) {
      case 'and':
        return and(
          e.children.map((c) => this.expr(c)),
          this.src(e),
        );
      case 'or':
        return or(
          e.children.map((c) => this.expr(c)),
          this.src(e),
        );
      case 'not':
        return not(this.expr(e.child), this.src(e));
      case 'compare':
        return this.compare(e);
      case 'in':
        return this.inList(e);
      case 'isnull': {
        const t = this.target(e.expr);
        if (!t) return this.opaque(e, 'IS NULL on a computed expression');
        const ex = predicate(t.field, 'exists', true, { vendorOp: e.negated ? 'IS NOT NULL' : 'IS NULL', source: this.src(e) });
        return e.negated ? ex : not(ex, this.src(e));
      }
      case 'like':
        return this.like(e);
      case 'match': {
        const t = this.target(e.left);
        if (!t || e.right.type !== 'literal' || typeof e.right.value !== 'string') return this.opaque(e, 'match operator on a computed expression');
        return predicate(t.field, 'match', escapeGlob(e.right.value), { caseSensitive: false, vendorOp: ':', raw: e.right.raw, source: this.src(e) });
      }
      case 'call':
        return this.call(e);
      case 'field':
        return predicate(this.fieldRef(e.name), 'eq', true, { caseSensitive: true, vendorOp: 'bool', source: this.src(e) });
      case 'literal':
        if (e.kind === 'boolean') return constant(e.value as boolean, this.src(e));
        return this.opaque(e, 'non-boolean literal used as a condition');
      default:
        return this.opaque(e, 'expression is not a predicate');
    }
  }

  private opaque(e: Span, reason: string): Node {
    return opaque(this.slice(e), reason, this.src(e));
  }

  /** The field a predicate tests, seen through to_lower/to_upper (which make it case-insensitive) and casts. */
  private target(e: Expr): { field: FieldRef; caseFolded: boolean } | null {
    let caseFolded = false;
    let cur = e;
    for (let guard = 0; guard < 8; guard++) {
      if (cur.type === 'field') {
        const alias = this.aliases.get(cur.name);
        if (alias) return { field: alias.field, caseFolded: caseFolded || alias.caseFolded };
        return { field: this.fieldRef(cur.name), caseFolded };
      }
      if (cur.type === 'call' && CASE_FOLD.has(cur.name) && cur.args.length === 1) {
        caseFolded = true;
        cur = cur.args[0]!;
        continue;
      }
      if (cur.type === 'call' && CONVERSIONS.has(cur.name) && cur.args.length === 1) {
        cur = cur.args[0]!;
        continue;
      }
      if (cur.type === 'cast') {
        cur = cur.expr;
        continue;
      }
      return null;
    }
    return null;
  }

  private literalValue(e: Expr): Scalar | undefined {
    if (e.type === 'literal' && (e.kind === 'string' || e.kind === 'number' || e.kind === 'boolean' || e.kind === 'null')) {
      if (e.kind === 'string' && e.badEscape) diagQuery(this.ctx, 'warning', 'esql.string.escape', 'string has a backslash escape ES|QL does not define; kept literally', e.start, e.end);
      return e.value;
    }
    if (e.type === 'unary' && e.op === '-' && e.expr.type === 'literal' && typeof e.expr.value === 'number') return -e.expr.value;
    return undefined;
  }

  private compare(e: Extract<Expr, { type: 'compare' }>): Node {
    let left = e.left;
    let right = e.right;
    let op = e.op;
    if (this.literalValue(left) !== undefined && this.literalValue(right) === undefined) {
      [left, right] = [right, left];
      op = FLIP[op] ?? op;
    }
    const t = this.target(left);
    if (!t) return this.opaque(e, 'comparison on a computed expression');
    const source = this.src(e);
    const rt = this.target(right);
    if (rt && right.type === 'field') {
      const pop = PRED_OP[op];
      if (!pop) return this.opaque(e, 'unsupported comparison');
      const p = predicate(t.field, pop, null, { caseSensitive: !t.caseFolded, ref: rt.field, vendorOp: op, source });
      return op === '!=' ? not(p, source) : p;
    }
    const value = this.literalValue(right);
    if (value === undefined) return this.opaque(e, /now\s*\(/i.test(this.slice(right)) ? 'time window relative to now()' : 'comparison with a computed value');
    if (value === null) return this.opaque(e, 'comparison with null is always null in ES|QL');
    const caseSensitive = typeof value === 'string' ? !t.caseFolded : true;
    const raw = (right as { raw?: string }).raw;
    const opts = { caseSensitive, vendorOp: op, source, ...(raw !== undefined ? { raw } : {}) };
    if (op === '==') return predicate(t.field, 'eq', value, opts);
    if (op === '!=') return not(predicate(t.field, 'eq', value, opts), source);
    const pop = PRED_OP[op];
    if (!pop) return this.opaque(e, 'unsupported comparison');
    return predicate(t.field, pop, value, opts);
  }

  private inList(e: Extract<Expr, { type: 'in' }>): Node {
    const t = this.target(e.expr);
    if (!t) return this.opaque(e, 'IN on a computed expression');
    if (e.list.length > this.ctx.limits.maxListItems) {
      diagQuery(this.ctx, 'error', 'esql.list.too-long', `IN list has ${e.list.length} values, more than the limit`, e.start, e.end);
      return this.opaque(e, 'IN list over the limit');
    }
    const children: Node[] = [];
    for (const item of e.list) {
      const v = this.literalValue(item);
      if (v === undefined || v === null) return this.opaque(e, 'IN list with a non-constant value');
      children.push(
        predicate(t.field, 'eq', v, {
          caseSensitive: typeof v === 'string' ? !t.caseFolded : true,
          vendorOp: e.negated ? 'NOT IN' : 'IN',
          source: this.src(item),
          ...((item as { raw?: string }).raw !== undefined ? { raw: (item as { raw: string }).raw } : {}),
        }),
      );
    }
    const node = children.length === 1 ? children[0]! : or(children, this.src(e));
    return e.negated ? not(node, this.src(e)) : node;
  }

  private like(e: Extract<Expr, { type: 'like' }>): Node {
    const t = this.target(e.expr);
    const kw = (e.negated ? 'NOT ' : '') + (e.rlike ? 'RLIKE' : 'LIKE');
    if (!t) return this.opaque(e, `${kw} on a computed expression`);
    const source = this.src(e);
    const children = e.patterns.map((p) => {
      if (e.rlike) {
        if (p.value.length > this.ctx.limits.maxRegexChars) diagQuery(this.ctx, 'warning', 'esql.regex.too-long', 'regular expression longer than the limit', e.start, e.end);
        return predicate(t.field, 'regex_match', p.value, { caseSensitive: !t.caseFolded, regex: { flavor: 'lucene', flags: t.caseFolded ? 'i' : '', anchored: true }, vendorOp: kw, raw: p.raw, source });
      }
      const glob = likeToGlob(p.value);
      const literal = /^(?:[^*?\\]|\\[*?\\])*$/.test(glob);
      if (literal) {
        let lit = '';
        for (let i = 0; i < glob.length; i++) lit += glob[i] === '\\' ? glob[++i] : glob[i];
        return predicate(t.field, 'eq', lit, { caseSensitive: !t.caseFolded, vendorOp: kw, raw: p.raw, source });
      }
      return predicate(t.field, 'wildcard', glob, { caseSensitive: !t.caseFolded, vendorOp: kw, raw: p.raw, source });
    });
    const node = children.length === 1 ? children[0]! : or(children, source);
    return e.negated ? not(node, source) : node;
  }

  private call(e: Extract<Expr, { type: 'call' }>): Node {
    const source = this.src(e);
    switch (e.name) {
      case 'starts_with':
      case 'ends_with': {
        const t = e.args[0] && this.target(e.args[0]);
        const v = e.args[1] && this.literalValue(e.args[1]);
        if (!t || typeof v !== 'string') return this.opaque(e, `${e.name} on a computed expression`);
        const pattern = e.name === 'starts_with' ? escapeGlob(v) + '*' : '*' + escapeGlob(v);
        return predicate(t.field, 'wildcard', pattern, { caseSensitive: !t.caseFolded, vendorOp: e.name, raw: (e.args[1] as { raw?: string }).raw ?? v, source });
      }
      case 'cidr_match': {
        const t = e.args[0] && this.target(e.args[0]);
        if (!t) return this.opaque(e, 'cidr_match on a computed expression');
        const blocks: Node[] = [];
        for (const a of e.args.slice(1)) {
          const v = this.literalValue(a);
          if (typeof v !== 'string') return this.opaque(e, 'cidr_match with a non-constant block');
          blocks.push(predicate(t.field, 'cidr', v, { vendorOp: 'cidr_match', raw: v, source: this.src(a) }));
        }
        return blocks.length === 1 ? blocks[0]! : or(blocks, source);
      }
      case 'match':
      case 'match_phrase': {
        const t = e.args[0] && this.target(e.args[0]);
        const v = e.args[1] && this.literalValue(e.args[1]);
        if (!t || typeof v !== 'string') return this.opaque(e, `${e.name} on a computed expression`);
        return predicate(t.field, 'match', escapeGlob(v), { caseSensitive: false, vendorOp: e.name, raw: v, source });
      }
      case 'kql':
      case 'qstr': {
        const a = e.args[0];
        if (!a || a.type !== 'literal' || a.kind !== 'string') return this.opaque(e, `${e.name.toUpperCase()} with a non-constant query`);
        const inner = String(a.value);
        const offsets = stringOffsets(this.text, a.start, a.end, !!a.triple);
        const loc = a.triple && !this.ctx.loc.map ? shiftLoc(this.ctx.loc, a.start + 3) : subLoc(this.ctx.loc, offsets);
        const sub = { ...this.ctx, loc };
        const node = e.name === 'kql' ? parseKql(inner, sub) : parseLucene(inner, sub);
        return node ?? this.opaque(e, `${e.name.toUpperCase()} query does not parse`);
      }
      default:
        return this.opaque(e, `function ${e.name}() is not a predicate the AST can express`);
    }
  }
}

const FLIP: Record<string, string> = { '<': '>', '<=': '>=', '>': '<', '>=': '<=', '==': '==', '!=': '!=' };
const PRED_OP: Record<string, PredicateOp> = { '==': 'eq', '!=': 'eq', '<': 'lt', '<=': 'lte', '>': 'gt', '>=': 'gte' };
const CONDITION_OP: Record<string, AggregateCondition['op']> = { '==': 'eq', '!=': 'neq', '<': 'lt', '<=': 'lte', '>': 'gt', '>=': 'gte' };
