/**
 * What the hand-written query readers share (src/vendors/elastic/kql/reader.ts,
 * eql/reader.ts, esql/reader.ts and src/vendors/splunk/reader.ts): a position
 * in the query text, and the PEG constructs each compiles by hand the same way
 * (a literal, a case-insensitive word, an element after whitespace, a
 * bracketed group, a comma-separated list, a chain with separators, a chain of
 * one-character operators folded left), each restoring the position where the
 * grammar's backtracking would. Each reader supplies its language's whitespace
 * and comments (`ws`, the grammar's `_`) and builds its own nodes.
 */

/** [0-9] */
export function isDigit(c: number): boolean {
  return c >= 48 && c <= 57;
}

export abstract class PegReader {
  pos = 0;
  protected readonly n: number;

  constructor(protected readonly input: string) {
    this.n = input.length;
  }

  protected code(p: number): number {
    return this.input.charCodeAt(p);
  }

  /** A literal at the current position (case-sensitive). */
  protected lit(s: string): boolean {
    return this.input.startsWith(s, this.pos);
  }

  /** `'w'i` at `p`, compared as Peggy does (the text lower-cased); `w` is lower-case ASCII letters. */
  protected ci(p: number, w: string): boolean {
    for (let i = 0; i < w.length; i++) {
      const c = this.code(p + i);
      if (c >= 128) return this.input.substr(p, w.length).toLowerCase() === w;
      if ((c | 32) !== w.charCodeAt(i)) return false;
    }
    return true;
  }

  /** The grammar's `_`: its whitespace and comments, skipped. */
  protected abstract ws(): void;

  /** `(_ X)`: X after whitespace, or null with the position back before the whitespace. */
  protected after<T>(x: () => T | null): T | null {
    const start = this.pos;
    this.ws();
    const v = x();
    if (v === null) this.pos = start;
    return v;
  }

  /**
   * `head:X tail:(SEP X)*` where `sep` consumes a separator (false: none here):
   * X alone when there is one, else `make(items, start)` over all of them.
   */
  protected chain<T>(x: () => T | null, sep: () => boolean, make: (items: T[], start: number) => T): T | null {
    const start = this.pos;
    const head = x();
    if (head === null) {
      this.pos = start;
      return null;
    }
    let items: T[] | null = null;
    for (;;) {
      const at = this.pos;
      const next = sep() ? x() : null;
      if (next === null) {
        this.pos = at;
        break;
      }
      (items ??= [head]).push(next);
    }
    return items ? make(items, start) : head;
  }

  /** `open _ X _ close`: X, or null with the position back at `open`. */
  protected enclosed<T>(open: string, x: () => T | null, close: string): T | null {
    const start = this.pos;
    if (!this.lit(open)) return null;
    this.pos += open.length;
    this.ws();
    const v = x();
    if (v !== null) {
      this.ws();
      if (this.lit(close)) {
        this.pos += close.length;
        return v;
      }
    }
    this.pos = start;
    return null;
  }

  /** `head:X tail:(_ ',' _ X)*`: the list, or null with the position where it was. */
  protected commaList<T>(x: () => T | null): T[] | null {
    const start = this.pos;
    const head = x();
    if (head === null) {
      this.pos = start;
      return null;
    }
    const out = [head];
    for (;;) {
      const at = this.pos;
      this.ws();
      if (!this.lit(',')) {
        this.pos = at;
        break;
      }
      this.pos++;
      this.ws();
      const v = x();
      if (v === null) {
        this.pos = at;
        break;
      }
      out.push(v);
    }
    return out;
  }

  /** `head:X tail:(_ op _ X)*` with one-character operators (`isOp`), folded left by `make`. */
  protected foldLeft<T>(x: () => T | null, isOp: (c: number) => boolean, make: (acc: T, op: string, right: T) => T): T | null {
    const head = x();
    if (head === null) return null;
    let acc: T = head;
    for (;;) {
      const at = this.pos;
      this.ws();
      const c = this.code(this.pos);
      if (!isOp(c)) {
        this.pos = at;
        break;
      }
      this.pos++;
      this.ws();
      const right = x();
      if (right === null) {
        this.pos = at;
        break;
      }
      acc = make(acc, String.fromCharCode(c), right);
    }
    return acc;
  }
}
