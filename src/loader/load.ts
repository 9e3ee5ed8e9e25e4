/**
 * The loader: paths -> files -> vendor parsers -> (linked, normalized) rules.
 *
 * Phases: walk the paths; read and decode each file; recognize its format by
 * content; feed supporting files (Splunk macros, data sources) to their
 * vendor's state; parse rule files (in worker threads when asked); run each
 * vendor's cross-rule `link` pass (Sigma filters and correlations); normalize.
 * A file that yields no rule because it is broken becomes a stub rule that
 * carries the error, so nothing is silently dropped.
 */
import { readFileSync, statSync } from 'node:fs';
import { basename } from 'node:path';
import type { Diagnostic, Language, Rule, Vendor } from '../ast/schema.js';
import { diagLine } from '../core/diagnostics.js';
import { resolveLimits, type Limits } from '../core/limits.js';
import { decodeBytes, SourceFile } from '../core/source-file.js';
import { createNormalizer, type NormalizeOptions } from '../normalize/index.js';
import { VENDOR_MODULES } from '../vendors/registry.js';
import type { FileFormat, FileRole, ParseOptions } from '../vendors/types.js';
import { sniff } from './sniff.js';
import { walkPaths } from './walk.js';

export interface LoadOptions {
  /** Overrides of the default limits (src/core/limits.ts). */
  limits?: Partial<Limits>;
  /** Follow symbolic links that point outside the given paths (off by default). */
  followSymlinks?: boolean;
  /** Sigma placeholder values. */
  placeholders?: Record<string, string[]>;
  /** Splunk macro files or folders (YAML or macros.conf) that override the macros found among the paths. */
  macros?: string[];
  /** Normalize rules (canonical fields, events, ATT&CK). Default true. */
  normalize?: boolean | NormalizeOptions;
  /** Called as rule files are parsed. */
  onProgress?: (done: number, total: number) => void;
  /** Vendor-specific options, passed to the vendor modules. */
  vendorOptions?: Partial<Record<Vendor, Record<string, unknown>>>;
}

export interface FileEntry {
  path: string;
  format: FileFormat | null;
  vendor?: Vendor;
  role?: 'rules' | 'support';
  /** Rules this file produced. */
  rules: number;
}

export interface LoadResult {
  rules: Rule[];
  files: FileEntry[];
  /** Files of no known format (not errors). */
  unrecognized: string[];
  /** Diagnostics not attached to any rule: links skipped, supporting files with errors, ... */
  diagnostics: Diagnostic[];
}

interface ReadFile {
  file: SourceFile;
  role: FileRole;
}

const RULE_EXT = /\.(ya?ml|toml|ndjson|jsonl?|conf)$/i;

function readOne(path: string, limits: Limits, diagnostics: Diagnostic[], unrecognized: string[], entries: FileEntry[]): ReadFile | null {
  let size: number;
  try {
    size = statSync(path).size;
  } catch (e) {
    diagnostics.push(diagLine(path, 'error', 'io.unreadable', `cannot read: ${(e as Error).message}`));
    return null;
  }
  if (size > limits.maxFileBytes) {
    if (RULE_EXT.test(path)) {
      diagnostics.push(diagLine(path, 'error', 'io.too-large', `file is ${size} bytes, over the ${limits.maxFileBytes}-byte limit (limits.maxFileBytes); not read`, 1, 1));
      entries.push({ path, format: null, rules: 0 });
    } else unrecognized.push(path);
    return null;
  }
  let bytes: Buffer;
  try {
    bytes = readFileSync(path);
  } catch (e) {
    diagnostics.push(diagLine(path, 'error', 'io.unreadable', `cannot read: ${(e as Error).message}`));
    return null;
  }
  const dec = decodeBytes(bytes);
  if (!dec.ok) {
    if (RULE_EXT.test(path)) {
      diagnostics.push(diagLine(path, 'error', 'io.encoding', `${dec.reason}; not read`, 1, 1));
      entries.push({ path, format: null, rules: 0 });
    } else unrecognized.push(path);
    return null;
  }
  const role = sniff(path, dec.text);
  if (!role) {
    unrecognized.push(path);
    return null;
  }
  return { file: new SourceFile(path, dec.text), role };
}

const DEFAULT_LANGUAGE: Record<Vendor, Language> = { sigma: 'sigma', elastic: 'none', splunk: 'spl' };

/** A rule that stands for a file whose rules could not be read, carrying the errors. */
export function failedFileRule(path: string, vendor: Vendor, diagnostics: Diagnostic[]): Rule {
  return {
    id: `file:${path}`,
    title: basename(path),
    vendor,
    language: DEFAULT_LANGUAGE[vendor],
    kind: 'detection',
    path,
    attack: { techniques: [], tactics: [], raw: [] },
    logsource: {},
    query: { kind: 'none', reason: 'the file could not be parsed' },
    metadata: {},
    diagnostics,
  };
}

