/** The CLI commands. Each is a thin layer over the library API. */
import { resolve } from 'node:path';
import { z } from 'zod';
import { RuleSchema } from '../ast/schema.js';
import { predicates } from '../ast/walk.js';
import { catalogJsonSchema } from '../catalog/index.js';
import { formatDiagnostic } from '../core/diagnostics.js';
import { OutputError, renderTechniqueJson, renderTechniqueMarkdown, type WriteResult } from '../render/index.js';
import { fieldCoverage, type FieldCoverage } from '../normalize/index.js';
import { buildFromPaths, loadNormalized, pipelineContext, type PipelineOptions } from '../pipeline.js';
import { fullResult, updateBuild, type UpdateResult } from '../incremental/index.js';
import { summarize, type CheckSummary } from '../loader/summary.js';
import type { CacheStats } from '../loader/cache.js';
import { LOAD_OPTIONS, LOAD_USAGE, parse, UsageError, workersFlag } from './args.js';
import type { Command } from './command.js';
import { progressBar } from './progress.js';
import { buildTimingLines, loadOnlyTimingLines } from './timings.js';


type LoadFlags = { macros?: string[]; 'follow-symlinks'?: boolean; attack?: string; mappings?: string; workers?: string; cache?: string };

function pipelineOptions(flags: LoadFlags, onProgress?: (done: number, total: number) => void): PipelineOptions {
  return {
    macros: flags.macros,
    followSymlinks: flags['follow-symlinks'],
    workers: workersFlag(flags.workers),
    ...(flags.cache !== undefined ? { cache: flags.cache } : {}),
    attackBundle: flags.attack,
    mappingsFile: flags.mappings,
    onProgress,
  };
}

async function loadWithFlags(paths: string[], flags: LoadFlags) {
  const bar = progressBar('parsing');
  try {
    const opts = pipelineOptions(flags, bar);
    const ctx = pipelineContext(opts);
    const result = await loadNormalized(paths, opts, ctx);
    return Object.assign(result, { extensions: ctx.extensions });
  } finally {
    bar.end();
  }
}

function requirePaths(positionals: string[], usage: string): string[] {
  if (!positionals.length) throw new UsageError(`no paths given\n\n${usage}`);
  return positionals;
}

const TIMINGS_USAGE = `  --timings              print where the time went on stderr: stages, threads, parse rate per language, peak memory`;

const CHECK_USAGE = `Usage: ruleatlas check <paths…> [--json] [--strict]

Loads and parses every rule under the paths and prints a summary per vendor
and language: files, rules, rules parsed cleanly, rules with opaque parts,
rules that failed, and each failure as path:line:column: message.

  --json                 print one JSON object (total, parsed, failed, byVendor, byLanguage, failures, ...)
  --strict               exit 1 when any rule failed
${TIMINGS_USAGE}
${LOAD_USAGE}`;

function pct(n: number, d: number): string {
  return d ? `${((100 * n) / d).toFixed(1)}%` : '-';
}

export function formatSummary(s: CheckSummary): string {
  const lines: string[] = [];
  const head = ['', 'files', 'rules', 'parsed', 'clean', 'opaque', 'failed', 'no query', 'hunts'];
  const row = (name: string, c: CheckSummary['byVendor'][string]) =>
    [name, c.files, c.rules, c.parsed, c.clean, c.opaque, c.failed, c.noQuery, c.hunts ? `${c.huntsParsed}/${c.hunts}` : ''].map(String);
  const table = (title: string, rows: string[][]) => {
    const all = [head.map((h, i) => (i === 0 ? title : h)), ...rows];
    const w = head.map((_, i) => Math.max(...all.map((r) => r[i]!.length)));
    for (const r of all) lines.push(r.map((c, i) => (i === 0 ? c.padEnd(w[i]!) : c.padStart(w[i]!))).join('  '));
    lines.push('');
  };
  table('vendor', Object.entries(s.byVendor).sort().map(([k, c]) => row(k, c)));
  table('language', Object.entries(s.byLanguage).sort().map(([k, c]) => { const r = row(k, c); r[1] = ''; return r; }));
  lines.push(`rules: ${s.total}, parsed ${s.parsed} (${pct(s.parsed, s.total)}), clean ${s.clean}, with opaque parts ${s.opaque}, failed ${s.failed}, no query ${s.noQuery}; hunting queries: ${s.hunts}`);
  const support = Object.entries(s.supportFiles).map(([k, n]) => `${k} ${n}`).join(', ');
  lines.push(`files: ${s.files} (${s.ruleFiles} rule files; supporting: ${support || 'none'}; unrecognized: ${s.unrecognizedFiles})`);
  if (s.failures.length) {
    lines.push('', `failures (${s.failures.length}):`);
    for (const f of s.failures) lines.push('  ' + formatDiagnostic({ severity: 'error', ...f }));
  }
  return lines.join('\n');
}

