/**
 * A fast path for the TOML that detection-rules files are written in: values
 * and string locations in one pass, with indexOf and sticky regexes instead of
 * one step per character (smol-toml and toml-locate each walked every
 * character of the 16 MB corpus; most of it is long multi-line strings).
 *
 * It reads a deliberately small subset: table headers and array-of-tables
 * headers with bare or quoted key parts, `key = value` with one bare or quoted
 * key, strings of the four kinds with the simple escapes, decimal integers,
 * booleans, arrays, one-line inline tables, comments, LF line ends. Anything
 * else (dotted keys, floats, dates, unicode escapes, line-ending backslashes,
 * CR characters, a BOM, a redefined key or table, any syntax error) returns
 * null, and the caller uses smol-toml and locateTomlStrings, which also give
 * the error message. On what it reads, its result is the same as theirs:
 * null-prototype tables in the same key order, the same values, and the same
 * layout entries in the same order (checked on every corpus file and mutated
 * copies, and by test/elastic/toml-fast.test.ts).
 */
import { normKey, type TomlLayout, type TomlStringLoc } from './toml-locate.js';
import { exactSize } from '../../core/arrays.js';

type Table = Record<string, unknown>;

const BARE_KEY = /[A-Za-z0-9_-]+/y;
const INT = /(?:-?[1-9][0-9]{0,14}|0)(?=[ \t\n,\]}#]|$)/y;
const SPACES = /[ \t]*/y;
/** Characters TOML forbids in a one-line string or comment (all controls but tab, and DEL). */
const BAD_LINE = /[\x00-\x08\x0a-\x1f\x7f]/;
/** The same in a multi-line string, where LF is allowed (CR never reaches here). */
const BAD_MULTI = /[\x00-\x08\x0b-\x1f\x7f]/;

class Unsupported extends Error {}
const UNSUPPORTED = new Unsupported();

/** Values and layout of `text`, or null when the fast path does not apply. */
export function fastToml(text: string): { doc: Table; layout: TomlLayout } | null {
  if (text.includes('\r') || text.charCodeAt(0) === 0xfeff) return null;
  try {
    return new Reader(text).read();
  } catch (e) {
    if (e === UNSUPPORTED) return null;
    throw e;
  }
}

function fail(): never {
  throw UNSUPPORTED;
}

class Reader {
  private i = 0;
  private readonly n: number;
  private readonly strings: TomlStringLoc[] = [];
  private readonly headers: TomlLayout['headers'] = [];
  /** Tables made by headers (explicitly or as a path's intermediate), and those defined explicitly. */
  private readonly headerTables = new Set<Table>();
  private readonly explicit = new Set<Table>();
  /** Arrays made by `[[...]]` headers. */
  private readonly tableArrays = new Set<unknown[]>();

  constructor(private readonly text: string) {
    this.n = text.length;
  }

  read(): { doc: Table; layout: TomlLayout } {
    const { text, n } = this;
    const root: Table = Object.create(null);
    let table = root;
    let tableName = '';
    for (;;) {
      // Between statements: blank lines, indentation, comments.
      for (;;) {
        const c = text.charCodeAt(this.i);
        if (c === 32 || c === 9 || c === 10) this.i++;
        else if (c === 35) this.comment();
        else break;
      }
      if (this.i >= n) break;
      if (text.charCodeAt(this.i) === 91 /* [ */) {
        const offset = this.i;
        const isArray = text.charCodeAt(this.i + 1) === 91;
        this.i += isArray ? 2 : 1;
        // The layout's name: what toml-locate reads, up to the first `]`.
        let close = text.indexOf(']', this.i);
        const nl = text.indexOf('\n', this.i);
        if (close < 0 || (nl >= 0 && nl < close)) close = nl < 0 ? n : nl;
        tableName = normKey(text.slice(this.i, close));
        this.headers.push({ name: tableName, offset });
        const keys = this.headerKeys();
        if (isArray && text.charCodeAt(this.i++) !== 93) fail();
        table = this.openTable(root, keys, isArray);
      } else {
        const keyStart = this.i;
        const key = this.keyPart();
        this.spaces();
        if (text.charCodeAt(this.i) !== 61 /* = */) fail();
        const path = normKey(text.slice(keyStart, this.i));
        this.i++;
        this.spaces();
        const value = this.value(tableName ? tableName + '.' + path : path);
        if (Object.hasOwn(table, key) || key === '__proto__') fail();
        table[key] = value;
      }
      // End of the statement: spaces, a comment, then a line end or the end.
      this.spaces();
      if (text.charCodeAt(this.i) === 35) this.comment();
      if (this.i < n && text.charCodeAt(this.i) !== 10) fail();
    }
    return { doc: root, layout: { strings: this.strings, headers: this.headers } };
  }

