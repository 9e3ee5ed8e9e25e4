/**
 * A hand-written reader for SPL: grammars/spl.peggy's `Pipeline` rule (with
 * every command's argument rule it calls) compiled by hand, rule for rule,
 * with the same ordered choices, the same backtracking and the same tree
 * (node for node, key order, offsets and texts included). It reads the
 * searches that parse; for any other it returns null, and the generated parser
 * reads the search again, so every syntax error (message, location, expected
 * list) still comes from the grammar. The other start rules (one command's
 * arguments parsed alone, the macro classifier's) stay with the grammar: they
 * run for a few hundred short texts a corpus.
 *
 * Why: the Splunk corpus's 1,711 searches took about 0.32 s in the generated
 * parser, most of it its many small functions running cold on a build's one
 * pass (docs/performance.md, "The SPL reader"). The grammar stays the
 * definition: test/splunk/spl-reader.test.ts holds the reader to it on the
 * corpus and on random searches, and a change to one is made to both.
 *
 * What the grammar does that is easy to miss, kept here on purpose:
 * - `SInValues`' second alternative can never be reached (the first succeeds
 *   whenever its first value does), so `f IN (a b)` is no `in` node.
 * - A backticked option value (`OptValue`, `TstatsItem`) is the rule's bare
 *   sequence: `["`", [characters], "`"]`.
 * - `stopAtBy` is one flag for the whole parse, set around a tstats/mstats
 *   command's arguments: a top-level `by` (in any group) ends its WHERE.
 */
import { isDigit, PegReader } from '../../core/peg-reader.js';

type Node = Record<string, unknown>;

const STATS_NAMES = new Set(['stats', 'eventstats', 'streamstats', 'sistats']);
const SPECIFIC_NAMES = new Set(['search', 'where', 'eval', 'stats', 'eventstats', 'streamstats', 'sistats', 'tstats', 'mstats', 'rename', 'regex', 'rex', 'lookup', 'from']);

// Character classes, by code unit (as Peggy's classes match).
const isWs = (c: number) => c === 32 || c === 9 || c === 13 || c === 10;
const isLetter_ = (c: number) => (c >= 97 && c <= 122) || (c >= 65 && c <= 90) || c === 95;
const isWord = (c: number) => isLetter_(c) || (c >= 48 && c <= 57);
const isHex = (c: number) => isDigit(c) || (c >= 97 && c <= 102) || (c >= 65 && c <= 70);
/** [^|"[\]`\\] */
const argChar = (c: number) => c === c && c !== 124 && c !== 34 && c !== 91 && c !== 93 && c !== 96 && c !== 92;
/** [^"\\] */
const dqChar = (c: number) => c === c && c !== 34 && c !== 92;
/** [^ \t\r\n()"|[\]`\\] */
const valueChar = (c: number) => c === c && !isWs(c) && c !== 40 && c !== 41 && c !== 34 && c !== 124 && c !== 91 && c !== 93 && c !== 96 && c !== 92;
/** [^ \t\r\n(),"|[\]`\\] */
const listChar = (c: number) => valueChar(c) && c !== 44;
/** [^ \t\r\n=!<>()"|[\],`\\] */
const sfieldChar = (c: number) => valueChar(c) && c !== 61 && c !== 33 && c !== 60 && c !== 62 && c !== 44;
/** [^ \t\r\n"\[\]()`',=|] */
const wordChar = (c: number) => c === c && !isWs(c) && c !== 34 && c !== 91 && c !== 93 && c !== 40 && c !== 41 && c !== 96 && c !== 39 && c !== 44 && c !== 61 && c !== 124;
/** [^ \t\r\n,()="'|] */
const fieldChar = (c: number) => c === c && !isWs(c) && c !== 44 && c !== 40 && c !== 41 && c !== 61 && c !== 34 && c !== 39 && c !== 124;
/** [^\]["`\\] */
const bracketChar = (c: number) => c === c && c !== 93 && c !== 91 && c !== 34 && c !== 96 && c !== 92;
/** [^()"[`\\] */
const parenChar = (c: number) => c === c && c !== 40 && c !== 41 && c !== 34 && c !== 91 && c !== 96 && c !== 92;
/** [^ \t\r\n,|()\[\]"] (an option value's first character; its run also stops at a backslash) */
const optChar = (c: number) => c === c && !isWs(c) && c !== 44 && c !== 124 && c !== 40 && c !== 41 && c !== 91 && c !== 93 && c !== 34;
/** [^ \t\r\n|] */
const nameChar = (c: number) => c === c && !isWs(c) && c !== 124;
/** [^()\\ \t\r\n] */
const fnValueChar = (c: number) => c === c && c !== 40 && c !== 41 && c !== 92 && !isWs(c);
/** [A-Za-z0-9_{}@:] */
const evalFieldChar = (c: number) => isWord(c) || c === 123 || c === 125 || c === 64 || c === 58;

/**
 * The classes as sticky runs (`[C]*`), the ones above and three only ever run (an aggregation's
 * field, an eval target, a regex's field): a long run is taken in one regex step, as the grammar's
 * `skip` does, instead of a call per character (a 900 KB search spends most of its time in them).
 */
