/** The CLI commands. Each is a thin layer over the library API. */
import { formatDiagnostic } from '../core/diagnostics.js';
import { loadCorpus, type LoadOptions } from '../loader/load.js';
import { summarize, type CheckSummary } from '../loader/summary.js';
import { LOAD_OPTIONS, LOAD_USAGE, parse, UsageError, workersFlag } from './args.js';
import { progressBar } from './progress.js';

export interface Command {
  summary: string;
  usage: string;
  run(argv: string[]): Promise<number>;
}

type LoadFlags = { macros?: string[]; 'follow-symlinks'?: boolean; attack?: string; mappings?: string; workers?: string };

async function loadWithFlags(paths: string[], flags: LoadFlags, extra: Partial<LoadOptions> = {}) {
  const bar = progressBar('parsing');
  try {
    return await loadCorpus(paths, {
      macros: flags.macros,
      followSymlinks: flags['follow-symlinks'],
      workers: workersFlag(flags.workers),
      onProgress: bar,
      ...extra,
    });
  } finally {
    bar.end();
  }
}

function requirePaths(positionals: string[], usage: string): string[] {
  if (!positionals.length) throw new UsageError(`no paths given\n\n${usage}`);
  return positionals;
}

const CHECK_USAGE = `Usage: ruleatlas check <paths…> [--json] [--strict]

Loads and parses every rule under the paths and prints a summary per vendor
and language: files, rules, rules parsed cleanly, rules with opaque parts,
rules that failed, and each failure as path:line:column: message.

  --json                 print one JSON object (total, parsed, failed, byVendor, byLanguage, failures, ...)
  --strict               exit 1 when any rule failed
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

const check: Command = {
  summary: 'parse rules and report what parsed, what is opaque and what failed',
  usage: CHECK_USAGE,
  async run(argv) {
    const { values, positionals } = parse(argv, { json: { type: 'boolean' }, strict: { type: 'boolean' }, ...LOAD_OPTIONS }, CHECK_USAGE);
    const result = await loadWithFlags(requirePaths(positionals, CHECK_USAGE), values);
    const summary = summarize(result);
    process.stdout.write((values.json ? JSON.stringify(summary) : formatSummary(summary)) + '\n');
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

const BUILD_USAGE = `Usage: ruleatlas build <paths…> --out <dir>

Builds the technique catalog from the rules under the paths into <dir>.

  --out <dir>            output folder (created if needed)
${LOAD_USAGE}`;

const build: Command = {
  summary: 'build the technique catalog (catalog.json, Markdown, web site, Navigator layers)',
  usage: BUILD_USAGE,
  async run(argv) {
    const { values, positionals } = parse(argv, { out: { type: 'string' }, ...LOAD_OPTIONS }, BUILD_USAGE);
    if (!values.out) throw new UsageError(`--out is required\n\n${BUILD_USAGE}`);
    const result = await loadWithFlags(requirePaths(positionals, BUILD_USAGE), values);
    const { mkdirSync, writeFileSync } = await import('node:fs');
    const { join, resolve } = await import('node:path');
    mkdirSync(values.out, { recursive: true });
    writeFileSync(join(values.out, 'rules.ndjson'), result.rules.map((r) => JSON.stringify(r)).join('\n') + '\n');
    process.stderr.write(formatSummary(summarize(result)) + '\n');
    process.stdout.write(resolve(values.out, 'rules.ndjson') + '\n');
    return 0;
  },
};

export const COMMANDS: Record<string, Command> = { check, normalize, build };
