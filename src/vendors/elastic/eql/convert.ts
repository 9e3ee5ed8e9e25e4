/**
 * EQL syntax tree (grammars/eql.peggy) -> unified AST.
 *
 * Semantics follow Elasticsearch EQL (eql-syntax.md, eql-function-ref.md and
 * the x-pack/plugin/eql builder); every mapping decision is written down in
 * docs/semantics/elastic-eql.md. Anything that cannot be expressed as
 * predicates becomes an `opaque` node with its text and a reason, never a
 * silent drop. Constructs only the Endgame/Endpoint dialect accepts are
 * converted too, with an `eql.dialect.endgame` warning.
 */
import { and, constant, not, opaque, or, predicate } from '../../../ast/build.js';
import { escapeGlob } from '../../../ast/glob.js';
import type { Diagnostic, Duration, FieldRef, Node, Predicate, Query, RegexInfo, Scalar, SequenceStep, Source } from '../../../ast/schema.js';
import { diagAt, type Severity } from '../../../core/diagnostics.js';
import type { Limits } from '../../../core/limits.js';
import type { SourceFile } from '../../../core/source-file.js';
import { cidrProblem } from './cidr.js';
import { lookupFunction, type EqlFunction } from './functions.js';
import { eqlHasWildcard, eqlPatternToGlob, unescapeString, type StringProblem } from './strings.js';
import type {
  BySyn,
  CallSyn,
  CmpSyn,
  EventSyn,
  ExprSyn,
  FieldSyn,
  InSyn,
  LiteralSyn,
  MaxSpanSyn,
  NumSyn,
  PipeSyn,
  QuerySyn,
  SequenceSyn,
  Span,
  StepSyn,
  StrPredSyn,
  StrSyn,
} from './syntax.js';

/**
 * Text of a synthesized source (one value of a list, as `field op value`), joined into one flat
 * string: a template literal would keep a concatenation node per piece for the life of the AST
 * (tens of thousands of sources per corpus).
 */
function joined(...pieces: string[]): string {
  return pieces.join('');
}

export interface ConvertOptions {
  file: SourceFile;
  /** Offset of the query text in the file. */
  offset: number;
  limits: Limits;
  /** Field the event category of `category where` tests (the rule's `event_category_override`). */
  categoryField: string;
}

const TIME_UNITS: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 };
/** Elasticsearch supports only these pipes; the others are Endgame. */
const ES_PIPES = new Set(['head', 'tail']);
const ENDGAME_PIPES = new Set(['count', 'unique', 'unique_count', 'filter', 'sort', 'head', 'tail']);

const LUCENE_REGEX: RegexInfo = { flavor: 'lucene', flags: '', anchored: true };
const LUCENE_REGEX_I: RegexInfo = { flavor: 'lucene', flags: 'i', anchored: true };

/** A literal value, as written, and where (offsets in the query text). */
type Lit = { value: Scalar; raw: string; s: number; e: number };

export class EqlConverter {
  readonly diagnostics: Diagnostic[] = [];
  private readonly stringProblems: StringProblem[] = [];
  /** Step aliases of the sequence being converted (`[...] as p0`): `p0.process.name` is a field of that step's event. */
  private aliases = new Set<string>();

  constructor(
    private readonly text: string,
    private readonly opts: ConvertOptions,
  ) {}

  // ------------------------------------------------------------------------
  // Positions and diagnostics

  private slice(sp: Span): string {
    return this.text.slice(sp.s, sp.e);
  }

  private source(s: number, e: number, text: string): Source {
    const f = this.opts.file;
    const a = f.position(this.opts.offset + s);
    const b = f.position(this.opts.offset + e);
    return { vendor: 'elastic', line: a.line, column: a.column, endLine: b.line, endColumn: b.column, text };
  }

  private spanSource(sp: Span): Source {
    return this.source(sp.s, sp.e, this.slice(sp));
  }

  diag(severity: Severity, code: string, message: string, sp?: Span, expected?: string[]): void {
    const o = this.opts.offset;
    this.diagnostics.push(diagAt(this.opts.file, severity, code, message, sp ? o + sp.s : o, sp ? o + sp.e : undefined, expected));
  }

  private endgame(what: string, sp: Span): void {
    this.diag('warning', 'eql.dialect.endgame', `${what} is Endgame/Endpoint EQL; Elasticsearch rejects it`, sp);
  }

  private opaque(sp: Span, reason: string): Node {
    const t = this.slice(sp);
    return opaque(t, reason, this.source(sp.s, sp.e, t));
  }

  // ------------------------------------------------------------------------
  // Queries

