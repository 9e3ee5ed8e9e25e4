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
import { closeSync, fstatSync, openSync, readSync, type Stats } from 'node:fs';
import { availableParallelism } from 'node:os';
import type { Diagnostic, Rule, Vendor } from '../ast/schema.js';
import { diagLine } from '../core/diagnostics.js';
import { resolveLimits, type Limits } from '../core/limits.js';
import { decodeBytes, SourceFile } from '../core/source-file.js';
import { canUseWorkers, type WorkerHandle } from '../core/worker-thread.js';
import type { NormalizeOptions } from '../normalize/index.js';
import { VENDOR_MODULES } from '../vendors/registry.js';
import type { FileFormat, FileRole, ParseOptions } from '../vendors/types.js';
import { estimateShards, planShards, startShardWorker, threadsWith, type ShardPart, type VendorGroup } from './parallel.js';
import type { ParseJob } from './parse-files.js';
import { emptyShard, linkAndNormalize, mergeByLanguage, runShard, type ShardResult } from './shard.js';
import { openParseCache, sha256, type CacheStats } from './cache.js';
import { openFileStamps, stampOf, statOrNull } from './file-stamps.js';
import { sniff } from './sniff.js';
import { walkPaths, type DirStamp } from './walk.js';

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
   * Worker threads beside the main thread for parsing, linking and
   * normalizing: 0 for one thread, a number, or 'auto' (the default: one per
   * two cores beyond the first two, for corpora of more than 4 MB; on 2 or 3
   * cores, where V8's own background threads already use the second core,
   * one only for a corpus of several vendors, 4 to 64 MB: `autoLoadWorkers`).
   * The files are split by vendor where there are enough vendors (each
   * thread then warms only its own parsers); otherwise a vendor without a
   * link pass (Elastic) is split by work class (query language), each part
   * finished on its thread, and any other vendor's files into contiguous
   * parts that are linked and normalized on the main thread once all are
   * parsed. Worker threads need the built package
   * (dist/worker.js). The output is identical either way.
   */
  workers?: number | 'auto';
  /** Vendor-specific options, passed to the vendor modules. */
  vendorOptions?: Partial<Record<Vendor, Record<string, unknown>>>;
  /**
   * Directory of the parse cache (src/loader/cache.ts): files whose content,
   * format, options, supporting files and code are unchanged are not parsed
   * again, and rule files whose stat stamp is unchanged since the last load
   * are not even read (src/loader/file-stamps.ts). Off by default; the output
   * is the same with or without it.
   */
  cache?: string;
  /**
   * Report each walked file's stat stamp and text hash (`LoadResult.sources`),
   * as a cached load does. The incremental build (src/incremental/) records them.
   */
  recordSources?: boolean;
  /**
   * Vendor states with their supporting files already fed in (`VendorModule.restoreSupport`'s): a
   * vendor named here starts from its state instead of a fresh one, so its supporting files need not
   * be among the paths. The incremental build passes the states its snapshot saved.
   */
  vendorStates?: Partial<Record<Vendor, unknown>>;
  /**
   * Keep the first loading worker thread running once its shard is done, and hand it to this
   * callback instead of ending it: the caller owns it then, and must `stop()` it. The build gives
   * it the technique pages to write while the main thread aggregates and writes catalog.json
   * (src/pipeline.ts). Not called when no worker ran or its shard failed.
   */
  keepWorker?: (worker: WorkerHandle) => void;
}

/**
 * One walked file as a load saw it: its stat stamp taken before it was read,
 * the SHA-256 of its text, and what it was: a rule file, a supporting file,
 * of no known format ('other'), never read for its extension ('never'), or
 * not readable as text ('error': too large, not decodable, empty, unreadable).
 */
