/**
 * A hand-written reader for EQL: grammars/eql.peggy's `Start` rule compiled by
 * hand, rule for rule, with the same ordered choices, the same backtracking
 * and the same tree (node for node, key order and offsets included). It reads
 * the queries that parse; for any other, and wherever the grammar raises an
 * error from an action, it returns null, and the generated parser reads the
 * query again, so every syntax error (message, location, expected list) still
 * comes from the grammar.
 *
 * Why: a first pass through the generated parser (the only pass a build
 * makes) cost about 0.15 s for the Elastic corpus's 1,037 EQL queries, most of
 * it the generated code's many small functions running cold
 * (docs/performance.md, "The KQL, EQL and ES|QL readers"). The grammar stays the
 * definition: test/elastic/eql-reader.test.ts holds the reader to it on the
 * corpus and on random queries, and a change to one is made to both.
 */
import type {
  BoolSyn,
  BySyn,
  CategorySyn,
  EventSyn,
  ExprSyn,
  FieldPart,
  FieldSyn,
  LiteralSyn,
  MaxSpanSyn,
  NumSyn,
  PipeSyn,
  QuerySyn,
  StepSyn,
  StrSyn,
  SynList,
} from './syntax.js';
import { isDigit, PegReader } from '../../../core/peg-reader.js';

/** The grammar's reserved words (its `KEYWORDS`): not identifiers unless after a dot. */
const KEYWORDS = new Set(['and', 'any', 'by', 'false', 'in', 'join', 'like', 'maxspan', 'not', 'null', 'of', 'or', 'regex', 'sample', 'sequence', 'true', 'until', 'where', 'with']);

/** Where the grammar calls `error()`: the whole parse stops (the generated parser then reports it). */
class Abort extends Error {}

/** [A-Za-z0-9_] */
function isIdentChar(c: number): boolean {
  return (c >= 97 && c <= 122) || (c >= 65 && c <= 90) || (c >= 48 && c <= 57) || c === 95;
}
/** [A-Za-z_@] */
function isIdentStart(c: number): boolean {
  return (c >= 97 && c <= 122) || (c >= 65 && c <= 90) || c === 95 || c === 64;
}

type Node = Record<string, unknown>;

/** The grammar's `foldBinary` step: an arithmetic node over the operands' span. */
const arith = (l: ExprSyn, op: string, r: ExprSyn): ExprSyn => ({ k: 'arith', op, l, r, s: l.s, e: r.e });

class Reader extends PegReader {
  /** `_`: whitespace, line comments and nested block comments (the grammar's skipWs). */
  protected ws(): void {
    const input = this.input;
    let p = this.pos;
    for (;;) {
      const c = input.charCodeAt(p);
      if (c === 32 || c === 9 || c === 10 || c === 13) {
        p++;
        continue;
      }
      if (c === 47) {
        const d = input.charCodeAt(p + 1);
        if (d === 47) {
          p += 2;
          while (p < this.n) {
            const e = input.charCodeAt(p);
            if (e === 10 || e === 13) break;
            p++;
          }
          continue;
        }
        if (d === 42) {
          const q = this.blockEnd(p);
          if (q >= 0) {
            p = q;
            continue;
          }
        }
      }
      break;
    }
    this.pos = p;
  }

  private blockEnd(p: number): number {
    const input = this.input;
    let q = p + 2;
    for (;;) {
      if (input.charCodeAt(q) === 47 && input.charCodeAt(q + 1) === 42) {
        const r = this.blockEnd(q);
        if (r >= 0) {
          q = r;
          continue;
        }
      }
      if (input.charCodeAt(q) === 42 && input.charCodeAt(q + 1) === 47) return q + 2;
      if (q >= this.n) return -1;
      q++;
    }
  }

  /** `"word" !IdentChar` (the Kw* rules, and "fork", "runs", "as"). */
  private kw(w: string): boolean {
    if (!this.lit(w) || isIdentChar(this.code(this.pos + w.length))) return false;
    this.pos += w.length;
    return true;
  }

  /** `IdentName`: its text, or null. */
  private identName(): string | null {
    const start = this.pos;
    if (!isIdentStart(this.code(start))) return null;
    let p = start + 1;
    while (isIdentChar(this.code(p))) p++;
    this.pos = p;
    return this.input.slice(start, p);
  }