function formatCoverage(c: FieldCoverage): string {
  const per = Object.entries(c.byVendor)
    .sort()
    .map(([v, x]) => `${v} ${pct(x.validated, x.predicates)}`)
    .join(', ');
  return `canonical fields: ${c.validated}/${c.predicates} field predicates (${pct(c.validated, c.predicates)}) on ECS fields or declared extensions (${per}); ${c.unmapped.length} fields unmapped (ruleatlas fields --unmapped lists them)`;
}

const check: Command = {
  summary: 'parse rules and report what parsed, what is opaque and what failed',
  usage: CHECK_USAGE,
  async run(argv) {
    const { values, positionals } = parse(argv, { json: { type: 'boolean' }, strict: { type: 'boolean' }, timings: { type: 'boolean' }, ...LOAD_OPTIONS }, CHECK_USAGE);
    const t0 = performance.now();
    const result = await loadWithFlags(requirePaths(positionals, CHECK_USAGE), values);
    if (values.timings) process.stderr.write(loadOnlyTimingLines(performance.now() - t0, result.timings).join('\n') + '\n');
    const summary = summarize(result);
    const coverage = fieldCoverage(result.rules, result.extensions);
    const { unmapped, ...cov } = coverage;
    const out = values.json
      ? JSON.stringify({ ...summary, fieldCoverage: { ...cov, unmappedFields: unmapped.length, topUnmapped: unmapped.slice(0, 20) } })
      : formatSummary(summary) + '\n' + formatCoverage(coverage);
    process.stdout.write(out + '\n');
    return values.strict && summary.failures.length ? 1 : 0;
  },
};

const NORMALIZE_USAGE = `Usage: ruleatlas normalize <paths…>

Prints one normalized rule per line (NDJSON) on stdout, in the unified AST
(docs/AST.md). Diagnostics not attached to a rule go to stderr.

${LOAD_USAGE}`;

const normalize: Command = {
  summary: 'print every rule as normalized JSON, one per line',
  usage: NORMALIZE_USAGE,
  async run(argv) {
    const { values, positionals } = parse(argv, { ...LOAD_OPTIONS }, NORMALIZE_USAGE);
    const result = await loadWithFlags(requirePaths(positionals, NORMALIZE_USAGE), values);
    for (const d of result.diagnostics) process.stderr.write(formatDiagnostic(d) + '\n');
    const out: string[] = [];
    for (const r of result.rules) out.push(JSON.stringify(r));
    process.stdout.write(out.join('\n') + (out.length ? '\n' : ''));
    return 0;
  },
};

const BUILD_USAGE = `Usage: ruleatlas build <paths…> --out <dir> [--no-site]

Builds the technique catalog from the rules under the paths into <dir>:
catalog.json, techniques/<ID>.md, navigator-layer.json (+ one layer per
vendor) and the static web site (index.html, technique, rule and field
pages). Prints the path of index.html.

  --out <dir>            output folder (created if needed; files of a previous build are updated
                         where they changed, left untouched where not, removed where gone)
  --no-site              write catalog.json, Markdown and layers only
${TIMINGS_USAGE}
${LOAD_USAGE}`;

/** `; cache: 7600 of 7601 rule files parsed before (7600 not read)`, when a cache was used. */
function cacheText(c: CacheStats | undefined): string {
  if (!c) return '';
  return `; cache: ${c.hits} of ${c.hits + c.misses} rule files parsed before${c.unread ? ` (${c.unread} not read)` : ''}`;
}

