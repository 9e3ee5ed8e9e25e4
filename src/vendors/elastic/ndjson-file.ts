/**
 * Kibana NDJSON exports: one rule object per line (the same fields as the
 * TOML `[rule]` table). The export's trailing summary line
 * (`exported_count`) and exception-list lines are skipped with an info
 * diagnostic; a line that is not JSON is an error for that line only.
 */
import type { Diagnostic, Rule } from '../../ast/schema.js';
import { diagAt } from '../../core/diagnostics.js';
import type { SourceFile } from '../../core/source-file.js';
import type { ParsedFile, ParseOptions } from '../types.js';
import type { QueryLoc } from './context.js';
import { buildRule } from './rule-doc.js';
import { decodeJsonString } from './toml-locate.js';
import { isObj } from './toml-doc.js';

/** Find the JSON string holding `value` after `"query":` in one line and map it. */
function queryLoc(file: SourceFile, lineStart: number, line: string, value: string): QueryLoc | null {
  const re = /"query"\s*:\s*"/g;
  for (let m = re.exec(line); m; m = re.exec(line)) {
    const start = m.index + m[0].length;
    let end = start;
    while (end < line.length && line[end] !== '"') end += line[end] === '\\' ? 2 : 1;
    const d = decodeJsonString(line, start, end);
    if (d.value === value) return { file, base: lineStart + start, map: d.map.map((o) => o + lineStart) };
  }
  return null;
}

export function parseNdjson(file: SourceFile, opts: ParseOptions): ParsedFile {
  const rules: Rule[] = [];
  const diagnostics: Diagnostic[] = [];
  if (file.text.length > opts.limits.maxFileBytes) {
    diagnostics.push(diagAt(file, 'error', 'file.too_large', `file has ${file.text.length} characters, more than the limit of ${opts.limits.maxFileBytes}`, 0));
    return { rules, diagnostics };
  }
  const text = file.text;
  let lineStart = 0;
  while (lineStart < text.length) {
    let lineEnd = text.indexOf('\n', lineStart);
    if (lineEnd === -1) lineEnd = text.length;
    const line = text.slice(lineStart, lineEnd).replace(/\r$/, '');
    if (line.trim()) {
      let obj: unknown;
      try {
        obj = JSON.parse(line);
      } catch (e) {
        diagnostics.push(diagAt(file, 'error', 'json.syntax', `line is not valid JSON: ${(e as Error).message}`, lineStart));
        obj = undefined;
      }
      if (isObj(obj)) {
        if ('exported_count' in obj || 'exported_rules_count' in obj) diagnostics.push(diagAt(file, 'info', 'elastic.ndjson.summary', 'export summary line skipped', lineStart));
        else if (typeof obj.list_id === 'string' && obj.rule_id === undefined) diagnostics.push(diagAt(file, 'info', 'elastic.ndjson.exception-list', 'exception list line skipped (exception items are not rules)', lineStart));
        else {
          const q = typeof obj.query === 'string' ? obj.query : undefined;
          const loc = q !== undefined ? queryLoc(file, lineStart, line, q) : null;
          rules.push(buildRule({ file, rule: obj, meta: {}, queryLoc: loc, offset: lineStart, limits: opts.limits }));
        }
      } else if (obj !== undefined) diagnostics.push(diagAt(file, 'error', 'elastic.ndjson.not-object', 'line is not a JSON object', lineStart));
    }
    lineStart = lineEnd + 1;
  }
  return { rules, diagnostics };
}
