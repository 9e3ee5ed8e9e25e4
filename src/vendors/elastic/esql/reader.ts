/**
 * A hand-written reader for ES|QL: grammars/esql.peggy's `Query` rule compiled
 * by hand, rule for rule, with the same ordered choices, the same backtracking
 * and the same tree (node for node, key order, offsets and texts included). It
 * reads the queries that parse; for any other it returns null, and the
 * generated parser reads the query again, so every syntax error (message,
 * location, expected list) still comes from the grammar.
 *
 * Why: a first pass through the generated parser (the only pass a build
 * makes) cost about 0.17 s for the Elastic corpus's 374 ES|QL queries, most of
 * it the generated code's many small functions running cold
 * (docs/performance.md, "The KQL, EQL and ES|QL readers"). The grammar stays the
 * definition: test/elastic/esql-reader.test.ts holds the reader to it on the
 * corpus and on random queries, and a change to one is made to both.
 */
import { isDigit, PegReader } from '../../../core/peg-reader.js';

type Node = Record<string, unknown>;
interface Str {
  value: string;
  raw: string;
  triple: boolean;
  badEscape: boolean;
}

/** The grammar's `KEYWORDS`: not the bare first part of a name. */
const KEYWORDS = new Set(['and', 'or', 'not', 'in', 'is', 'like', 'rlike', 'null', 'true', 'false', 'by', 'as']);
/** `TimeUnitBody`'s choices, in order (the first that matches is taken, then `!IdChar` is checked). */
const TIME_UNITS = ['milliseconds', 'millisecond', 'ms', 'seconds', 'second', 'sec', 'minutes', 'minute', 'min', 'hours', 'hour', 'h', 'days', 'day', 'd', 'weeks', 'week', 'w', 'months', 'month', 'mo', 'quarters', 'quarter', 'q', 'years', 'year', 'yr', 'y', 's'];

/** The grammar's `foldLeft` step: a binary node over the operands' span. */
const binary = (left: Node, op: string, right: Node): Node => ({ type: 'binary', op, left, right, start: left.start, end: right.end });

/** [A-Za-z0-9_@] */
function isIdChar(c: number): boolean {
  return (c >= 97 && c <= 122) || (c >= 65 && c <= 90) || (c >= 48 && c <= 57) || c === 95 || c === 64;
}
/** [A-Za-z_@] */
function isNameStart(c: number): boolean {
  return (c >= 97 && c <= 122) || (c >= 65 && c <= 90) || c === 95 || c === 64;
}
/** [ \t\r\n\u00a0] */
function isSpace(c: number): boolean {
  return c === 32 || c === 9 || c === 13 || c === 10 || c === 0xa0;
}

class Reader extends PegReader {
  private text(start: number): string {
    return this.input.slice(start, this.pos);
  }

  /** `'word'i !IdChar`: consumed when it matches. */
  private kw(w: string): boolean {
    if (!this.atKw(w)) return false;
    this.pos += w.length;
    return true;
  }

  /** `&('word'i !IdChar)`: the keyword is next (nothing consumed). */
  private atKw(w: string): boolean {
    return this.ci(this.pos, w) && !isIdChar(this.code(this.pos + w.length));
  }

  /** `_`: whitespace and comments (line comments to the line end, block comments not nested). */
  protected ws(): void {
    const input = this.input;
    let p = this.pos;
    for (;;) {
      const c = input.charCodeAt(p);
      if (isSpace(c)) {
        p++;
        continue;
      }
      if (c === 47) {
        const d = input.charCodeAt(p + 1);
        if (d === 47) {
          const k = input.indexOf('\n', p + 2);
          p = k < 0 ? this.n : k;
          continue;
        }
        if (d === 42) {
          const k = input.indexOf('*/', p + 2);
          if (k >= 0) {
            p = k + 2;
            continue;
          }
        }
      }
      break;
    }
    this.pos = p;
  }

  // ---- commands

  query(): Node | null {
    this.ws();
    const source = this.fromCommand() ?? this.genericCommand();
    if (!source) return null;
    const commands: Node[] = [source];
    for (;;) {
      const at = this.pos;
      this.ws();
      if (!this.lit('|')) {
        this.pos = at;
        break;
      }
      this.pos++;
      this.ws();
      const c = this.processingCommand();
      if (!c) {
        this.pos = at;
        break;
      }
      commands.push(c);
    }
    this.ws();
    return this.pos === this.n ? { type: 'query', commands } : null;
  }

