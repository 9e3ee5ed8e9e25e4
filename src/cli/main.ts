/**
 * The `ruleatlas` executable: runs the CLI (src/cli/run.ts) on the process
 * arguments and sets the exit code.
 */
import { tuneForBatch } from '../core/v8-tuning.js';
import { runCli } from './run.js';

// Each run is a one-shot batch job: V8 optimizes later and better, and without inlining
// (src/core/v8-tuning.ts; `match` puts the defaults back before it matches events).
tuneForBatch();

// A closed pipe (`ruleatlas normalize … | head`) is a normal way to stop reading.
process.stdout.on('error', (e: NodeJS.ErrnoException) => {
  if (e.code === 'EPIPE') process.exit(process.exitCode ?? 0);
  throw e;
});

runCli(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (e) => {
    process.stderr.write(`ruleatlas: internal error: ${(e as Error).stack ?? String(e)}\n`);
    process.exitCode = 1;
  },
);