const RUN_ARG = /[^|"[\]`\\]*/y;
const RUN_DQ = /[^"\\]*/y;
const RUN_VALUE = /[^ \t\r\n()"|[\]`\\]*/y;
const RUN_LIST = /[^ \t\r\n(),"|[\]`\\]*/y;
const RUN_SFIELD = /[^ \t\r\n=!<>()"|[\],`\\]*/y;
const RUN_WORD = /[^ \t\r\n"[\]()`',=|]*/y;
const RUN_FIELD = /[^ \t\r\n,()="'|]*/y;
const RUN_BRACKET = /[^\]["`\\]*/y;
const RUN_PAREN = /[^()"[`\\]*/y;
const RUN_AGG_FIELD = /[^ \t\r\n(),"'|]*/y;
const RUN_ASSIGN = /[^ \t\r\n=,()"'|]*/y;
const RUN_NAME = /[^ \t\r\n|]*/y;
const RUN_REGEX_FIELD = /[^ \t\r\n=!"]*/y;
const RUN_FN_VALUE = /[^()\\ \t\r\n]*/y;
/** An option value's run after its first character: the class without the backslash. */
const RUN_OPT = /[^ \t\r\n,|()[\]"\\]*/y;

/** `.replace(/\\(.)/g, '$1')`, as the grammar's actions unescape (`.` is not a line end). */
const unescape = (s: string) => (s.indexOf('\\') < 0 ? s : s.replace(/\\(.)/g, '$1'));

/** The words the grammar's look-aheads test, in the grammar's order. */
const SEARCH_KEYWORDS = ['AND', 'OR', 'NOT'];
const EVAL_KEYWORDS = ['and', 'or', 'not', 'xor'];
const EVAL_KEYWORDS_LIKE_IN = ['and', 'or', 'not', 'xor', 'like', 'in'];
const TSTATS_WORDS = ['from', 'where', 'by'];
const DATAMODEL_KINDS = ['datamodel', 'inputlookup', 'sid', 'tscollect'];

/** `"*" / "/" / "%"` */
const isMulOp = (c: number) => c === 42 || c === 47 || c === 37;
/** The grammar's `foldLeft` step in the eval language: a `bin` node over the operands' span. */
const binary = (l: Node, op: string, r: Node): Node => ({ k: 'bin', op, l, r, s: l.s, e: r.e });

const optsAndAggs = (items: Node[]) => ({ opts: items.filter((i) => i.k === 'opt'), aggs: items.filter((i) => i.k === 'agg') });

class Reader extends PegReader {
  /** The grammar's `stopAtBy`: inside a tstats/mstats command's arguments. */
  private stopAtBy = false;

  protected ws(): void {
    const input = this.input;
    let p = this.pos;
    while (isWs(input.charCodeAt(p))) p++;
    this.pos = p;
  }

  /** `__`: at least one whitespace character, then the rest of the run. */
  private ws1(): boolean {
    if (!isWs(this.code(this.pos))) return false;
    this.pos++;
    this.ws();
    return true;
  }

  /** `KwEnd` at `p`: `!([^ \t\r\n()"])`. */
  private kwEnd(p: number): boolean {
    if (p >= this.n) return true;
    const c = this.code(p);
    return isWs(c) || c === 40 || c === 41 || c === 34;
  }

  /** A case-sensitive literal, consumed when it matches. */
  private eat(s: string): boolean {
    if (!this.input.startsWith(s, this.pos)) return false;
    this.pos += s.length;
    return true;
  }

  /** `'w'i`, consumed when it matches (`w` lower-case). */
  private eatCi(w: string): boolean {
    if (!this.ci(this.pos, w)) return false;
    this.pos += w.length;
    return true;
  }

  /** A sticky run (`[C]*`) from the position: the position after it. */
  private skip(re: RegExp): number {
    re.lastIndex = this.pos;
    re.test(this.input);
    return (this.pos = re.lastIndex);
  }

  /** `("\\" .)`: a backslash and the character after it. */
  private escape(): boolean {
    if (this.code(this.pos) === 92 && this.pos + 1 < this.n) {
      this.pos += 2;
      return true;
    }
    return false;
  }

  /** `$(([C]+ / "\\" .)+)`: the text, or null. */
  private runOrEscapes(cls: (c: number) => boolean, run: RegExp): string | null {
    const start = this.pos;
    for (;;) {
      const c = this.code(this.pos);
      if (this.pos < this.n && cls(c)) this.skip(run);
      else if (!this.escape()) break;
    }
    return this.pos > start ? this.input.slice(start, this.pos) : null;
  }

  /** `q name:$([^q\\]+ / "\\" .)* q` (q a quote): the name between, or null. */
  private quotedName(q: number): string | null {
    const start = this.pos;
    if (this.code(start) !== q) return null;
    this.pos++;
    const from = this.pos;
    for (;;) {
      const c = this.code(this.pos);
      if (this.pos < this.n && c !== q && c !== 92) this.pos++;
      else if (!this.escape()) break;
    }
    const to = this.pos;
    if (this.code(this.pos) !== q) {
      this.pos = start;
      return null;
    }
    this.pos++;
    return this.input.slice(from, to);
  }

  // ------------------------------------------------------------ lexical

  /** `SQuoted`: a closed double-quoted string; its text, or null. */
  private squoted(): string | null {
    const start = this.pos;
    if (this.code(start) !== 34) return null;
    this.pos++;
    for (;;) {
      if (this.pos < this.n && dqChar(this.code(this.pos))) this.skip(RUN_DQ);
      else if (!this.escape()) break;
    }
    if (this.code(this.pos) !== 34) {
      this.pos = start;
      return null;
    }
    this.pos++;
    return this.input.slice(start, this.pos);
  }

  /** `DQuoted`: as SQuoted, but an unclosed string may run to the end. */
  private dquoted(): boolean {
    if (this.code(this.pos) !== 34) return false;
    const start = this.pos;
    this.pos++;
    for (;;) {
      if (this.pos < this.n && dqChar(this.code(this.pos))) this.skip(RUN_DQ);
      else if (!this.escape()) break;
    }
    if (this.code(this.pos) === 34) this.pos++;
    else if (this.pos < this.n) {
      this.pos = start;
      return false;
    }
    return true;
  }

  /** `Backticked`: "`" [^`]* "`". */
  private backticked(): boolean {
    if (this.code(this.pos) !== 96) return false;
    const k = this.input.indexOf('`', this.pos + 1);
    if (k < 0) return false;
    this.pos = k + 1;
    return true;
  }

  /** `Backticked`'s value where the grammar keeps it: the bare sequence `["`", [characters], "`"]`. */
  private backtickedValue(): unknown[] | null {
    const start = this.pos;
    if (!this.backticked()) return null;
    return ['`', this.input.slice(start + 1, this.pos - 1).split(''), '`'];
  }

  /** `BracketRaw`: "[" ... "]" with quotes, brackets and backticks nested. */
  private bracketRaw(): boolean {
    return this.rawGroup(false);
  }

  /** `ParenRaw`: "(" ... ")" with quotes, parentheses, brackets and backticks nested. */
  private parenRaw(): boolean {
    return this.rawGroup(true);
  }

  /** `ParenRaw` (`paren`) or `BracketRaw`: the group's alternatives start with distinct characters, so one test each. */
  private rawGroup(paren: boolean): boolean {
    if (this.code(this.pos) !== (paren ? 40 : 91)) return false;
    const start = this.pos;
    this.pos++;
    for (;;) {
      const c = this.code(this.pos);
      if (c === 34 ? this.dquoted() : c === 91 ? this.rawGroup(false) : paren && c === 40 ? this.rawGroup(true) : c === 96 ? this.backticked() : c === 92 ? this.escape() : false) continue;
      if (this.pos < this.n && (paren ? parenChar(c) : bracketChar(c))) {
        this.skip(paren ? RUN_PAREN : RUN_BRACKET);
        continue;
      }
      break;
    }
    if (this.code(this.pos) !== (paren ? 41 : 93)) {
      this.pos = start;
      return false;
    }
    this.pos++;
    return true;
  }

  // ------------------------------------------------------------ pipeline

  pipeline(): Node | null {
    const start = this.pos;
    this.ws();
    if (this.eat('|')) {
      this.ws();
      const commands = [this.command()];
      this.moreCommands(commands);
      this.ws();
      return { k: 'pipeline', leadingPipe: true, commands };
    }
    this.pos = start;
    this.ws();
    const commands = [this.implicitSearch()];
    this.moreCommands(commands);
    this.ws();
    return { k: 'pipeline', leadingPipe: false, commands };
  }

  /** `rest:(_ "|" _ @Command)*` (a Command always matches: RawCommand may be empty). */
  private moreCommands(into: Node[]): void {
    for (;;) {
      const at = this.pos;
      this.ws();
      if (!this.eat('|')) {
        this.pos = at;
        return;
      }
      this.ws();
      into.push(this.command());
    }
  }

  /** `CmdEnd`: `_ ("|" / !.)`, looked ahead. */
  private atCmdEnd(): boolean {
    let p = this.pos;
    while (isWs(this.code(p))) p++;
    return p >= this.n || this.code(p) === 124;
  }

  private implicitSearch(): Node {
    const start = this.pos;
    if (this.ci(start, 'search') && isWs(this.code(start + 6))) return this.command();
    const tree = this.searchExpr();
    if (this.atCmdEnd()) return { name: '', nameS: start, args: this.input.slice(start, this.pos), argsS: start, s: start, e: this.pos, rule: 'SearchExpr', tree };
    this.pos = start;
    return this.rawCommand();
  }

  /** `CommandName`: its text, lower-cased text and offset, or null. */
  private commandName(): { text: string; lower: string; s: number } | null {
    const start = this.pos;
    if (!isLetter_(this.code(start))) return null;
    let p = start + 1;
    while (isWord(this.code(p))) p++;
    if (p < this.n) {
      const c = this.code(p);
      if (!(isWs(c) || c === 124 || c === 91 || c === 40 || c === 96)) return null;
    }
    this.pos = p;
    const text = this.input.slice(start, p);
    return { text, lower: text.toLowerCase(), s: start };
  }

  private command(): Node {
    const start = this.pos;
    const name = this.commandName();
    if (name !== null) {
      const bodyStart = this.pos;
      const body = this.commandBody(name.lower);
      if (body !== null && this.atCmdEnd()) {
        return { name: name.text, nameS: name.s, args: this.input.slice(bodyStart, this.pos), argsS: bodyStart, s: start, e: this.pos, rule: body.rule, tree: body.tree };
      }
      this.pos = start;
    }
    return this.rawCommand();
  }

  /** The command's argument rule (`Args...`): its name and tree, or null when it does not match. */
  private commandBody(lower: string): { rule: string; tree: unknown } | null {
    const as = (rule: string, tree: unknown) => (tree === null ? null : { rule, tree });
    switch (lower) {
      case 'search':
        return as('SearchExpr', this.searchExpr());
      case 'where':
        return as('EvalExpr', this.evalExpr());
      case 'eval':
        return as('EvalAssignments', this.evalAssignments());
      case 'tstats':
      case 'mstats': {
        this.stopAtBy = true;
        const tree = this.tstatsArgs();
        this.stopAtBy = false;
        return as('TstatsArgs', tree);
      }
      case 'rename':
        return as('RenameArgs', this.renameArgs());
      case 'regex':
        return as('RegexArgs', this.regexArgs());
      case 'rex':
        return as('RexArgs', this.rexArgs());
      case 'lookup':
        return as('LookupArgs', this.lookupArgs());
      case 'from':
        return as('FromArgs', this.fromArgs());
    }
    if (STATS_NAMES.has(lower)) return { rule: 'StatsArgs', tree: this.statsArgs() };
    if (!SPECIFIC_NAMES.has(lower)) {
      this.ws();
      return { rule: 'GenericArgs', tree: this.genericTail() };
    }
    return null;
  }

  private rawCommand(): Node {
    const start = this.pos;
    const name = this.commandName();
    const argsS = this.pos;
    this.argText();
    const args = this.input.slice(argsS, this.pos);
    if (name !== null) return { name: name.text, nameS: name.s, args, argsS, s: start, e: this.pos, rule: null, tree: null };
    return { name: '', nameS: start, args, argsS, s: start, e: this.pos, rule: null, tree: null };
  }

  /** `ArgText`: `ArgPiece*`, up to a `|` outside quotes, brackets and backticks. */
  private argText(): void {
    for (;;) {
      const c = this.code(this.pos);
      if (this.pos < this.n && argChar(c)) this.skip(RUN_ARG);
      else if (c === 34 ? this.dquoted() : c === 91 ? this.bracketRaw() : c === 96 ? this.backticked() : c === 92 && this.escape()) continue;
      else return;
    }
  }

  // --------------------------------------------------- search language

  private searchExpr(): Node {
    this.ws();
    const e = this.sAnd();
    this.ws();
    return e ?? { k: 'empty' };
  }

  private sAnd(): Node | null {
    return this.chain(
      () => this.sOr(),
      () => (this.sAndSep(), true),
      (items, s) => ({ k: 'and', items, s, e: this.pos }),
    );
  }

  /** `SAndSep`: `_ "AND" KwEnd _ / _` (always matches). */
  private sAndSep(): void {
    const at = this.pos;
    this.ws();
    if (this.lit('AND') && this.kwEnd(this.pos + 3)) {
      this.pos += 3;
      this.ws();
      return;
    }
    this.pos = at;
    this.ws();
  }

  private sOr(): Node | null {
    return this.chain(
      () => this.sNot(),
      () => this.sOrSep(),
      (items, s) => ({ k: 'or', items, s, e: this.pos }),
    );
  }

  /** `_ "OR" KwEnd _` */
  private sOrSep(): boolean {
    this.ws();
    if (!(this.lit('OR') && this.kwEnd(this.pos + 2))) return false;
    this.pos += 2;
    this.ws();
    return true;
  }

  private sNot(): Node | null {
    return this.negated(false);
  }

  /**
   * `SNot` (`"NOT" KwEnd _ item:SNot / SPrimary`) or, in the eval language, `ENot`
   * (`"NOT"i KwEnd _ item:ENot / ECompare`).
   */
  private negated(evalLang: boolean): Node | null {
    const start = this.pos;
    if ((evalLang ? this.ci(start, 'not') : this.lit('NOT')) && this.kwEnd(start + 3)) {
      this.pos += 3;
      this.ws();
      const item = this.negated(evalLang);
      if (item !== null) return { k: 'not', item, s: start, e: this.pos };
      this.pos = start;
    }
    return evalLang ? this.eCompare() : this.sPrimary();
  }

  private sPrimary(): Node | null {
    const start = this.pos;
    // `!StopBy`
    if (this.stopAtBy) {
      if (this.ci(start, 'by') && this.kwEnd(start + 2)) return null;
      if (this.ci(start, 'groupby') && this.kwEnd(start + 7)) return null;
    }
    const c = this.code(start);
    if (c === 40) {
      this.pos++;
      this.ws();
      const e = this.sAnd();
      this.ws();
      if (this.code(this.pos) === 41) {
        this.pos++;
        return e ? { k: 'group', item: e, s: start, e: this.pos } : { k: 'empty', s: start, e: this.pos };
      }
      this.pos = start;
    }
    if (c === 91 && this.bracketRaw()) return { k: 'subsearch', text: this.input.slice(start + 1, this.pos - 1), textS: start + 1, s: start, e: this.pos };
    if (c === 96 && this.backticked()) return { k: 'macro', text: this.input.slice(start, this.pos), s: start, e: this.pos };
    const fn = this.sFunc();
    if (fn !== null) return fn;
    const cmp = this.sFieldExpr();
    if (cmp !== null) return cmp;
    return this.sTerm();
  }

  private sFunc(): Node | null {
    const start = this.pos;
    let name: string;
    if (this.lit('TERM')) name = 'TERM';
    else if (this.lit('CASE')) name = 'CASE';
    else return null;
    this.pos += 4;
    if (this.code(this.pos) === 40) {
      this.pos++;
      this.ws();
      const value = this.sFuncValue();
      if (value !== null) {
        this.ws();
        if (this.code(this.pos) === 41) {
          this.pos++;
          return { k: 'fn', name, value, s: start, e: this.pos };
        }
      }
    }
    this.pos = start;
    return null;
  }

  private sFuncValue(): Node | null {
    const q = this.sQuotedValue();
    if (q !== null) return q;
    const start = this.pos;
    const raw = this.runOrEscapes(fnValueChar, RUN_FN_VALUE);
    return raw === null ? null : { raw, quoted: false, s: start, e: this.pos };
  }

  private sFieldExpr(): Node | null {
    const start = this.pos;
    const field = this.sField();
    if (field === null) return null;
    this.ws();
    const tailAt = this.pos;
    // SInTail
    if (this.eat('IN')) {
      this.ws();
      const values = this.enclosed('(', () => this.sInValues() ?? [], ')');
      if (values !== null) return { k: 'in', field, values, s: start, e: this.pos };
      this.pos = tailAt;
    }
    // SCmpTail
    const op = this.sCmpOp();
    if (op !== null) {
      this.ws();
      const value = this.sValue();
      return { k: 'cmp', field, op, value, s: start, e: this.pos };
    }
    this.pos = start;
    return null;
  }

  /** `SInValues`: its first alternative (the second is never reached: see the module comment). */
  private sInValues(): Node[] | null {
    const out = this.commaList(() => this.sListValue());
    if (out === null) return null;
    const at = this.pos;
    this.ws();
    if (!this.eat(',')) this.pos = at;
    return out;
  }

  private sCmpOp(): string | null {
    const c = this.code(this.pos);
    const d = this.code(this.pos + 1);
    let op: string | null = null;
    if (c === 33) op = d === 61 ? '!=' : null;
    else if (c === 60) op = d === 61 ? '<=' : '<';
    else if (c === 62) op = d === 61 ? '>=' : '>';
    else if (c === 61) op = d === 61 ? '==' : '=';
    if (op !== null) this.pos += op.length;
    return op;
  }

  private sField(): Node | null {
    const start = this.pos;
    const raw = this.squoted();
    if (raw !== null) return { name: unescape(raw.slice(1, -1)), quoted: true, s: start, e: this.pos };
    if (this.pos < this.n && sfieldChar(this.code(start))) {
      this.skip(RUN_SFIELD);
      return { name: this.input.slice(start, this.pos), quoted: false, s: start, e: this.pos };
    }
    return null;
  }

  private sValue(): Node {
    const start = this.pos;
    const q = this.sQuotedValue();
    if (q !== null) return q;
    const m = this.sMacroValue();
    if (m !== null) return m;
    const raw = this.runOrEscapes(valueChar, RUN_VALUE);
    if (raw !== null) return { raw, quoted: false, s: start, e: this.pos };
    return { raw: '', quoted: false, s: start, e: start };
  }

  private sListValue(): Node | null {
    const start = this.pos;
    const q = this.sQuotedValue();
    if (q !== null) return q;
    const m = this.sMacroValue();
    if (m !== null) return m;
    const raw = this.runOrEscapes(listChar, RUN_LIST);
    return raw === null ? null : { raw, quoted: false, s: start, e: this.pos };
  }

  private sMacroValue(): Node | null {
    const start = this.pos;
    if (!this.backticked()) return null;
    return { raw: this.input.slice(start, this.pos), quoted: false, macro: true, s: start, e: this.pos };
  }

  private sQuotedValue(): Node | null {
    const start = this.pos;
    const raw = this.squoted();
    return raw === null ? null : { raw: raw.slice(1, -1), quoted: true, s: start, e: this.pos };
  }

  private sTerm(): Node | null {
    const start = this.pos;
    const v = this.sQuotedValue();
    if (v !== null) return { k: 'term', value: v, s: start, e: this.pos };
    const c = this.code(start);
    if (c === 65 || c === 79 || c === 78) {
      for (const w of SEARCH_KEYWORDS) if (this.lit(w) && this.kwEnd(start + w.length)) return null;
    }
    const raw = this.runOrEscapes(valueChar, RUN_VALUE);
    if (raw === null) return null;
    return { k: 'term', value: { raw, quoted: false, s: start, e: this.pos }, s: start, e: this.pos };
  }

  // ----------------------------------------------------- eval language

  private evalExpr(): Node | null {
    return this.padded(() => this.eXor());
  }

  /** `_ X _`: X between whitespace, or null with the position where it was. */
  private padded<T>(x: () => T | null): T | null {
    const start = this.pos;
    this.ws();
    const v = x();
    if (v === null) {
      this.pos = start;
      return null;
    }
    this.ws();
    return v;
  }

  /**
   * `EXor`, `EOr` and `EAnd` (levels 0, 1, 2): `first:X rest:(_ W KwEnd _ @X)*`
   * folded left into `bin` nodes, X the next level (`ENot` after `EAnd`).
   */
  private eLevel(level: number): Node | null {
    const word = level === 0 ? 'xor' : level === 1 ? 'or' : 'and';
    const first = level === 2 ? this.eNot() : this.eLevel(level + 1);
    if (first === null) return null;
    let acc = first;
    for (;;) {
      const at = this.pos;
      this.ws();
      let r: Node | null = null;
      if (this.ci(this.pos, word) && this.kwEnd(this.pos + word.length)) {
        this.pos += word.length;
        this.ws();
        r = level === 2 ? this.eNot() : this.eLevel(level + 1);
      }
      if (r === null) {
        this.pos = at;
        return acc;
      }
      acc = { k: 'bin', op: level === 0 ? 'XOR' : level === 1 ? 'OR' : 'AND', l: acc, r, s: acc.s, e: r.e };
    }
  }

  private eXor(): Node | null {
    return this.eLevel(0);
  }

  private eNot(): Node | null {
    return this.negated(true);
  }

  private eCompare(): Node | null {
    const l = this.eAdd();
    if (l === null) return null;
    const at = this.pos;
    // ECompareTail's three alternatives, in order.
    const tail = this.eInOrLike(l, true) ?? this.eInOrLike(l, false);
    if (tail !== null) return tail;
    this.ws();
    const op = this.eCmpOp();
    if (op !== null) {
      this.ws();
      const r = this.eAdd();
      if (r !== null) return { k: 'bin', op, l, r, s: l.s, e: this.pos };
    }
    this.pos = at;
    return l;
  }

  /** `_ neg:("NOT"i __)? "IN"i _ "(" _ list:EArgs? _ ")"` (`inList`) or `_ neg:("NOT"i __)? "LIKE"i KwEnd _ r:EAdd`, after `l`. */
  private eInOrLike(l: Node, inList: boolean): Node | null {
    const at = this.pos;
    this.ws();
    let neg = false;
    const negAt = this.pos;
    if (this.eatCi('not') && this.ws1()) neg = true;
    else this.pos = negAt;
    let n: Node | null = null;
    if (inList) {
      if (this.eatCi('in')) {
        this.ws();
        const list = this.enclosed('(', () => this.eArgs() ?? [], ')');
        if (list !== null) n = { k: 'in', item: l, list, s: l.s, e: this.pos };
      }
    } else if (this.eatCi('like') && this.kwEnd(this.pos)) {
      this.ws();
      const r = this.eAdd();
      if (r !== null) n = { k: 'bin', op: 'LIKE', l, r, s: l.s, e: this.pos };
    }
    if (n === null) {
      this.pos = at;
      return null;
    }
    return neg ? { k: 'not', item: n, s: l.s, e: this.pos } : n;
  }

  private eCmpOp(): string | null {
    const c = this.code(this.pos);
    const d = this.code(this.pos + 1);
    let op: string | null = null;
    if (c === 61) op = d === 61 ? '==' : '=';
    else if (c === 33) op = d === 61 ? '!=' : null;
    else if (c === 60) op = d === 61 ? '<=' : '<';
    else if (c === 62) op = d === 61 ? '>=' : '>';
    if (op !== null) this.pos += op.length;
    return op;
  }

  private eAdd(): Node | null {
    // `"+" / "-" / "." !"."`
    return this.foldLeft(
      () => this.eMul(),
      (c) => c === 43 || c === 45 || (c === 46 && this.code(this.pos + 1) !== 46),
      binary,
    );
  }

  private eMul(): Node | null {
    return this.foldLeft(() => this.eUnary(), isMulOp, binary);
  }

  private eUnary(): Node | null {
    const start = this.pos;
    const c = this.code(start);
    if (c === 45 || c === 43) {
      this.pos++;
      this.ws();
      const item = this.eUnary();
      if (item !== null) return c === 45 ? { k: 'neg', item, s: start, e: this.pos } : item;
      this.pos = start;
    }
    return this.ePrimary();
  }

  private ePrimary(): Node | null {
    const start = this.pos;
    const c = this.code(start);
    if (c === 40) {
      this.pos++;
      this.ws();
      const e = this.eXor();
      if (e !== null) {
        this.ws();
        if (this.eat(')')) return { k: 'group', item: e, s: start, e: this.pos };
      }
      this.pos = start;
    }
    if (c === 34) {
      const raw = this.squoted();
      if (raw !== null) return { k: 'str', raw: raw.slice(1, -1), s: start, e: this.pos };
    }
    const num = this.eNumber();
    if (num !== null) return num;
    if (c === 39) {
      const name = this.quotedName(39);
      if (name !== null) return { k: 'field', name: unescape(name), quoted: true, s: start, e: this.pos };
    }
    if (c === 96 && this.backticked()) return { k: 'macro', text: this.input.slice(start, this.pos), s: start, e: this.pos };
    if (c === 36) {
      // EToken: "$" [^$ \t\r\n]* "$"
      let p = start + 1;
      while (p < this.n && this.code(p) !== 36 && !isWs(this.code(p))) p++;
      if (this.code(p) === 36) {
        this.pos = p + 1;
        return { k: 'token', raw: this.input.slice(start, this.pos), s: start, e: this.pos };
      }
    }
    const call = this.eCall();
    if (call !== null) return call;
    return this.eField();
  }

  /** `!(&[...] ("AND"i / "OR"i / "NOT"i / "XOR"i [/ "LIKE"i / "IN"i]) KwEnd)`: a keyword is next. */
  private atEvalKeyword(withLikeIn: boolean): boolean {
    const p = this.pos;
    for (const w of withLikeIn ? EVAL_KEYWORDS_LIKE_IN : EVAL_KEYWORDS) {
      if (this.ci(p, w)) return this.kwEnd(p + w.length);
    }
    return false;
  }

  private eCall(): Node | null {
    const start = this.pos;
    if (!isLetter_(this.code(start)) || this.atEvalKeyword(false)) return null;
    let p = start + 1;
    while (isWord(this.code(p))) p++;
    const name = this.input.slice(start, p);
    this.pos = p;
    this.ws();
    const args = this.enclosed('(', () => this.eArgs() ?? [], ')');
    if (args !== null) return { k: 'call', name, args, s: start, e: this.pos };
    this.pos = start;
    return null;
  }

  private eArgs(): Node[] | null {
    return this.commaList(() => this.eXor());
  }

  private eNumber(): Node | null {
    const start = this.pos;
    const input = this.input;
    let p = start;
    let ok = false;
    if ((this.code(p) === 48 && (this.code(p + 1) | 32) === 120) && isHex(this.code(p + 2))) {
      p += 3;
      while (isHex(this.code(p))) p++;
      ok = true;
    }
    if (!ok && isDigit(this.code(p))) {
      while (isDigit(this.code(p))) p++;
      if (this.code(p) === 46 && isDigit(this.code(p + 1))) {
        p += 2;
        while (isDigit(this.code(p))) p++;
      }
      if ((this.code(p) | 32) === 101) {
        let q = p + 1;
        if (this.code(q) === 43 || this.code(q) === 45) q++;
        if (isDigit(this.code(q))) {
          while (isDigit(this.code(q))) q++;
          p = q;
        }
      }
      ok = true;
    }
    if (!ok && this.code(p) === 46 && isDigit(this.code(p + 1))) {
      p += 2;
      while (isDigit(this.code(p))) p++;
      ok = true;
    }
    if (!ok || isLetter_(this.code(p))) return null;
    this.pos = p;
    const raw = input.slice(start, p);
    return { k: 'num', raw, value: Number(raw), s: start, e: p };
  }

  private eField(): Node | null {
    const start = this.pos;
    if (this.lit('<<')) {
      let p = start + 2;
      while (isLetter_(this.code(p))) p++;
      if (p > start + 2 && this.input.startsWith('>>', p)) {
        this.pos = p + 2;
        return { k: 'field', name: this.input.slice(start, this.pos), quoted: false, s: start, e: this.pos };
      }
    }
    const c = this.code(start);
    if (!(isLetter_(c) || c === 64 || c === 123) || this.atEvalKeyword(true)) return null;
    let p = start + 1;
    for (;;) {
      const d = this.code(p);
      if (evalFieldChar(d)) p++;
      else if (d === 46 && evalFieldChar(this.code(p + 1)) && this.code(p + 1) !== 58) p++;
      else break;
    }
    this.pos = p;
    return { k: 'field', name: this.input.slice(start, p), quoted: false, s: start, e: p };
  }

  private evalAssignments(): Node[] | null {
    const start = this.pos;
    this.ws();
    const out = this.commaList(() => this.eAssign());
    if (out === null) {
      this.pos = start;
      return null;
    }
    this.trailingComma();
    return out;
  }

  /** `_ ","? _` */
  private trailingComma(): void {
    this.ws();
    this.eat(',');
    this.ws();
  }

  private eAssign(): Node | null {
    const start = this.pos;
    const target = this.eAssignTarget();
    if (target !== null) {
      this.ws();
      if (this.code(this.pos) === 61 && this.code(this.pos + 1) !== 61) {
        this.pos++;
        this.ws();
        const value = this.eXor();
        if (value !== null) return { target, value, s: start, e: this.pos };
      }
    }
    this.pos = start;
    return null;
  }

  private eAssignTarget(): string | null {
    const c = this.code(this.pos);
    if (c === 39 || c === 34) return this.quotedName(c);
    const start = this.pos;
    this.skip(RUN_ASSIGN);
    return this.pos > start ? this.input.slice(start, this.pos) : null;
  }

  // ------------------------------------------------------- stats family

  private statsArgs(): Node {
    this.ws();
    const items = this.items(() => this.statsItem());
    const by = this.byClause();
    this.ws();
    const tail = this.genericTail();
    return { ...optsAndAggs(items), by: by ?? [], tail };
  }

  /** `(@Item StatsSep)*` */
  private items(item: () => Node | null): Node[] {
    const out: Node[] = [];
    for (;;) {
      const at = this.pos;
      const it = item();
      if (it === null || !this.statsSep()) {
        this.pos = at;
        return out;
      }
      out.push(it);
    }
  }

  /** `StatsSep`: `_ "," _ / __ / _ &(")" / !.)`. */
  private statsSep(): boolean {
    if (this.listSep()) return true;
    const at = this.pos;
    this.ws();
    if (this.pos >= this.n || this.code(this.pos) === 41) return true;
    this.pos = at;
    return false;
  }

  /** `&[bBgG] ByKw` */
  private atByKw(): boolean {
    const p = this.pos;
    return (this.ci(p, 'by') && this.kwEnd(p + 2)) || (this.ci(p, 'groupby') && this.kwEnd(p + 7));
  }

  private statsItem(): Node | null {
    if (this.atByKw()) return null;
    const o = this.option();
    if (o !== null) return { k: 'opt', ...o };
    return this.agg();
  }

  private byClause(): string[] | null {
    const start = this.pos;
    if (!this.atByKw()) return null;
    this.pos += this.ci(start, 'by') ? 2 : 7;
    this.ws();
    const list = this.fieldItems();
    if (list === null) this.pos = start;
    return list;
  }

  private option(): Node | null {
    const start = this.pos;
    if (!isLetter_(this.code(start))) return null;
    let p = start + 1;
    while (isWord(this.code(p))) p++;
    const key = this.input.slice(start, p);
    this.pos = p;
    this.ws();
    if (this.code(this.pos) === 61 && this.code(this.pos + 1) !== 61) {
      this.pos++;
      this.ws();
      const value = this.optValue();
      return { key, value, s: start, e: this.pos };
    }
    this.pos = start;
    return null;
  }

  private optValue(): unknown {
    const raw = this.squoted();
    if (raw !== null) return raw.slice(1, -1);
    const bt = this.backtickedValue();
    if (bt !== null) return bt;
    const start = this.pos;
    for (;;) {
      const c = this.code(this.pos);
      if (this.escape()) continue;
      if (this.pos < this.n && optChar(c)) {
        this.pos++;
        this.skip(RUN_OPT);
        continue;
      }
      if (c === 40) {
        // `"(" [^()]* ")"`: up to the next parenthesis, which must close.
        let p = this.pos + 1;
        while (p < this.n && this.code(p) !== 40 && this.code(p) !== 41) p++;
        if (this.code(p) === 41) {
          this.pos = p + 1;
          continue;
        }
      }
      break;
    }
    return this.input.slice(start, this.pos);
  }

  private agg(): Node | null {
    const start = this.pos;
    if (!isLetter_(this.code(start))) return null;
    let p = start + 1;
    while (isWord(this.code(p))) p++;
    const fn = this.input.slice(start, p);
    this.pos = p;
    let call: Node | null = null;
    const at = this.pos;
    this.ws();
    if (this.eat('(')) {
      this.ws();
      const arg = this.aggArg();
      this.ws();
      if (this.eat(')')) call = arg;
      else this.pos = at;
    } else this.pos = at;
    const alias = this.aggAlias();
    return { k: 'agg', fn, arg: call, alias, text: this.input.slice(start, this.pos), s: start, e: this.pos };
  }

  private aggArg(): Node | null {
    const start = this.pos;
    if (this.eatCi('eval')) {
      this.ws();
      if (this.eat('(')) {
        this.ws();
        const e = this.eXor();
        if (e !== null) {
          this.ws();
          if (this.eat(')')) return { k: 'eval', expr: e };
        }
      }
      this.pos = start;
    }
    const f = this.aggField();
    return f === null ? null : { k: 'field', name: f };
  }

  private aggField(): string | null {
    const c = this.code(this.pos);
    if (c === 34 || c === 39) return this.quotedName(c);
    const start = this.pos;
    this.skip(RUN_AGG_FIELD);
    return this.pos > start ? this.input.slice(start, this.pos) : null;
  }

  private aggAlias(): string | null {
    const start = this.pos;
    if (this.ws1() && this.eatCi('as') && this.ws1()) {
      const name = this.fieldName();
      if (name !== null) return name;
    }
    this.pos = start;
    return null;
  }

  private fieldItems(): string[] | null {
    return this.list(
      () => this.fieldName(),
      () => this.listSep() && !this.atByEnd(),
    );
  }

  /** `first:X rest:(SEP @X)*`: the list, or null when X does not match (`sep` consumes a separator, false when there is none). */
  private list<T>(x: () => T | null, sep: () => boolean): T[] | null {
    const first = x();
    if (first === null) return null;
    const out = [first];
    for (;;) {
      const at = this.pos;
      if (sep()) {
        const v = x();
        if (v !== null) {
          out.push(v);
          continue;
        }
      }
      this.pos = at;
      return out;
    }
  }

  /** `(_ "," _ / __)` */
  private listSep(): boolean {
    return this.commaSep() || this.ws1();
  }

  /** `_ "," _`, or nothing consumed. */
  private commaSep(): boolean {
    const at = this.pos;
    this.ws();
    if (this.eat(',')) {
      this.ws();
      return true;
    }
    this.pos = at;
    return false;
  }

  /** `&ByEnd`: `Option / !.` looked ahead. */
  private atByEnd(): boolean {
    if (this.pos >= this.n) return true;
    const at = this.pos;
    const o = this.option();
    this.pos = at;
    return o !== null;
  }

  private fieldName(): string | null {
    const c = this.code(this.pos);
    if (c === 34 || c === 39) {
      const q = this.quotedName(c);
      if (q !== null) return q;
    }
    const start = this.pos;
    if ((c === 98 || c === 66) && this.ci(start, 'by') && this.kwEnd(start + 2)) return null;
    if (this.pos < this.n && fieldChar(c)) {
      this.skip(RUN_FIELD);
      return this.input.slice(start, this.pos);
    }
    return null;
  }

  private genericTail(): Node[] {
    const items: Node[] = [];
    for (;;) {
      const at = this.pos;
      this.ws();
      const i = this.genericItem();
      if (i === null) {
        this.pos = at;
        break;
      }
      items.push(i);
    }
    this.ws();
    return items;
  }

  private genericItem(): Node | null {
    const start = this.pos;
    const o = this.option();
    if (o !== null) return { k: 'opt', ...o };
    const c = this.code(start);
    if (c === 91 && this.bracketRaw()) return { k: 'subsearch', text: this.input.slice(start + 1, this.pos - 1), textS: start + 1, s: start, e: this.pos };
    if (c === 34) {
      const raw = this.squoted();
      if (raw !== null) return { k: 'str', raw: raw.slice(1, -1), s: start, e: this.pos };
    }
    if (c === 96 && this.backticked()) return { k: 'macro', text: this.input.slice(start, this.pos), s: start, e: this.pos };
    if (c === 40 && this.parenRaw()) return { k: 'paren', text: this.input.slice(start, this.pos), s: start, e: this.pos };
    if (c === 39 && this.quotedName(39) !== null) return { k: 'word', raw: this.input.slice(start, this.pos), s: start, e: this.pos };
    const raw = this.runOrEscapes(wordChar, RUN_WORD);
    if (raw !== null) return { k: 'word', raw, s: start, e: this.pos };
    if (c === 44 || c === 61) {
      this.pos++;
      return { k: 'punct', raw: String.fromCharCode(c), s: start, e: this.pos };
    }
    return null;
  }

  // ------------------------------------------------------ tstats, mstats

  private tstatsArgs(): Node {
    this.ws();
    const items = this.items(() => this.tstatsItem());
    const from = this.tstatsFrom();
    this.ws();
    const where = this.tstatsWhere();
    this.ws();
    const by = this.tstatsBy();
    this.ws();
    const tail = this.genericTail();
    return { ...optsAndAggs(items), from, where, by: by ?? [], tail };
  }

  /** `&[fFwWbB] ("from"i / "where"i / "by"i) KwEnd` */
  private atTstatsWord(): boolean {
    const p = this.pos;
    for (const w of TSTATS_WORDS) if (this.ci(p, w)) return this.kwEnd(p + w.length);
    return false;
  }

  private tstatsItem(): Node | null {
    const start = this.pos;
    if (!this.atTstatsWord()) {
      const o = this.option();
      if (o !== null) return { k: 'opt', ...o };
      const a = this.agg();
      if (a !== null) return a;
    }
    const m = this.backtickedValue();
    return m === null ? null : { k: 'opt', key: '', value: m, s: start, e: this.pos };
  }

  private tstatsFrom(): Node | null {
    const start = this.pos;
    if (this.eatCi('from') && this.ws1()) {
      const dm = this.datamodelRef();
      if (dm !== null) {
        this.ws();
        return dm;
      }
    }
    this.pos = start;
    return null;
  }

  private datamodelRef(): Node | null {
    const start = this.pos;
    for (const w of DATAMODEL_KINDS) {
      if (!this.ci(start, w)) continue;
      this.pos += w.length;
      const kind = this.input.slice(start, this.pos).toLowerCase();
      this.ws();
      const at = this.pos;
      if (this.eat('=') || this.eat(':')) this.ws();
      else this.pos = at;
      const from = this.pos;
      this.skip(RUN_NAME);
      if (this.pos > from) return { kind, name: this.input.slice(from, this.pos), s: start, e: this.pos };
      this.pos = start;
      break;
    }
    this.skip(RUN_NAME);
    if (this.pos > start) return { kind: 'namespace', name: this.input.slice(start, this.pos), s: start, e: this.pos };
    return null;
  }

  private tstatsWhere(): Node | null {
    const start = this.pos;
    if (!(this.ci(start, 'where') && this.kwEnd(start + 5))) return null;
    this.pos += 5;
    this.ws();
    const e = this.sAnd();
    this.ws();
    return e ?? { k: 'empty' };
  }

  private tstatsBy(): (Node | string)[] | null {
    const start = this.pos;
    if (!this.atByKw()) return null;
    this.pos += this.ci(start, 'by') ? 2 : 7;
    this.ws();
    const out = this.list<Node | string>(
      () => this.tstatsByItem(),
      () => this.listSep(),
    );
    if (out === null) this.pos = start;
    return out;
  }

  private tstatsByItem(): Node | string | null {
    const o = this.option();
    if (o !== null) return { opt: o };
    return this.fieldName();
  }

  // ------------------------------------------------------------- rename

  private renameArgs(): Node[] | null {
    const start = this.pos;
    this.ws();
    const out = this.list(
      () => this.renamePair(),
      () => this.listSep(),
    );
    if (out === null) {
      this.pos = start;
      return null;
    }
    this.trailingComma();
    return out;
  }

  private renamePair(): Node | null {
    const start = this.pos;
    const from = this.fieldName();
    if (from !== null && this.ws1() && this.eatCi('as') && this.ws1()) {
      const to = this.fieldName();
      if (to !== null) return { from, to, s: start, e: this.pos };
    }
    this.pos = start;
    return null;
  }

  // ------------------------------------------------------ regex / rex

  private regexArgs(): Node | null {
    const start = this.pos;
    this.ws();
    const field = this.regexField();
    this.ws();
    const re = this.regexValue();
    if (re === null) {
      this.pos = start;
      return null;
    }
    this.ws();
    return { field: field ? field.name : null, negate: field ? field.neg : false, re };
  }

  private regexField(): { name: string; neg: boolean } | null {
    const start = this.pos;
    this.skip(RUN_REGEX_FIELD);
    if (this.pos > start) {
      const name = this.input.slice(start, this.pos);
      this.ws();
      if (this.eat('!=')) return { name, neg: true };
      if (this.eat('=')) return { name, neg: false };
    }
    this.pos = start;
    return null;
  }

  private regexValue(): Node | null {
    const start = this.pos;
    const raw = this.squoted();
    if (raw !== null) return { raw: raw.slice(1, -1), quoted: true, s: start, e: this.pos };
    const r = this.runOrEscapes(nameChar, RUN_NAME);
    return r === null ? null : { raw: r, quoted: false, s: start, e: this.pos };
  }

  private rexArgs(): Node[] {
    this.ws();
    const out: Node[] = [];
    for (;;) {
      const at = this.pos;
      const o = this.option();
      if (o !== null) out.push({ k: 'opt', ...o });
      else {
        const raw = this.squoted();
        if (raw === null) {
          this.pos = at;
          return out;
        }
        out.push({ k: 're', raw: raw.slice(1, -1), s: at, e: this.pos });
      }
      this.ws();
    }
  }

  // ------------------------------------------------------------ lookup

  private lookupArgs(): Node | null {
    const start = this.pos;
    this.ws();
    const opts: Node[] = [];
    for (;;) {
      const at = this.pos;
      const o = this.option();
      if (o === null || !this.ws1()) {
        this.pos = at;
        break;
      }
      opts.push(o);
    }
    const table = this.fieldName();
    if (table === null) {
      this.pos = start;
      return null;
    }
    const inputs: Node[] = [];
    for (;;) {
      const at = this.pos;
      if (this.lookupSep()) {
        const f = this.lookupField();
        if (f !== null) {
          inputs.push(f);
          continue;
        }
      }
      this.pos = at;
      break;
    }
    let out: [string, Node[] | null] | null = null;
    const at = this.pos;
    if (this.ws1()) {
      const kw = this.outputKw();
      if (kw) {
        const word = this.input.slice(this.pos, this.pos + kw);
        this.pos += kw;
        this.ws();
        out = [word, this.lookupOutFields()];
      }
    }
    if (out === null) this.pos = at;
    this.ws();
    return { opts, table, inputs, outputKind: out ? out[0].toUpperCase() : null, outputs: out ? (out[1] ?? []) : [] };
  }

  /** `LookupSep`: `_ "," _ / __ !(&[oO] ("OUTPUTNEW"i / "OUTPUT"i) KwEnd)`. */
  private lookupSep(): boolean {
    if (this.commaSep()) return true;
    const at = this.pos;
    if (!this.ws1()) return false;
    if (this.outputKw()) {
      this.pos = at;
      return false;
    }
    return true;
  }

  /** `("OUTPUTNEW"i / "OUTPUT"i) KwEnd` at the position: the word's length, or 0. */
  private outputKw(): number {
    const p = this.pos;
    const kw = this.ci(p, 'outputnew') ? 9 : this.ci(p, 'output') ? 6 : 0;
    return kw && this.kwEnd(p + kw) ? kw : 0;
  }

  private lookupField(): Node | null {
    const name = this.fieldName();
    if (name === null) return null;
    const at = this.pos;
    let alias: string | null = null;
    if (this.ws1() && this.eatCi('as') && this.ws1()) alias = this.fieldName();
    if (alias === null) this.pos = at;
    return { name, alias };
  }

  private lookupOutFields(): Node[] | null {
    return this.list(
      () => this.lookupField(),
      () => this.listSep(),
    );
  }

  // ------------------------------------------------------------- from

  private fromArgs(): Node | null {
    const dm = this.padded(() => this.datamodelRef());
    return dm === null ? null : { from: dm, tail: this.genericTail() };
  }
}

/**
 * The `Pipeline` tree the generated parser gives for `text`, or null when it
 * would not parse it (the caller then parses it with the grammar, which
 * reports the error).
 */
export function readSplPipeline(text: string): unknown {
  try {
    const r = new Reader(text);
    const tree = r.pipeline();
    return tree !== null && r.pos === text.length ? tree : null;
  } catch (e) {
    // Nesting the grammar would overflow on too: the generated parser reports it.
    if (e instanceof RangeError) return null;
    throw e;
  }
}
