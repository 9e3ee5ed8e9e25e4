/**
 * The figures `ruleatlas check` prints: per vendor and per language, how many
 * files and rules there are, how many parsed cleanly, how many carry opaque
 * parts, how many failed (and why), how many have no query by design
 * (machine-learning jobs). Elastic hunting queries are counted apart from
 * rules (`hunts`).
 */
import type { Diagnostic, Rule } from '../ast/schema.js';
import { opaqueNodes } from '../ast/walk.js';
import type { FileEntry, LoadResult } from './load.js';

export interface Counts {
  files: number;
  rules: number;
  /** The same as `rules` (named like the top-level `total`). */
  total: number;
  /** Rules without error diagnostics (clean + opaque). */
  parsed: number;
  clean: number;
  /** Parsed, but some part is an opaque node. */
  opaque: number;
  failed: number;
  /** Rules that have no query by design (machine learning, osquery hunts). */
  noQuery: number;
  hunts: number;
  huntsParsed: number;
  huntsFailed: number;
}

export interface Failure {
  ruleId?: string;
  path?: string;
  line?: number;
  column?: number;
  code: string;
  message: string;
}

export interface CheckSummary {
  total: number;
  parsed: number;
  failed: number;
  clean: number;
  opaque: number;
  noQuery: number;
  hunts: number;
  files: number;
  ruleFiles: number;
  supportFiles: Record<string, number>;
  unrecognizedFiles: number;
  byVendor: Record<string, Counts>;
  byLanguage: Record<string, Counts>;
  failures: Failure[];
  warnings: number;
}

const zero = (): Counts => ({ files: 0, rules: 0, total: 0, parsed: 0, clean: 0, opaque: 0, failed: 0, noQuery: 0, hunts: 0, huntsParsed: 0, huntsFailed: 0 });

function toFailure(d: Diagnostic, ruleId?: string): Failure {
  const f: Failure = { code: d.code, message: d.message };
  if (ruleId !== undefined) f.ruleId = ruleId;
  if (d.path !== undefined) f.path = d.path;
  if (d.line !== undefined) f.line = d.line;
  if (d.column !== undefined) f.column = d.column;
  return f;
}

export function ruleStatus(rule: Rule): 'failed' | 'opaque' | 'clean' {
  if (rule.diagnostics.some((d) => d.severity === 'error')) return 'failed';
  return opaqueNodes(rule.query).length ? 'opaque' : 'clean';
}

/** What the check figures need of one rule (the incremental build keeps it per rule). */
export interface RuleCheck {
  vendor: string;
  language: string;
  kind: string;
  status: ReturnType<typeof ruleStatus>;
  noQuery: boolean;
  failures: Failure[];
  warnings: number;
}

export function ruleCheck(r: Rule): RuleCheck {
  const failures: Failure[] = [];
  let warnings = 0;
  for (const d of r.diagnostics) {
    if (d.severity === 'error') failures.push(toFailure(d, r.id));
    else if (d.severity === 'warning') warnings++;
  }
  return { vendor: r.vendor, language: r.language, kind: r.kind, status: ruleStatus(r), noQuery: r.query.kind === 'none', failures, warnings };
}

function tally(c: Counts, r: RuleCheck): void {
  if (r.kind === 'hunt') {
    c.hunts++;
    if (r.status === 'failed') c.huntsFailed++;
    else c.huntsParsed++;
    return;
  }
  c.rules++;
  c.total++;
  if (r.status === 'failed') c.failed++;
  else {
    c.parsed++;
    if (r.status === 'opaque') c.opaque++;
    else c.clean++;
    if (r.noQuery) c.noQuery++;
  }
}

export function summarize(result: LoadResult): CheckSummary {
  return summarizeChecks(result.files, result.unrecognized.length, result.rules.map(ruleCheck), result.diagnostics);
}

/** `summarize` from the files, the number of unrecognized files, each rule's check figures and the load's own diagnostics. */
export function summarizeChecks(files: readonly FileEntry[], unrecognized: number, rules: readonly RuleCheck[], diagnostics: readonly Diagnostic[]): CheckSummary {
  const byVendor: Record<string, Counts> = {};
  const byLanguage: Record<string, Counts> = {};
  const failures: Failure[] = [];
  const s: CheckSummary = {
    total: 0, parsed: 0, failed: 0, clean: 0, opaque: 0, noQuery: 0, hunts: 0,
    files: files.length + unrecognized,
    ruleFiles: 0,
    supportFiles: {},
    unrecognizedFiles: unrecognized,
    byVendor, byLanguage, failures, warnings: 0,
  };
  // Indexed loops: an incremental rebuild runs this once, before V8 optimizes it, when `for…of`
  // allocates an iterator result per element (docs/performance.md, "Cold code").
  for (let i = 0; i < files.length; i++) {
    const f = files[i]!;
    if (f.role === 'support' && f.format) s.supportFiles[f.format] = (s.supportFiles[f.format] ?? 0) + 1;
    else {
      s.ruleFiles++;
      if (f.vendor) (byVendor[f.vendor] ??= zero()).files++;
    }
  }
  const all = zero();
  for (let i = 0; i < rules.length; i++) {
    const r = rules[i]!;
    tally((byVendor[r.vendor] ??= zero()), r);
    tally((byLanguage[r.language] ??= zero()), r);
    tally(all, r);
    for (let j = 0; j < r.failures.length; j++) failures.push(r.failures[j]!);
    s.warnings += r.warnings;
  }
  Object.assign(s, { total: all.rules, parsed: all.parsed, failed: all.failed, clean: all.clean, opaque: all.opaque, noQuery: all.noQuery, hunts: all.hunts });
  for (const d of diagnostics) {
    if (d.severity === 'error') failures.push(toFailure(d));
    else if (d.severity === 'warning') s.warnings++;
  }
  return s;
}