  /** `Ident`: an IdentName that is not a keyword. */
  private ident(): string | null {
    const start = this.pos;
    const name = this.identName();
    if (name === null || KEYWORDS.has(name)) {
      this.pos = start;
      return null;
    }
    return name;
  }

  /** `(_ @X)*` */
  private many<T>(x: () => T | null): T[] {
    const out: T[] = [];
    for (let v = this.after(x); v !== null; v = this.after(x)) out.push(v);
    return out;
  }

  // ---- Queries

  start(): QuerySyn | null {
    this.ws();
    const q = this.pipedQuery();
    if (!q) return null;
    this.ws();
    return this.pos === this.n ? q : null;
  }

  private pipedQuery(): QuerySyn | null {
    const start = this.pos;
    const base = this.baseQuery();
    if (base) {
      const pipes = this.many(() => this.pipe());
      return { k: 'query', base, pipes, s: start, e: this.pos };
    }
    this.pos = start;
    // Pipe|1.., _|
    const first = this.pipe();
    if (!first) return null;
    const pipes = [first, ...this.many(() => this.pipe())];
    return { k: 'query', base: null, pipes, s: start, e: this.pos };
  }

  private baseQuery(): QuerySyn['base'] {
    return this.sequence() ?? this.sample() ?? this.join() ?? this.eventQuery();
  }

  private sequence(): QuerySyn['base'] {
    const start = this.pos;
    if (!this.kw('sequence')) return null;
    const params = this.many(() => this.joinBy() ?? this.maxSpan());
    const steps = this.many(() => this.subqueryBy());
    if (!steps.length) {
      this.pos = start;
      return null;
    }
    const until = this.untilStep();
    return { k: 'sequence', params, steps, until, s: start, e: this.pos };
  }

  /** `(_ KwUntil _ @SubqueryBy)?` */
  private untilStep(): StepSyn | null {
    return this.after(() => {
      const at = this.pos;
      if (!this.kw('until')) return null;
      this.ws();
      const step = this.subqueryBy();
      if (!step) this.pos = at;
      return step;
    });
  }

  private sample(): QuerySyn['base'] {
    const start = this.pos;
    if (!this.kw('sample')) return null;
    const by = this.after(() => this.joinBy());
    const steps = this.many(() => this.subqueryBy());
    if (!steps.length) {
      this.pos = start;
      return null;
    }
    return { k: 'sample', by, steps, s: start, e: this.pos };
  }

  private join(): QuerySyn['base'] {
    const start = this.pos;
    if (!this.kw('join')) return null;
    const by = this.after(() => this.joinBy());
    const steps = this.many(() => this.subqueryBy());
    if (!steps.length) {
      this.pos = start;
      return null;
    }
    const until = this.untilStep();
    return { k: 'join', by, steps, until, s: start, e: this.pos };
  }

  private joinBy(): BySyn | null {
    const start = this.pos;
    if (!this.kw('by')) return null;
    this.ws();
    const keys = this.exprList();
    if (!keys) {
      this.pos = start;
      return null;
    }
    return { k: 'by', keys, s: start, e: this.pos };
  }

  private maxSpan(): MaxSpanSyn | null {
    const start = this.pos;
    const fail = () => ((this.pos = start), null);
    if (!this.kw('with')) return null;
    this.ws();
    if (!this.kw('maxspan')) return fail();
    this.ws();
    if (!this.lit('=')) return fail();
    this.pos++;
    this.ws();
    const n = this.numberToken();
    if (!n) return fail();
    this.ws();
    const unit = this.identName() ?? '';
    return { k: 'maxspan', n, unit: unit || null, s: start, e: this.pos };
  }

  private subqueryBy(): StepSyn | null {
    const start = this.pos;
    // open:("![" / "[") _ q:EventQuery _ "]"
    const missing = this.lit('![');
    const q = this.enclosed(missing ? '![' : '[', () => this.eventQuery(), ']');
    if (!q) return null;
    const fork = this.after(() => this.fork());
    const by = this.after(() => this.joinBy());
    const runs = this.after(() => this.runs());
    const alias = this.after(() => this.alias());
    return { k: 'step', missing, q, fork, by, runs, alias, s: start, e: this.pos };
  }

  private fork(): StepSyn['fork'] {
    const start = this.pos;
    if (!this.kw('fork')) return null;
    // value:(_ "=" _ @Boolean)?
    const at = this.pos;
    this.ws();
    let value: BoolSyn | null = null;
    if (this.lit('=')) {
      this.pos++;
      this.ws();
      value = this.boolean();
    }
    if (!value) this.pos = at;
    return { k: 'fork', value, s: start, e: this.pos };
  }