  private fromCommand(): Node | null {
    const start = this.pos;
    if (!this.kw('from') && !this.kw('ts')) return null;
    const name = this.text(start).toLowerCase();
    this.ws();
    const sources = this.commaList(() => this.source());
    if (!sources) {
      this.pos = start;
      return null;
    }
    const metadata = this.after(() => this.metadata());
    return { type: 'command', name, sources, metadata: metadata ?? [], text: this.text(start), start, end: this.pos };
  }

  private source(): string | null {
    const s = this.string();
    if (s) return s.value;
    if (this.atKw('metadata')) return null;
    const input = this.input;
    const start = this.pos;
    let p = start;
    for (;;) {
      const c = input.charCodeAt(p);
      if (p >= this.n || isSpace(c) || c === 44 || c === 124 || c === 34) break;
      if (c === 47 && (input.charCodeAt(p + 1) === 47 || input.charCodeAt(p + 1) === 42)) break;
      p++;
    }
    if (p === start) return null;
    this.pos = p;
    return input.slice(start, p);
  }

  private metadata(): string[] | null {
    const start = this.pos;
    if (!this.kw('metadata')) return null;
    this.ws();
    const ids = this.commaList(() => this.identifier());
    if (!ids) this.pos = start;
    return ids;
  }

  private processingCommand(): Node | null {
    return this.whereCommand() ?? this.evalCommand() ?? this.statsCommand() ?? this.renameCommand() ?? this.grokDissect() ?? this.genericCommand();
  }

  private whereCommand(): Node | null {
    const start = this.pos;
    if (!this.kw('where')) return null;
    this.ws();
    const condition = this.booleanExpression();
    if (!condition) {
      this.pos = start;
      return null;
    }
    return { type: 'command', name: 'where', condition, text: this.text(start), start, end: this.pos };
  }

  private evalCommand(): Node | null {
    const start = this.pos;
    if (!this.kw('eval')) return null;
    this.ws();
    const assignments = this.commaList(() => this.assignment());
    if (!assignments) {
      this.pos = start;
      return null;
    }
    return { type: 'command', name: 'eval', assignments, text: this.text(start), start, end: this.pos };
  }

  private assignment(): Node | null {
    const start = this.pos;
    const name = this.qualifiedName();
    if (name !== null) {
      this.ws();
      if (this.lit('=') && this.code(this.pos + 1) !== 61) {
        this.pos++;
        this.ws();
        const expr = this.booleanExpression();
        if (expr) return { name, expr, start, end: this.pos };
      }
    }
    this.pos = start;
    const expr = this.booleanExpression();
    return expr ? { name: null, expr, start, end: this.pos } : null;
  }

  private statsCommand(): Node | null {
    const start = this.pos;
    const name = this.statsKeyword();
    if (name === null) return null;
    const aggs = this.after(() => this.aggregateList());
    const by = this.after(() => {
      const at = this.pos;
      if (!this.kw('by')) return null;
      this.ws();
      const g = this.commaList(() => this.assignment());
      if (!g) this.pos = at;
      return g;
    });
    return { type: 'command', name, aggregations: aggs ?? [], by: by ?? [], text: this.text(start), start, end: this.pos };
  }

  private statsKeyword(): string | null {
    const start = this.pos;
    if (this.ci(start, 'inline')) {
      this.pos += 6;
      this.ws();
      if (this.kw('stats')) return 'inline stats';
      this.pos = start;
    }
    if (this.kw('inlinestats')) return 'inline stats';
    if (this.kw('stats')) return 'stats';
    return null;
  }

  private aggregateList(): Node[] | null {
    if (this.atKw('by')) return null;
    return this.commaList(() => this.aggregateField());
  }

  private aggregateField(): Node | null {
    const start = this.pos;
    const a = this.assignment();
    if (!a) return null;
    const where = this.after(() => {
      const at = this.pos;
      if (!this.kw('where')) return null;
      this.ws();
      const w = this.booleanExpression();
      if (!w) this.pos = at;
      return w;
    });
    return { ...a, where: where ?? null, text: this.text(start) };
  }

  private renameCommand(): Node | null {
    const start = this.pos;
    if (!this.kw('rename')) return null;
    this.ws();
    const renames = this.commaList(() => this.renameClause());
    if (!renames) {
      this.pos = start;
      return null;
    }
    return { type: 'command', name: 'rename', renames, text: this.text(start), start, end: this.pos };
  }

