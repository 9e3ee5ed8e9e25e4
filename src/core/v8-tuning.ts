/**
 * V8 tuning for one-shot batch work: the CLI applies it at start, and
 * `npm run bench` measures with it (docs/performance.md, "Optimizing later").
 *
 * A build runs each parser, normalizer and aggregation pass over the corpus
 * once. With V8's default interrupt budget (Node 20, V8 11.3), TurboFan
 * compiles a function after a few budgets of bytecode have run in it, with
 * the type feedback of the first few rules only; the code then deoptimizes
 * on the next rule of another shape and is compiled again: one build of the
 * three corpora to catalog.json took 914 optimizing compilations and 359
 * deoptimizations. A larger budget leaves the functions that run briefly in
 * the baseline tiers and optimizes the hot ones with mature feedback.
 *
 * Why four times the default: 4 × and 8 × made the one-thread build of the
 * three corpora 10–15 % faster with a fifth less CPU; 16 × was as fast there
 * but slowed the parse stage of a corpus ten times larger by a third (its
 * big parser functions, whose optimization V8 delays in proportion to their
 * size, ran unoptimized for longer), where 4 × was no slower than the
 * default. Code that runs hot for long (matching events) optimizes later
 * with any larger budget, so `endBatchTuning()` puts the default back before
 * such work (the CLI's `match` does).
 *
 * Inlining off (`--no-turbo-inlining`, since the seventeenth session):
 * TurboFan's optimizing compilations run on V8's background threads, beside
 * the main thread and the loading worker on a 2-core machine, and inlining
 * makes each of them larger (single compilations of the generated parsers'
 * rule functions took 100–240 ms with it). Without it the three corpora to
 * catalog.json took 3–10 % less wall time with `auto`'s loading worker in
 * each of 7 alternating rounds, with 8–11 % less CPU; ten times the corpora
 * loaded 2–3 % slower, the full build within the noise (docs/performance.md,
 * "Inlining off"). `endBatchTuning()` turns inlining back on, as hot
 * matching code wants it.
 *
 * V8 flags are a process setting, so the library never applies this by
 * itself: a long-running service that imports the package keeps V8's
 * defaults unless it calls `tuneForBatch()`.
 */
import { setFlagsFromString } from 'node:v8';

/** V8 11.3's default `--interrupt-budget` (66 KB of bytecode). */
export const DEFAULT_INTERRUPT_BUDGET = 67_584;
/** The budget for one-shot batch work: four times the default. */
export const BATCH_INTERRUPT_BUDGET = 4 * DEFAULT_INTERRUPT_BUDGET;

/** TurboFan's inlining on node's command line, either way (V8's default is on; the batch tuning turns it off). */
const INLINING_FLAG = /^--(no-)?turbo[-_]inlining$/;

/** The V8 line the budget was measured on (Node 20). Other lines keep their own defaults until measured. */
const MEASURED_V8 = /^11\.3\./;

export interface BatchTuning {
  /** The batch budget is in effect. */
  applied: boolean;
  /** Why, in words (for the bench's table). */
  reason: string;
  /** TurboFan's inlining is turned off too (not when node's command line sets it either way). */
  noInlining?: boolean;
}

export interface BatchTuningContext {
  env: Record<string, string | undefined>;
  execArgv: readonly string[];
  v8Version: string;
}

/** Whether to tune, without side effects. */
export function batchTuningDecision(ctx: BatchTuningContext): BatchTuning {
  if (ctx.env.RULEATLAS_V8_TUNING === '0') return { applied: false, reason: 'RULEATLAS_V8_TUNING=0' };
  // The user's own choice wins (V8 accepts both spellings of a flag). Node refuses V8 tiering
  // flags in NODE_OPTIONS, so a budget can only come from node's command line.
  if (ctx.execArgv.some((a) => /^--interrupt[-_]budget(=|$)/.test(a))) return { applied: false, reason: 'the interrupt budget is set on the node command line' };
  if (!MEASURED_V8.test(ctx.v8Version)) return { applied: false, reason: `measured on V8 11.3 (Node 20) only; this is V8 ${ctx.v8Version}` };
  // Inlining given on node's command line, either way, is the user's too; the budget still applies.
  if (ctx.execArgv.some((a) => INLINING_FLAG.test(a))) return { applied: true, reason: `V8 --interrupt-budget=${BATCH_INTERRUPT_BUDGET} (inlining as set on the node command line)`, noInlining: false };
  return { applied: true, reason: `V8 --interrupt-budget=${BATCH_INTERRUPT_BUDGET} --no-turbo-inlining`, noInlining: true };
}

let decision: BatchTuning | undefined;
let active = false;

const defaultContext = (): BatchTuningContext => ({ env: process.env, execArgv: process.execArgv, v8Version: process.versions.v8 });

/**
 * Set V8's interrupt budget for one-shot batch work in this process (and its
 * worker threads) and turn TurboFan's inlining off, unless node was started
 * with a budget or the user opted out with `RULEATLAS_V8_TUNING=0` (inlining
 * set on node's command line is left as it is). Returns what was decided;
 * calling it again re-applies the same decision (after `endBatchTuning()`).
 */
export function tuneForBatch(ctx: BatchTuningContext = defaultContext()): BatchTuning {
  decision ??= batchTuningDecision(ctx);
  if (decision.applied && !active) {
    setFlagsFromString(`--interrupt-budget=${BATCH_INTERRUPT_BUDGET}`);
    if (decision.noInlining) setFlagsFromString('--no-turbo-inlining');
    active = true;
  }
  return decision;
}

/** Put V8's defaults back (budget, inlining) before work that runs hot for long (matching events). No-op if not tuned. */
export function endBatchTuning(): void {
  if (!active) return;
  setFlagsFromString(`--interrupt-budget=${DEFAULT_INTERRUPT_BUDGET}`);
  if (decision?.noInlining) setFlagsFromString('--turbo-inlining');
  active = false;
}
