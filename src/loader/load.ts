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
import { pushAll } from '../core/arrays.js';
import { closeSync, fstatSync, openSync, readSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { basename } from 'node:path';
import type { Diagnostic, Language, Rule, Vendor } from '../ast/schema.js';
import { diagLine } from '../core/diagnostics.js';
import { resolveLimits, type Limits } from '../core/limits.js';
import { decodeBytes, SourceFile } from '../core/source-file.js';
import { createNormalizer, type NormalizeOptions } from '../normalize/index.js';
import { VENDOR_MODULES } from '../vendors/registry.js';
import type { FileFormat, FileRole, ParsedFile, ParseOptions } from '../vendors/types.js';
import { canParseInWorkers, parseInWorkers } from './parallel.js';
import { parseJob, type ParseJob } from './parse-files.js';
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
  /**
   * Worker threads for parsing: a number (2 or more uses worker threads when
   * the built worker entry is available), 0 for in-process, or 'auto' (the
   * default; in-process for now, see docs/performance.md). The output is
   * identical either way.
   */
  workers?: number | 'auto';
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
  /** Wall milliseconds per stage (for benchmarks). */
  timings?: { read: number; support: number; parse: number; link: number; normalize: number; workers: number; byLanguage: Record<string, { rules: number; ms: number }> };
}

interface ReadFile {
  file: SourceFile;
  role: FileRole;
}

const RULE_EXT = /\.(ya?ml|toml|ndjson|jsonl?|conf)$/i;
/** Extensions that never hold rules: listed as unrecognized without being read. */
const NEVER_RULES = /\.(md|markdown|rst|txt|py|pyc|js|mjs|cjs|ts|sh|ps1|bat|html?|css|svg|png|jpe?g|gif|ico|pdf|evtx|pcap|gz|tgz|zip|7z|xz|bz2|exe|dll|bin|lock|csv|xml|jsoncls|raw|gitkeep|gitignore)$/i;