  private runs(): StepSyn['runs'] {
    const start = this.pos;
    const fail = () => ((this.pos = start), null);
    if (!this.kw('with')) return null;
    this.ws();
    if (!this.kw('runs')) return fail();
    this.ws();
    if (!this.lit('=')) return fail();
    this.pos++;
    this.ws();
    const n = this.numberToken();
    if (!n) return fail();
    return { k: 'runs', n, s: start, e: this.pos };
  }

  private alias(): StepSyn['alias'] {
    const start = this.pos;
    if (!this.kw('as')) return null;
    this.ws();
    const name = this.identName();
    if (name === null) {
      this.pos = start;
      return null;
    }
    return { k: 'alias', name, s: start, e: this.pos };
  }

  private eventQuery(): EventSyn | null {
    const start = this.pos;
    // cat:(@EventCategory _ KwWhere _)?
    let cat = this.eventCategory();
    if (cat) {
      this.ws();
      if (this.kw('where')) this.ws();
      else {
        cat = null;
        this.pos = start;
      }
    }
    const cond = this.expr();
    if (!cond) {
      this.pos = start;
      return null;
    }
    return { k: 'event', cat, cond, s: start, e: this.pos };
  }

  private eventCategory(): CategorySyn | null {
    const start = this.pos;
    if (this.kw('any')) return { k: 'any', s: start, e: this.pos };
    const str = this.string();
    if (str) return { k: 'catstr', str, s: start, e: this.pos };
    const name = this.ident();
    if (name !== null) return { k: 'cat', name, s: start, e: this.pos };
    return null;
  }

  private pipe(): PipeSyn | null {
    const start = this.pos;
    if (!this.lit('|')) return null;
    this.pos++;
    this.ws();
    const name = this.identName();
    if (name === null) {
      this.pos = start;
      return null;
    }
    const args = this.after(() => this.pipeArgs());
    return { k: 'pipe', name, args: args ?? [], s: start, e: this.pos };
  }

  private pipeArgs(): ExprSyn[] | null {
    const head = this.expr();
    if (!head) return null;
    const out = [head];
    for (;;) {
      const at = this.pos;
      this.ws();
      if (this.lit(',')) {
        this.pos++;
        this.ws();
      }
      const x = this.expr();
      if (!x) {
        this.pos = at;
        break;
      }
      out.push(x);
    }
    return out;
  }

  // ---- Boolean expressions

  private expr(): ExprSyn | null {
    return this.chain(() => this.andExpr(), () => this.keyword('or'), (items, s) => ({ k: 'or', items, s, e: this.pos }));
  }

  private andExpr(): ExprSyn | null {
    return this.chain(() => this.notExpr(), () => this.keyword('and'), (items, s) => ({ k: 'and', items, s, e: this.pos }));
  }

  /** `_ KwOp _` */
  private keyword(w: string): boolean {
    this.ws();
    if (!this.kw(w)) return false;
    this.ws();
    return true;
  }

  private notExpr(): ExprSyn | null {
    const start = this.pos;
    const nots: number[] = [];
    // nots:(@NotStart _)*
    for (;;) {
      const at = this.pos;
      if (!this.kw('not')) break;
      nots.push(at);
      this.ws();
    }
    const t = this.term();
    if (!t) {
      this.pos = start;
      return null;
    }
    let node: ExprSyn = t;
    for (let i = nots.length - 1; i >= 0; i--) node = { k: 'not', x: node, s: nots[i]!, e: t.e };
    return node;
  }

  private term(): ExprSyn | null {
    const start = this.pos;
    const left = this.sum();
    if (!left) return null;
    const tail = this.after(() => this.termTail());
    if (!tail) return left;
    if (tail.k === 'lineage') {
      if (left.k !== 'field' || left.optional || left.parts.length !== 1 || typeof left.parts[0] !== 'string') throw new Abort();
      tail.rel = left.parts[0];
    } else tail.left = left;
    tail.s = start;
    tail.e = this.pos;
    return tail as unknown as ExprSyn;
  }