export interface SourceStamp {
  path: string;
  stamp: string | null;
  hash: string | null;
  kind: 'rules' | 'support' | 'other' | 'never' | 'error';
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
  /** `ends`: when each thread had finished its files (ms from the start of parsing; the calling thread first, then each worker's, its rules read back; 0 for a worker the plan gave no files, which is not started). */
  timings?: { read: number; support: number; parse: number; link: number; normalize: number; workers: number; ends: number[]; byLanguage: Record<string, { rules: number; ms: number }> };
  /** Parse-cache figures, when `cache` was given. */
  cache?: CacheStats;
  /** Every walked file, in walk order, with `cache` or `recordSources`. */
  sources?: SourceStamp[];
  /** With `recordSources`: every folder walked, stamped before it was listed; null when the walk stamps none (a link, a problem, Windows: walk.ts). */
  dirs?: DirStamp[] | null;
  /**
   * With `recordSources`: each vendor's state once its supporting files were fed in, as
   * `VendorModule.saveSupport` gives it (JSON data), for the vendors that save one and had such
   * files (taken before any rule was parsed).
   */
  supportStates?: Partial<Record<Vendor, unknown>>;
}

interface ReadFile {
  file: SourceFile;
  role: FileRole;
}

/** readOne's answer for a file that was read and is of no known format (already listed as unrecognized). */
const NOT_A_RULE_FILE = 'not-a-rule-file';
/** The text hash stamped for such a file: nothing is made from its text. */
const NO_TEXT = '0'.repeat(64);

const RULE_EXT = /\.(ya?ml|toml|ndjson|jsonl?|conf)$/i;
/** Extensions that never hold rules: listed as unrecognized without being read. */
const NEVER_RULES = /\.(md|markdown|rst|txt|py|pyc|js|mjs|cjs|ts|sh|ps1|bat|html?|css|svg|png|jpe?g|gif|ico|pdf|evtx|pcap|gz|tgz|zip|7z|xz|bz2|exe|dll|bin|lock|csv|xml|jsoncls|raw|gitkeep|gitignore)$/i;

const SCRATCH_BYTES = 1 << 20;
let scratch: Buffer | undefined;

function readOne(path: string, limits: Limits, diagnostics: Diagnostic[], unrecognized: string[], entries: FileEntry[]): ReadFile | typeof NOT_A_RULE_FILE | null {
  if (NEVER_RULES.test(path)) {
    unrecognized.push(path);
    return null;
  }
  // Files that fit the reused scratch buffer (nearly all) are read straight into it, to the
  // zero-byte read at their end: no fstat and no Stats object per file. A file that fills the
  // buffer is measured before the rest is read, so a hostile multi-gigabyte file costs at most
  // one buffer's worth of reading, never its size. Decoding copies the text out of the buffer.
  let bytes: Buffer;
  let fd: number | undefined;
  try {
    fd = openSync(path, 'r');
    const buf = (scratch ??= Buffer.allocUnsafe(SCRATCH_BYTES));
    let off = 0;
    for (;;) {
      const n = readSync(fd, buf, off, SCRATCH_BYTES - off, off);
      if (n === 0) break;
      off += n;
      if (off === SCRATCH_BYTES) break;
    }
    const size = off < SCRATCH_BYTES ? off : fstatSync(fd).size;
    if (size > limits.maxFileBytes) {
      if (RULE_EXT.test(path)) {
        diagnostics.push(diagLine(path, 'error', 'io.too-large', `file is ${size} bytes, over the ${limits.maxFileBytes}-byte limit (limits.maxFileBytes); not parsed`, 1, 1));
        entries.push({ path, format: null, rules: 0 });
      } else unrecognized.push(path);
      return null;
    }
    if (off < SCRATCH_BYTES) bytes = buf.subarray(0, off);
    else {
      // Bigger than the buffer and within the limit: the rest is read into a buffer of its own.
      bytes = Buffer.allocUnsafe(size);
      buf.copy(bytes, 0, 0, off);
      while (off < size) {
        const n = readSync(fd, bytes, off, size - off, off);
        if (n === 0) break;
        off += n;
      }
      if (bytes.length !== off) bytes = bytes.subarray(0, off);
    }
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
    return NOT_A_RULE_FILE;
  }
  return { file: new SourceFile(path, dec.text), role };
}