  query(q: QuerySyn): Query {
    const base = q.base;
    let out: Query;
    if (base === null) {
      this.endgame('a query made of pipes only', q);
      out = { kind: 'filter', filter: constant(true) };
    } else if (base.k === 'event') out = { kind: 'filter', filter: this.eventFilter(base) };
    else if (base.k === 'sequence') out = this.sequence(base);
    else {
      // `sample` (Elasticsearch) and Endgame `join` both match events sharing join keys in any order.
      if (base.k === 'join') this.endgame('join', { s: base.s, e: base.s + 4 });
      const steps = base.steps.map((st) => this.step(st, base.k));
      const by = base.by ? this.byFields(base.by) : undefined;
      this.checkKeyArity(base.by, base.steps, base.k === 'join' ? base.until : null);
      if (base.k === 'join' && base.until) this.diag('warning', 'eql.join.until', 'the `until` clause of a join cannot be represented on a sample and is not part of the AST', base.until);
      out = by?.length ? { kind: 'sample', steps, by } : { kind: 'sample', steps };
    }
    if (q.pipes.length) out = this.pipes(out, q.pipes);
    return out;
  }

  private pipes(query: Query, pipes: PipeSyn[]): Query {
    const texts: string[] = [];
    for (const p of pipes) {
      if (!ES_PIPES.has(p.name)) {
        if (ENDGAME_PIPES.has(p.name)) this.endgame(`the \`${p.name}\` pipe`, p);
        // Both Elasticsearch ("Unrecognized pipe") and Endgame refuse an unknown pipe.
        else this.diag('error', 'eql.pipe.unknown', `unknown pipe \`${p.name}\` (Elasticsearch knows head and tail; Endgame also count, unique, unique_count, filter, sort)`, p);
      }
      if ((p.name === 'head' || p.name === 'tail') && !(p.args.length === 1 && p.args[0]!.k === 'num' && /^\d+$/.test((p.args[0] as NumSyn).raw))) {
        this.diag('error', 'eql.pipe.argument', `pipe \`${p.name}\` expects exactly one non-negative integer`, p);
      }
      if ((p.name === 'filter' || p.name === 'unique' || p.name === 'unique_count' || p.name === 'sort') && p.args.length === 0) {
        this.diag('error', 'eql.pipe.argument', `pipe \`${p.name}\` needs at least one argument`, p);
      }
      if ((p.name === 'count' || p.name === 'unique' || p.name === 'unique_count' || p.name === 'sort') && p.args.some((a) => isLiteral(a))) {
        this.diag('error', 'eql.pipe.argument', `pipe \`${p.name}\` takes fields or expressions, not literals`, p);
      }
      // Endgame `| filter cond` keeps the events matching cond: fold it into an event query.
      if (p.name === 'filter' && query.kind === 'filter' && p.args.length) {
        const conds = p.args.map((a) => this.bool(a));
        query = { kind: 'filter', filter: this.andAll([query.filter, ...conds]) };
        continue;
      }
      this.checkAll(p.args);
      texts.push(this.slice(p).replace(/^\|\s*/, ''));
    }
    if (!texts.length) return query;
    if (query.kind === 'sequence') return { ...query, pipes: [...(query.pipes ?? []), ...texts] };
    // Filter and sample queries have no place for pipes: they only limit or post-process results.
    this.diag('info', 'eql.pipe.ignored', `pipes kept out of the AST (they post-process results, not which events match): ${texts.map((t) => `| ${t}`).join(' ')}`, pipes[0]);
    return query;
  }

  private sequence(seq: SequenceSyn): Query {
    let by: BySyn | null = null;
    let maxspan: MaxSpanSyn | null = null;
    for (const p of seq.params) {
      if (p.k === 'by') {
        if (by) this.diag('error', 'eql.sequence.params', 'sequence `by` given twice', p);
        else {
          if (maxspan) this.diag('warning', 'eql.dialect.endgame', 'sequence `with maxspan` before `by` is Endgame/Endpoint EQL; Elasticsearch requires `by` first', p);
          by = p;
        }
      } else if (maxspan) this.diag('error', 'eql.sequence.params', 'sequence `with maxspan` given twice', p);
      else maxspan = p;
    }
    // Aliases are declared after their step but used in any step (Endpoint): collect them first.
    for (const st of seq.steps) if (st.alias) this.aliases.add(st.alias.name);
    const steps = seq.steps.map((st) => this.step(st, 'sequence'));
    const out: Query & { kind: 'sequence' } = { kind: 'sequence', steps };
    if (by) out.by = this.byFields(by);
    if (maxspan) {
      const d = this.duration(maxspan);
      if (d) out.maxspan = d;
    }
    if (seq.until) {
      const u = seq.until;
      if (u.missing) this.diag('error', 'eql.sequence.until-missing', 'an `until` clause cannot be a missing-event clause', u);
      if (u.runs) this.diag('error', 'eql.sequence.until-runs', '`with runs` is not allowed on an `until` clause', u.runs);
      out.until = this.eventFilter(u.q);
    }
    this.checkKeyArity(by, seq.steps, seq.until);
    const total = steps.reduce((n, s) => n + (s.runs ?? 1), 0);
    if (total < 2) this.diag('error', 'eql.sequence.steps', 'a sequence needs at least two events (count `with runs`)', seq);
    if (steps.some((s) => s.missing)) {
      if (!maxspan) this.diag('error', 'eql.sequence.missing-maxspan', 'a sequence with missing-event clauses `![...]` requires `with maxspan`', seq);
      if (steps.every((s) => s.missing)) this.diag('error', 'eql.sequence.missing-only', 'a sequence needs at least one positive (non-missing) clause', seq);
    }
    return out;
  }

