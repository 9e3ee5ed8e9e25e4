/**
 * A hand-written reader for KQL: grammars/kql.peggy's `Query` rule compiled
 * by hand, rule for rule, with the same ordered choices, the same
 * backtracking and the same tree (node for node, offsets included). It reads
 * the queries that parse; for any other it returns null, and the generated
 * parser reads the query again, so every syntax error (message, location,
 * expected list) still comes from the grammar.
 *
 * Why: a first pass through the generated parser (the only pass a build
 * makes) cost about 0.11 s for the Elastic corpus's 729 KQL queries, most of
 * it the generated code's many small functions running cold
 * (docs/performance.md, "The KQL, EQL and ES|QL readers"). The grammar stays the
 * definition: test/elastic/kql-reader.test.ts holds the reader to it on the
 * corpus and on random queries, and a change to one is made to both.
 */
import type { GlobToken } from '../../../ast/glob.js';
import { PegReader } from '../../../core/peg-reader.js';
import type { KNode, KValue, KValueTree } from './tree.js';

const FAIL = null;

/** `Space`: [ \t\r\n\u00A0]. */
function isSpace(c: number): boolean {
  return c === 32 || c === 9 || c === 10 || c === 13 || c === 0xa0;
}

/** `SpecialCharacter`: [\\():<>"*{}]. */
function isSpecial(c: number): boolean {
  return c === 92 || c === 40 || c === 41 || c === 58 || c === 60 || c === 62 || c === 34 || c === 42 || c === 123 || c === 125;
}

/** A character of the unquoted run: neither special, nor `Space`, nor `n`/`N` (where `not ` may start). */
function isPlain(c: number): boolean {
  return c === c && !isSpecial(c) && !isSpace(c) && c !== 110 && c !== 78;
}

function isHex(c: number): boolean {
  return (c >= 48 && c <= 57) || (c >= 65 && c <= 70) || (c >= 97 && c <= 102);
}

/** The grammar's `trimTokens`: whitespace off both ends of an unquoted literal (what /[\s\u00a0]+/ matches, in linear time). */
function trimTokens(tokens: GlobToken[]): GlobToken[] {
  const out = tokens.slice();
  while (out.length && out[0]!.t === 'lit') {
    const s = (out[0] as { s: string }).s.trimStart();
    if (s) {
      out[0] = { t: 'lit', s };
      break;
    }
    out.shift();
  }
  while (out.length && out[out.length - 1]!.t === 'lit') {
    const s = (out[out.length - 1] as { s: string }).s.trimEnd();
    if (s) {
      out[out.length - 1] = { t: 'lit', s };
      break;
    }
    out.pop();
  }
  return out;
}

class Reader extends PegReader {
  /** The last literal read, by its start: the choices of `NestedQuery` and `Expression` read the same `Field` again. */
  private litAt = -1;
  private litNode: KValue | null = null;
  private litEnd = 0;

  /** The whitespace run last scanned: from anywhere inside it, `Spaces` ends at its end (as the grammar's `spaces()`). */
  private runFrom = -1;
  private runTo = -1;

  /** Where `Spaces` from `p` ends. An unquoted value asks at each of its whitespace characters (for ` or `, ` and `): remembering the run keeps that linear. */
  private runEnd(p: number): number {
    if (p >= this.runFrom && p <= this.runTo) return this.runTo;
    this.runFrom = p;
    while (isSpace(this.code(p))) p++;
    return (this.runTo = p);
  }

  /** `Spaces`. */
  protected ws(): void {
    this.pos = this.runEnd(this.pos);
  }

  /** `Or` / `And` at `p` (Space Spaces keyword Space Spaces): where it ends, or -1. */
  private infix(p: number, w: string): number {
    if (!isSpace(this.code(p))) return -1;
    p = this.runEnd(p + 1);
    if (!this.ci(p, w)) return -1;
    p += w.length;
    if (!isSpace(this.code(p))) return -1;
    return this.runEnd(p + 1);
  }

  /** `Not` at `p` ('not'i Space Spaces): where it ends, or -1. */
  private prefixNot(p: number): number {
    if (!this.ci(p, 'not')) return -1;
    p += 3;
    if (!isSpace(this.code(p))) return -1;
    return this.runEnd(p + 1);
  }