  private renameClause(): Node | null {
    const start = this.pos;
    const from = this.qualifiedNamePattern();
    if (from !== null) {
      this.ws();
      if (this.kw('as')) {
        this.ws();
        const to = this.qualifiedNamePattern();
        if (to !== null) return { from, to };
      }
    }
    this.pos = start;
    const to = this.qualifiedNamePattern();
    if (to !== null) {
      this.ws();
      if (this.lit('=')) {
        this.pos++;
        this.ws();
        const from2 = this.qualifiedNamePattern();
        if (from2 !== null) return { from: from2, to };
      }
    }
    this.pos = start;
    return null;
  }

  private grokDissect(): Node | null {
    const start = this.pos;
    // name:$('grok'i / 'dissect'i) !IdChar (neither word starts the other)
    if (!this.kw('grok') && !this.kw('dissect')) return null;
    const name = this.text(start).toLowerCase();
    this.ws();
    const input = this.primaryExpression();
    if (input) {
      this.ws();
      const pattern = this.string();
      if (pattern) {
        this.genericBody();
        return { type: 'command', name, input, pattern: pattern.value, text: this.text(start), start, end: this.pos };
      }
    }
    this.pos = start;
    return null;
  }

  private genericCommand(): Node | null {
    const start = this.pos;
    // !(('where'i / 'eval'i / 'stats'i / 'inlinestats'i / 'from'i) !IdChar) (no word starts another)
    for (const w of ['where', 'eval', 'stats', 'inlinestats', 'from']) if (this.atKw(w)) return null;
    // !('inline'i _ 'stats'i !IdChar)
    if (this.ci(start, 'inline')) {
      this.pos += 6;
      this.ws();
      const isStats = this.kw('stats');
      this.pos = start;
      if (isStats) return null;
    }
    // name:$([A-Za-z_][A-Za-z0-9_]*)
    const c = this.code(start);
    if (!((c >= 97 && c <= 122) || (c >= 65 && c <= 90) || c === 95)) return null;
    let p = start + 1;
    for (;;) {
      const d = this.code(p);
      if ((d >= 97 && d <= 122) || (d >= 65 && d <= 90) || (d >= 48 && d <= 57) || d === 95) p++;
      else break;
    }
    const name = this.input.slice(start, p).toLowerCase();
    this.pos = p;
    const b = this.pos;
    this.genericBody();
    const body = this.input.slice(b, this.pos).trim();
    return { type: 'command', name, generic: true, body, text: this.text(start), start, end: this.pos };
  }

  /** `GenericBody`: balanced text up to a `|` outside brackets and strings (always matches, maybe nothing). */
  private genericBody(): void {
    const input = this.input;
    for (;;) {
      const c = input.charCodeAt(this.pos);
      if (this.pos >= this.n) return;
      // [^|"()[\]{}/]+
      if (c !== 124 && c !== 34 && c !== 40 && c !== 41 && c !== 91 && c !== 93 && c !== 123 && c !== 125 && c !== 47) {
        let p = this.pos + 1;
        for (;;) {
          const d = input.charCodeAt(p);
          if (p >= this.n || d === 124 || d === 34 || d === 40 || d === 41 || d === 91 || d === 93 || d === 123 || d === 125 || d === 47) break;
          p++;
        }
        this.pos = p;
        continue;
      }
      if (c === 34) {
        if (this.string()) continue;
        return;
      }
      if (c === 47) {
        const d = input.charCodeAt(this.pos + 1);
        if (d === 47) {
          const k = input.indexOf('\n', this.pos + 2);
          this.pos = k < 0 ? this.n : k;
          continue;
        }
        if (d === 42) {
          const k = input.indexOf('*/', this.pos + 2);
          if (k >= 0) {
            this.pos = k + 2;
            continue;
          }
          return; // '/' !('/' / '*') fails too
        }
        this.pos++;
        continue;
      }
      const close = c === 40 ? 41 : c === 91 ? 93 : c === 123 ? 125 : -1;
      if (close < 0) return; // |, or a closing bracket
      const at = this.pos;
      this.pos++;
      this.genericBody();
      if (this.code(this.pos) !== close) {
        this.pos = at;
        return;
      }
      this.pos++;
    }
  }

  // ---- expressions

  private booleanExpression(): Node | null {
    return this.chain(() => this.andExpression(), () => this.keyword('or'), (children, start) => ({ type: 'or', children, start, end: this.pos }));
  }

  private andExpression(): Node | null {
    return this.chain(() => this.notExpression(), () => this.keyword('and'), (children, start) => ({ type: 'and', children, start, end: this.pos }));
  }

