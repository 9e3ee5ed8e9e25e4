/**
 * Parsing of rule files, shared by the in-process path and the worker
 * threads: one function so both produce identical rules.
 */
import type { Vendor } from '../ast/schema.js';
import { diagLine } from '../core/diagnostics.js';
import { SourceFile } from '../core/source-file.js';
import { VENDOR_MODULES } from '../vendors/registry.js';
import type { FileRole, ParsedFile, ParseOptions } from '../vendors/types.js';

export interface ParseJob {
  path: string;
  text: string;
  role: FileRole;
  /** Parse-cache key (src/loader/cache.ts), when caching is on. */
  cacheKey?: string;
  /** The cached parse result as JSON text, when the cache has it. */
  cached?: string;
}

export function parseJob(job: ParseJob, state: unknown, opts: ParseOptions): ParsedFile {
  const mod = VENDOR_MODULES[job.role.vendor as Vendor];
  try {
    return mod.parseFile(new SourceFile(job.path, job.text), job.role, state, opts);
  } catch (e) {
    // A parser bug must not stop the batch: the file is reported as failed.
    return { rules: [], diagnostics: [diagLine(job.path, 'error', 'internal.exception', `parser crashed: ${(e as Error).stack ?? String(e)}`, 1, 1)] };
  }
}