  /** `Keyword` (Or / And / Not) at `p`. */
  private keywordAt(p: number): boolean {
    return this.infix(p, 'or') >= 0 || this.infix(p, 'and') >= 0 || this.prefixNot(p) >= 0;
  }

  query(): KNode | null {
    this.ws();
    const at = this.pos;
    let q = this.orQuery();
    if (!q) {
      this.pos = at;
      q = { type: 'empty', start: 0, end: 0 };
    }
    this.ws();
    return this.pos === this.input.length ? q : FAIL;
  }

  private orQuery(): KNode | null {
    return this.list('or', () => this.andQuery());
  }

  private andQuery(): KNode | null {
    return this.list('and', () => this.notQuery());
  }

  /** `head:X tail:(Op q:X)*` (Op: ` or ` / ` and `), flattened as the grammar's `flatten` does. */
  private list<T extends KNode | KValueTree>(kind: 'or' | 'and', item: () => T | null): T | null {
    const sep = () => {
      const after = this.infix(this.pos, kind);
      if (after >= 0) this.pos = after;
      return after >= 0;
    };
    return this.chain(item, sep, (children, start) => ({ type: kind, children, start, end: this.pos }) as unknown as T);
  }

  private notQuery(): KNode | null {
    return this.negated(() => this.subQuery());
  }

  /** `Not X { not } / X` (NotQuery, NotListOfValues). */
  private negated<T extends KNode | KValueTree>(x: () => T | null): T | null {
    const start = this.pos;
    const after = this.prefixNot(start);
    if (after >= 0) {
      this.pos = after;
      const child = x();
      if (child) return { type: 'not', child, start, end: this.pos } as unknown as T;
      this.pos = start;
    }
    return x();
  }

  private subQuery(): KNode | null {
    return this.enclosed('(', () => this.orQuery(), ')') ?? this.nestedQuery();
  }

  private nestedQuery(): KNode | null {
    const start = this.pos;
    const field = this.literal();
    if (field) {
      this.ws();
      if (this.code(this.pos) === 58) {
        this.pos++;
        this.ws();
        const q = this.enclosed('{', () => this.orQuery(), '}');
        if (q) return { type: 'nested', field, query: q, start, end: this.pos };
      }
    }
    this.pos = start;
    return this.fieldRange() ?? this.fieldValue() ?? this.valueExpression();
  }

  private fieldRange(): KNode | null {
    const start = this.pos;
    const field = this.literal();
    if (field) {
      this.ws();
      const op = this.rangeOperator();
      if (op) {
        this.ws();
        const value = this.literal();
        if (value) return { type: 'range', field, op, value, start, end: this.pos };
      }
    }
    this.pos = start;
    return FAIL;
  }

  private rangeOperator(): '<' | '<=' | '>' | '>=' | null {
    const c = this.code(this.pos);
    if (c !== 60 && c !== 62) return FAIL;
    const eq = this.code(this.pos + 1) === 61;
    this.pos += eq ? 2 : 1;
    return c === 60 ? (eq ? '<=' : '<') : eq ? '>=' : '>';
  }

  private fieldValue(): KNode | null {
    const start = this.pos;
    const field = this.literal();
    if (field) {
      this.ws();
      if (this.code(this.pos) === 58) {
        this.pos++;
        this.ws();
        const value = this.listOfValues();
        if (value) return { type: 'field', field, value, start, end: this.pos };
      }
    }
    this.pos = start;
    return FAIL;
  }

  private valueExpression(): KNode | null {
    const start = this.pos;
    const value = this.literal();
    return value ? { type: 'field', field: null, value, start, end: this.pos } : FAIL;
  }

  private listOfValues(): KValueTree | null {
    return this.enclosed('(', () => this.orListOfValues(), ')') ?? this.literal();
  }

  private orListOfValues(): KValueTree | null {
    return this.list('or', () => this.andListOfValues());
  }

  private andListOfValues(): KValueTree | null {
    return this.list('and', () => this.notListOfValues());
  }

  private notListOfValues(): KValueTree | null {
    return this.negated(() => this.listOfValues());
  }

