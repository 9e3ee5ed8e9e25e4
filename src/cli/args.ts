/** Argument parsing shared by the commands: node's parseArgs, with usage errors as a typed exception (exit code 2). */
import { parseArgs, type ParseArgsConfig } from 'node:util';

export class UsageError extends Error {}

export type Options = NonNullable<ParseArgsConfig['options']>;

export function parse<T extends Options>(argv: string[], options: T, usage: string) {
  try {
    return parseArgs({ args: argv, options: { ...options, help: { type: 'boolean', short: 'h' } }, allowPositionals: true, strict: true });
  } catch (e) {
    throw new UsageError(`${(e as Error).message}\n\n${usage}`);
  }
}

/** Options every command that loads rules accepts. */
export const LOAD_OPTIONS = {
  macros: { type: 'string', multiple: true },
  'follow-symlinks': { type: 'boolean' },
  attack: { type: 'string' },
  mappings: { type: 'string' },
  workers: { type: 'string' },
  cache: { type: 'string' },
} as const satisfies Options;

export const LOAD_USAGE = `  --macros <path>        Splunk macro library (folder of macro YAML or macros.conf); overrides macros found in the paths (repeatable)
  --follow-symlinks      follow symbolic links that point outside the given paths
  --attack <bundle.json> ATT&CK STIX bundle to use instead of the bundled table (adds descriptions)
  --mappings <file.yml>  user field mappings (see docs/normalization.md)
  --workers <n|auto>     worker threads beside the main one (default auto: one per two cores beyond two, one on 2-3 cores for a corpus of several vendors; 0 = one thread)
  --cache <dir>          cache directory: unchanged rule files are not parsed again, and the next build
                         recomputes only what the changed rule files reach (docs/performance.md)`;

/** `--workers` value: a whole number or 'auto'. */
export function workersFlag(v: string | undefined): number | 'auto' | undefined {
  if (v === undefined || v === 'auto') return v;
  if (!/^\d+$/.test(v)) throw new UsageError(`--workers takes a whole number or 'auto', not '${v}'`);
  return Number(v);
}
