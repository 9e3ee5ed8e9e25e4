import type { Diagnostic } from '../ast/schema.js';
import type { SourceFile } from './source-file.js';

export type Severity = Diagnostic['severity'];

/** Build a diagnostic at a 0-based offset of a file (or without location). */
export function diagAt(file: SourceFile | null, severity: Severity, code: string, message: string, offset?: number, endOffset?: number, expected?: string[]): Diagnostic {
  const d: Diagnostic = { severity, code, message };
  if (file) d.path = file.path;
  if (file && offset !== undefined) {
    const p = file.position(offset);
    d.line = p.line;
    d.column = p.column;
    if (endOffset !== undefined) {
      const e = file.position(endOffset);
      d.endLine = e.line;
      d.endColumn = e.column;
    }
  }
  if (expected?.length) d.expected = expected;
  return d;
}

/** Build a diagnostic at a known 1-based line/column. */
export function diagLine(path: string | undefined, severity: Severity, code: string, message: string, line?: number, column?: number): Diagnostic {
  const d: Diagnostic = { severity, code, message };
  if (path !== undefined) d.path = path;
  if (line !== undefined) d.line = line;
  if (column !== undefined) d.column = column;
  return d;
}

export function hasErrors(diags: readonly Diagnostic[]): boolean {
  return diags.some((d) => d.severity === 'error');
}

/** `path:line:column: severity code: message` */
export function formatDiagnostic(d: Diagnostic): string {
  const loc = [d.path ?? '<input>', d.line, d.column].filter((x) => x !== undefined).join(':');
  const exp = d.expected?.length ? ` (expected ${d.expected.join(', ')})` : '';
  return `${loc}: ${d.severity} ${d.code}: ${d.message}${exp}`;
}
