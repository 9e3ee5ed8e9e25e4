/**
 * Splunk `.conf` files (savedsearches.conf, macros.conf): `[stanza]` headers,
 * `key = value` lines, `#` comment lines, and values continued onto the next
 * line by a trailing backslash (the backslash and the line break are kept out
 * of the value, Splunk joins the lines with a newline). Never throws.
 */

export interface ConfEntry {
  value: string;
  /** 0-based offset of the value's first character in the file. */
  offset: number;
  /** 0-based offset of the key. */
  keyOffset: number;
}

export interface ConfStanza {
  name: string;
  /** 0-based offset of the `[`. */
  offset: number;
  entries: Map<string, ConfEntry>;
}

export function parseConf(text: string): ConfStanza[] {
  const out: ConfStanza[] = [];
  let cur: ConfStanza = { name: 'default', offset: 0, entries: new Map() };
  let implicitDefault = true;
  let pos = 0;
  const n = text.length;
  while (pos < n) {
    let lineEnd = text.indexOf('\n', pos);
    if (lineEnd === -1) lineEnd = n;
    const line = text.slice(pos, lineEnd).replace(/\r$/, '');
    const trimmed = line.trim();
    const lineStart = pos;
    pos = lineEnd + 1;
    if (trimmed === '' || trimmed.startsWith('#')) continue;
    if (trimmed.startsWith('[') && trimmed.endsWith(']')) {
      if (!implicitDefault || cur.entries.size) out.push(cur);
      implicitDefault = false;
      cur = { name: trimmed.slice(1, -1), offset: lineStart + line.indexOf('['), entries: new Map() };
      continue;
    }
    const eq = line.indexOf('=');
    if (eq === -1) continue;
    const key = line.slice(0, eq).trim();
    const keyOffset = lineStart + line.indexOf(key);
    let rawStart = eq + 1;
    while (rawStart < line.length && (line[rawStart] === ' ' || line[rawStart] === '\t')) rawStart++;
    let value = line.slice(rawStart);
    const offset = lineStart + rawStart;
    // Line continuation: a value ending in a backslash continues on the next line.
    while (value.endsWith('\\') && !value.endsWith('\\\\') && pos < n) {
      let nextEnd = text.indexOf('\n', pos);
      if (nextEnd === -1) nextEnd = n;
      const next = text.slice(pos, nextEnd).replace(/\r$/, '');
      pos = nextEnd + 1;
      value = value.slice(0, -1) + '\n' + next;
    }
    cur.entries.set(key, { value: value.replace(/[ \t]+$/, ''), offset, keyOffset });
  }
  if (!implicitDefault || cur.entries.size) out.push(cur);
  return out;
}
