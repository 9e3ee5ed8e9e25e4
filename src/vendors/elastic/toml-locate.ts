/**
 * Where string values sit in a TOML file. smol-toml gives values but no
 * positions, so this small lexer walks the file once and records, for every
 * string value, its dotted key path (`rule.query`, `hunt.query`) and the
 * offsets of its content. It understands exactly enough TOML to not be fooled:
 * table headers, comments, the four string kinds (a header-looking line inside
 * a multi-line string is not a header), arrays and inline tables.
 *
 * It never throws; on input it does not understand it simply records less,
 * and callers fall back to the start of the rule.
 */

export type TomlStringKind = 'basic' | 'literal' | 'ml-basic' | 'ml-literal';

export interface TomlStringLoc {
  /** Dotted key path; array elements share their array's path. */
  path: string;
  kind: TomlStringKind;
  /** 0-based file offsets of the content (after the opening delimiter and the trimmed first newline; before the closing one). */
  start: number;
  end: number;
}

export interface TomlHeaderLoc {
  /** Table name without brackets, e.g. `rule`, `rule.threat`. */
  name: string;
  /** 0-based offset of the `[`. */
  offset: number;
}

export interface TomlLayout {
  strings: TomlStringLoc[];
  headers: TomlHeaderLoc[];
}

function isWs(c: string | undefined): boolean {
  return c === ' ' || c === '\t';
}

const PLAIN_KEY = /^[A-Za-z0-9_.-]+$/;

/** A key or table name as written -> the dotted path used in TomlStringLoc (quotes of plain parts dropped). */
export function normKey(k: string): string {
  const t = k.trim();
  if (PLAIN_KEY.test(t)) return t;
  return k
    .split('.')
    .map((p) => p.trim().replace(/^"(.*)"$/, '$1').replace(/^'(.*)'$/, '$1'))
    .join('.');
}

export function locateTomlStrings(text: string): TomlLayout {
  const strings: TomlStringLoc[] = [];
  const headers: TomlHeaderLoc[] = [];
  const n = text.length;
  let i = 0;
  let table = '';

  const skipWsComments = (multiline: boolean) => {
    while (i < n) {
      const c = text[i];
      if (isWs(c) || (multiline && (c === '\n' || c === '\r'))) i++;
      else if (c === '#') {
        while (i < n && text[i] !== '\n') i++;
      } else break;
    }
  };

  // Scan one string starting at text[i] (a quote); record it under `path`.
  // indexOf-based: the corpus has ~2,000 files with long multi-line strings.
  const scanString = (path: string) => {
    const q = text[i]!;
    const delim = q === '"' ? '"""' : "'''";
    const triple = text.startsWith(delim, i);
    if (triple) {
      i += 3;
      let start = i;
      if (text.charCodeAt(start) === 10) start += 1;
      else if (text.charCodeAt(start) === 13 && text.charCodeAt(start + 1) === 10) start += 2;
      let j = start;
      for (;;) {
        let k = text.indexOf(delim, j);
        if (k === -1) {
          i = n;
          return;
        }
        if (q === '"') {
          // A closing delimiter preceded by an odd run of backslashes is escaped.
          let b = 0;
          while (text.charCodeAt(k - 1 - b) === 92 && k - 1 - b >= start) b++;
          if (b % 2 === 1) {
            j = k + 1;
            continue;
          }
        }
        // Up to two extra quotes before the closing delimiter belong to the content.
        let e = k + 3;
        while (e < n && text[e] === q && e < k + 5) e++;
        strings.push({ path, kind: q === '"' ? 'ml-basic' : 'ml-literal', start, end: e - 3 });
        i = e;
        return;
      }
    }
    i += 1;
    const start = i;
    while (i < n && text[i] !== q && text[i] !== '\n') {
      if (q === '"' && text[i] === '\\') i++;
      i++;
    }
    strings.push({ path, kind: q === '"' ? 'basic' : 'literal', start, end: i });
    if (text[i] === q) i++;
  };

  const scanValue = (path: string, depth: number): void => {
    if (depth > 64) return;
    const c = text[i];
    if (c === '"' || c === "'") return scanString(path);
    if (c === '[') {
      i++;
      for (;;) {
        skipWsComments(true);
        if (i >= n) return;
        if (text[i] === ']') {
          i++;
          return;
        }
        if (text[i] === ',') {
          i++;
          continue;
        }
        const before = i;
        scanValue(path, depth + 1);
        if (i === before) i++;
      }
    }
    if (c === '{') {
      i++;
      for (;;) {
        skipWsComments(false);
        if (i >= n || text[i] === '\n') return;
        if (text[i] === '}') {
          i++;
          return;
        }
        if (text[i] === ',') {
          i++;
          continue;
        }
        const key = readKey();
        if (key === null) {
          i++;
          continue;
        }
        skipWsComments(false);
        const before = i;
        scanValue(path + '.' + key, depth + 1);
        if (i === before) i++;
      }
    }
    // Bare scalar: up to a delimiter.
    while (i < n && text[i] !== '\n' && text[i] !== ',' && text[i] !== ']' && text[i] !== '}' && text[i] !== '#') i++;
  };

  // Reads `key =` (dotted, quoted parts allowed) and leaves i after '='.
  const readKey = (): string | null => {
    const start = i;
    while (i < n && text[i] !== '=' && text[i] !== '\n') {
      const c = text[i];
      if (c === '"' || c === "'") {
        i++;
        while (i < n && text[i] !== c && text[i] !== '\n') i++;
      }
      i++;
    }
    if (text[i] !== '=') return null;
    const key = normKey(text.slice(start, i));
    i++;
    return key;
  };

  while (i < n) {
    // At a line start.
    while (i < n && (isWs(text[i]) || text[i] === '\r' || text[i] === '\n')) i++;
    if (i >= n) break;
    const c = text[i];
    if (c === '#') {
      while (i < n && text[i] !== '\n') i++;
      continue;
    }
    if (c === '[') {
      const offset = i;
      const double = text[i + 1] === '[';
      i += double ? 2 : 1;
      const s = i;
      while (i < n && text[i] !== ']' && text[i] !== '\n') i++;
      table = normKey(text.slice(s, i));
      headers.push({ name: table, offset });
      while (i < n && text[i] !== '\n') i++;
      continue;
    }
    const key = readKey();
    if (key === null) {
      while (i < n && text[i] !== '\n') i++;
      continue;
    }
    skipWsComments(false);
    scanValue(table ? table + '.' + key : key, 0);
    while (i < n && text[i] !== '\n') i++;
  }
  return { strings, headers };
}