  private spaces(): void {
    SPACES.lastIndex = this.i;
    SPACES.test(this.text);
    this.i = SPACES.lastIndex;
  }

  /** From `#` to the line end (not consumed). */
  private comment(): void {
    let e = this.text.indexOf('\n', this.i);
    if (e < 0) e = this.n;
    if (BAD_LINE.test(this.text.slice(this.i, e))) fail();
    this.i = e;
  }

  /** `a.b."c"` up to (and including) the closing `]` of a header. */
  private headerKeys(): string[] {
    const keys: string[] = [];
    for (;;) {
      this.spaces();
      keys.push(this.keyPart());
      this.spaces();
      const c = this.text.charCodeAt(this.i++);
      if (c === 93 /* ] */) return keys;
      if (c !== 46 /* . */) fail();
    }
  }

  /** One bare or quoted (one-line, escape-free) key part. */
  private keyPart(): string {
    const { text } = this;
    const c = text.charCodeAt(this.i);
    if (c === 34 || c === 39) {
      const q = c === 34 ? '"' : "'";
      const e = text.indexOf(q, this.i + 1);
      if (e < 0) fail();
      const k = text.slice(this.i + 1, e);
      if (k.includes('\\') || BAD_LINE.test(k) || (e === this.i + 1 && text.charCodeAt(e + 1) === c)) fail();
      this.i = e + 1;
      return k;
    }
    BARE_KEY.lastIndex = this.i;
    if (!BARE_KEY.test(text)) fail();
    const k = text.slice(this.i, BARE_KEY.lastIndex);
    this.i = BARE_KEY.lastIndex;
    return k;
  }

  /** The table a `[keys]` / `[[keys]]` header opens, with TOML's rules on redefinition (anything doubtful: unsupported). */
  private openTable(root: Table, keys: string[], isArray: boolean): Table {
    let t = root;
    for (let k = 0; k < keys.length - 1; k++) {
      const key = keys[k]!;
      if (key === '__proto__') fail();
      const v = t[key];
      if (v === undefined) {
        const next: Table = Object.create(null);
        this.headerTables.add(next);
        t[key] = next;
        t = next;
      } else if (this.headerTables.has(v as Table)) t = v as Table;
      else if (this.tableArrays.has(v as unknown[])) t = (v as Table[])[(v as Table[]).length - 1]!;
      else fail();
    }
    const last = keys[keys.length - 1]!;
    if (last === '__proto__') fail();
    const v = t[last];
    const fresh: Table = Object.create(null);
    this.headerTables.add(fresh);
    this.explicit.add(fresh);
    if (isArray) {
      if (v === undefined) {
        const arr: Table[] = [fresh];
        this.tableArrays.add(arr);
        t[last] = arr;
      } else if (this.tableArrays.has(v as unknown[])) (v as Table[]).push(fresh);
      else fail();
      return fresh;
    }
    if (v === undefined) {
      t[last] = fresh;
      return fresh;
    }
    if (!this.headerTables.has(v as Table) || this.explicit.has(v as Table)) fail();
    this.explicit.add(v as Table);
    return v as Table;
  }