  private termTail(): Node | null {
    const start = this.pos;
    const fail = () => ((this.pos = start), null);
    const cmp = this.compOp();
    if (cmp !== null) {
      this.ws();
      const right = this.sum();
      if (right) return { k: 'cmp', op: cmp, right };
      this.pos = start;
    }
    const str = this.strOp();
    if (str !== null) {
      this.ws();
      const values = this.strPredValues();
      if (values) return { k: 'strpred', op: str, values: values.items, list: values.list };
      this.pos = start;
    }
    // neg:(@KwNot _)? op:InOp _ "(" _ items:ExprListTrailing _ ")"
    let neg = false;
    if (this.kw('not')) {
      neg = true;
      this.ws();
    }
    const inOp = this.inOp();
    if (inOp !== null) {
      this.ws();
      const items = this.enclosed('(', () => this.exprListTrailing(), ')');
      if (items) return { k: 'in', op: inOp, neg, items };
    }
    this.pos = start;
    // KwOf _ "[" _ q:EventQuery _ "]"
    if (this.kw('of')) {
      this.ws();
      const q = this.enclosed('[', () => this.eventQuery(), ']');
      if (q) return { k: 'lineage', q };
    }
    return fail();
  }

  /** "==" / "!=" / "<=" / ">=" / "<" / ">" / $("=" !"=") */
  private compOp(): string | null {
    for (const op of ['==', '!=', '<=', '>=', '<', '>']) {
      if (this.lit(op)) {
        this.pos += op.length;
        return op;
      }
    }
    if (this.lit('=') && this.code(this.pos + 1) !== 61) {
      this.pos++;
      return '=';
    }
    return null;
  }

  /** $("in~") / $("in" !IdentChar) */
  private inOp(): 'in' | 'in~' | null {
    if (this.lit('in~')) {
      this.pos += 3;
      return 'in~';
    }
    return this.kw('in') ? 'in' : null;
  }

  /** $(":" !":") / $("like~") / $("like" !IdentChar) / $("regex~") / $("regex" !IdentChar) */
  private strOp(): string | null {
    if (this.lit(':') && this.code(this.pos + 1) !== 58) {
      this.pos++;
      return ':';
    }
    for (const w of ['like', 'regex']) {
      if (this.lit(w + '~')) {
        this.pos += w.length + 1;
        return w + '~';
      }
      if (this.kw(w)) return w;
    }
    return null;
  }

  private strPredValues(): { items: LiteralSyn[]; list: boolean } | null {
    const items = this.enclosed('(', () => this.literalList(), ')');
    if (items) return { items, list: true };
    const v = this.literal();
    return v ? { items: [v], list: false } : null;
  }

  private literalList(): LiteralSyn[] | null {
    return this.commaList(() => this.literal());
  }

  private exprList(): ExprSyn[] | null {
    return this.commaList(() => this.expr());
  }

  private exprListTrailing(): SynList<ExprSyn> | null {
    const items: SynList<ExprSyn> | null = this.commaList(() => this.expr());
    if (!items) return null;
    // trailing:(_ @TrailingComma)?
    const at = this.pos;
    this.ws();
    if (this.lit(',')) {
      items.trailing = this.pos;
      this.pos++;
    } else this.pos = at;
    return items;
  }

  // ---- Value expressions

  private sum(): ExprSyn | null {
    return this.foldLeft(() => this.product(), (c) => c === 43 || c === 45, arith);
  }

  private product(): ExprSyn | null {
    return this.foldLeft(() => this.unary(), (c) => c === 42 || c === 47 || c === 37, arith);
  }

  private unary(): ExprSyn | null {
    const start = this.pos;
    let signs = '';
    for (;;) {
      const c = this.code(this.pos);
      if (c !== 43 && c !== 45) break;
      signs += String.fromCharCode(c);
      this.pos++;
      this.ws();
    }
    if (signs) {
      const x = this.postfix();
      if (x) return { k: 'sign', signs, x, s: start, e: this.pos };
      this.pos = start;
    }
    return this.postfix();
  }

  private postfix(): ExprSyn | null {
    const x = this.primary();
    if (!x) return null;
    let node = x;
    for (let m = this.method(); m; m = this.method()) node = { k: 'method', target: node, name: m.name, tilde: m.tilde, args: m.args, s: node.s, e: m.e };
    return node;
  }

  /** ":" name:IdentName tilde:"~"? "(" _ args:ExprListTrailing? _ ")" */
  private method(): { name: string; tilde: boolean; args: SynList<ExprSyn>; e: number } | null {
    const start = this.pos;
    const fail = () => ((this.pos = start), null);
    if (!this.lit(':')) return null;
    this.pos++;
    const name = this.identName();
    if (name === null) return fail();
    const tilde = this.lit('~');
    if (tilde) this.pos++;
    if (!this.lit('(')) return fail();
    this.pos++;
    this.ws();
    const args = this.optionalArgs();
    this.ws();
    if (!this.lit(')')) return fail();
    this.pos++;
    return { name, tilde, args, e: this.pos };
  }