  /** `_ 'op'i !IdChar _` */
  private keyword(w: string): boolean {
    this.ws();
    if (!this.kw(w)) return false;
    this.ws();
    return true;
  }

  private notExpression(): Node | null {
    const start = this.pos;
    if (this.kw('not')) {
      this.ws();
      const child = this.notExpression();
      if (child) return { type: 'not', child, start, end: this.pos };
      this.pos = start;
    }
    return this.predicateExpression();
  }

  private predicateExpression(): Node | null {
    const left = this.valueExpression();
    if (!left) return null;
    const suffix = this.after(() => this.predicateSuffix());
    if (!suffix) return left;
    return { ...suffix, ...(suffix.type === 'match' ? { left } : { expr: left }), start: left.start, end: this.pos };
  }

  /** `neg:('not'i !IdChar _)?` */
  private optionalNot(): boolean {
    if (!this.kw('not')) return false;
    this.ws();
    return true;
  }

  private predicateSuffix(): Node | null {
    const start = this.pos;
    // neg:('not'i !IdChar _)? 'in'i !IdChar _ '(' _ list:ExpressionList _ ')'
    let neg = this.optionalNot();
    if (this.kw('in')) {
      this.ws();
      const list = this.enclosed('(', () => this.commaList(() => this.booleanExpression()), ')');
      if (list) return { type: 'in', list, negated: neg };
    }
    this.pos = start;
    // 'is'i !IdChar _ neg:('not'i !IdChar _)? 'null'i !IdChar
    if (this.kw('is')) {
      this.ws();
      neg = this.optionalNot();
      if (this.kw('null')) return { type: 'isnull', negated: neg };
    }
    this.pos = start;
    // neg:('not'i !IdChar _)? kind:$('rlike'i / 'like'i) !IdChar _ patterns:PatternList
    neg = this.optionalNot();
    let rlike: boolean | null = null;
    if (this.ci(this.pos, 'rlike')) rlike = true;
    else if (this.ci(this.pos, 'like')) rlike = false;
    if (rlike !== null) {
      const len = rlike ? 5 : 4;
      if (!isIdChar(this.code(this.pos + len))) {
        this.pos += len;
        this.ws();
        const patterns = this.patternList();
        if (patterns) return { type: 'like', rlike, patterns, negated: neg };
      }
    }
    this.pos = start;
    // ':' !':' _ right:ValueExpression
    if (this.lit(':') && this.code(this.pos + 1) !== 58) {
      this.pos++;
      this.ws();
      const right = this.valueExpression();
      if (right) return { type: 'match', right };
    }
    this.pos = start;
    return null;
  }

  private patternList(): Str[] | null {
    const s = this.string();
    if (s) return [s];
    return this.enclosed('(', () => this.commaList(() => this.string()), ')');
  }

  private valueExpression(): Node | null {
    const left = this.arithmetic();
    if (!left) return null;
    const at = this.pos;
    this.ws();
    const op = this.comparisonOperator();
    if (op !== null) {
      this.ws();
      const right = this.arithmetic();
      if (right) return { type: 'compare', op, left, right, start: left.start, end: right.end };
    }
    this.pos = at;
    return left;
  }

  private comparisonOperator(): string | null {
    for (const op of ['==', '!=', '<=', '>=', '<', '>']) {
      if (this.lit(op)) {
        this.pos += op.length;
        return op;
      }
    }
    return null;
  }

  private arithmetic(): Node | null {
    return this.foldLeft(() => this.term(), (c) => c === 43 || c === 45, binary);
  }

  private term(): Node | null {
    return this.foldLeft(() => this.unary(), (c) => c === 42 || c === 47 || c === 37, binary);
  }

  private unary(): Node | null {
    const start = this.pos;
    const c = this.code(start);
    if (c === 45 || c === 43) {
      this.pos++;
      this.ws();
      const expr = this.unary();
      if (expr) return { type: 'unary', op: String.fromCharCode(c), expr, start, end: this.pos };
      this.pos = start;
    }
    return this.cast();
  }

  private cast(): Node | null {
    const start = this.pos;
    const e = this.primaryExpression();
    if (!e) return null;
    let to: string | null = null;
    for (;;) {
      const at = this.pos;
      this.ws();
      if (!this.lit('::')) {
        this.pos = at;
        break;
      }
      this.pos += 2;
      this.ws();
      const t = this.identifier();
      if (t === null) {
        this.pos = at;
        break;
      }
      to = t;
    }
    return to !== null ? { type: 'cast', expr: e, to, start, end: this.pos } : e;
  }