  private step(st: StepSyn, kind: 'sequence' | 'sample' | 'join'): SequenceStep {
    const step: SequenceStep = { filter: this.eventFilter(st.q) };
    if (st.by) {
      const b = this.byFields(st.by);
      if (b.length) step.by = b;
    }
    if (st.missing) {
      if (kind !== 'sequence') this.diag('error', 'eql.missing.context', 'missing-event clauses `![...]` are allowed only in sequences', st);
      step.missing = true;
    }
    if (st.fork) this.endgame('`fork`', st.fork);
    if (st.runs) {
      if (kind !== 'sequence') this.diag('error', 'eql.runs.context', '`with runs` is allowed only in sequences', st.runs);
      const raw = st.runs.n.raw;
      const n = /^\d+$/.test(raw) ? Number(raw) : NaN;
      if (!Number.isInteger(n) || n < 1 || n > 100) this.diag('error', 'eql.runs.range', `\`with runs\` must be an integer between 1 and 100, found ${raw}`, st.runs);
      else step.runs = n;
    }
    if (st.alias) {
      this.endgame('a step alias `as`', st.alias);
      step.alias = st.alias.name;
    }
    return step;
  }

  /** Elasticsearch: every step (and until) must have the same number of join keys. */
  private checkKeyArity(by: BySyn | null, steps: StepSyn[], until: StepSyn | null): void {
    const all = until ? [...steps, until] : steps;
    const base = by ? by.keys.length : 0;
    let expected = -1;
    for (const st of all) {
      const n = base + (st.by ? st.by.keys.length : 0);
      if (expected < 0) expected = n;
      else if (n !== expected) {
        this.diag('error', 'eql.join-keys.arity', `inconsistent number of join keys; expected ${expected - base} but found ${n - base}`, st.by ?? st);
        return;
      }
    }
  }

  private byFields(by: BySyn): FieldRef[] {
    return by.keys.map((k) => {
      const x = unwrapParen(k);
      if (x.k === 'field') return this.fieldRef(x);
      this.diag('warning', 'eql.by.expression', 'join key is not a field (Elasticsearch rejects it: "Unsupported join key"); kept as a computed key', k);
      return { name: this.slice(k), computed: true };
    });
  }

  private duration(m: MaxSpanSyn): Duration | null {
    const raw = m.n.raw;
    if (!/^\d+$/.test(raw)) {
      this.diag('error', 'eql.maxspan.value', `maxspan must be a positive integer, found ${raw}`, m.n);
      return null;
    }
    const n = Number(raw);
    if (n * (TIME_UNITS[m.unit ?? 's'] ?? 1) > Number.MAX_SAFE_INTEGER) {
      this.diag('error', 'eql.maxspan.value', `maxspan ${raw}${m.unit ?? ''} is too large`, m.n);
      return null;
    }
    if (n <= 0) {
      this.diag('error', 'eql.maxspan.value', `maxspan must be positive, found ${raw}`, m.n);
      return null;
    }
    if (m.unit === null) {
      this.diag('error', 'eql.maxspan.unit', `maxspan needs a time unit (ms, s, m, h, d), e.g. ${raw}s`, m);
      return null;
    }
    const mult = TIME_UNITS[m.unit];
    if (mult === undefined) {
      this.diag('error', 'eql.maxspan.unit', `unknown maxspan time unit \`${m.unit}\`; use one of ms, s, m, h, d`, m);
      return null;
    }
    return { ms: n * mult, text: `${raw}${m.unit}` };
  }

  // ------------------------------------------------------------------------
  // Event queries

