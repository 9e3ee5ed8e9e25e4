/**
 * V8 tuning for one-shot batch runs: the CLI applies it at start, and
 * `npm run bench` measures with it (docs/performance.md, "Optimizing later").
 *
 * A build runs each parser, normalizer and aggregation pass over the corpus
 * once. With V8's default interrupt budget (Node 20, V8 11.3), TurboFan
 * compiles a function after a few thousand bytecodes have run in it, with
 * the type feedback of the first few rules only; the code then deoptimizes
 * on the next rule of another shape and is compiled again: one build of the
 * three corpora to catalog.json took 914 optimizing compilations and 359
 * deoptimizations. A budget 16 times larger leaves the functions that run
 * briefly in the baseline tiers and optimizes the hot ones with mature
 * feedback: 151 compilations and 60 deoptimizations, and the same build
 * measured 12–15 % faster with 30 % less CPU; a corpus ten times larger
 * builds at the same speed (its hot code is optimized early either way).
 *
 * V8 flags are a process setting, so the library never applies this by
 * itself: a long-running service that imports the package keeps V8's
 * defaults unless it calls `tuneForBatch()`.
 */
import { setFlagsFromString } from 'node:v8';

/** V8 11.3's default `--interrupt-budget` (66 KB of bytecode), times 16. */
export const BATCH_INTERRUPT_BUDGET = 16 * 67_584;

/** The V8 line the budget was measured on (Node 20). Other lines keep their own defaults until measured. */
const MEASURED_V8 = /^11\.3\./;

export interface BatchTuning {
  /** The flag is in effect (set by this call or an earlier one). */
  applied: boolean;
  /** Why, in words (for `--verbose` output and the bench). */
  reason: string;
}

export interface BatchTuningContext {
  env: Record<string, string | undefined>;
  execArgv: readonly string[];
  v8Version: string;
}

/** Whether to tune, without side effects. */
export function batchTuningDecision(ctx: BatchTuningContext): BatchTuning {
  if (ctx.env.RULEATLAS_V8_TUNING === '0') return { applied: false, reason: 'RULEATLAS_V8_TUNING=0' };
  const userArgs = [...ctx.execArgv, ...(ctx.env.NODE_OPTIONS ?? '').split(/\s+/)];
  // The user's own choice wins (V8 accepts both spellings of a flag).
  if (userArgs.some((a) => /^--interrupt[-_]budget(=|$)/.test(a))) return { applied: false, reason: 'the interrupt budget is set in the Node options' };
  if (!MEASURED_V8.test(ctx.v8Version)) return { applied: false, reason: `measured on V8 11.3 (Node 20) only; this is V8 ${ctx.v8Version}` };
  return { applied: true, reason: `V8 --interrupt-budget=${BATCH_INTERRUPT_BUDGET}` };
}

let done: BatchTuning | undefined;

/**
 * Set V8's interrupt budget for a one-shot batch job in this process (and
 * its worker threads), unless the user set one or opted out with
 * `RULEATLAS_V8_TUNING=0`. Idempotent; returns what was decided.
 */
export function tuneForBatch(ctx: BatchTuningContext = { env: process.env, execArgv: process.execArgv, v8Version: process.versions.v8 }): BatchTuning {
  if (done) return done;
  const d = batchTuningDecision(ctx);
  if (d.applied) setFlagsFromString(`--interrupt-budget=${BATCH_INTERRUPT_BUDGET}`);
  done = d;
  return d;
}