  private primaryExpression(): Node | null {
    return this.enclosed('(', () => this.booleanExpression(), ')') ?? this.literal() ?? this.nameOrCall();
  }

  private nameOrCall(): Node | null {
    const start = this.pos;
    const name = this.qualifiedName();
    if (name === null) return null;
    // args:(_ '(' _ a:FunctionArguments? _ ')' { return a ?? []; })?
    const args = this.after(() => this.enclosed('(', () => this.functionArguments() ?? [], ')'));
    if (args) return { type: 'call', name: name.toLowerCase(), args, text: this.text(start), start, end: this.pos };
    return { type: 'field', name, start, end: this.pos };
  }

  private functionArguments(): Node[] | null {
    const start = this.pos;
    if (this.lit('*')) {
      this.pos++;
      return [{ type: 'star', start, end: this.pos }];
    }
    return this.commaList(() => this.mapLiteral() ?? this.booleanExpression());
  }

  private mapLiteral(): Node | null {
    const start = this.pos;
    const entries = this.enclosed('{', () => this.commaList(() => this.mapEntry()) ?? [], '}');
    return entries ? { type: 'map', entries, text: this.text(start), start, end: this.pos } : null;
  }

  private mapEntry(): Node | null {
    const start = this.pos;
    const key = this.string();
    if (key) {
      this.ws();
      if (this.lit(':')) {
        this.pos++;
        this.ws();
        const value = this.mapLiteral() ?? this.literal();
        if (value) return { key: key.value, value };
      }
    }
    this.pos = start;
    return null;
  }

  private literal(): Node | null {
    const start = this.pos;
    if (this.kw('null')) return { type: 'literal', kind: 'null', value: null, raw: this.text(start), start, end: this.pos };
    if (this.kw('true')) return { type: 'literal', kind: 'boolean', value: true, raw: this.text(start), start, end: this.pos };
    if (this.kw('false')) return { type: 'literal', kind: 'boolean', value: false, raw: this.text(start), start, end: this.pos };
    const n = this.number();
    if (n !== null) {
      const unit = this.after(() => this.timeUnit());
      return unit !== null
        ? { type: 'literal', kind: 'timespan', value: n, unit: unit.toLowerCase(), raw: this.text(start), start, end: this.pos }
        : { type: 'literal', kind: 'number', value: n, raw: this.text(start), start, end: this.pos };
    }
    const s = this.string();
    if (s) return { type: 'literal', kind: 'string', value: s.value, raw: s.raw, triple: s.triple, badEscape: s.badEscape, start, end: this.pos };
    const items = this.enclosed('[', () => this.commaList(() => this.literal()) ?? [], ']');
    if (items) return { type: 'literal', kind: 'array', value: null, items, raw: this.text(start), start, end: this.pos };
    if (this.lit('?')) {
      let p = this.pos + 1;
      for (;;) {
        const c = this.code(p);
        if ((c >= 97 && c <= 122) || (c >= 65 && c <= 90) || (c >= 48 && c <= 57) || c === 95) p++;
        else break;
      }
      const name = this.input.slice(this.pos + 1, p);
      this.pos = p;
      return { type: 'param', name, raw: this.text(start), start, end: this.pos };
    }
    return null;
  }

  private timeUnit(): string | null {
    for (const u of TIME_UNITS) {
      if (this.ci(this.pos, u)) {
        if (isIdChar(this.code(this.pos + u.length))) return null;
        const s = this.input.substr(this.pos, u.length);
        this.pos += u.length;
        return s;
      }
    }
    return null;
  }

  /** `Number`: the numeral (not followed by a name character) as a number. */
  private number(): number | null {
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
    const e = this.code(p);
    if (e === 101 || e === 69) {
      let q = p + 1;
      if (this.code(q) === 43 || this.code(q) === 45) q++;
      if (isDigit(this.code(q))) {
        while (isDigit(this.code(q))) q++;
        p = q;
      }
    }
    if (isIdChar(this.code(p))) return null;
    this.pos = p;
    return Number(this.input.slice(start, p));
  }