  eventFilter(ev: EventSyn): Node {
    const cond = this.bool(ev.cond);
    const cat = ev.cat;
    if (cat === null) {
      const c = ev.cond;
      if (c.k === 'field' && c.parts.length === 1 && !c.optional) {
        // `process` or `garbage` alone: a category without `where`, not a truthiness test.
        this.diag('error', 'eql.syntax', `EQL syntax error: expected \`where\` after the event category \`${this.slice(c)}\``, c);
        return this.opaque(ev, 'EQL syntax error');
      }
      this.endgame('an event query without `<category> where`', ev);
      return cond;
    }
    if (cat.k === 'any') return cond;
    let name: string;
    let raw: string;
    if (cat.k === 'cat') {
      name = cat.name;
      raw = cat.name;
    } else {
      name = this.str(cat.str);
      raw = this.slice(cat.str);
    }
    // Elasticsearch builds `Equals(event.category, name)`: a case-sensitive term match.
    const catPred = predicate(this.opts.categoryField, 'eq', name, { caseSensitive: true, vendorOp: 'category', raw, source: this.spanSource(cat) });
    if (cond.type === 'constant' && cond.value) return catPred;
    return this.andAll([catPred, cond]);
  }

  private andAll(nodes: Node[]): Node {
    const children: Node[] = [];
    for (const n of nodes) {
      if (n.type === 'and') for (const c of n.children) children.push(c);
      else children.push(n);
    }
    return children.length === 1 ? children[0]! : and(children);
  }

  // ------------------------------------------------------------------------
  // Boolean expressions

  bool(x: ExprSyn): Node {
    switch (x.k) {
      case 'or':
      case 'and': {
        const children: Node[] = [];
        for (const item of x.items) {
          const c = this.bool(item);
          // Parenthesised groups of the same operator flatten (associativity). No spread:
          // a group can be a 200,000-value list.
          if (c.type === x.k) for (const cc of c.children) children.push(cc);
          else children.push(c);
        }
        return x.k === 'or' ? or(children) : and(children);
      }
      case 'not': {
        // Chains of `not` are iterated, not recursed, so they cannot overflow the stack.
        let depth = 0;
        let inner: ExprSyn = x;
        while (inner.k === 'not') {
          depth++;
          inner = inner.x;
        }
        if (depth > this.opts.limits.maxDepth) {
          // Each `not` is one AST level; downstream passes recurse over the tree.
          this.diag('error', 'eql.limit.depth', `${depth} chained \`not\` operators exceed limits.maxDepth (${this.opts.limits.maxDepth})`, x);
          return this.opaque(x, 'query over the nesting limit');
        }
        let node = this.bool(inner);
        for (let i = 0; i < depth; i++) node = not(node);
        return node;
      }
      case 'paren':
        return this.bool(x.x);
      case 'bool':
        return constant(x.value, this.spanSource(x));
      case 'cmp':
        return this.comparison(x);
      case 'in':
        return this.inSet(x);
      case 'strpred':
        return this.stringPredicate(x);
      case 'call':
        return this.callCondition(x);
      case 'lineage':
        this.check(x);
        if (!LINEAGE_RELATIONS.has(x.rel)) this.diag('error', 'eql.lineage.relation', `unknown lineage relation \`${x.rel}\`; use descendant, child or event`, { s: x.s, e: x.s + x.rel.length });
        return this.opaque(x, `lineage: ${x.rel} of [...] relates this event to another process event; not expressible as predicates`);
      case 'method':
        this.check(x);
        return this.opaque(x, 'Endgame method call used as a condition');
      case 'var':
        this.check(x);
        return this.opaque(x, '$variable used as a condition');
      case 'field':
        return this.opaque(x, 'a field used as a condition by itself (truthiness is not defined by Elasticsearch EQL)');
      case 'arith':
      case 'sign':
        this.check(x);
        return this.opaque(x, 'arithmetic used as a condition');
      case 'str':
      case 'num':
      case 'null':
        this.check(x);
        this.diag('warning', 'eql.condition.literal', 'a non-boolean literal used as a condition', x);
        return this.opaque(x, 'non-boolean literal used as a condition');
    }
  }

  /**
   * Report dialect use and string problems inside sub-expressions that are
   * kept opaque: nothing else converts them, yet a bad escape or an Endgame
   * construct inside `length(...) > 1` must not go unreported. Iterative.
   */
  private check(...roots: ExprSyn[]): void {
    this.checkAll(roots);
  }

  /** `check` over a list (lists can hold 200,000 items: never spread them into arguments). */
  private checkAll(roots: readonly ExprSyn[], extra?: ExprSyn): void {
    const stack: ExprSyn[] = [];
    const push = (xs: readonly ExprSyn[]) => {
      for (let i = xs.length - 1; i >= 0; i--) stack.push(xs[i]!);
    };
    push(roots);
    if (extra) stack.push(extra);
    while (stack.length) {
      const x = stack.pop()!;
      switch (x.k) {
        case 'str':
          this.str(x);
          break;
        case 'or':
        case 'and':
          push(x.items);
          break;
        case 'not':
        case 'paren':
        case 'sign':
          stack.push(x.x);
          break;
        case 'arith':
          stack.push(x.r, x.l);
          break;
        case 'cmp':
          if (x.op === '=') this.endgame('`=` as an equality operator', x);
          stack.push(x.right, x.left);
          break;
        case 'in':
          this.trailingComma(x.items);
          push(x.items);
          stack.push(x.left);
          break;
        case 'strpred':
          push(x.values);
          stack.push(x.left);
          break;
        case 'call':
          this.checkCall(x);
          push(x.args);
          break;
        case 'method':
          this.endgame('method call syntax `x:name()`', x);
          push(x.args);
          stack.push(x.target);
          break;
        case 'var':
          this.endgame('a `$variable`', x);
          break;
        case 'lineage':
          this.endgame(`lineage \`${x.rel} of [...]\``, x);
          // Convert the inner query for its diagnostics only.
          this.eventFilter(x.q);
          break;
        default:
          break;
      }
    }
  }