export { failedFileRule } from './failed-rule.js';

/** Below this much rule text, 'auto' stays on one thread: starting a worker costs more than it saves. */
const AUTO_MIN_BYTES = 4 << 20;

/** Most worker threads a load starts, whatever is asked. */
const MAX_WORKERS = 16;

/**
 * Worker threads for 'auto' whatever the corpus: one per two cores beyond
 * the first two. A single-threaded load already keeps 1.4–1.6 cores busy (V8
 * compiles and collects garbage on background threads), so on 2 cores a
 * worker thread competes with them; there `autoLoadWorkers` starts one only
 * for a corpus it can split into whole vendors (docs/performance.md, "Threads").
 */
export function autoWorkers(): number {
  return spareCoreWorkers(availableParallelism());
}

/** One worker per two cores beyond the first two. */
function spareCoreWorkers(cores: number): number {
  return Math.max(0, Math.min(MAX_WORKERS, Math.floor(cores / 2) - 1));
}

/** Above this much rule text, 'auto' on 2–3 cores stays on one thread: a worker's heap (about 180 MB at 77,000 rules) would outweigh its time. */
const AUTO_SHARED_MAX_BYTES = 64 << 20;
/** On 2–3 cores, a worker is started when the cost model gives it at least this share of the one-thread time. */
const AUTO_SHARED_GAIN = 0.2;

/**
 * Worker threads 'auto' starts for these vendor groups with `cores` cores.
 * With 4 or more, `autoWorkers()`. With 2 or 3, one when the corpus splits
 * into whole vendors on two threads (each thread parsing, linking and
 * normalizing its own vendors; a vendor split in parts measured slower: the
 * Sigma corpus alone, linked and normalized on the main thread after, 1.1 s
 * against 0.74 s; the Elastic corpus alone, spread by query language, 1.33 s
 * against 1.27 s), the model puts the finish at least a
 * fifth earlier, and the corpus is at most 64 MB of rule text. Measured on
 * the three corpora on 2 cores (fourteenth session): catalog.json
 * 4.68–4.75 s against 4.97–5.04 s on one thread, 390 MB against 350.
 */
export function autoLoadWorkers(groups: VendorGroup[], cores: number): number {
  const bytes = groups.reduce((n, g) => n + g.bytes, 0);
  if (bytes < AUTO_MIN_BYTES) return 0;
  const n = spareCoreWorkers(cores);
  if (n > 0 || cores < 2 || bytes > AUTO_SHARED_MAX_BYTES) return n;
  const { plan, span, oneThread } = estimateShards(groups, 2);
  // Whole vendors: none split into runs or spread by work class over both threads.
  const whole = groups.every((g) => threadsWith(plan, g.vendor) === 1);
  return whole && plan[1]!.length > 0 && span <= (1 - AUTO_SHARED_GAIN) * oneThread ? 1 : 0;
}

/** Worker threads for a load. 'auto' uses spare cores, for corpora large enough to gain from it. */
function workerCount(asked: LoadOptions['workers'], groups: VendorGroup[]): number {
  const files = groups.reduce((n, g) => n + g.jobs.length, 0);
  if (files < 2 || asked === 0 || !canUseWorkers()) return 0;
  if (asked === undefined || asked === 'auto') return autoLoadWorkers(groups, availableParallelism());
  return Math.min(asked, MAX_WORKERS, files - 1);
}

