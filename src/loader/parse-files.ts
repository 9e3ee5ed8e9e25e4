/**
 * Parsing of rule files, shared by the in-process path and the worker
 * threads: one function so both produce identical rules.
 */
import { readFileSync, statSync } from 'node:fs';
import type { Vendor } from '../ast/schema.js';
import { diagLine } from '../core/diagnostics.js';
import { decodeBytes, SourceFile } from '../core/source-file.js';
import { VENDOR_MODULES } from '../vendors/registry.js';
import type { FileRole, ParsedFile, ParseOptions } from '../vendors/types.js';

export interface ParseJob {
  path: string;
  /**
   * The file's text. Absent for a file the loader did not read because its
   * stamp was unchanged and its parse result is cached (src/loader/file-stamps.ts).
   */
  text?: string;
  role: FileRole;
  /** Parse-cache key (src/loader/cache.ts), when caching is on. */
  cacheKey?: string;
  /** The cached parse result as JSON text, when the cache has it. */
  cached?: string;
}

/**
 * A job's text: the one the loader read, or, for a cached file whose entry
 * turned out unreadable, the file read now.
 */
function jobText(job: ParseJob, maxBytes: number): string | null {
  if (job.text !== undefined) return job.text;
  try {
    // Within the size limit when its stamp was checked; checked again, as the file may have grown.
    if (statSync(job.path).size > maxBytes) return null;
    const dec = decodeBytes(readFileSync(job.path));
    return dec.ok ? dec.text : null;
  } catch {
    return null;
  }
}

export function parseJob(job: ParseJob, state: unknown, opts: ParseOptions): ParsedFile {
  const mod = VENDOR_MODULES[job.role.vendor as Vendor];
  const text = jobText(job, opts.limits.maxFileBytes);
  if (text === null) return { rules: [], diagnostics: [diagLine(job.path, 'error', 'io.unreadable', 'cannot read the file again, or it is now over the size limit (its cached parse result was unreadable)', 1, 1)] };
  try {
    return mod.parseFile(new SourceFile(job.path, text), job.role, state, opts);
  } catch (e) {
    // A parser bug must not stop the batch: the file is reported as failed.
    return { rules: [], diagnostics: [diagLine(job.path, 'error', 'internal.exception', `parser crashed: ${(e as Error).stack ?? String(e)}`, 1, 1)] };
  }
}