  private trailingComma(list: { trailing?: number }): void {
    if (list.trailing !== undefined) this.endgame('a trailing comma in a list', { s: list.trailing, e: list.trailing + 1 });
  }

  /** Resolve a function and report unknown names, Endgame-only functions and wrong arity. */
  private checkCall(x: CallSyn): { fn: EqlFunction; arityOk: boolean } | undefined {
    const fn = lookupFunction(x.name);
    this.trailingComma(x.args);
    if (!fn) {
      this.diag('warning', 'eql.function.unknown', `unknown function \`${x.name}\``, x);
      return undefined;
    }
    if (fn.dialect === 'endgame') this.endgame(`the function \`${fn.name}\``, x);
    const arityOk = x.args.length >= fn.min && x.args.length <= fn.max;
    if (!arityOk) {
      const want = fn.max === fn.min ? `${fn.min}` : fn.max === Infinity ? `at least ${fn.min}` : `${fn.min} to ${fn.max}`;
      this.diag('error', 'eql.function.arity', `${fn.name}() takes ${want} argument(s), found ${x.args.length}`, x);
    }
    return { fn, arityOk };
  }

  // ------------------------------------------------------------------------
  // Comparisons

  private comparison(x: CmpSyn): Node {
    let op = x.op;
    if (op === '=') {
      this.endgame('`=` as an equality operator', x);
      op = '==';
    }
    const l = unwrapParen(x.left);
    const r = unwrapParen(x.right);
    const lf = l.k === 'field' ? l : null;
    const rf = r.k === 'field' ? r : null;
    const ll = this.literal(l);
    const rl = this.literal(r);
    if (ll && rl) {
      // Two literals of the same type: Elasticsearch folds the comparison to a constant.
      const folded = foldComparison(op, ll.value, rl.value);
      if (folded !== null) return constant(folded, this.spanSource(x));
      return this.opaque(x, 'comparison of two literals with null or of different types');
    }
    if ((lf && this.isAliased(lf)) || (rf && this.isAliased(rf))) {
      this.check(x.left, x.right);
      return this.opaque(x, ALIAS_REASON);
    }
    const source = this.spanSource(x);
    if (lf && rl) return this.fieldComparison(this.fieldRef(lf), op, rl, source);
    if (rf && ll) return this.fieldComparison(this.fieldRef(rf), FLIP[op] ?? op, ll, source);
    if (lf && rf) {
      // Elasticsearch: "Comparisons against fields are not (currently) supported".
      this.diag('warning', 'eql.compare.fields', 'Elasticsearch EQL does not support comparing a field to another field', x);
      const ref = this.fieldRef(rf);
      const pop = CMP_OPS[op];
      if (pop === undefined) return this.opaque(x, `unsupported comparison operator ${op}`);
      const p = predicate(this.fieldRef(lf), pop === 'neq' ? 'eq' : pop, null, { caseSensitive: true, ref, vendorOp: op, source });
      return pop === 'neq' ? not(p) : p;
    }
    // `startsWith(...) == true` and friends: the function condition itself.
    const call = l.k === 'call' ? l : r.k === 'call' ? r : null;
    const other = call === l ? rl : ll;
    if (call && other && typeof other.value === 'boolean' && (op === '==' || op === '!=')) {
      const fn = lookupFunction(call.name);
      if (fn?.maps) {
        const cond = this.callCondition(call);
        return other.value === (op === '==') ? cond : not(cond);
      }
    }
    this.check(x.left, x.right);
    return this.opaque(x, 'comparison on a computed value (function, arithmetic or variable)');
  }

