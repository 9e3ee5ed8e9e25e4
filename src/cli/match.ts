/**
 * `ruleatlas match --rules <paths…> --events <file|folder>`: run rules
 * against events. Prints one NDJSON line per match on stdout and a summary
 * line at the end; a human summary goes to stderr.
 */
import { formatDiagnostic } from '../core/diagnostics.js';
import { endBatchTuning } from '../core/v8-tuning.js';
import { createEngine, readEvents, normalizerLayer, type MatchRecord } from '../evaluate/index.js';
import { validateUserMappings } from '../normalize/index.js';
import { loadNormalized, pipelineContext, type PipelineOptions } from '../pipeline.js';
import { LOAD_OPTIONS, LOAD_USAGE, parse, UsageError, workersFlag } from './args.js';
import type { Command } from './command.js';
import { progressBar } from './progress.js';

const USAGE = `Usage: ruleatlas match --rules <paths…> --events <file|folder> [options]

Runs every rule under the rule paths against the events and prints each
match as one JSON line on stdout:

  {"type":"match","rule":<id>,"title":…,"path":…,"event":<index>,"source":"file:line","predicates":[…]}

Stream rules (EQL sequences and samples, aggregations, Sigma correlations)
add "events" (all event indexes of the match), "key" and "aggregates". The
last line is {"type":"summary",…}: events, rules, matches, rules matched,
rules that failed to parse, undetermined evaluations.

Events: a JSON array, JSON lines, or concatenated JSON objects (evtx_dump
output), in a file or in the .json/.jsonl/.ndjson files of a folder. Windows
XML-rendered events, flat JSON (Sigma/Windows names), ECS (nested or dotted)
and Splunk results are understood; see docs/evaluator.md.

  --rules <path>         rule file or folder (repeatable; further paths may follow it)
  --events <path>        event file or folder (repeatable)
  --no-gate              do not restrict Sigma rules to the events of their logsource
  --quiet                no human summary on stderr
${LOAD_USAGE}`;

export const matchCommand: Command = {
  summary: 'run rules against events and print the matches (NDJSON)',
  usage: USAGE,
  async run(argv) {
    const { values, positionals } = parse(
      argv,
      {
        rules: { type: 'string', multiple: true },
        events: { type: 'string', multiple: true },
        'no-gate': { type: 'boolean' },
        quiet: { type: 'boolean' },
        ...LOAD_OPTIONS,
      },
      USAGE,
    );
    const rulePaths = [...(values.rules ?? []), ...positionals];
    if (!rulePaths.length) throw new UsageError(`--rules is required\n\n${USAGE}`);
    if (!values.events?.length) throw new UsageError(`--events is required\n\n${USAGE}`);

    const opts: PipelineOptions = {
      macros: values.macros,
      followSymlinks: values['follow-symlinks'],
      workers: workersFlag(values.workers),
      attackBundle: values.attack,
      mappingsFile: values.mappings,
    };
    const ctx = pipelineContext(opts);
    const bar = progressBar('parsing');
    let loaded;
    try {
      loaded = await loadNormalized(rulePaths, { ...opts, onProgress: bar }, ctx);
    } finally {
      bar.end();
    }
    for (const d of loaded.diagnostics) process.stderr.write(formatDiagnostic(d) + '\n');
    const failed = loaded.rules.filter((r) => r.diagnostics.some((d) => d.severity === 'error'));

    const events: unknown[] = [];
    const origins: Array<{ path: string; line: number }> = [];
    for (const p of values.events) {
      const r = readEvents(p);
      for (const d of r.diagnostics) process.stderr.write(formatDiagnostic(d) + '\n');
      for (let i = 0; i < r.events.length; i++) {
        events.push(r.events[i]);
        origins.push(r.origins[i]!);
      }
    }

    // Events are seen through the same field mappings as the rules (user mappings included).
    const mappings = ctx.normalize.mappings !== undefined ? validateUserMappings(ctx.normalize.mappings).mappings : {};
    // Matching runs hot for as long as there are events: V8's default tiering and inlining suit it (src/core/v8-tuning.ts).
    endBatchTuning();
    const engine = createEngine(loaded.rules, { layer: normalizerLayer(mappings), logsourceGate: !values['no-gate'] });
    const out: string[] = [];
    const flush = () => {
      if (out.length) process.stdout.write(out.join('\n') + '\n');
      out.length = 0;
    };
    const line = (m: MatchRecord) => {
      const o = origins[m.event];
      const rec: Record<string, unknown> = { type: 'match', rule: m.ruleId, title: m.title, path: m.path, event: m.event };
      if (o) rec.source = `${o.path}:${o.line}`;
      if (m.events) rec.events = m.events;
      if (m.key) rec.key = m.key;
      if (m.aggregates) rec.aggregates = m.aggregates;
      rec.predicates = m.predicates;
      out.push(JSON.stringify(rec));
      if (out.length >= 1000) flush();
    };
    const t0 = performance.now();
    const { stats } = engine.run(events, line);
    const seconds = (performance.now() - t0) / 1000;
    const summary = {
      type: 'summary',
      events: stats.events,
      rules: stats.rules,
      rulesFailed: failed.length,
      matches: stats.matches,
      rulesMatched: stats.rulesMatched,
      evaluations: stats.evaluations,
      undetermined: stats.undetermined,
      seconds: Number(seconds.toFixed(3)),
    };
    out.push(JSON.stringify(summary));
    flush();
    if (!values.quiet) {
      process.stderr.write(
        `${stats.matches} matches by ${stats.rulesMatched} rules in ${stats.events} events; ${stats.rules} rules (${failed.length} failed to parse), ` +
          `${stats.evaluations} rule evaluations, ${stats.undetermined} undetermined; ${seconds.toFixed(2)} s\n`,
      );
    }
    return 0;
  },
};