/**
 * Decode a TOML basic (or multi-line basic) string body and map each decoded
 * UTF-16 index to its file offset. `map[k]` is the file offset of decoded
 * character k; `map[decoded.length]` is the end offset.
 */
export function decodeTomlBasic(text: string, start: number, end: number, multiline: boolean): { value: string; map: number[] } {
  let value = '';
  const map: number[] = [];
  let i = start;
  const push = (s: string, at: number) => {
    for (let k = 0; k < s.length; k++) map.push(at);
    value += s;
  };
  while (i < end) {
    const c = text[i]!;
    if (c !== '\\') {
      push(c, i);
      i++;
      continue;
    }
    const e = text[i + 1];
    const simple: Record<string, string> = { b: '\b', t: '\t', n: '\n', f: '\f', r: '\r', '"': '"', '\\': '\\', e: '\x1b' };
    if (e !== undefined && e in simple) {
      push(simple[e]!, i);
      i += 2;
    } else if (e === 'u' || e === 'U') {
      const len = e === 'u' ? 4 : 8;
      const hex = text.slice(i + 2, i + 2 + len);
      const cp = parseInt(hex, 16);
      push(Number.isFinite(cp) && cp <= 0x10ffff ? String.fromCodePoint(cp) : '', i);
      i += 2 + len;
    } else if (multiline && (e === ' ' || e === '\t' || e === '\n' || e === '\r')) {
      // Line-ending backslash: trim all whitespace and newlines that follow.
      i += 1;
      while (i < end && (text[i] === ' ' || text[i] === '\t' || text[i] === '\n' || text[i] === '\r')) i++;
    } else {
      push('\\', i);
      i++;
    }
  }
  map.push(end);
  return { value, map };
}

/** Decode a JSON string body with an index map, like decodeTomlBasic. */
export function decodeJsonString(text: string, start: number, end: number): { value: string; map: number[] } {
  let value = '';
  const map: number[] = [];
  let i = start;
  const simple: Record<string, string> = { b: '\b', t: '\t', n: '\n', f: '\f', r: '\r', '"': '"', '\\': '\\', '/': '/' };
  while (i < end) {
    const c = text[i]!;
    if (c === '\\') {
      const e = text[i + 1]!;
      if (e === 'u') {
        value += String.fromCharCode(parseInt(text.slice(i + 2, i + 6), 16));
        map.push(i);
        i += 6;
      } else {
        value += simple[e] ?? e;
        map.push(i);
        i += 2;
      }
    } else {
      value += c;
      map.push(i);
      i++;
    }
  }
  map.push(end);
  return { value, map };
}