export async function loadCorpus(paths: readonly string[], options: LoadOptions = {}): Promise<LoadResult> {
  const t0 = performance.now();
  const limits = resolveLimits(options.limits);
  const diagnostics: Diagnostic[] = [];
  const unrecognized: string[] = [];
  const entries: FileEntry[] = [];
  const walked = walkPaths(paths, { followSymlinks: options.followSymlinks, stampDirs: !!options.recordSources });
  pushAll(diagnostics, walked.diagnostics);

  const support: ReadFile[] = [];
  // Rule files become parse jobs in load order. With a cache, each file's stat is compared with
  // its stamp from the last load first: an unchanged rule file is not read here (its job has no
  // text; its rules come from the parse cache), an unchanged file of no known format is listed as
  // before. Files read are hashed (for the cache keys) and stamped for next time.
  const stamps = options.cache ? openFileStamps(options.cache, diagnostics) : null;
  const candidates: ParseJob[] = [];
  const hashes = new Map<ParseJob, string>();
  // With `sources`, every walked file's stamp and hash, in walk order (rule files' hashes are final once parsed).
  const sources = options.cache || options.recordSources ? new Map<string, SourceStamp>() : null;
  for (const path of walked.files) {
    let before: Stats | null = null;
    const never = NEVER_RULES.test(path);
    if (stamps && !never) {
      before = stamps.stat(path);
      const known = before ? stamps.known(path, before, limits.maxFileBytes) : undefined;
      if (known) {
        sources?.set(path, { path, stamp: stampOf(before!), hash: known.hash, kind: known.role === null ? 'other' : 'rules' });
        if (known.role === null) unrecognized.push(path);
        else {
          const j: ParseJob = { path, role: known.role };
          candidates.push(j);
          hashes.set(j, known.hash);
        }
        continue;
      }
    } else if (sources && !never) before = statOrNull(path);
    const stamp = before ? stampOf(before) : null;
    const r = readOne(path, limits, diagnostics, unrecognized, entries);
    if (r === NOT_A_RULE_FILE) {
      if (before && stamps) stamps.record(path, before, NO_TEXT, null);
      sources?.set(path, { path, stamp, hash: NO_TEXT, kind: 'other' });
      continue;
    }
    if (!r) {
      sources?.set(path, { path, stamp, hash: null, kind: never ? 'never' : 'error' });
      continue;
    }
    if (r.role.role === 'support') {
      support.push(r);
      sources?.set(path, { path, stamp, hash: sha256(r.file.text), kind: 'support' });
    } else {
      const j: ParseJob = { path, text: r.file.text, role: r.role };
      candidates.push(j);
      if (sources) {
        const h = sha256(r.file.text);
        hashes.set(j, h);
        if (before && stamps) stamps.record(path, before, h, r.role);
        sources.set(path, { path, stamp, hash: h, kind: 'rules' });
      }
    }
  }
  // User macro libraries load after the ones found among the paths, so they win.
  if (options.macros?.length) {
    const extra = walkPaths(options.macros, { followSymlinks: options.followSymlinks });
    pushAll(diagnostics, extra.diagnostics);
    for (const path of extra.files) {
      const r = readOne(path, limits, diagnostics, unrecognized, entries);
      if (r && r !== NOT_A_RULE_FILE && r.role.role === 'support') support.push(r);
      else if (r && r !== NOT_A_RULE_FILE) diagnostics.push(diagLine(path, 'warning', 'io.not-macros', 'given as a macro library but holds rules; ignored as macros'));
    }
  }

  const t1 = performance.now();
  const states = new Map<Vendor, unknown>();
  const parseOpts = (vendor: Vendor): ParseOptions => ({ limits, placeholders: options.placeholders, vendorOptions: options.vendorOptions?.[vendor] });
  const stateOf = (vendor: Vendor) => {
    if (!states.has(vendor)) states.set(vendor, options.vendorStates?.[vendor] ?? VENDOR_MODULES[vendor].createState(parseOpts(vendor)));
    return states.get(vendor);
  };

  for (const s of support) {
    const mod = VENDOR_MODULES[s.role.vendor];
    const d = mod.loadSupport?.(s.file, s.role, stateOf(s.role.vendor), parseOpts(s.role.vendor)) ?? [];
    pushAll(diagnostics, d);
    entries.push({ path: s.file.path, format: s.role.format, vendor: s.role.vendor, role: 'support', rules: 0 });
  }
  let supportStates: Partial<Record<Vendor, unknown>> | undefined;
  if (options.recordSources) {
    supportStates = {};
    for (const [vendor, state] of states) {
      const saved = VENDOR_MODULES[vendor].saveSupport?.(state);
      if (saved !== undefined && saved !== null) supportStates[vendor] = saved;
    }
  }

  const t2 = performance.now();
  /** Read a stamped file whose parse result is not cached. False: it is not the rule file it was (then reported). */
  const readLate = (j: ParseJob): boolean => {
    const r = readOne(j.path, limits, diagnostics, unrecognized, entries);
    if (r && r !== NOT_A_RULE_FILE && r.role.role === 'rules' && r.role.vendor === j.role.vendor && r.role.format === j.role.format) {
      j.text = r.file.text;
      hashes.set(j, sha256(r.file.text));
      return true;
    }
    // Only a file written while this load ran gets here; its new stamp has it read next time.
    if (r && r !== NOT_A_RULE_FILE) diagnostics.push(diagLine(j.path, 'warning', 'io.changed', 'file changed while it was being loaded; not read (load again)', 1, 1));
    return false;
  };
  const cache = options.cache ? openParseCache(options.cache, diagnostics) : null;
  const dropped = new Set<ParseJob>();
  if (cache) {
    // What a vendor's parse results depend on beyond the file itself: the options and its supporting files.
    const optsKey = JSON.stringify({ limits, placeholders: options.placeholders ?? null });
    const stateKeys = new Map<Vendor, string | null>();
    const stateKey = (vendor: Vendor): string | null => {
      if (!stateKeys.has(vendor)) {
        // Vendor options may name files read by the vendor itself (user macro libraries): not cached.
        const own = options.vendorOptions?.[vendor];
        const parts = [vendor, optsKey];
        for (const s of support) if (s.role.vendor === vendor) parts.push(s.file.path, s.role.format, s.file.text);
        stateKeys.set(vendor, own !== undefined && Object.keys(own).length ? null : sha256(...parts));
      }
      return stateKeys.get(vendor)!;
    };
    for (const j of candidates) {
      const sk = stateKey(j.role.vendor);
      if (sk === null) continue;
      // Keyed by the text's hash: a stamped file's hash is known without reading it.
      j.cacheKey = sha256(sk, j.path, j.role.format, hashes.get(j) ?? sha256(j.text!));
      const hit = cache.get(j.cacheKey);
      if (hit !== undefined) j.cached = hit;
      else if (j.text === undefined) {
        const stamped = hashes.get(j);
        if (!readLate(j)) {
          dropped.add(j);
          continue;
        }
        // Changed since its stamp (written during this load): keyed again by what was read, so an
        // entry always matches the text it was made from.
        if (hashes.get(j) !== stamped) {
          j.cacheKey = sha256(sk, j.path, j.role.format, hashes.get(j)!);
          const again = cache.get(j.cacheKey);
          if (again !== undefined) j.cached = again;
        }
      }
    }
  }
  // Stamped files that are still unread (vendor options turn caching off for their vendor) are read now;
  // those that are no longer the rule file they were are dropped (readLate reported them).
  const jobs = candidates.filter((j) => !dropped.has(j) && (j.text !== undefined || j.cached !== undefined || readLate(j)));
  if (sources) {
    // A file read late has the hash of what was read; one that is no longer the rule file it was is an error.
    const kept = new Set(jobs);
    for (const j of candidates) {
      const src = sources.get(j.path)!;
      if (kept.has(j)) src.hash = hashes.get(j) ?? sha256(j.text!);
      else Object.assign(src, { hash: null, kind: 'error' });
    }
  }
  const normalize: NormalizeOptions | false = options.normalize === false ? false : typeof options.normalize === 'object' ? options.normalize : {};

  // Vendor groups in order of first appearance (the order of the rules in the result). A vendor
  // without a link pass that tells its files' work classes has them noted, for the thread plan.
  const groups = new Map<Vendor, VendorGroup>();
  const mayShare = options.workers !== 0 && canUseWorkers();
  jobs.forEach((j, i) => {
    let g = groups.get(j.role.vendor);
    if (!g) {
      const mod = VENDOR_MODULES[j.role.vendor];
      groups.set(j.role.vendor, (g = { vendor: j.role.vendor, bytes: 0, jobs: [], sizes: [], ...(mayShare && mod.workClass && !mod.link ? { classes: [] } : {}) }));
    }
    // A cached file's class is not known without reading it; reading its JSON back costs little.
    if (g.classes) g.classes.push(j.text !== undefined ? VENDOR_MODULES[j.role.vendor].workClass!(j.text, j.role) : 'cached');
    // A cached file costs reading its JSON back, a small part of parsing it (the JSON is about
    // one and a half times the text).
    const size = j.cached !== undefined ? j.cached.length / 15 : j.text!.length;
    g.bytes += size;
    g.jobs.push(i);
    g.sizes.push(size);
  });
  const nWorkers = workerCount(options.workers, [...groups.values()]);
  // Each thread's parts (thread 0 is this one). A vendor split over several threads comes back
  // as parsed and is linked and normalized here, once all of its parts are in; the parts of a
  // vendor without a link pass are finished where they run (`spread`, with the split ones).
  const plan: ShardPart[][] = nWorkers > 0 ? planShards([...groups.values()], nWorkers + 1) : [[...groups.values()].map((g) => ({ vendor: g.vendor, jobs: g.jobs, whole: true }))];
  const split = new Set<Vendor>(plan.flat().filter((p) => !p.whole).map((p) => p.vendor));
  const spread = new Set<Vendor>([...groups.keys()].filter((v) => split.has(v) || threadsWith(plan, v) > 1));
  // Where each job's result is: thread, and position in that thread's job list.
  const where: { thread: number; at: number }[] = new Array(jobs.length);
  const threadIdx = plan.map((parts, t) => {
    const idx = parts.flatMap((p) => p.jobs).sort((x, y) => x - y);
    idx.forEach((j, at) => (where[j] = { thread: t, at }));
    return idx;
  });
  const threadJobs = threadIdx.map((idx) => idx.map((j) => jobs[j]!));

  let done = 0;
  const ends: number[] = plan.map(() => 0);
  const progress = () => options.onProgress?.(done, jobs.length);
  const pending = plan.map((parts, t): Promise<ShardResult> | null => {
    if (t === 0 || !threadJobs[t]!.length) return null;
    const keep = t === 1 ? options.keepWorker : undefined;
    const w = startShardWorker(keep);
    const states: Partial<Record<Vendor, unknown>> = {};
    const opts: Partial<Record<Vendor, ParseOptions>> = {};
    for (const { vendor } of parts) {
      states[vendor] = stateOf(vendor);
      opts[vendor] = parseOpts(vendor);
    }
    const raw = parts.filter((p) => !p.whole).map((p) => p.vendor);
    return w.run({ kind: 'shard', jobs: threadJobs[t]!, states, opts, normalize, raw, ...(keep ? { kept: true } : {}) }).then((r) => {
      ends[t] = performance.now() - t2;
      done += threadJobs[t]!.length;
      progress();
      return r;
    });
  });
  let mainDone = 0;
  const mine = await runShard({
    jobs: threadJobs[0]!,
    stateOf,
    parseOpts,
    normalize,
    raw: split,
    onFile: (n) => {
      done += n - mainDone;
      mainDone = n;
      progress();
    },
  });
  ends[0] = performance.now() - t2;
  const results: ShardResult[] = [mine];
  for (let t = 1; t < plan.length; t++) results.push(pending[t] ? await pending[t]! : emptyShard());

  // Put everything back in load order: files and their diagnostics by job, then rules and link diagnostics by vendor.
  for (let i = 0; i < jobs.length; i++) {
    const job = jobs[i]!;
    const r = results[where[i]!.thread]!.perJob[where[i]!.at]!;
    if (cache && r.fresh !== undefined && job.cacheKey !== undefined) cache.put(job.cacheKey, r.fresh);
    pushAll(diagnostics, r.diagnostics);
    entries.push({ path: job.path, format: job.role.format, vendor: job.role.vendor, role: 'rules', rules: r.rules });
  }
  // Vendors spread over threads: their parts' rules in job order; the split ones are then linked and normalized.
  const ts = performance.now();
  const splitDone = new Map<Vendor, { vendor: Vendor; rules: Rule[]; diagnostics: Diagnostic[] }>();
  if (spread.size) {
    // A thread returns a spread vendor's rules in its own file order: cut them back into each
    // file's rules (perJob counts them, and normalizing keeps them one for one) and lay the files
    // out in load order.
    const byJob: Rule[][] = new Array(jobs.length);
    results.forEach((r, t) => {
      const next = new Map<Vendor, number>();
      threadJobs[t]!.forEach((job, at) => {
        const vendor = job.role.vendor;
        if (!spread.has(vendor)) return;
        const list = r.vendors.find((v) => v.vendor === vendor)!.rules;
        const from = next.get(vendor) ?? 0;
        const count = r.perJob[at]!.rules;
        byJob[threadIdx[t]![at]!] = list.slice(from, from + count);
        next.set(vendor, from + count);
      });
    });
    const inOrder = (vendor: Vendor) => ({ vendor, rules: jobs.flatMap((j, i) => (j.role.vendor === vendor ? byJob[i]! : [])) });
    for (const vendor of spread) if (!split.has(vendor)) splitDone.set(vendor, { ...inOrder(vendor), diagnostics: [] });
    for (const v of await linkAndNormalize([...split].map(inOrder), stateOf, parseOpts, normalize)) splitDone.set(v.vendor, v);
  }
  const splitMs = performance.now() - ts;
  const rules: Rule[] = [];
  const byLanguage: Record<string, { rules: number; ms: number }> = {};
  for (const vendor of groups.keys()) {
    const v = splitDone.get(vendor) ?? results.flatMap((r) => r.vendors).find((x) => x.vendor === vendor)!;
    pushAll(diagnostics, v.diagnostics);
    pushAll(rules, v.rules);
  }
  for (const r of results) mergeByLanguage(byLanguage, r.byLanguage);
  cache?.save();
  // The stamps only go with a usable cache directory (openParseCache reported it otherwise).
  if (cache) {
    stamps?.save();
    cache.stats.unread = jobs.reduce((n, j) => n + (j.text === undefined ? 1 : 0), 0);
  }
  const t3 = performance.now();
  // Stage times of this thread (workers run beside it); `parse` includes waiting for them and reading their rules back.
  const linkMs = mine.ms.link;
  const normalizeMs = mine.ms.normalize + splitMs;
  const timings = { read: t1 - t0, support: t2 - t1, parse: t3 - t2 - linkMs - normalizeMs, link: linkMs, normalize: normalizeMs, workers: nWorkers, ends, byLanguage };
  return { rules, files: entries, unrecognized, diagnostics, timings, ...(cache ? { cache: cache.stats } : {}), ...(sources ? { sources: [...sources.values()] } : {}), ...(walked.dirs !== undefined ? { dirs: walked.dirs } : {}), ...(supportStates ? { supportStates } : {}) };
}

/** Async iterator over the rules of the given paths (see `loadCorpus` for the full result). */
export async function* loadRules(paths: readonly string[], options: LoadOptions = {}): AsyncGenerator<Rule> {
  const result = await loadCorpus(paths, options);
  yield* result.rules;
}