  /**
   * `Literal` / `Value` / `Field`: QuotedString / UnquotedLiteral. Read once per
   * position: the choice that keeps it is the only one whose node stays in the tree.
   */
  private literal(): KValue | null {
    const start = this.pos;
    if (start !== this.litAt) {
      this.litNode = this.code(start) === 34 ? this.quoted() : this.unquoted();
      this.litAt = start;
      this.litEnd = this.pos;
    }
    this.pos = this.litNode ? this.litEnd : start;
    return this.litNode;
  }

  /** `QuotedString`. */
  private quoted(): KValue | null {
    const input = this.input;
    const start = this.pos;
    let p = start + 1;
    let s = '';
    for (;;) {
      const c = input.charCodeAt(p);
      if (c !== c) {
        this.pos = start;
        return FAIL; // unterminated
      }
      if (c === 34) break;
      if (c !== 92) {
        let q = p + 1;
        while (q < input.length) {
          const d = input.charCodeAt(q);
          if (d === 34 || d === 92) break;
          q++;
        }
        s += input.slice(p, q);
        p = q;
        continue;
      }
      const e = input.charCodeAt(p + 1);
      if (e === 116 || e === 114 || e === 110) {
        s += e === 116 ? '\t' : e === 114 ? '\r' : '\n';
        p += 2;
      } else if (e === 117 && isHex(input.charCodeAt(p + 2)) && isHex(input.charCodeAt(p + 3)) && isHex(input.charCodeAt(p + 4)) && isHex(input.charCodeAt(p + 5))) {
        s += String.fromCharCode(parseInt(input.slice(p + 2, p + 6), 16));
        p += 6;
      } else if (e === 92 || e === 34) {
        s += input[p + 1];
        p += 2;
      } else {
        s += '\\';
        p += 1;
      }
    }
    this.pos = p + 1;
    return { type: 'value', quoted: true, tokens: [{ t: 'lit', s }], raw: input.slice(start, this.pos), start, end: this.pos };
  }

  /** `UnquotedLiteral`: `UnquotedCharacter+`, its pieces merged into tokens (`mergeTokens`), then trimmed. */
  private unquoted(): KValue | null {
    const input = this.input;
    const start = this.pos;
    let p = start;
    const tokens: GlobToken[] = [];
    let lit = '';
    let any = false;
    for (;;) {
      const c = input.charCodeAt(p);
      let piece: string;
      if (isPlain(c)) {
        let q = p + 1;
        while (isPlain(input.charCodeAt(q))) q++;
        piece = input.slice(p, q);
        p = q;
      } else if (c === 92) {
        const e = this.escapeBody(p + 1);
        if (e === null) break;
        piece = e.s;
        p = e.end;
      } else if (c === 42) {
        if (lit) tokens.push({ t: 'lit', s: lit });
        lit = '';
        tokens.push({ t: 'star' });
        p++;
        any = true;
        continue;
      } else if (c !== c || isSpecial(c) || this.keywordAt(p)) break;
      else {
        piece = input[p]!;
        p++;
      }
      lit += piece;
      any = true;
    }
    if (!any) return FAIL;
    if (lit) tokens.push({ t: 'lit', s: lit });
    this.pos = p;
    return { type: 'value', quoted: false, tokens: trimTokens(tokens), raw: input.slice(start, p).trim(), start, end: p };
  }

  /** `EscapeBody` at `p` (after a backslash): its text and end, or null. */
  private escapeBody(p: number): { s: string; end: number } | null {
    const input = this.input;
    const c = input.charCodeAt(p);
    if (c === 116) return { s: '\t', end: p + 1 };
    if (c === 114) return { s: '\r', end: p + 1 };
    if (c === 110) return { s: '\n', end: p + 1 };
    if (c === 117 && isHex(input.charCodeAt(p + 1)) && isHex(input.charCodeAt(p + 2)) && isHex(input.charCodeAt(p + 3)) && isHex(input.charCodeAt(p + 4))) {
      return { s: String.fromCharCode(parseInt(input.slice(p + 1, p + 5), 16)), end: p + 5 };
    }
    for (const w of ['or', 'and', 'not']) if (this.ci(p, w)) return { s: input.substr(p, w.length), end: p + w.length };
    if (isSpecial(c)) return { s: input[p]!, end: p + 1 };
    return null;
  }
}

/** The tree of a KQL query as grammars/kql.peggy's `Query` gives it, or null when it does not parse. */
export function readKql(text: string): KNode | null {
  return new Reader(text).query();
}
