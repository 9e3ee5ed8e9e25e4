/**
 * EQL entry point (stub): returns the whole query as one opaque filter until
 * the grammar lands. The signature is the contract other modules compile against.
 */
import type { Diagnostic, Query } from '../../../ast/schema.js';
import { opaque } from '../../../ast/build.js';
import type { Limits } from '../../../core/limits.js';
import type { SourceFile } from '../../../core/source-file.js';

export interface EqlContext {
  file: SourceFile;
  /** 0-based offset of the query text inside `file`. */
  offset: number;
  limits: Limits;
}

export interface EqlResult {
  query: Query;
  diagnostics: Diagnostic[];
}

export function parseEql(text: string, ctx: EqlContext): EqlResult {
  const p = ctx.file.position(ctx.offset);
  return {
    query: { kind: 'filter', filter: opaque(text, 'EQL parser not implemented yet', { vendor: 'elastic', line: p.line, column: p.column, text }) },
    diagnostics: [],
  };
}
