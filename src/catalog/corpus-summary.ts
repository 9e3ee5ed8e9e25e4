/**
 * `CorpusSummary` from the loader's check figures (src/loader/summary.ts
 * `summarize(result)`). Typed structurally, so the catalog does not depend on
 * the loader module.
 */
import type { CorpusSummary } from './schema.js';

interface CountsLike {
  rules: number;
  failed: number;
  hunts?: number;
}

export interface CheckSummaryLike {
  total: number;
  failed: number;
  hunts?: number;
  files: number;
  ruleFiles?: number;
  supportFiles?: Record<string, number>;
  byVendor: Record<string, CountsLike>;
  failures: { path?: string; line?: number; column?: number; code: string; message: string }[];
  warnings?: number;
}

export function corpusSummaryFromCheck(check: CheckSummaryLike, extra: { sources?: string[]; durationMs?: number } = {}): CorpusSummary {
  const byVendor: Record<string, number> = {};
  const failuresByVendor: Record<string, number> = {};
  for (const [v, c] of Object.entries(check.byVendor)) {
    byVendor[v] = c.rules + (c.hunts ?? 0);
    if (c.failed) failuresByVendor[v] = c.failed;
  }
  const out: CorpusSummary = {
    files: check.files,
    rules: check.total + (check.hunts ?? 0),
    byVendor,
    // The check figures count languages across vendors, not per vendor: byLanguage is left out.
    failures: check.failed,
    failuresByVendor,
    failed: check.failures.map((f) => {
      const x: NonNullable<CorpusSummary['failed']>[number] = { path: f.path ?? '', code: f.code, message: f.message };
      if (f.line !== undefined) x.line = f.line;
      if (f.column !== undefined) x.column = f.column;
      return x;
    }),
  };
  if (check.ruleFiles !== undefined) out.ruleFiles = check.ruleFiles;
  if (check.supportFiles) out.supportFiles = Object.values(check.supportFiles).reduce((a, b) => a + b, 0);
  if (check.hunts !== undefined) out.hunts = check.hunts;
  if (check.warnings !== undefined) out.diagnostics = { warning: check.warnings, error: check.failures.length };
  if (extra.sources) out.sources = extra.sources;
  if (extra.durationMs !== undefined) out.durationMs = extra.durationMs;
  return out;
}
