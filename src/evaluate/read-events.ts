/**
 * Reading events: a JSON array, JSON lines, or concatenated JSON values
 * (pretty-printed objects one after another, as evtx_dump writes them), in
 * any mix. The reader scans values with a small bracket/string scanner and
 * hands each complete value to JSON.parse, so a broken value is reported with
 * its line and the rest of the file is still read.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import type { Diagnostic } from '../ast/schema.js';

export interface ReadEventsResult {
  events: unknown[];
  /** Where each event came from: file and 1-based line of its first character. */
  origins: Array<{ path: string; line: number }>;
  diagnostics: Diagnostic[];
}

const EVENT_EXT = /\.(json|jsonl|ndjson|jsoncls)$/i;
const MAX_ERRORS_PER_FILE = 100;

/** Split a text into its top-level JSON values. A top-level array contributes its elements. */
export function parseConcatenatedJson(text: string, path = '<events>'): ReadEventsResult {
  const events: unknown[] = [];
  const origins: Array<{ path: string; line: number }> = [];
  const diagnostics: Diagnostic[] = [];
  let i = 0;
  let line = 1;
  let errors = 0;
  const n = text.length;
  if (text.charCodeAt(0) === 0xfeff) i = 1;
  while (i < n) {
    const c = text[i]!;
    if (c === '\n') {
      line++;
      i++;
      continue;
    }
    if (c === ' ' || c === '\t' || c === '\r' || c === ',') {
      i++;
      continue;
    }
    const start = i;
    const startLine = line;
    // Scan one value: a container by bracket depth (strings skipped), a scalar up to the next whitespace.
    if (c === '{' || c === '[') {
      let depth = 0;
      let inStr = false;
      for (; i < n; i++) {
        const d = text[i]!;
        if (d === '\n') line++;
        if (inStr) {
          if (d === '\\') i++;
          else if (d === '"') inStr = false;
          continue;
        }
        if (d === '"') inStr = true;
        else if (d === '{' || d === '[') depth++;
        else if (d === '}' || d === ']') {
          depth--;
          if (depth === 0) {
            i++;
            break;
          }
        }
      }
    } else {
      while (i < n && !/\s/.test(text[i]!)) i++;
    }
    const chunk = text.slice(start, i);
    let value: unknown;
    try {
      value = JSON.parse(chunk);
    } catch (e) {
      diagnostics.push({ severity: 'error', code: 'events.json', message: `not valid JSON: ${(e as Error).message}`, path, line: startLine, column: 1 });
      if (++errors >= MAX_ERRORS_PER_FILE) {
        // A binary or non-JSON file: say so once instead of once per chunk.
        diagnostics.push({ severity: 'error', code: 'events.not-json', message: `${MAX_ERRORS_PER_FILE} invalid values; the rest of the file is skipped`, path, line: startLine, column: 1 });
        break;
      }
      continue;
    }
    if (Array.isArray(value) && c === '[') {
      for (const v of value) {
        events.push(v);
        origins.push({ path, line: startLine });
      }
    } else if (typeof value === 'object' && value !== null) {
      events.push(value);
      origins.push({ path, line: startLine });
    } else {
      diagnostics.push({ severity: 'warning', code: 'events.not-object', message: `top-level ${typeof value} is not an event; skipped`, path, line: startLine, column: 1 });
    }
  }
  return { events, origins, diagnostics };
}

/** Read events from a file or, recursively, every .json/.jsonl/.ndjson file of a folder (sorted by path). */
export function readEvents(path: string): ReadEventsResult {
  const out: ReadEventsResult = { events: [], origins: [], diagnostics: [] };
  const files: string[] = [];
  const visit = (p: string, top: boolean) => {
    let st;
    try {
      st = statSync(p);
    } catch (e) {
      out.diagnostics.push({ severity: 'error', code: 'events.unreadable', message: (e as Error).message, path: p });
      return;
    }
    if (st.isDirectory()) {
      for (const name of readdirSync(p).sort()) visit(join(p, name), false);
    } else if (top || EVENT_EXT.test(p)) files.push(p);
  };
  visit(path, true);
  for (const f of files) {
    let text: string;
    try {
      text = readFileSync(f, 'utf8');
    } catch (e) {
      out.diagnostics.push({ severity: 'error', code: 'events.unreadable', message: (e as Error).message, path: f });
      continue;
    }
    const r = parseConcatenatedJson(text, f);
    // A loop, not push(...xs): a file may hold more events than a call has arguments.
    for (let k = 0; k < r.events.length; k++) {
      out.events.push(r.events[k]);
      out.origins.push(r.origins[k]!);
    }
    for (const d of r.diagnostics) out.diagnostics.push(d);
  }
  return out;
}