/** `104 files written`, or on a rebuild in place `104 files (3 written, 101 unchanged)`. */
function filesText(w: WriteResult | undefined): string {
  if (!w) return '0 files written';
  return w.unchanged ? `${w.files} files (${w.files - w.unchanged} written, ${w.unchanged} unchanged)` : `${w.files} files written`;
}

const NO_CACHE = 'no --cache';

/** `; incremental: 1 changed rule file, 3 technique pages, 12 field pages, 40 rule rows`, or why the build was full. */
function incrementalText(r: UpdateResult): string {
  const i = r.incremental;
  const n = (k: number, what: string) => `${k} ${what}${k === 1 ? '' : 's'}`;
  // Techniques the change reached but could not have changed (src/incremental/unchanged-techniques.ts) are said apart.
  const kept = i.techniquesKept ? ` (${n(i.techniquesKept, 'technique')} reached kept as they were)` : '';
  if (i.used) return `; incremental: ${n(i.changedFiles.length, 'changed rule file')}, ${n(i.techniques, 'technique page')}, ${n(i.fields, 'field page')}, ${n(i.rows, 'rule row')} recomputed${kept}`;
  return i.reason && i.reason !== NO_CACHE ? `; full build: ${i.reason}` : '';
}

const build: Command = {
  summary: 'build the technique catalog (catalog.json, Markdown, web site, Navigator layers)',
  usage: BUILD_USAGE,
  async run(argv) {
    const { values, positionals } = parse(argv, { out: { type: 'string' }, 'no-site': { type: 'boolean' }, timings: { type: 'boolean' }, ...LOAD_OPTIONS }, BUILD_USAGE);
    if (!values.out) throw new UsageError(`--out is required\n\n${BUILD_USAGE}`);
    const bar = progressBar('parsing');
    let r: UpdateResult | OutputError;
    try {
      const paths = requirePaths(positionals, BUILD_USAGE);
      const opts = { ...pipelineOptions(values, bar), out: values.out, site: !values['no-site'] };
      // With a cache directory, the build starts from the previous one where it can (src/incremental/).
      r = opts.cache !== undefined ? await updateBuild(paths, { ...opts, cache: opts.cache }) : fullResult(await buildFromPaths(paths, opts), NO_CACHE);
    } catch (e) {
      // The output folder is not writable as asked (a symbolic link inside it, a file where a folder goes).
      if (!(e instanceof OutputError)) throw e;
      r = e;
    } finally {
      bar.end();
    }
    if (r instanceof OutputError) {
      process.stderr.write(`ruleatlas build: ${r.message}\n`);
      return 1;
    }
    const s = r.summary;
    process.stderr.write(`rules: ${s.total} (${s.parsed} parsed, ${s.failed} failed), hunting queries: ${s.hunts}; techniques: ${r.techniques}; ${filesText(r.written)} in ${((r.timings.load + r.timings.aggregate + r.timings.write) / 1000).toFixed(2)} s${cacheText(r.cache)}${incrementalText(r)}\n`);
    // A rebuild from the previous build loads only the changed files: its stages, without the load's breakdown.
    if (values.timings) process.stderr.write(buildTimingLines(r.timings, r.full?.load.timings, r.written).join('\n') + '\n');
    process.stdout.write(resolve(values.out, values['no-site'] ? 'catalog.json' : 'index.html') + '\n');
    return 0;
  },
};

const TECHNIQUE_USAGE = `Usage: ruleatlas technique <ID> <paths…> [--format md|json]

Prints one technique page (ATT&CK id such as T1059.001 or T1059) built from
the rules under the paths.

  --format md|json       Markdown (default) or JSON
${LOAD_USAGE}`;

const technique: Command = {
  summary: 'print one technique page (Markdown or JSON)',
  usage: TECHNIQUE_USAGE,
  async run(argv) {
    const { values, positionals } = parse(argv, { format: { type: 'string', default: 'md' }, ...LOAD_OPTIONS }, TECHNIQUE_USAGE);
    const [id, ...paths] = positionals;
    if (!id) throw new UsageError(`no technique id given\n\n${TECHNIQUE_USAGE}`);
    if (values.format !== 'md' && values.format !== 'json') throw new UsageError(`--format takes md or json, not '${values.format}'`);
    const r = await buildFromPaths(requirePaths(paths, TECHNIQUE_USAGE), pipelineOptions(values));
    const page = values.format === 'json' ? renderTechniqueJson(r.catalog, id) : renderTechniqueMarkdown(r.catalog, id);
    if (page === null || page === undefined) {
      process.stderr.write(`ruleatlas technique: no rule under the paths is tagged with ${id}\n`);
      return 1;
    }
    process.stdout.write((typeof page === 'string' ? page : JSON.stringify(page, null, 2)) + '\n');
    return 0;
  },
};