  private fieldComparison(field: FieldRef, op: string, lit: Lit, source: Source): Node {
    const { value, raw } = lit;
    if (value === null) {
      // `f != null` is the documented existence check; `f == null` its negation.
      if (op === '!=') return predicate(field, 'exists', true, { vendorOp: '!=', raw, source });
      if (op === '==') return not(predicate(field, 'exists', true, { vendorOp: '==', raw, source }));
      return opaque(source.text ?? '', `ordering comparison with null (${op}) is always null`, source);
    }
    switch (op) {
      case '==':
        return predicate(field, 'eq', value, { caseSensitive: true, vendorOp: '==', raw, source });
      case '!=':
        return not(predicate(field, 'eq', value, { caseSensitive: true, vendorOp: '!=', raw, source }));
      case '<':
        return predicate(field, 'lt', value, { caseSensitive: true, vendorOp: op, raw, source });
      case '<=':
        return predicate(field, 'lte', value, { caseSensitive: true, vendorOp: op, raw, source });
      case '>':
        return predicate(field, 'gt', value, { caseSensitive: true, vendorOp: op, raw, source });
      case '>=':
        return predicate(field, 'gte', value, { caseSensitive: true, vendorOp: op, raw, source });
      default:
        return opaque(source.text ?? '', `unsupported comparison operator ${op}`, source);
    }
  }

  private inSet(x: InSyn): Node {
    const vendorOp = (x.neg ? 'not ' : '') + x.op;
    const caseSensitive = x.op === 'in';
    this.trailingComma(x.items);
    const left = unwrapParen(x.left);
    if (left.k !== 'field' || this.isAliased(left)) {
      this.checkAll(x.items, x.left);
      return this.opaque(x, left.k === 'field' ? ALIAS_REASON : `\`${vendorOp}\` on a computed value`);
    }
    if (!this.checkList(x, x.items.length)) return this.opaque(x, `list longer than limits.maxListItems (${this.opts.limits.maxListItems})`);
    const field = this.fieldRef(left);
    const fieldText = this.slice(x.left);
    const children: Node[] = [];
    for (const item0 of x.items) {
      const item = unwrapParen(item0);
      const lit = this.literal(item);
      const src = () => this.source(item0.s, item0.e, joined(fieldText, ' ', vendorOp, ' ', this.slice(item0)));
      if (lit) {
        if (lit.value === null) children.push(not(predicate(field, 'exists', true, { vendorOp, raw: lit.raw, source: src() })));
        else children.push(predicate(field, 'eq', lit.value, { caseSensitive, vendorOp, raw: lit.raw, source: src() }));
      } else if (item.k === 'field' && this.isAliased(item)) {
        children.push(this.opaque(item0, ALIAS_REASON));
      } else if (item.k === 'field') {
        this.diag('warning', 'eql.compare.fields', 'Elasticsearch EQL does not support comparing a field to another field', item0);
        children.push(predicate(field, 'eq', null, { caseSensitive, ref: this.fieldRef(item), vendorOp, source: src() }));
      } else {
        this.check(item0);
        children.push(this.opaque(item0, `computed value in an \`${vendorOp}\` list`));
      }
    }
    const set = children.length === 1 ? children[0]! : or(children, this.spanSource(x));
    return x.neg ? not(set) : set;
  }

  private stringPredicate(x: StrPredSyn): Node {
    const op = x.op;
    const left = unwrapParen(x.left);
    if (left.k !== 'field' || this.isAliased(left)) {
      this.checkAll(x.values, x.left);
      return this.opaque(x, left.k === 'field' ? ALIAS_REASON : `\`${op}\` on a computed value`);
    }
    if (!this.checkList(x, x.values.length)) return this.opaque(x, `list longer than limits.maxListItems (${this.opts.limits.maxListItems})`);
    const field = this.fieldRef(left);
    const fieldText = this.slice(x.left);
    const single = x.values.length === 1 && !x.list;
    const children: Node[] = [];
    for (const v of x.values) {
      const source = single ? this.spanSource(x) : this.source(v.s, v.e, joined(fieldText, ' ', op, ' ', this.slice(v)));
      children.push(this.patternPredicate(field, op, v, source));
    }
    return children.length === 1 ? children[0]! : or(children, this.spanSource(x));
  }

  /** One value of `:`, `like`, `like~`, `regex`, `regex~`. */
  private patternPredicate(field: FieldRef, op: StrPredSyn['op'], v: LiteralSyn, source: Source): Node {
    const lit = this.literal(v)!;
    const raw = lit.raw;
    if (typeof lit.value !== 'string') {
      // Elasticsearch: `:`, like and regex "can only be used to compare strings" (a verification error).
      // `: null` has no documented meaning (the existence checks are `== null` / `!= null`).
      if (lit.value !== null) this.diag('error', 'eql.type.pattern', `\`${op}\` compares strings only; found ${typeof lit.value} ${raw}`, lit);
      return opaque(source.text ?? raw, `${op} with a non-string value`, source);
    }
    const s = lit.value;
    if (op === 'regex' || op === 'regex~') {
      if (s.length > this.opts.limits.maxRegexChars) {
        this.diag('error', 'eql.limit.regex-chars', `regular expression longer than limits.maxRegexChars (${this.opts.limits.maxRegexChars})`, v);
        return opaque(source.text ?? raw, 'regular expression over the size limit', source);
      }
      const ci = op === 'regex~';
      return predicate(field, 'regex_match', s, { caseSensitive: !ci, regex: ci ? LUCENE_REGEX_I : LUCENE_REGEX, vendorOp: op, raw, source });
    }
    // `:` is `like~`; `like` is the case-sensitive form. `*` and `?` are wildcards, `\` is literal.
    const caseSensitive = op === 'like';
    if (eqlHasWildcard(s)) return predicate(field, 'wildcard', eqlPatternToGlob(s), { caseSensitive, vendorOp: op, raw, source });
    return predicate(field, 'eq', s, { caseSensitive, vendorOp: op, raw, source });
  }