function readOne(path: string, limits: Limits, diagnostics: Diagnostic[], unrecognized: string[], entries: FileEntry[]): ReadFile | null {
  if (NEVER_RULES.test(path)) {
    unrecognized.push(path);
    return null;
  }
  // Open, check the size, then read: a hostile multi-gigabyte file is never loaded.
  let bytes: Buffer;
  let fd: number | undefined;
  try {
    fd = openSync(path, 'r');
    const size = fstatSync(fd).size;
    if (size > limits.maxFileBytes) {
      if (RULE_EXT.test(path)) {
        diagnostics.push(diagLine(path, 'error', 'io.too-large', `file is ${size} bytes, over the ${limits.maxFileBytes}-byte limit (limits.maxFileBytes); not parsed`, 1, 1));
        entries.push({ path, format: null, rules: 0 });
      } else unrecognized.push(path);
      return null;
    }
    bytes = Buffer.allocUnsafe(size);
    let off = 0;
    while (off < size) {
      const n = readSync(fd, bytes, off, size - off, off);
      if (n === 0) break;
      off += n;
    }
    if (off < size) bytes = bytes.subarray(0, off);
  } catch (e) {
    diagnostics.push(diagLine(path, 'error', 'io.unreadable', `cannot read: ${(e as Error).message}`));
    return null;
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
  const dec = decodeBytes(bytes);
  if (!dec.ok) {
    if (RULE_EXT.test(path)) {
      diagnostics.push(diagLine(path, 'error', 'io.encoding', `${dec.reason}; not read`, 1, 1));
      entries.push({ path, format: null, rules: 0 });
    } else unrecognized.push(path);
    return null;
  }
  if (RULE_EXT.test(path) && dec.text.trim() === '') {
    diagnostics.push(diagLine(path, 'warning', 'io.empty', 'empty file: no rule to read', 1, 1));
    entries.push({ path, format: null, rules: 0 });
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
  const t0 = performance.now();
  const limits = resolveLimits(options.limits);
  const diagnostics: Diagnostic[] = [];
  const unrecognized: string[] = [];
  const entries: FileEntry[] = [];
  const walked = walkPaths(paths, { followSymlinks: options.followSymlinks });
  pushAll(diagnostics, walked.diagnostics);

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
    pushAll(diagnostics, extra.diagnostics);
    for (const path of extra.files) {
      const r = readOne(path, limits, diagnostics, unrecognized, entries);
      if (r && r.role.role === 'support') support.push(r);
      else if (r) diagnostics.push(diagLine(path, 'warning', 'io.not-macros', 'given as a macro library but holds rules; ignored as macros'));
    }
  }

  const t1 = performance.now();
  const states = new Map<Vendor, unknown>();
  const parseOpts = (vendor: Vendor): ParseOptions => ({ limits, placeholders: options.placeholders, vendorOptions: options.vendorOptions?.[vendor] });
  const stateOf = (vendor: Vendor) => {
    if (!states.has(vendor)) states.set(vendor, VENDOR_MODULES[vendor].createState(parseOpts(vendor)));
    return states.get(vendor);
  };

  for (const s of support) {
    const mod = VENDOR_MODULES[s.role.vendor];
    const d = mod.loadSupport?.(s.file, s.role, stateOf(s.role.vendor), parseOpts(s.role.vendor)) ?? [];
    pushAll(diagnostics, d);
    entries.push({ path: s.file.path, format: s.role.format, vendor: s.role.vendor, role: 'support', rules: 0 });
  }

  const t2 = performance.now();
  const jobs: ParseJob[] = ruleFiles.map((rf) => ({ path: rf.file.path, text: rf.file.text, role: rf.role }));
  // 'auto' parses in-process for now: measured on 2 cores, each worker pays the parsers' cold start
  // and the rules are cloned back, so workers were slower (docs/performance.md). A number asks for them.
  const nWorkers = options.workers === undefined || options.workers === 'auto' ? 0 : options.workers > 1 && canParseInWorkers() ? Math.min(options.workers, availableParallelism() * 2) : 0;
  let parsedFiles: ParsedFile[];
  const byLanguage: Record<string, { rules: number; ms: number }> = {};
  if (nWorkers > 1) {
    const states: Partial<Record<Vendor, unknown>> = {};
    const opts: Partial<Record<Vendor, ParseOptions>> = {};
    for (const v of new Set(jobs.map((j) => j.role.vendor))) {
      states[v] = stateOf(v);
      opts[v] = parseOpts(v);
    }
    parsedFiles = await parseInWorkers(jobs, states, opts, nWorkers, options.onProgress);
  } else {
    parsedFiles = [];
    let lastYield = performance.now();
    for (let i = 0; i < jobs.length; i++) {
      const job = jobs[i]!;
      // Let the event loop breathe every ~50 ms (progress output, timers, RPC of a host process).
      if (performance.now() - lastYield > 50) {
        await yieldToEventLoop();
        lastYield = performance.now();
      }
      const ts = performance.now();
      const r = parseJob(job, stateOf(job.role.vendor), parseOpts(job.role.vendor));
      const ms = performance.now() - ts;
      // Per-language parse cost (benchmarks): a file's time is shared among its rules.
      for (const rule of r.rules) {
        const k = `${rule.vendor}/${rule.language}`;
        const e = (byLanguage[k] ??= { rules: 0, ms: 0 });
        e.rules++;
        e.ms += ms / r.rules.length;
      }
      options.onProgress?.(i + 1, jobs.length);
      parsedFiles.push(r);
    }
  }

  const byVendor = new Map<Vendor, Rule[]>();
  parsedFiles.forEach((parsed, i) => {
    const job = jobs[i]!;
    const vendor = job.role.vendor;
    let rules = parsed.rules;
    if (!rules.length && parsed.diagnostics.some((d) => d.severity === 'error')) rules = [failedFileRule(job.path, vendor, parsed.diagnostics)];
    else pushAll(diagnostics, parsed.diagnostics);
    entries.push({ path: job.path, format: job.role.format, vendor, role: 'rules', rules: rules.length });
    let list = byVendor.get(vendor);
    if (!list) byVendor.set(vendor, (list = []));
    for (const r of rules) list.push(r);
  });

  const t3 = performance.now();
  let rules: Rule[] = [];
  for (const [vendor, list] of byVendor) {
    const mod = VENDOR_MODULES[vendor];
    if (mod.link) {
      const linked = mod.link(list, stateOf(vendor), parseOpts(vendor));
      pushAll(diagnostics, linked.diagnostics);
      pushAll(rules, linked.rules);
    } else pushAll(rules, list);
  }

  const t4 = performance.now();
  if (options.normalize !== false) {
    const normalizer = createNormalizer(typeof options.normalize === 'object' ? options.normalize : {});
    let lastYield = performance.now();
    for (let i = 0; i < rules.length; i++) {
      const r = rules[i]!;
      if (performance.now() - lastYield > 50) {
        await yieldToEventLoop();
        lastYield = performance.now();
      }
      try {
        rules[i] = normalizer.normalizeRule(r);
      } catch (e) {
        rules[i] = { ...r, diagnostics: [...r.diagnostics, diagLine(r.path, 'error', 'internal.exception', `normalizer crashed: ${(e as Error).stack ?? String(e)}`)] };
      }
    }
  }
  const t5 = performance.now();
  const timings = { read: t1 - t0, support: t2 - t1, parse: t3 - t2, link: t4 - t3, normalize: t5 - t4, workers: nWorkers, byLanguage };
  return { rules, files: entries, unrecognized, diagnostics, timings };
}

function yieldToEventLoop(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}

/** Async iterator over the rules of the given paths (see `loadCorpus` for the full result). */
export async function* loadRules(paths: readonly string[], options: LoadOptions = {}): AsyncGenerator<Rule> {
  const result = await loadCorpus(paths, options);
  yield* result.rules;
}
