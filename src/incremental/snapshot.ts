/**
 * The build snapshot: what the incremental build (rebuild.ts) keeps in the
 * cache directory between two `ruleatlas build --cache` runs.
 *
 *   build-v1.json        the state: a key of the code and every option the
 *                        output depends on; every walked file with its stat
 *                        stamp and text hash; the loader's file list and
 *                        diagnostics; the stat stamps of the outputs written;
 *                        and the byte range of every technique, rule and field
 *                        element inside catalog.json.
 *   build-v1-rules-<n>.json  one line per rule: its facts (catalog/build.ts
 *                        `RuleFacts`), its check figures (`RuleCheck`) and
 *                        its predicates' identities (catalog/collect.ts
 *                        `PredicateStreams`): all the aggregation reads of a
 *                        rule, without its AST.
 *
 * Both are plain JSON read with `JSON.parse` and checked before use; anything
 * unexpected (another format, another code or options key, a missing part)
 * makes the next build a full one, never a wrong one. The rules file is a
 * JSON array written one element per line, so an incremental build rewrites
 * only the lines of the rules it loaded again. A new rules file gets a new
 * name, written before the state that names it, so a crash between the two
 * leaves the previous pair whole.
 */
import { existsSync, readdirSync, readFileSync, renameSync, statSync, unlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { PredicateOp } from '../ast/schema.js';
import type { RuleFacts } from '../catalog/build.js';
import { newStreams, type PredicateStreams } from '../catalog/collect.js';
import type { Diagnostic } from '../ast/schema.js';
import type { FileEntry, SourceStamp } from '../loader/load.js';
import type { RuleCheck } from '../loader/summary.js';

export const STATE_FILE = 'build-v1.json';
const RULES_PREFIX = 'build-v1-rules-';
const FORMAT = 'ruleatlas-build-snapshot 1';
/** Snapshots bigger than this are not read (a full build runs instead). */
const MAX_BYTES = 1 << 30;

export interface OutputStamp {
  rel: string;
  stamp: string;
}

export interface SnapshotState {
  format: string;
  /** Code fingerprint and options (rebuild.ts `snapshotKey`). */
  key: string;
  /** Date.now() before the load that read the sources began (stamps newer than that are re-read). */
  loadedAt: number;
  /** The output directory (absolute). */
  out: string;
  /** The rules file of this state (`build-v1-rules-<n>.json`). */
  rulesFile: string;
  /** catalog.json and the manifest, as written. */
  outputs: OutputStamp[];
  sources: SourceStamp[];
  files: FileEntry[];
  unrecognized: number;
  /** The load's diagnostics not attached to a rule. */
  diagnostics: Diagnostic[];
  /** Per rule file (path), the range of its rules: [path, first rule index, rule count]. */
  ruleFiles: [string, number, number][];
  /** Byte ranges in catalog.json: [technique id, start, end], rules flat [start, end, ...], [field key, slug, start, end]. */
  ranges: { techniques: [string, number, number][]; rules: number[]; fields: [string, string, number, number][] };
}

/** One rule's record: what the aggregation and the check figures need of it. */
export interface RuleRecord {
  facts: RuleFacts;
  check: RuleCheck;
}

export interface Snapshot {
  state: SnapshotState;
  records: RuleRecord[];
  streams: PredicateStreams;
  /** The rules file's bytes and each record's line range in it (start, end, ...). */
  rulesBytes: Buffer;
  lines: number[];
}

// ---- Rule records: [facts, [status, noQuery, warnings, failures], predicates].
// A predicate is [flags, field, written, op, norm, display, foldedNorm, regexFlags]; `written`
// is 0 when it equals the field, `display` 0 when it equals `norm`; trailing absent parts are
// left out and an absent part before a present one is null.

type EncodedPredicate = (string | number | null)[];

const STATUSES = ['clean', 'opaque', 'failed'] as const;

/** The record line of one rule (its predicates are entries `from` to `to - 1` of `s`). */
export function encodeRecord(r: RuleRecord, s: PredicateStreams, from: number, to: number): string {
  const preds: EncodedPredicate[] = [];
  for (let i = from; i < to; i++) {
    const field = s.field[i]!;
    const written = s.written[i]!;
    const norm = s.norm[i]!;
    const display = s.display[i]!;
    const p: EncodedPredicate = [s.flags[i]!, field, written === field && written !== null ? 0 : written, s.op[i]!, norm, display === norm ? 0 : display, s.foldedNorm[i] ?? null, s.regexFlags[i] ?? null];
    while (p.length > 6 && p[p.length - 1] === null) p.pop();
    preds.push(p);
  }
  const c = r.check;
  return JSON.stringify([r.facts, [STATUSES.indexOf(c.status), c.noQuery ? 1 : 0, c.warnings, c.failures], preds]);
}

function isStr(v: unknown): v is string {
  return typeof v === 'string';
}

/** Appends the predicates of one decoded record to `s`; false when malformed. */
function decodePredicates(preds: unknown, s: PredicateStreams): boolean {
  if (!Array.isArray(preds)) return false;
  for (const p of preds as unknown[]) {
    if (!Array.isArray(p) || p.length < 6) return false;
    const [flags, field, written, op, norm, display, folded, regexFlags] = p as unknown[];
    if (typeof flags !== 'number' || !(field === null || isStr(field)) || !(written === null || written === 0 || isStr(written)) || !isStr(op) || !isStr(norm) || !(display === 0 || isStr(display))) return false;
    if (!(folded === undefined || folded === null || isStr(folded)) || !(regexFlags === undefined || regexFlags === null || isStr(regexFlags))) return false;
    s.flags.push(flags);
    s.field.push(field);
    s.written.push(written === 0 ? field : written);
    s.op.push(op as PredicateOp);
    s.norm.push(norm);
    s.display.push(display === 0 ? norm : display);
    s.foldedNorm.push(isStr(folded) ? folded : undefined);
    s.regexFlags.push(isStr(regexFlags) ? regexFlags : undefined);
  }
  s.off.push(s.flags.length);
  return true;
}

function validFacts(f: unknown): f is RuleFacts {
  if (!f || typeof f !== 'object' || Array.isArray(f)) return false;
  const r = f as Record<string, unknown>;
  return (
    isStr(r.vendor) && isStr(r.id) && isStr(r.title) && isStr(r.path) && isStr(r.kind) && isStr(r.language) &&
    Array.isArray(r.techniques) && r.techniques.every(isStr) && Array.isArray(r.tactics) && r.tactics.every(isStr) &&
    Array.isArray(r.events) && typeof r.error === 'boolean' && typeof r.opaque === 'number' && typeof r.predicates === 'number' &&
    (r.line === undefined || typeof r.line === 'number')
  );
}

/** Line ranges (start, end, ...) of a rules file's records: every line between the brackets. */
function recordLines(buf: Buffer): number[] | null {
  if (buf.length < 4 || buf[0] !== 0x5b || buf[1] !== 10) return null;
  const lines: number[] = [];
  let at = 2;
  for (;;) {
    const nl = buf.indexOf(10, at);
    if (nl < 0) return null;
    if (buf[at] === 0x5d) return nl === buf.length - 1 ? lines : null; // "]\n"
    const end = buf[nl - 1] === 0x2c ? nl - 1 : nl; // without the separating comma
    lines.push(at, end);
    at = nl + 1;
  }
}

/** The rules file's text from record lines (bytes or text). */
export function rulesFileChunks(lines: readonly (string | Uint8Array)[]): (string | Uint8Array)[] {
  const out: (string | Uint8Array)[] = ['[\n'];
  lines.forEach((l, i) => {
    out.push(l);
    out.push(i + 1 < lines.length ? ',\n' : '\n');
  });
  out.push(']\n');
  return out;
}

function validState(v: unknown, key: string): v is SnapshotState {
  if (!v || typeof v !== 'object') return false;
  const s = v as Record<string, unknown>;
  const r = s.ranges as Record<string, unknown> | undefined;
  return (
    s.format === FORMAT && s.key === key && isStr(s.rulesFile) && /^build-v1-rules-\d+\.json$/.test(s.rulesFile) && typeof s.loadedAt === 'number' && isStr(s.out) && Array.isArray(s.outputs) && Array.isArray(s.sources) &&
    Array.isArray(s.files) && typeof s.unrecognized === 'number' && Array.isArray(s.diagnostics) && Array.isArray(s.ruleFiles) &&
    !!r && Array.isArray(r.techniques) && Array.isArray(r.rules) && Array.isArray(r.fields)
  );
}

/** The snapshot of the last build with this key, or the reason there is none to use. */
export function readSnapshot(dir: string, key: string): Snapshot | string {
  const statePath = join(dir, STATE_FILE);
  try {
    if (!existsSync(statePath)) return 'no snapshot of a previous build in the cache directory';
    if (statSync(statePath).size > MAX_BYTES) return 'snapshot too large';
    const state = JSON.parse(readFileSync(statePath, 'utf8')) as unknown;
    if (!validState(state, key)) return 'the code or the options changed since the last build';
    const rulesPath = join(dir, state.rulesFile);
    if (!existsSync(rulesPath) || statSync(rulesPath).size > MAX_BYTES) return 'snapshot rules file missing or too large';
    const rulesBytes = readFileSync(rulesPath);
    const lines = recordLines(rulesBytes);
    if (!lines) return 'snapshot rules file is damaged';
    const arr = JSON.parse(rulesBytes.toString('utf8')) as unknown;
    if (!Array.isArray(arr) || arr.length * 2 !== lines.length) return 'snapshot rules file is damaged';
    const records: RuleRecord[] = new Array(arr.length);
    const streams = newStreams();
    for (let i = 0; i < arr.length; i++) {
      const row = arr[i] as unknown;
      if (!Array.isArray(row) || row.length !== 3 || !validFacts(row[0]) || !Array.isArray(row[1]) || !decodePredicates(row[2], streams)) return 'snapshot rules file is damaged';
      const [status, noQuery, warnings, failures] = row[1] as unknown[];
      const st = STATUSES[status as number];
      if (!st || typeof warnings !== 'number' || !Array.isArray(failures)) return 'snapshot rules file is damaged';
      const f = row[0];
      records[i] = { facts: f, check: { vendor: f.vendor, language: f.language, kind: f.kind, status: st, noQuery: noQuery === 1, warnings, failures: failures as RuleCheck['failures'] } };
    }
    return { state, records, streams, rulesBytes, lines };
  } catch (e) {
    return `snapshot not readable: ${(e as Error).message}`;
  }
}

/** Write the state (beside, then renamed: a crash leaves the old one or the new one, never half of one). */
export function writeState(dir: string, state: SnapshotState): void {
  const path = join(dir, STATE_FILE);
  const tmp = `${path}.${process.pid}.tmp`;
  writeFileSync(tmp, JSON.stringify(state));
  renameSync(tmp, path);
}

/** Write a rules file under a new name (the state written next names it); returns the name. */
export function writeRules(dir: string, chunks: readonly (string | Uint8Array)[]): string {
  let n = Date.now();
  while (existsSync(join(dir, `${RULES_PREFIX}${n}.json`))) n++;
  const name = `${RULES_PREFIX}${n}.json`;
  writeFileSync(join(dir, name), Buffer.concat(chunks.map((c) => (typeof c === 'string' ? Buffer.from(c) : c))));
  return name;
}

/** Remove the rules files other than `keep` (those of earlier states). */
export function removeOldRules(dir: string, keep: string): void {
  for (const name of readdirSync(dir)) {
    if (name !== keep && name.startsWith(RULES_PREFIX) && name.endsWith('.json')) {
      try {
        unlinkSync(join(dir, name));
      } catch {
        /* another build's, or gone */
      }
    }
  }
}