  /** `args:ExprListTrailing?` (as `args ?? []`). */
  private optionalArgs(): SynList<ExprSyn> {
    const at = this.pos;
    const args = this.exprListTrailing();
    if (!args) this.pos = at;
    return args ?? [];
  }

  private primary(): ExprSyn | null {
    const lit = this.literal();
    if (lit) return lit;
    const np = this.namePrimary();
    if (np) return np;
    const start = this.pos;
    if (this.lit('$')) {
      this.pos++;
      const f = this.field();
      if (f) return { k: 'var', f, s: start, e: this.pos };
      this.pos = start;
    }
    const f = this.field();
    if (f) return f;
    const x = this.enclosed('(', () => this.expr(), ')');
    return x ? { k: 'paren', x, s: start, e: this.pos } : null;
  }

  private namePrimary(): ExprSyn | null {
    const start = this.pos;
    const name = this.ident();
    if (name === null) return null;
    const tail = this.callTail();
    const rest = this.fieldRests();
    if (tail) {
      if (rest.length) throw new Abort();
      return { k: 'call', name, tilde: tail.tilde, args: tail.args, s: start, e: this.pos };
    }
    return { k: 'field', optional: false, parts: [name, ...rest], s: start, e: this.pos };
  }

  /** tilde:"~"? _ "(" _ args:ExprListTrailing? _ ")" */
  private callTail(): { tilde: boolean; args: SynList<ExprSyn> } | null {
    const start = this.pos;
    const tilde = this.lit('~');
    if (tilde) this.pos++;
    this.ws();
    if (!this.lit('(')) {
      this.pos = start;
      return null;
    }
    this.pos++;
    this.ws();
    const args = this.optionalArgs();
    this.ws();
    if (!this.lit(')')) {
      this.pos = start;
      return null;
    }
    this.pos++;
    return { tilde, args };
  }

  private field(): FieldSyn | null {
    const start = this.pos;
    let optional = false;
    if (this.lit('?')) {
      optional = true;
      this.pos++;
      this.ws();
    }
    const head = this.ident() ?? this.backtickName();
    if (head === null) {
      this.pos = start;
      return null;
    }
    return { k: 'field', optional, parts: [head, ...this.fieldRests()], s: start, e: this.pos };
  }

  private fieldRests(): FieldPart[] {
    const out: FieldPart[] = [];
    for (;;) {
      const at = this.pos;
      if (this.lit('.')) {
        this.pos++;
        this.ws();
        const p = this.identName() ?? this.backtickName();
        if (p !== null) {
          out.push(p);
          continue;
        }
      } else if (this.lit('[')) {
        this.pos++;
        this.ws();
        const from = this.pos;
        while (isDigit(this.code(this.pos))) this.pos++;
        if (this.pos > from) {
          const index = this.input.slice(from, this.pos);
          this.ws();
          if (this.lit(']')) {
            this.pos++;
            out.push({ index });
            continue;
          }
        }
      }
      this.pos = at;
      return out;
    }
  }

  /** "`" chars:("``" / [^`]+)* "`" */
  private backtickName(): { quoted: string } | null {
    const start = this.pos;
    if (!this.lit('`')) return null;
    let p = start + 1;
    let s = '';
    for (;;) {
      if (p >= this.n) {
        this.pos = start;
        return null;
      }
      if (this.code(p) === 96) {
        if (this.code(p + 1) === 96) {
          s += '`';
          p += 2;
          continue;
        }
        break;
      }
      const from = p;
      while (p < this.n && this.code(p) !== 96) p++;
      s += this.input.slice(from, p);
    }
    this.pos = p + 1;
    return { quoted: s };
  }

  // ---- Literals

  private literal(): LiteralSyn | null {
    const start = this.pos;
    const s = this.string();
    if (s) return s;
    const n = this.numberToken();
    if (n) return n;
    const b = this.boolean();
    if (b) return b;
    if (this.kw('null')) return { k: 'null', s: start, e: this.pos };
    return null;
  }