export async function loadCorpus(paths: readonly string[], options: LoadOptions = {}): Promise<LoadResult> {
  const limits = resolveLimits(options.limits);
  const diagnostics: Diagnostic[] = [];
  const unrecognized: string[] = [];
  const entries: FileEntry[] = [];
  const walked = walkPaths(paths, { followSymlinks: options.followSymlinks });
  diagnostics.push(...walked.diagnostics);

  const support: ReadFile[] = [];
  const ruleFiles: ReadFile[] = [];
  for (const path of walked.files) {
    const r = readOne(path, limits, diagnostics, unrecognized, entries);
    if (!r) continue;
    (r.role.role === 'support' ? support : ruleFiles).push(r);
  }
  // User macro libraries load after the ones found among the paths, so they win.
  if (options.macros?.length) {
    const extra = walkPaths(options.macros, { followSymlinks: options.followSymlinks });
    diagnostics.push(...extra.diagnostics);
    for (const path of extra.files) {
      const r = readOne(path, limits, diagnostics, unrecognized, entries);
      if (r && r.role.role === 'support') support.push(r);
      else if (r) diagnostics.push(diagLine(path, 'warning', 'io.not-macros', 'given as a macro library but holds rules; ignored as macros'));
    }
  }

  const states = new Map<Vendor, unknown>();
  const parseOpts = (vendor: Vendor): ParseOptions => ({ limits, placeholders: options.placeholders, vendorOptions: options.vendorOptions?.[vendor] });
  const stateOf = (vendor: Vendor) => {
    if (!states.has(vendor)) states.set(vendor, VENDOR_MODULES[vendor].createState(parseOpts(vendor)));
    return states.get(vendor);
  };

  for (const s of support) {
    const mod = VENDOR_MODULES[s.role.vendor];
    const d = mod.loadSupport?.(s.file, s.role, stateOf(s.role.vendor), parseOpts(s.role.vendor)) ?? [];
    diagnostics.push(...d);
    entries.push({ path: s.file.path, format: s.role.format, vendor: s.role.vendor, role: 'support', rules: 0 });
  }

  const byVendor = new Map<Vendor, Rule[]>();
  let done = 0;
  for (const rf of ruleFiles) {
    const vendor = rf.role.vendor;
    const mod = VENDOR_MODULES[vendor];
    let parsed;
    try {
      parsed = mod.parseFile(rf.file, rf.role, stateOf(vendor), parseOpts(vendor));
    } catch (e) {
      // A parser bug must not stop the batch: the file is reported as failed.
      parsed = { rules: [], diagnostics: [diagLine(rf.file.path, 'error', 'internal.exception', `parser crashed: ${(e as Error).stack ?? String(e)}`, 1, 1)] };
    }
    let rules = parsed.rules;
    if (!rules.length && parsed.diagnostics.some((d) => d.severity === 'error')) rules = [failedFileRule(rf.file.path, vendor, parsed.diagnostics)];
    else diagnostics.push(...parsed.diagnostics);
    entries.push({ path: rf.file.path, format: rf.role.format, vendor, role: 'rules', rules: rules.length });
    let list = byVendor.get(vendor);
    if (!list) byVendor.set(vendor, (list = []));
    list.push(...rules);
    options.onProgress?.(++done, ruleFiles.length);
  }

  let rules: Rule[] = [];
  for (const [vendor, list] of byVendor) {
    const mod = VENDOR_MODULES[vendor];
    if (mod.link) {
      const linked = mod.link(list, stateOf(vendor), parseOpts(vendor));
      diagnostics.push(...linked.diagnostics);
      rules.push(...linked.rules);
    } else rules.push(...list);
  }

  if (options.normalize !== false) {
    const normalizer = createNormalizer(typeof options.normalize === 'object' ? options.normalize : {});
    rules = rules.map((r) => {
      try {
        return normalizer.normalizeRule(r);
      } catch (e) {
        return { ...r, diagnostics: [...r.diagnostics, diagLine(r.path, 'error', 'internal.exception', `normalizer crashed: ${(e as Error).stack ?? String(e)}`)] };
      }
    });
  }
  return { rules, files: entries, unrecognized, diagnostics };
}

/** Async iterator over the rules of the given paths (see `loadCorpus` for the full result). */
export async function* loadRules(paths: readonly string[], options: LoadOptions = {}): AsyncGenerator<Rule> {
  const result = await loadCorpus(paths, options);
  yield* result.rules;
}
