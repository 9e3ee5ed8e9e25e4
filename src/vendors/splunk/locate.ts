/**
 * Offsets inside a decoded scalar (a YAML string, a .conf value) -> offsets
 * in the file, so diagnostics and AST sources point at the real line and
 * column. Quoted YAML scalars and .conf line continuations are simulated;
 * when a reconstruction does not match the decoded value, offsets fall back
 * to the start of the scalar (never wrong by more than the scalar).
 */

export type Locator = (offset: number) => number;

function fromMap(map: number[], fallback: number): Locator {
  return (i) => (map.length === 0 ? fallback : map[Math.min(Math.max(i, 0), map.length - 1)]!);
}

/** A YAML scalar whose source text starts at `start` in `text` and whose decoded value is `value`. */
export function yamlScalarLocator(text: string, start: number, end: number, value: string): Locator {
  const raw = text.slice(start, end);
  if (raw === value) return (i) => start + Math.min(i, Math.max(value.length - 1, 0));
  const q = raw[0];
  if (q === "'" || q === '"') {
    const map: number[] = [];
    let out = '';
    let i = 1;
    while (i < raw.length) {
      const c = raw[i]!;
      if (q === "'" && c === "'") {
        if (raw[i + 1] === "'") {
          out += "'";
          map.push(start + i);
          i += 2;
          continue;
        }
        break;
      }
      if (q === '"' && c === '"') break;
      if (q === '"' && c === '\\') {
        const n = raw[i + 1] ?? '';
        const esc: Record<string, string> = { n: '\n', t: '\t', '"': '"', '\\': '\\', '/': '/', r: '\r', '0': '\0', ' ': ' ' };
        if (n === '\n') {
          i += 2;
          while (raw[i] === ' ' || raw[i] === '\t') i++;
          continue;
        }
        out += esc[n] ?? n;
        map.push(start + i);
        i += 2;
        continue;
      }
      if (c === '\n' || c === '\r') {
        // Folding: trailing blanks dropped, leading blanks of the next lines dropped, one break -> space.
        while (out.endsWith(' ') || out.endsWith('\t')) {
          out = out.slice(0, -1);
          map.pop();
        }
        let breaks = 0;
        const at = start + i;
        while (i < raw.length && (raw[i] === '\n' || raw[i] === '\r' || raw[i] === ' ' || raw[i] === '\t')) {
          if (raw[i] === '\n') breaks++;
          i++;
        }
        const add = breaks <= 1 ? ' ' : '\n'.repeat(breaks - 1);
        out += add;
        for (let k = 0; k < add.length; k++) map.push(at);
        continue;
      }
      out += c;
      map.push(start + i);
      i++;
    }
    if (out === value) return fromMap(map, start);
  }
  // Plain or block scalars: place each decoded line where it occurs in the source.
  const lines = value.split('\n');
  const map: number[] = [];
  let from = 0;
  for (const line of lines) {
    const probe = line.trim();
    const at = probe ? raw.indexOf(probe, from) : -1;
    const lead = line.length - line.trimStart().length;
    for (let k = 0; k < line.length; k++) map.push(at === -1 ? start + from : start + at - lead + k);
    map.push(at === -1 ? start + from : start + at + probe.length);
    if (at !== -1) from = at + probe.length;
  }
  return fromMap(map, start);
}

/** A .conf value starting at `start` whose continuation lines (`\` + newline) were joined with a newline. */
export function confValueLocator(text: string, start: number, value: string): Locator {
  const map: number[] = [];
  let i = start;
  for (let k = 0; k < value.length; k++) {
    if (value[k] === '\n' && text[i] === '\\') i++;
    if (text[i] === '\r') i++;
    map.push(i);
    i++;
  }
  return fromMap(map, start);
}