  private boolean(): BoolSyn | null {
    const start = this.pos;
    if (this.kw('true')) return { k: 'bool', value: true, s: start, e: this.pos };
    if (this.kw('false')) return { k: 'bool', value: false, s: start, e: this.pos };
    return null;
  }

  /** $([0-9]+ ("." [0-9]*)? Exponent? / "." [0-9]+ Exponent?) */
  private numberToken(): NumSyn | null {
    const start = this.pos;
    let p = start;
    if (isDigit(this.code(p))) {
      while (isDigit(this.code(p))) p++;
      if (this.code(p) === 46) {
        p++;
        while (isDigit(this.code(p))) p++;
      }
    } else if (this.code(p) === 46 && isDigit(this.code(p + 1))) {
      p++;
      while (isDigit(this.code(p))) p++;
    } else return null;
    p = this.exponent(p);
    this.pos = p;
    return { k: 'num', raw: this.input.slice(start, p), s: start, e: p };
  }

  /** Exponent = [eE] [+-]? [0-9]+, optional: where it ends (p when absent). */
  private exponent(p: number): number {
    const c = this.code(p);
    if (c !== 101 && c !== 69) return p;
    let q = p + 1;
    if (this.code(q) === 43 || this.code(q) === 45) q++;
    if (!isDigit(this.code(q))) return p;
    while (isDigit(this.code(q))) q++;
    return q;
  }

  /** `String`: the five quoting forms, in the grammar's order. */
  private string(): StrSyn | null {
    const input = this.input;
    const start = this.pos;
    const c = this.code(start);
    if (c === 34) {
      // '"""' body:$(!'"""' [^\r\n])* '"""' extra:$('"' '"'?)?
      if (input.startsWith('"""', start)) {
        let p = start + 3;
        while (p < this.n && !input.startsWith('"""', p)) {
          const d = input.charCodeAt(p);
          if (d === 10 || d === 13) break;
          p++;
        }
        if (input.startsWith('"""', p)) {
          let body = input.slice(start + 3, p);
          let q = p + 3;
          if (input.charCodeAt(q) === 34) {
            q++;
            if (input.charCodeAt(q) === 34) q++;
            body += input.slice(p + 3, q);
          }
          this.pos = q;
          return { k: 'str', q: 'raw', body, s: start, e: q };
        }
      }
      // '"' body:$(scanQuoted(34)) '"'
      const end = this.scanQuoted(start + 1, 34);
      if (input.charCodeAt(end) !== 34) return null;
      this.pos = end + 1;
      return { k: 'str', q: 'dq', body: input.slice(start + 1, end), s: start, e: this.pos };
    }
    if (c === 63) {
      const d = this.code(start + 1);
      if (d === 34 || d === 39) {
        // "?\"" body:$('\\"' / [^"\r\n])* '"'  and the same with '
        let p = start + 2;
        for (;;) {
          const e = input.charCodeAt(p);
          if (e === 92 && input.charCodeAt(p + 1) === d) p += 2;
          else if (p < this.n && e !== d && e !== 10 && e !== 13) p++;
          else break;
        }
        if (input.charCodeAt(p) !== d) return null;
        this.pos = p + 1;
        return { k: 'str', q: d === 34 ? 'rawdq' : 'rawsq', body: input.slice(start + 2, p), s: start, e: this.pos };
      }
      return null;
    }
    if (c === 39) {
      const end = this.scanQuoted(start + 1, 39);
      if (input.charCodeAt(end) !== 39) return null;
      this.pos = end + 1;
      return { k: 'str', q: 'sq', body: input.slice(start + 1, end), s: start, e: this.pos };
    }
    return null;
  }

  /** ([^<quote>\\\r\n]+ / "\\" [^\r\n])* from `p`: where it stops (the grammar's scanQuoted). */
  private scanQuoted(p: number, quote: number): number {
    const input = this.input;
    while (p < this.n) {
      const c = input.charCodeAt(p);
      if (c === quote || c === 10 || c === 13) break;
      if (c === 92) {
        const d = input.charCodeAt(p + 1);
        if (p + 1 >= this.n || d === 10 || d === 13) break;
        p += 2;
      } else p++;
    }
    return p;
  }
}

/** The syntax tree of an EQL query as grammars/eql.peggy's `Start` gives it, or null when the grammar would report an error. */
export function readEql(text: string): QuerySyn | null {
  try {
    return new Reader(text).start();
  } catch (e) {
    if (e instanceof Abort) return null;
    throw e;
  }
}