  private value(path: string): unknown {
    const { text } = this;
    const c = text.charCodeAt(this.i);
    if (c === 34 || c === 39) return this.string(path, c);
    if (c === 91 /* [ */) {
      this.i++;
      const out: unknown[] = [];
      for (;;) {
        this.void();
        if (text.charCodeAt(this.i) === 93) {
          this.i++;
          return exactSize(out);
        }
        out.push(this.value(path));
        this.void();
        const d = text.charCodeAt(this.i++);
        if (d === 93) return exactSize(out);
        if (d !== 44 /* , */) fail();
      }
    }
    if (c === 123 /* { */) {
      this.i++;
      const out: Table = Object.create(null);
      this.spaces();
      if (text.charCodeAt(this.i) === 125) {
        this.i++;
        return out;
      }
      for (;;) {
        const keyStart = this.i;
        const key = this.keyPart();
        this.spaces();
        if (text.charCodeAt(this.i) !== 61) fail();
        const sub = normKey(text.slice(keyStart, this.i));
        this.i++;
        this.spaces();
        const v = this.value(path + '.' + sub);
        if (Object.hasOwn(out, key) || key === '__proto__') fail();
        out[key] = v;
        this.spaces();
        const d = text.charCodeAt(this.i++);
        if (d === 125 /* } */) return out;
        if (d !== 44) fail();
        this.spaces();
      }
    }
    if (c === 116 /* t */ && text.startsWith('true', this.i)) {
      this.i += 4;
      this.valueEnd();
      return true;
    }
    if (c === 102 /* f */ && text.startsWith('false', this.i)) {
      this.i += 5;
      this.valueEnd();
      return false;
    }
    INT.lastIndex = this.i;
    if (INT.test(text)) {
      const raw = text.slice(this.i, INT.lastIndex);
      if (raw === '-0') fail();
      this.i = INT.lastIndex;
      return Number(raw);
    }
    return fail();
  }

  /** After true/false: a delimiter must follow. */
  private valueEnd(): void {
    const c = this.text.charCodeAt(this.i);
    if (!(this.i >= this.n || c === 32 || c === 9 || c === 10 || c === 44 || c === 93 || c === 125 || c === 35)) fail();
  }

  /** Spaces, line ends and comments inside an array. */
  private void(): void {
    for (;;) {
      const c = this.text.charCodeAt(this.i);
      if (c === 32 || c === 9 || c === 10) this.i++;
      else if (c === 35) this.comment();
      else return;
    }
  }

  private string(path: string, quote: number): string {
    const { text } = this;
    const q = quote === 34 ? '"' : "'";
    const basic = quote === 34;
    if (text.charCodeAt(this.i + 1) === quote && text.charCodeAt(this.i + 2) === quote) {
      // Multi-line: the closing delimiter as toml-locate finds it (an odd run
      // of backslashes escapes a quote); up to two more quotes are content.
      const delim = basic ? '"""' : "'''";
      let start = this.i + 3;
      if (text.charCodeAt(start) === 10) start++;
      let j = start;
      let k: number;
      for (;;) {
        k = text.indexOf(delim, j);
        if (k < 0) fail();
        if (basic) {
          let b = 0;
          while (text.charCodeAt(k - 1 - b) === 92 && k - 1 - b >= start) b++;
          if (b % 2 === 1) {
            j = k + 1;
            continue;
          }
        }
        break;
      }
      let e = k + 3;
      while (e < this.n && text.charCodeAt(e) === quote && e < k + 5) e++;
      const end = e - 3;
      const body = text.slice(start, end);
      if (BAD_MULTI.test(body)) fail();
      this.strings.push({ path, kind: basic ? 'ml-basic' : 'ml-literal', start, end });
      this.i = e;
      return basic && body.includes('\\') ? unescape(body, true) : body;
    }
    const start = this.i + 1;
    let end: number;
    if (basic) {
      end = start;
      for (;;) {
        const c = text.charCodeAt(end);
        if (c === 34) break;
        if (c === 92) end += 2;
        else if (c === 10 || end >= this.n) fail();
        else end++;
      }
    } else {
      end = text.indexOf(q, start);
      if (end < 0) fail();
    }
    const body = text.slice(start, end);
    if (BAD_LINE.test(body)) fail();
    this.strings.push({ path, kind: basic ? 'basic' : 'literal', start, end });
    this.i = end + 1;
    return basic && body.includes('\\') ? unescape(body, false) : body;
  }
}

/** The simple escapes only (\uXXXX, \x.., line-ending backslashes and anything else: unsupported). */
function unescape(body: string, multiline: boolean): string {
  let out = '';
  let from = 0;
  for (let p = body.indexOf('\\'); p >= 0; p = body.indexOf('\\', from)) {
    out += body.slice(from, p);
    const e = body[p + 1];
    switch (e) {
      case 'b': out += '\b'; break;
      case 't': out += '\t'; break;
      case 'n': out += '\n'; break;
      case 'f': out += '\f'; break;
      case 'r': out += '\r'; break;
      case 'e': out += '\x1b'; break;
      case '"': out += '"'; break;
      case '\\': out += '\\'; break;
      default: return fail();
    }
    from = p + 2;
  }
  void multiline;
  return out + body.slice(from);
}