  private checkList(sp: Span, n: number): boolean {
    if (n <= this.opts.limits.maxListItems) return true;
    this.diag('error', 'eql.limit.list-items', `value list has ${n} items, more than limits.maxListItems (${this.opts.limits.maxListItems})`, sp);
    return false;
  }

  // ------------------------------------------------------------------------
  // Functions used as conditions

  private callCondition(x: CallSyn): Node {
    const written = x.name + (x.tilde ? '~' : '');
    const resolved = this.checkCall(x);
    const opaqueCall = (reason: string): Node => {
      this.checkAll(x.args);
      return this.opaque(x, reason);
    };
    if (!resolved) return opaqueCall('unknown function');
    const { fn, arityOk } = resolved;
    if (!arityOk) return opaqueCall(`${fn.name}() with a wrong number of arguments`);
    if (fn.opaque) return opaqueCall(fn.opaque);
    if (!fn.maps) return opaqueCall(`${fn.name}() returns a non-boolean value; used as a condition`);
    const canonical = fn.name + (x.tilde ? '~' : '');
    const target = unwrapParen(x.args[0]!);
    if (target.k !== 'field') return opaqueCall(`${canonical}() whose first argument is not a field`);
    if (this.isAliased(target) || x.args.some((a) => { const u = unwrapParen(a); return u.k === 'field' && this.isAliased(u); })) return opaqueCall(ALIAS_REASON);
    const field = this.fieldRef(target);
    const fieldText = this.slice(x.args[0]!);
    const values = x.args.slice(1);
    const children: Node[] = [];
    for (const a0 of values) {
      const a = unwrapParen(a0);
      const lit = this.literal(a);
      if (a.k === 'field' && fn.maps !== 'cidrMatch') {
        // `startsWith(file.path, dll.path)`: a field-to-field comparison, as the AST records Sigma
        // `fieldref|startswith`: op wildcard, value null, `ref` the other field, `vendorOp` the function.
        const t = values.length === 1 ? this.slice(x) : joined(written, '(', fieldText, ', ', this.slice(a0), ')');
        const source = values.length === 1 ? this.spanSource(x) : this.source(a0.s, a0.e, t);
        const fnName = written.toLowerCase();
        const refMatch = fnName.startsWith('startswith') ? 'startswith' : fnName.startsWith('endswith') ? 'endswith' : 'contains';
        children.push(predicate(field, 'wildcard', null, { caseSensitive: !x.tilde, ref: this.fieldRef(a), refMatch, vendorOp: written, source }));
        continue;
      }
      if (!lit || typeof lit.value !== 'string') {
        // Reasons are stable strings (they are counted); the opaque text says which call it was.
        const why = a.k === 'field' ? 'with a field as a CIDR block' : lit?.value === null ? 'with a null argument' : 'with a computed or non-string argument';
        this.check(a0);
        const t = values.length === 1 ? this.slice(x) : joined(written, '(', fieldText, ', ', this.slice(a0), ')');
        children.push(opaque(t, `${canonical}() ${why}`, values.length === 1 ? this.spanSource(x) : this.source(a0.s, a0.e, t)));
        continue;
      }
      const source = values.length === 1 ? this.spanSource(x) : this.source(a0.s, a0.e, joined(written, '(', fieldText, ', ', this.slice(a0), ')'));
      if (fn.maps === 'stringContains' && lit.value === '') {
        // Documented: stringContains(x, "") is false, even for an empty x (unlike startsWith/endsWith).
        children.push(constant(false, source));
        continue;
      }
      children.push(this.functionPredicate(fn.maps, x.tilde, field, lit, written, source));
    }
    return children.length === 1 ? children[0]! : or(children, this.spanSource(x));
  }