  /** `String`: """raw""" (up to two more closing quotes belong to it) or "…" with escapes. */
  private string(): Str | null {
    const input = this.input;
    const start = this.pos;
    if (input.charCodeAt(start) !== 34) return null;
    if (input.startsWith('"""', start)) {
      const k = input.indexOf('"""', start + 3);
      if (k >= 0) {
        let q = k + 3;
        if (input.charCodeAt(q) === 34) q++;
        if (input.charCodeAt(q) === 34) q++;
        this.pos = q;
        return { value: input.slice(start + 3, k) + input.slice(k + 3, q), raw: input.slice(start, q), triple: true, badEscape: false };
      }
    }
    let p = start + 1;
    let value = '';
    let bad = false;
    for (;;) {
      let q = p;
      while (q < this.n) {
        const c = input.charCodeAt(q);
        if (c === 34 || c === 92) break;
        q++;
      }
      if (q > p) {
        value += input.slice(p, q);
        p = q;
      }
      if (input.charCodeAt(p) !== 92) break;
      if (p + 1 >= this.n) return null; // a backslash at the end: no closing quote
      const e = input[p + 1]!;
      if (e === 't') value += '\t';
      else if (e === 'n') value += '\n';
      else if (e === 'r') value += '\r';
      else if (e === '"' || e === '\\') value += e;
      else {
        bad = true;
        value += '\\' + e;
      }
      p += 2;
    }
    if (input.charCodeAt(p) !== 34) return null;
    this.pos = p + 1;
    return { value, raw: input.slice(start, this.pos), triple: false, badEscape: bad };
  }

  // ---- names

  /** `QualifiedName`: parts joined by dots; a bare first part may not be a keyword. */
  private qualifiedName(): string | null {
    const start = this.pos;
    const head = this.namePart();
    if (!head) return null;
    let out = head.name;
    for (;;) {
      const at = this.pos;
      if (!this.lit('.')) break;
      this.pos++;
      const p = this.namePart();
      if (!p) {
        this.pos = at;
        break;
      }
      out += '.' + p.name;
    }
    if (head.bare && KEYWORDS.has(head.name.toLowerCase())) {
      this.pos = start;
      return null;
    }
    return out;
  }

  private namePart(): { name: string; bare: boolean } | null {
    const input = this.input;
    const start = this.pos;
    const c = input.charCodeAt(start);
    if (c === 96) {
      const name = this.backtick();
      if (name !== null) return { name, bare: false };
      return null;
    }
    if (isNameStart(c) || isDigit(c)) {
      let p = start + 1;
      while (isIdChar(input.charCodeAt(p))) p++;
      this.pos = p;
      return { name: input.slice(start, p), bare: true };
    }
    return null;
  }

  /** '`' chars:('``' / [^`])* '`': the name, or null. */
  private backtick(): string | null {
    const input = this.input;
    const start = this.pos;
    let p = start + 1;
    let s = '';
    for (;;) {
      if (p >= this.n) return null;
      if (input.charCodeAt(p) === 96) {
        if (input.charCodeAt(p + 1) === 96) {
          s += '`';
          p += 2;
          continue;
        }
        break;
      }
      s += input[p];
      p++;
    }
    this.pos = p + 1;
    return s;
  }

  private qualifiedNamePattern(): string | null {
    const head = this.namePatternPart();
    if (head === null) return null;
    const parts = [head];
    for (;;) {
      const at = this.pos;
      if (!this.lit('.')) break;
      this.pos++;
      const p = this.namePatternPart();
      if (p === null) {
        this.pos = at;
        break;
      }
      parts.push(p);
    }
    return parts.join('.');
  }

  private namePatternPart(): string | null {
    const p = this.namePart();
    if (p) return p.name;
    const start = this.pos;
    let q = start;
    for (;;) {
      const c = this.code(q);
      if (isIdChar(c) || c === 42) q++;
      else break;
    }
    if (q === start) return null;
    this.pos = q;
    return this.input.slice(start, q);
  }

  private identifier(): string | null {
    const start = this.pos;
    if (isNameStart(this.code(start))) {
      let p = start + 1;
      while (isIdChar(this.code(p))) p++;
      this.pos = p;
      return this.input.slice(start, p);
    }
    if (this.code(start) === 96) return this.backtick();
    return null;
  }
}

/** The tree of an ES|QL query as grammars/esql.peggy's `Query` gives it, or null when it does not parse. */
export function readEsql(text: string): { type: 'query'; commands: Node[] } | null {
  try {
    return new Reader(text).query() as { type: 'query'; commands: Node[] } | null;
  } catch (e) {
    // Nesting the grammar would overflow on too: the generated parser reports it.
    if (e instanceof RangeError) return null;
    throw e;
  }
}