const SCHEMA_USAGE = `Usage: ruleatlas schema [catalog|rule]

Prints the JSON Schema of catalog.json (default) or of one normalized rule
(the lines of 'ruleatlas normalize').`;

const schema: Command = {
  summary: 'print the JSON Schema of catalog.json or of a normalized rule',
  usage: SCHEMA_USAGE,
  async run(argv) {
    const { positionals } = parse(argv, {}, SCHEMA_USAGE);
    const which = positionals[0] ?? 'catalog';
    if (which === 'catalog') process.stdout.write(JSON.stringify(catalogJsonSchema(), null, 2) + '\n');
    else if (which === 'rule') process.stdout.write(JSON.stringify(z.toJSONSchema(RuleSchema, { unrepresentable: 'any' }), null, 2) + '\n');
    else throw new UsageError(`unknown schema '${which}'\n\n${SCHEMA_USAGE}`);
    return 0;
  },
};

const FIELDS_USAGE = `Usage: ruleatlas fields <paths…> [--unmapped] [--json]

Lists the fields the rules filter on: each vendor field as written, its
canonical name, and how many predicates use it. --unmapped lists only the
fields whose canonical name is neither an ECS field nor under a declared
extension prefix.

  --unmapped             only the fields left unmapped
  --json                 JSON instead of a table
${LOAD_USAGE}`;

const fields: Command = {
  summary: 'list fields as written and their canonical names (--unmapped: what normalization left unmapped)',
  usage: FIELDS_USAGE,
  async run(argv) {
    const { values, positionals } = parse(argv, { unmapped: { type: 'boolean' }, json: { type: 'boolean' }, ...LOAD_OPTIONS }, FIELDS_USAGE);
    const result = await loadWithFlags(requirePaths(positionals, FIELDS_USAGE), values);
    const coverage = fieldCoverage(result.rules, result.extensions);
    let rows: Array<{ vendor: string; field: string; canonical?: string; count: number; status: string }>;
    if (values.unmapped) rows = coverage.unmapped.map((u) => ({ ...u, status: 'unmapped' }));
    else {
      const unmappedKeys = new Set(coverage.unmapped.map((u) => `${u.vendor}|${u.field}|${u.canonical ?? ''}`));
      const counts = new Map<string, { vendor: string; field: string; canonical?: string; count: number; status: string }>();
      for (const rule of result.rules) {
        for (const { predicate } of predicates(rule)) {
          const f = predicate.field;
          if (!f || f.computed) continue;
          const k = `${rule.vendor}|${f.name}|${f.canonical ?? ''}`;
          let e = counts.get(k);
          if (!e) counts.set(k, (e = { vendor: rule.vendor, field: f.name, ...(f.canonical ? { canonical: f.canonical } : {}), count: 0, status: unmappedKeys.has(k) ? 'unmapped' : 'ok' }));
          e.count++;
        }
      }
      rows = [...counts.values()].sort((a, b) => b.count - a.count || a.field.localeCompare(b.field));
    }
    if (values.json) process.stdout.write(JSON.stringify({ predicates: coverage.predicates, validated: coverage.validated, share: coverage.share, fields: rows }) + '\n');
    else {
      const lines = rows.map((r) => `${String(r.count).padStart(7)}  ${r.vendor.padEnd(8)} ${r.field}${r.canonical && r.canonical !== r.field ? ` -> ${r.canonical}` : ''}${r.status === 'unmapped' ? '  [unmapped]' : ''}`);
      lines.push(formatCoverage(coverage));
      process.stdout.write(lines.join('\n') + '\n');
    }
    return 0;
  },
};

export const CORE_COMMANDS: Record<string, Command> = { check, normalize, build, technique, fields, schema };