  private functionPredicate(kind: NonNullable<ReturnType<typeof lookupFunction>>['maps'], tilde: boolean, field: FieldRef, lit: Lit, vendorOp: string, source: Source): Predicate {
    const s = lit.value as string;
    // Elasticsearch string functions are case-sensitive unless called with `~`.
    const caseSensitive = !tilde;
    switch (kind) {
      case 'cidrMatch': {
        const problem = cidrProblem(s);
        if (problem) this.diag('warning', 'eql.cidr.invalid', `invalid CIDR block "${s}": ${problem}`, lit);
        return predicate(field, 'cidr', s, { vendorOp, raw: lit.raw, source });
      }
      case 'startsWith':
        return predicate(field, 'wildcard', escapeLiteral(s) + '*', { caseSensitive, vendorOp, raw: lit.raw, source });
      case 'endsWith':
        return predicate(field, 'wildcard', '*' + escapeLiteral(s), { caseSensitive, vendorOp, raw: lit.raw, source });
      default:
        return predicate(field, 'wildcard', '*' + escapeLiteral(s) + '*', { caseSensitive, vendorOp, raw: lit.raw, source });
    }
  }

  // ------------------------------------------------------------------------
  // Leaves

  /** `p0.process.name` where `p0` is a step alias (never a `?optional` or backtick-quoted name). */
  private isAliased(f: FieldSyn): boolean {
    const head = f.parts[0];
    return this.aliases.size > 0 && !f.optional && f.parts.length > 1 && typeof head === 'string' && this.aliases.has(head);
  }

  fieldRef(f: FieldSyn): FieldRef {
    let name = '';
    for (const p of f.parts) {
      if (typeof p === 'string') name += name ? '.' + p : p;
      else if ('quoted' in p) name += name ? '.' + p.quoted : p.quoted;
      else name += `[${p.index}]`;
    }
    return { name };
  }

  /** A literal (with a folded unary sign on numbers), or null when `x` is not one. */
  private literal(x: ExprSyn): Lit | null {
    switch (x.k) {
      case 'str':
        return { value: this.str(x), raw: this.slice(x), s: x.s, e: x.e };
      case 'num':
        return { value: Number(x.raw), raw: x.raw, s: x.s, e: x.e };
      case 'bool':
        return { value: x.value, raw: this.slice(x), s: x.s, e: x.e };
      case 'null':
        return { value: null, raw: 'null', s: x.s, e: x.e };
      case 'sign': {
        const inner = unwrapParen(x.x);
        if (inner.k !== 'num') return null;
        const negative = (x.signs.match(/-/g)?.length ?? 0) % 2 === 1;
        const v = Number(inner.raw);
        return { value: negative ? -v : v, raw: this.slice(x).replace(/\s+/g, ''), s: x.s, e: x.e };
      }
      default:
        return null;
    }
  }

  str(x: StrSyn): string {
    if (x.q === 'sq' || x.q === 'rawdq' || x.q === 'rawsq') this.endgame(x.q === 'sq' ? "a single-quoted string '…'" : 'a ?"raw" string (use """…""")', x);
    const before = this.stringProblems.length;
    const v = unescapeString(x, this.stringProblems);
    for (let i = before; i < this.stringProblems.length; i++) {
      const p = this.stringProblems[i]!;
      this.diag('error', p.code, p.message, { s: p.at, e: p.at + 2 });
    }
    return v;
  }
}

/** `a op b` for two non-null literals of the same type (strings compare by code unit, case-sensitively); null otherwise. */
function foldComparison(op: string, a: Scalar, b: Scalar): boolean | null {
  if (a === null || b === null || typeof a !== typeof b) return null;
  switch (op) {
    case '==':
      return a === b;
    case '!=':
      return a !== b;
    case '<':
      return a < b;
    case '<=':
      return a <= b;
    case '>':
      return a > b;
    case '>=':
      return a >= b;
    default:
      return null;
  }
}

/** Endgame lineage relations (case-sensitive). */
const LINEAGE_RELATIONS = new Set(['descendant', 'child', 'event']);

function isLiteral(x: ExprSyn): boolean {
  return x.k === 'str' || x.k === 'num' || x.k === 'bool' || x.k === 'null';
}

const ALIAS_REASON = 'refers to the event of another sequence step through its alias (Endpoint `as`)';

/** `a < b` is `b > a`. */
const FLIP: Record<string, string> = { '<': '>', '<=': '>=', '>': '<', '>=': '<=', '==': '==', '!=': '!=' };
const CMP_OPS: Record<string, 'eq' | 'neq' | 'lt' | 'lte' | 'gt' | 'gte'> = { '==': 'eq', '!=': 'neq', '<': 'lt', '<=': 'lte', '>': 'gt', '>=': 'gte' };

function unwrapParen(x: ExprSyn): ExprSyn {
  while (x.k === 'paren') x = x.x;
  return x;
}

/** Function arguments are literal strings: `*` and `?` in them are not wildcards. */
function escapeLiteral(s: string): string {
  return escapeGlob(s);
}
