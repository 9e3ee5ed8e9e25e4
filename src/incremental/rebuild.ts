/**
 * The incremental build (`updateBuild`, `ruleatlas build --cache <dir>`).
 *
 * A full build with a cache directory also leaves a snapshot there
 * (snapshot.ts): every walked file's stamp and hash, what the aggregation
 * needs of every rule without its AST, and where each technique, rule and
 * field element sits in the catalog.json it wrote. The next build with the
 * same code, options and output folder then:
 *
 * 1. walks the paths and finds the rule files whose text changed (stat
 *    stamps first, as file-stamps.ts does, then the text's hash);
 * 2. loads, links and normalizes only those files (with their vendor's
 *    supporting files);
 * 3. when the change shows in the changed rules' own rows only (every fact
 *    the aggregation reads, the predicates and the check figures kept; a
 *    title or status keeping each rule's place among the rules), writes
 *    those rows into the previous catalog.json and the technique pages
 *    listing a retitled rule, with the web site also the rules' pages and a
 *    new title patched into their fields' pages and the search data
 *    (retitle.ts), and stops (`rowsOnly`);
 *    when every changed rule kept its predicates (an edited title, tag,
 *    level...), takes the aggregation's interning from the snapshot: nothing
 *    any other rule shows can have changed. Otherwise patches the previous
 *    interning for the changed rules' predicates (patch-interning.ts; when
 *    it cannot, replays the interning pass over the whole corpus from the
 *    snapshot's predicate identities, with the changed rules' spliced in),
 *    and compares it with what the previous catalog showed: the keys (field,
 *    operator, value) whose rules or display form changed, and from them the
 *    technique and field pages and the rule rows (their corpus reach) the
 *    change reaches;
 * 4. aggregates those pages in full and every other one light (header
 *    figures for the matrix, the summary and the Navigator layers); a
 *    reached technique whose element the change cannot have changed (the
 *    changed values are not, and were not, among the rows it shows:
 *    unchanged-techniques.ts) is left light and keeps its previous bytes;
 * 5. writes catalog.json from the new pages and the previous file's bytes of
 *    every other element (a rule row whose reach changed is patched in
 *    place), the Markdown pages of the recomputed techniques, the layers,
 *    with the web site the pages the change reaches (its rules', techniques'
 *    and fields' pages, the index, the field list and the search data; when
 *    every changed rule kept its predicates, the field list as it was and the
 *    search data's value rows copied from the previous file; when every field
 *    kept its number of rules, the value rows of the fields not reached
 *    copied), and the new snapshot.
 *
 * The output is byte for byte what a full build writes (test/incremental/
 * checks it after random edits, and on the real corpora). Whatever this
 * scheme does not handle, it does not guess: a full build runs, and the
 * result says why (`incremental.reason`). That is the case for a first
 * build, other code or options, an output folder changed by hand, files
 * added, removed or renamed, a changed supporting file (Splunk macros and
 * data sources), a changed file whose number of rules changed or that
 * reports a load problem, Sigma filters and correlations (which link rules
 * across files), a changed Sigma rule id that another rule shares, a
 * technique appearing or disappearing, a page name moving, and ties the
 * catalog breaks by first use (docs/performance.md, "Incremental builds").
 */
import { closeSync, fstatSync, openSync, readFileSync, statSync } from 'node:fs';
import { join, resolve, sep } from 'node:path';
import type { Rule, Vendor } from '../ast/schema.js';
import { parentOf } from '../catalog/attack-info.js';
import { aggregateCatalog, catalogInput, DEFAULT_ROW_LIMIT, collectFrom, compareRules, predicateKeys, predicateReach, ruleSlugs, sameSlugInputs, techniqueMembership, techniqueSlugs, type AggregateInput, type AggregateSelection, type CatalogInput, type Membership, type RuleFacts } from '../catalog/build.js';
import { IntList, restoreInterning, storeInterning, type Interning, type PredicateStreams, type RuleUses, type StoredInterning } from '../catalog/collect.js';
import { ANY_FIELD, fieldKey } from '../catalog/keys.js';
import type { Catalog, CatalogField, CatalogRule, CatalogTechnique } from '../catalog/schema.js';
import { resolveLimits } from '../core/limits.js';
import { decodeBytes } from '../core/source-file.js';
import { loadEventCatalog } from '../events/index.js';
import { codeFingerprint, sha256, type CacheStats } from '../loader/cache.js';
import { RACY_MS, stampOf, statOrNull } from '../loader/file-stamps.js';
import { loadCorpus, type FileEntry } from '../loader/load.js';
import { ruleCheck, summarizeChecks, type CheckSummary, type RuleCheck } from '../loader/summary.js';
import { sniff } from '../loader/sniff.js';
import { walkPaths, type DirStamp } from '../loader/walk.js';
import { buildFromPaths, corpusSummaryOf, pipelineContext, type BuildResult, type PipelineContext, type PipelineOptions } from '../pipeline.js';
import { techniqueMarkdown } from '../render/markdown.js';
import type { ListedRule } from '../render/lookup.js';
import { OutputError } from '../render/output-dirs.js';
import { navigatorLayers } from '../render/navigator.js';
import { sanitizeSlug } from '../catalog/slug.js';
import { catalogFilePaths, EncodedArray, FileRange, finishCatalogOutput, jsonBatches, safeOutputPath, writeCatalogFiles, writeSpliced, type CatalogFile, type FileData, type WriteResult } from '../render/write.js';
import { fieldPageBytes, fieldPageCount, fieldPageFile, fieldsIndexPage, indexPage, rulePageBytes, techniquePageBytes } from '../render/site/pages.js';
import { joinFieldRows, searchDataChunks, searchFieldRowsBytes } from '../render/site/search-data.js';
import { cutAt, techniqueCut, unchangedTechniques, type UnchangedInput } from './unchanged-techniques.js';
import { appendStrings, arrayFileChunks, CATALOG_SPARE, DamagedSnapshot, encodeRecord, idsFromStreams, idsReader, readInterning, readRuleIdentities, readSnapshotData, readSnapshotPreds, readSnapshotState, readAt, readFileRange, readSupportState, removeStale, SNAPSHOT_FORMAT, splicedRecords, spliceIds, StringTable, writeInterning, writePreds, writeRules, writeState, writeStrings, writeSupport, type PredicateIds, type Snapshot, type SnapshotState } from './snapshot.js';
import { fieldPageRels, occurrences, replaceEvery, retitle } from './retitle.js';
import { patchInterning } from './patch-interning.js';
import { unchangedFieldPages } from './field-pages.js';
import { VENDOR_MODULES } from '../vendors/registry.js';
import { StampTable, type StampChange } from './stamp-table.js';

export interface IncrementalInfo {
  /** True when this build started from the previous one and loaded only the changed rule files. */
  used: boolean;
  /** Why a full build ran instead (`used: false`). */
  reason?: string;
  /** Rule files whose text changed since the previous build (incremental builds). */
  changedFiles: string[];
  /**
   * Incremental builds: whether the paths were walked (their folders listed)
   * again. They are not when every folder the previous build listed still has
   * its stamp: no entry was added, removed or renamed in any of them.
   */
  listed?: boolean;
  /**
   * Incremental builds: the changed rules kept every predicate (an edited
   * title, description, tag...), so the corpus-wide figures were taken from
   * the previous build instead of counted again (and, with the web site, the
   * field list and the search data's value rows kept, when the changed rules'
   * pages kept their names).
   */
  samePredicates?: boolean;
  /**
   * Incremental builds: the change showed in the changed rules' own rows
   * only (a description, level, reference, or a title or status that kept
   * each rule's place among the rules), so nothing was aggregated:
   * catalog.json got the new rows, the technique pages listing a rule whose
   * title or status changed were written again, and with the web site the
   * rules' own pages too, and a new title patched into the pages of the
   * rules' fields and the search data.
   */
  rowsOnly?: boolean;
  /**
   * Incremental builds where a changed rule's predicates changed: the
   * interning was patched from the previous one (src/incremental/patch-interning.ts),
   * or, when the change added or removed a field, an operator or a written
   * field name, the interning pass ran again over the whole corpus (this
   * says why).
   */
  interning?: 'patched' | { replayed: string };
  /** Technique and field pages computed again, and rule rows written anew (loaded again, or their corpus reach changed). */
  techniques: number;
  fields: number;
  rows: number;
  /**
   * Incremental builds where a changed rule's predicates changed: the techniques the change reached
   * whose element it cannot have changed, kept as they were instead of computed again
   * (src/incremental/unchanged-techniques.ts; not counted in `techniques`).
   */
  techniquesKept?: number;
  /** A snapshot for the next build was written. */
  snapshot: boolean;
}

export interface UpdateOptions extends PipelineOptions {
  out: string;
  /** The cache directory (parse cache, file stamps and the build snapshot). */
  cache: string;
  /**
   * The static web site (default true). A rebuild writes again the pages a
   * change reaches (its rules', techniques' and fields' pages, the index, the
   * field list and the search data) and keeps every other page.
   */
  site?: boolean;
}

export interface UpdateResult {
  incremental: IncrementalInfo;
  /** The check figures of the whole corpus. */
  summary: CheckSummary;
  /** Techniques in the catalog. */
  techniques: number;
  written: WriteResult;
  /** Wall milliseconds per stage. */
  timings: { load: number; aggregate: number; write: number };
  /** The full build, when one ran. */
  full?: BuildResult;
  /** Parse-cache figures of a full build's load. */
  cache?: CacheStats;
}

/** Thrown (and caught) when this build cannot start from the previous one. */
class FullBuild extends Error {}

const CATALOG = 'catalog.json';
const MANIFEST = '.ruleatlas-manifest.json';

/** What the snapshot is only valid for: the code and every option the output depends on. */
function snapshotKey(paths: readonly string[], opts: UpdateOptions, ctx: PipelineContext, site: boolean): string {
  return sha256(
    codeFingerprint(),
    JSON.stringify({
      paths: paths.map((p) => resolve(p)),
      out: resolve(opts.out),
      site,
      limits: resolveLimits(opts.limits),
      placeholders: opts.placeholders ?? null,
      vendorOptions: opts.vendorOptions ?? null,
      followSymlinks: !!opts.followSymlinks,
    }),
    JSON.stringify(ctx.normalize.mappings ?? null),
    // The bundled ATT&CK data and event catalog are seed tables, part of the code's fingerprint; ATT&CK
    // data the caller gives is hashed (serializing the bundled data took a fifth of a rebuild's start).
    opts.attack || opts.attackBundle ? JSON.stringify(ctx.attack) : 'bundled ATT&CK data',
  );
}

/** Why these options cannot use a snapshot at all (null: they can). */
function unsupported(opts: UpdateOptions): string | null {
  if (opts.macros?.length) return 'user macro libraries (--macros) are read on every build';
  return null;
}

/**
 * Build into `opts.out`, starting from the previous build's snapshot in
 * `opts.cache` when it can (see the module comment), else in full (and then
 * leave a snapshot for the next one).
 */
export async function updateBuild(paths: readonly string[], opts: UpdateOptions): Promise<UpdateResult> {
  const t0 = performance.now();
  const startedAt = Date.now();
  const site = opts.site ?? true;
  const ctx = pipelineContext(opts);
  const why = unsupported(opts);
  const key = why ? '' : snapshotKey(paths, opts, ctx, site);
  let reason = why;
  if (!why) {
    const state = readSnapshotState(opts.cache, key);
    if (typeof state === 'string') reason = state;
    else {
      try {
        return await incremental(paths, opts, ctx, state, key, site, t0, startedAt);
      } catch (e) {
        // An output folder that cannot be written stops the build either way (a full build would fail the same).
        if (e instanceof OutputError) throw e;
        // Anything else unexpected (a snapshot that passed its checks but is wrong, a failed write): the full
        // build rewrites every output and the snapshot, and the reason says what happened.
        reason = e instanceof FullBuild || e instanceof DamagedSnapshot ? e.message : `the incremental build failed (${(e as Error).message})`;
      }
    }
  }
  return fullBuild(paths, opts, ctx, why ? null : key, site, reason!, startedAt);
}

async function fullBuild(paths: readonly string[], opts: UpdateOptions, ctx: PipelineContext, key: string | null, site: boolean, reason: string, startedAt: number): Promise<UpdateResult> {
  const ranges = new Map<string, number[]>([
    ['techniques', []],
    ['rules', []],
    ['fields', []],
    ...(site ? ([['searchValues', []], ['searchFields', []]] as [string, number[]][]) : []),
  ]);
  const record = key !== null;
  const full = await buildFromPaths(paths, { ...opts, attack: ctx.attack, recordSources: record, keepInput: record, ...(record ? { catalogRanges: ranges } : {}) });
  let snapshot = false;
  if (record && full.written && full.input) {
    try {
      snapshot = saveFromFull(opts, key, site, full, full.input, ranges, startedAt);
    } catch {
      // A cache directory that cannot be written (the parse cache reported it): the build stands, without a snapshot.
    }
  }
  return fullResult(full, reason, snapshot);
}

/** A full build's result (written to an output folder) in the shape `updateBuild` gives. */
export function fullResult(full: BuildResult, reason: string, snapshot = false): UpdateResult {
  return {
    incremental: { used: false, reason, changedFiles: [], techniques: full.catalog.techniques.length, fields: full.catalog.fields.length, rows: full.catalog.rules.length, snapshot },
    summary: full.summary,
    techniques: full.catalog.techniques.length,
    written: full.written!,
    timings: full.timings,
    full,
    ...(full.load.cache ? { cache: full.load.cache } : {}),
  };
}

/** Each rule file's range of rules, in the loader's order (vendors by first appearance, files in load order). */
function ruleFileRanges(files: readonly FileEntry[], nRules: number): [string, number, number][] | null {
  const byVendor = new Map<string, FileEntry[]>();
  for (const f of files) {
    if (f.role !== 'rules' || !f.vendor) continue;
    let l = byVendor.get(f.vendor);
    if (!l) byVendor.set(f.vendor, (l = []));
    l.push(f);
  }
  const out: [string, number, number][] = [];
  let at = 0;
  for (const list of byVendor.values()) {
    for (const f of list) {
      out.push([f.path, at, f.rules]);
      at += f.rules;
    }
  }
  return at === nRules ? out : null;
}

/**
 * The stamps of every file of the output and of its manifest: a rebuild reuses
 * what they hold (catalog.json's bytes, the pages it does not write again), so
 * any of them changed or gone since makes it a full build.
 */
function outputStamps(out: string, rels: readonly string[], before?: StampTable, written?: ReadonlySet<string>): StampTable {
  const all = [...rels, MANIFEST];
  const stampAt = (rel: string) => stampOf(statSync(safeOutputPath(out, rel)));
  if (!before || !written) return StampTable.of(all.map((rel) => ({ name: rel, stamp: stampAt(rel) })), false);
  // A file this build did not write keeps the stamp it was checked against at the start (the site's 10,000 pages).
  if (before.length === all.length && all.every((rel, i) => before.name(i) === rel)) {
    const changes = new Map<number, StampChange>();
    all.forEach((rel, i) => {
      if (rel === MANIFEST || written.has(rel)) changes.set(i, { stamp: stampAt(rel) });
    });
    return before.with(changes);
  }
  const kept = new Map<string, string | null>();
  for (let i = 0; i < before.length; i++) if (!written.has(before.name(i))) kept.set(before.name(i), before.stamp(i));
  return StampTable.of(all.map((rel) => ({ name: rel, stamp: (rel !== MANIFEST && kept.get(rel)) || stampAt(rel) })), false);
}

/** Whether `rels` are the previous build's output files, in the same order (the manifest, recorded last, aside). */
function sameOutputList(state: SnapshotState, rels: readonly string[]): boolean {
  const outs = state.outputs;
  if (outs.length !== rels.length + 1) return false;
  for (let i = 0; i < rels.length; i++) if (outs.name(i) !== rels[i]) return false;
  return true;
}

/** The previous build's output files, but the manifest (recorded last). */
function previousOutputs(state: SnapshotState): string[] {
  return Array.from({ length: state.outputs.length - 1 }, (_, i) => state.outputs.name(i));
}

/** The range of the search data's value rows a build recorded, and each field's, as the state keeps them (none without the site). */
function searchValuesOf(ranges: Map<string, number[]>, nFields: number): { searchValues?: number[]; searchFields?: number[] } {
  const r = ranges.get('searchValues');
  if (!r || r.length !== 2) return {};
  const f = ranges.get('searchFields');
  return f && f.length === 2 * nFields ? { searchValues: r, searchFields: f } : { searchValues: r };
}

/** The folders' stamps of a walk, as the snapshot keeps them. */
function dirTable(dirs: readonly DirStamp[] | null | undefined): StampTable | null {
  return dirs ? StampTable.of(dirs.map((d) => ({ name: d.path, stamp: d.stamp })), false) : null;
}

/** The rules of the rule file at index `src` among the sources: its first rule and count; undefined when it is none. */
function ruleFileRange(ruleFiles: readonly number[], src: number): { from: number; count: number } | undefined {
  for (let i = 0; i < ruleFiles.length; i += 3) if (ruleFiles[i] === src) return { from: ruleFiles[i + 1]!, count: ruleFiles[i + 2]! };
  return undefined;
}

function saveFromFull(opts: UpdateOptions, key: string, site: boolean, full: BuildResult, input: CatalogInput, ranges: Map<string, number[]>, startedAt: number): boolean {
  const load = full.load;
  const ruleFiles = ruleFileRanges(load.files, load.rules.length);
  // Each rule must sit in its file's range (the loader's order, which the snapshot relies on).
  if (!ruleFiles || !load.sources || ruleFiles.some(([path, from, n]) => load.rules.slice(from, from + n).some((r) => r.path !== path))) return false;
  const tr = ranges.get('techniques')!;
  const fr = ranges.get('fields')!;
  const cat = full.catalog;
  if (tr.length !== cat.techniques.length * 2 || fr.length !== cat.fields.length * 2 || ranges.get('rules')!.length !== cat.rules.length * 2) return false;
  const sources = StampTable.ofSources(load.sources);
  const srcIndex = new Map(load.sources.map((s, i) => [s.path, i]));
  if (ruleFiles.some(([p]) => !srcIndex.has(p))) return false;
  const lines: string[] = new Array(load.rules.length);
  const slugs = full.aggregated!.slugs;
  for (let i = 0; i < load.rules.length; i++) lines[i] = encodeRecord({ facts: input.facts[i]!, check: ruleCheck(load.rules[i]!), name: sigmaName(load.rules[i]!), slug: slugs[i]! });
  const out = resolve(opts.out);
  const strings: string[] = [];
  const table = new StringTable(strings);
  const ids = idsFromStreams(input.streams, table);
  const agg = full.aggregated!;
  setSignature(ids, agg.reach, predicateKeys(agg.collected), table);
  const files = {
    rulesFile: writeRules(opts.cache, arrayFileChunks(lines)),
    predsFile: writePreds(opts.cache, ids),
    stringsFile: writeStrings(opts.cache, strings),
    interningFile: writeInterning(opts.cache, storeInterning(agg.collected), ids.off),
    ...(load.supportStates && Object.keys(load.supportStates).length ? { supportFile: writeSupport(opts.cache, load.supportStates) } : {}),
  };
  const state: SnapshotState = {
    format: SNAPSHOT_FORMAT,
    key,
    loadedAt: startedAt,
    out,
    ...files,
    strings: strings.length,
    stampsFile: '',
    outputs: outputStamps(out, catalogFilePaths(cat, { site })),
    sources,
    dirs: dirTable(load.dirs),
    files: load.files,
    unrecognized: load.unrecognized.length,
    diagnostics: load.diagnostics,
    summary: full.summary,
    ruleFiles: ruleFiles.flatMap(([p, from, n]) => [srcIndex.get(p)!, from, n]),
    techniqueCuts: { rowLimit: cat.rowLimit, cuts: cat.techniques.flatMap(techniqueCut) },
    ranges: {
      techniques: cat.techniques.map((t, i) => [t.id, tr[2 * i]!, tr[2 * i + 1]!]),
      rules: ranges.get('rules')!,
      fields: cat.fields.map((f, i) => [fieldKey(f.field), f.slug, fr[2 * i]!, fr[2 * i + 1]!]),
      ...searchValuesOf(ranges, cat.fields.length),
    },
  };
  writeState(opts.cache, state);
  removeStale(opts.cache, state);
  return true;
}

/**
 * Whether the walk would list the same files as the previous build: every
 * folder it listed still has its stamp, trusted as the sources' stamps are
 * (changed well before the previous load began). A folder's stamp moves when
 * an entry is added, removed or renamed in it (walk.ts).
 */
function sameListing(dirs: StampTable | null, loadedAt: number): boolean {
  if (!dirs) return false;
  for (let i = 0; i < dirs.length; i++) {
    const st = statOrNull(dirs.name(i));
    if (!st || !dirs.sameStamp(i, st) || st.ctimeMs >= loadedAt - RACY_MS) return false;
  }
  return true;
}

interface Changed {
  /** The rule files whose text changed, and their indexes among the sources. */
  changed: string[];
  changedAt: number[];
  /** The sources with their current stamps (the changed rule files' are updated once they are loaded). */
  sources: StampTable;
  /** Some source got a new stamp. */
  restamped: boolean;
  dirs: StampTable | null;
  listed: boolean;
}

/** The rule files whose text changed, the sources with their current stamps, and the folders' stamps. */
function changedFiles(paths: readonly string[], opts: UpdateOptions, state: SnapshotState): Changed {
  const maxBytes = resolveLimits(opts.limits).maxFileBytes;
  const old = state.sources;
  let dirs = state.dirs;
  const listed = !sameListing(dirs, state.loadedAt);
  if (listed) {
    const walked = walkPaths(paths, { followSymlinks: opts.followSymlinks, stampDirs: true });
    if (walked.diagnostics.length) throw new FullBuild('walking the paths reported problems');
    if (walked.files.length !== old.length || walked.files.some((p, i) => p !== old.name(i))) throw new FullBuild('files were added, removed or renamed');
    dirs = dirTable(walked.dirs);
  }
  const changed: string[] = [];
  const changedAt: number[] = [];
  const restamp = new Map<number, StampChange>();
  for (let i = 0; i < old.length; i++) {
    const kind = old.kind(i);
    if (kind === 'never') continue;
    const path = old.name(i);
    let st;
    try {
      st = statSync(path);
    } catch {
      throw new FullBuild(`${path} cannot be read`);
    }
    // A stamp is trusted when it is unchanged and its change time is well before the previous load (file-stamps.ts).
    if (old.sameStamp(i, st) && st.ctimeMs < state.loadedAt - RACY_MS) continue;
    if (kind !== 'rules' && kind !== 'support' && kind !== 'other') throw new FullBuild(`${path} changed`);
    if (st.size > maxBytes) throw new FullBuild(`${path} changed`);
    let text: string;
    try {
      const dec = decodeBytes(readFileSync(path));
      if (!dec.ok) throw new FullBuild(`${path} changed`);
      text = dec.text;
    } catch (e) {
      if (e instanceof FullBuild) throw e;
      throw new FullBuild(`${path} cannot be read`);
    }
    if (kind === 'other') {
      // A file of no known format stays one as long as the loader would not recognize it now.
      if (text.trim() === '' || sniff(path, text)) throw new FullBuild(`${path} changed`);
      restamp.set(i, { stamp: stampOf(st) });
      continue;
    }
    const hash = sha256(text);
    if (hash === old.hash(i)) restamp.set(i, { stamp: stampOf(st) });
    else if (kind === 'support') throw new FullBuild(`supporting file ${path} changed`);
    else {
      changed.push(path);
      changedAt.push(i);
    }
  }
  return { changed, changedAt, sources: old.with(restamp), restamped: restamp.size > 0, dirs, listed };
}

/**
 * Whether a key among `ks` (the changed rules' keys) shares its field,
 * operator and display form with another counted key: the catalog orders
 * such keys by first use, which a change can move (then a full build runs).
 * Two keys the change did not touch keep their order (their first uses are
 * in unchanged rules, in the same order), so only ties with a key of `ks`
 * are looked for.
 */
function tiesByFirstUse(c: Interning, ks: Iterable<number>): boolean {
  const { fid, opId, nInd, nExcl } = c.keyCols;
  const counted = (k: number) => nInd[k]! > 0 || nExcl[k]! > 0;
  // Per bucket, the displays of its counted keys among `ks` (and the keys themselves).
  const buckets = new Map<number, { displays: Set<string>; lengths: Set<number> }>();
  const mine = new Set<number>();
  for (const k of ks) {
    if (!counted(k)) continue;
    mine.add(k);
    const b = fid[k]! * 32 + opId[k]!;
    let e = buckets.get(b);
    if (!e) buckets.set(b, (e = { displays: new Set(), lengths: new Set() }));
    const d = c.key(k).display;
    if (e.displays.has(d)) return true;
    e.displays.add(d);
    e.lengths.add(d.length);
  }
  if (!buckets.size) return false;
  const byField = new Uint8Array(c.fields.length);
  const isMine = new Uint8Array(fid.length);
  for (const k of mine) {
    byField[fid[k]!] = 1;
    isMine[k] = 1;
  }
  // Every key of the fields reached (thousands): typed arrays and the bucket first, the display's length
  // (a call into the restored interning) only for a key of a bucket with displays to match.
  for (let k = 0; k < fid.length; k++) {
    if (!byField[fid[k]!] || isMine[k] || (nInd[k]! <= 0 && nExcl[k]! <= 0)) continue;
    const e = buckets.get(fid[k]! * 32 + opId[k]!);
    if (e && e.lengths.has(c.displayLength(k)) && e.displays.has(c.key(k).display)) return true;
  }
  return false;
}

/** Record in `ids` what the catalog shows of each predicate's key (see `PredicateIds`). */
function setSignature(ids: PredicateIds, reach: Int32Array, keys: { display: (string | null)[]; aliased: Uint8Array }, table: StringTable): void {
  ids.reach.set(reach);
  for (let j = 0; j < reach.length; j++) ids.keyDisplay[j] = table.id(keys.display[j]);
  ids.aliased.set(keys.aliased);
}

/** Rewrite the `"reach":N` values of a rule row's bytes (one per counted predicate, in order). */
function patchReach(text: string, reach: readonly number[]): string {
  const parts: string[] = [];
  let at = 0;
  let n = 0;
  const re = /"reach":(\d+)/g;
  for (let m = re.exec(text); m; m = re.exec(text)) {
    if (n >= reach.length) throw new FullBuild('a rule row of catalog.json is not as recorded');
    parts.push(text.slice(at, m.index), `"reach":${reach[n++]}`);
    at = m.index + m[0].length;
  }
  if (n !== reach.length) throw new FullBuild('a rule row of catalog.json is not as recorded');
  parts.push(text.slice(at));
  return parts.join('');
}

/** A Sigma rule's `name:` (what correlations may refer to besides its id). */
function sigmaName(r: Rule): string | null {
  const n = r.vendor === 'sigma' ? r.metadata?.name : undefined;
  return typeof n === 'string' ? n : null;
}

/** What the pages that list a rule read of it (as its row has them: `ruleRow` copies them from the facts). */
function listedRule(f: RuleFacts, slug: string): ListedRule {
  const r: ListedRule = { key: `${f.vendor}/${slug}`, id: f.id, title: f.title, vendor: f.vendor, kind: f.kind };
  if (f.status !== undefined) r.status = f.status;
  return r;
}

/** What a change reaches, and how the snapshot's predicate files are written for the next build. */
interface Reached {
  /** The interning after the change, each predicate's reach, and each rule's first predicate. */
  newC: Interning;
  newReach: Int32Array;
  newOff: ArrayLike<number>;
  /** Field pages (field keys) to compute again; unchanged rules whose row shows another reach; unchanged rules showing a changed key. */
  fields: Set<string>;
  patched: Set<number>;
  touched: Set<number>;
  /** The interning was the previous build's (`samePredicates`); else how it was made. */
  same: boolean;
  /** Every field is the previous build's, with as many rules (so in the same place of the field list). */
  sameFieldCounts: boolean;
  /** A patched interning's previous uses and key ids (what `unchangedTechniques` compares). */
  patch?: Pick<UnchangedInput, 'oldUses' | 'idOf' | 'oldOf' | 'sameLook' | 'lookNow' | 'lookBefore'>;
  interning?: IncrementalInfo['interning'];
  /** Write (or keep) the predicates, strings and interning files; what the state names. */
  save(): Pick<SnapshotState, 'predsFile' | 'stringsFile' | 'strings' | 'interningFile'>;
}

/** Whether predicate `q` of `s` (its identity as `PredicateStreams` keep it) is `flags` and `strings` (`RuleIdentities` order). */
function sameIdentity(s: PredicateStreams, q: number, flags: number, strings: readonly (string | null)[]): boolean {
  return (
    s.flags[q] === flags &&
    s.field[q] === strings[0] &&
    s.written[q] === strings[1] &&
    s.op[q] === strings[2] &&
    s.norm[q] === strings[3] &&
    s.display[q] === strings[4] &&
    (s.foldedNorm[q] ?? null) === strings[5] &&
    (s.regexFlags[q] ?? null) === strings[6]
  );
}

/** `sameIdentities`' answer for the changed rules' streams: the rows-only path asks first, the kept interning's after. */
const identitiesCompared = new WeakMap<PredicateStreams, boolean>();

/** Whether every changed rule kept its vendor and every predicate's identity (compared with the snapshot's). */
function sameIdentities(dir: string, state: SnapshotState, snap: Snapshot, at: readonly number[], oldFacts: readonly RuleFacts[], newFacts: readonly RuleFacts[], streams: PredicateStreams): boolean {
  let same = identitiesCompared.get(streams);
  if (same === undefined) identitiesCompared.set(streams, (same = compareIdentities(dir, state, snap, at, oldFacts, newFacts, streams)));
  return same;
}

function compareIdentities(dir: string, state: SnapshotState, snap: Snapshot, at: readonly number[], oldFacts: readonly RuleFacts[], newFacts: readonly RuleFacts[], streams: PredicateStreams): boolean {
  if (at.some((i) => oldFacts[i]!.vendor !== newFacts[i]!.vendor || oldFacts[i]!.predicates !== newFacts[i]!.predicates)) return false;
  const old = readRuleIdentities(dir, state, snap.strings, at);
  if (!old) return false;
  for (let j = 0; j < at.length; j++) {
    const o = old[j]!;
    const from = streams.off[j]!;
    if (streams.off[j + 1]! - from !== o.flags.length) return false;
    for (let q = 0; q < o.flags.length; q++) if (!sameIdentity(streams, from + q, o.flags[q]!, o.strings[q]!)) return false;
  }
  return true;
}

/**
 * The changed rules kept their vendors and every predicate's identity (an
 * edited title, description, tag, level...): the interning pass would give
 * what it gave before, so it is read back from the snapshot instead of run
 * again over the whole corpus. Nothing any other rule shows changes: the
 * pages reached are the changed rules' techniques (before and after) and
 * fields. Null when a predicate changed (or the snapshot lacks what it needs).
 */
function samePredicates(dir: string, state: SnapshotState, snap: Snapshot, at: readonly number[], oldFacts: readonly RuleFacts[], newFacts: readonly RuleFacts[], streams: PredicateStreams): Reached | null {
  if (!sameIdentities(dir, state, snap, at, oldFacts, newFacts, streams)) return null;
  const kept = readInterning(dir, state.interningFile, oldFacts.length);
  if (!kept) throw new FullBuild('snapshot interning file is damaged');
  for (let i = 0; i < oldFacts.length; i++) if (oldFacts[i]!.predicates !== kept.off[i + 1]! - kept.off[i]!) throw new FullBuild('snapshot files do not match');
  const newC = restoreInterning(kept.stored);
  const { uses } = newC;
  const fields = new Set<string>();
  for (const i of at) for (let j = uses.fieldOff[i]!; j < uses.fieldOff[i + 1]!; j++) fields.add(fieldKey(newC.fields[uses.fieldId[j]!]!));
  return {
    newC,
    newReach: predicateReach(newC),
    newOff: kept.off,
    fields,
    patched: new Set(),
    touched: new Set(),
    same: true,
    sameFieldCounts: true,
    // The predicate identities, the strings and the interning are the previous build's.
    save: () => ({ predsFile: state.predsFile, stringsFile: state.stringsFile, strings: state.strings, interningFile: state.interningFile }),
  };
}

/**
 * A changed rule's predicates changed: the interning pass over the whole
 * corpus, from the snapshot's predicate identities with the changed rules'
 * spliced in, and what differs from before. The snapshot keeps what the
 * previous catalog showed of each predicate's key (its reach, display form
 * and row); a predicate of an unchanged rule showing something else is what
 * the change reaches.
 */
function changedPredicates(dir: string, state: SnapshotState, snap: Snapshot, at: readonly number[], streams: PredicateStreams, oldFacts: readonly RuleFacts[], newFacts: RuleFacts[]): Reached {
  const ids = readSnapshotPreds(dir, state, snap);
  if (typeof ids === 'string') throw new FullBuild(ids);
  const n = newFacts.length;
  // Decoded as asked for: the patch reads the strings of the changed rules' fields' keys, not all 75,000.
  const strings = snap.strings.lazy();
  const before = strings.length;
  const table = new StringTable(strings, false);
  const rIds = idsFromStreams(streams, table);
  const newIds = spliceIds(ids, new Map(at.map((i, j) => [i, { by: rIds, i: j }])));
  // The previous interning patched for the changed rules, or when that cannot be, the pass run again.
  const kept = readInterning(dir, state.interningFile, n);
  if (!kept) throw new FullBuild('snapshot interning file is damaged');
  const patch = patchInterning(
    kept.stored,
    kept.off,
    ids,
    newIds,
    strings,
    at,
    newFacts.map((f) => f.vendor),
  );
  const newC = typeof patch === 'string' ? collectFrom(idsReader(newIds, strings.all()), newFacts) : restoreInterning(patch.stored);
  const newReach = predicateReach(newC);
  const oldOff = ids.off;
  const newOff = newIds.off;
  const fields = new Set<string>();
  const touched = new Set<number>();
  const patched = new Set<number>();
  const str = (id: number) => (id < 0 ? null : strings.at(id));
  // What the catalog shows of predicate w's key now (`predicateKeys`): its display form, and whether it is another key's.
  const { predKey, predOwnKey } = newC.uses;
  const displayAt = (w: number): string | null => (predKey[w]! < 0 ? null : newC.key(predKey[w]!).display);
  const aliasedAt = (w: number): number => (predKey[w]! >= 0 && predOwnKey[w] !== predKey[w] ? 1 : 0);
  // Whether unchanged predicate w (o before) shows the key it showed, which the change left alone: its display
  // form is then the previous one, not decoded again (a patched interning decodes a key's when first asked).
  const oldPredKey = kept.stored.uses.predKey;
  const sameShown = (o: number, w: number): boolean => {
    if (typeof patch === 'string') return false;
    const k = oldPredKey[o]!;
    return k < 0 ? predKey[w]! < 0 : predKey[w] === patch.idOf[k] && !patch.affected[predKey[w]!];
  };
  const suspects = suspectPredicates(oldOff, newOff, at, ids.reach, newReach, ids.aliased, predKey, predOwnKey, oldPredKey, typeof patch === 'string' ? null : patch);
  for (let s = 0; s < suspects.length; s += 4) {
    const i = suspects[s]!;
    const o = suspects[s + 1]!;
    const w = suspects[s + 2]!;
    const why = suspects[s + 3]!;
    if (!(why & (SUSPECT_REACH | SUSPECT_ALIAS)) && str(ids.keyDisplay[o]!) === displayAt(w)) continue;
    touched.add(i);
    fields.add(fieldKey(str(newIds.field[w]!)));
    if (why & SUSPECT_REACH) patched.add(i);
  }
  // The reloaded rules' fields, before and after, but those where the rule shows the same as before: a field
  // page shows a rule by its facts (title, vendor, techniques... all but its count of predicates, a corpus
  // figure on pages written anyway), and a field's values, counts, operators and written names by its
  // predicates there. When those predicates are the same, in the same order, and show the same keys (as
  // compared for the unchanged rules above), and the facts are the same, the field's page, its element of
  // catalog.json and its search rows are the previous ones (the order of its keys among themselves is too:
  // it follows their first uses, none of which moved). The bench's edited Image value reaches one of the
  // rule's four fields.
  const sameIdentity = (o: number, w: number): boolean =>
    ids.flags[o] === newIds.flags[w] &&
    str(ids.field[o]!) === str(newIds.field[w]!) &&
    str(ids.written[o]!) === str(newIds.written[w]!) &&
    str(ids.op[o]!) === str(newIds.op[w]!) &&
    str(ids.norm[o]!) === str(newIds.norm[w]!) &&
    str(ids.display[o]!) === str(newIds.display[w]!) &&
    str(ids.foldedNorm[o]!) === str(newIds.foldedNorm[w]!) &&
    str(ids.regexFlags[o]!) === str(newIds.regexFlags[w]!);
  const sameShownKey = (o: number, w: number): boolean => ids.reach[o] === newReach[w] && ids.aliased[o] === aliasedAt(w) && (sameShown(o, w) || str(ids.keyDisplay[o]!) === displayAt(w));
  for (const i of at) {
    const sameFacts = shownFacts(oldFacts[i]!) === shownFacts(newFacts[i]!);
    // Each field's predicates in the rule, before and after (by field name: a reloaded rule's strings are new ids).
    const byField = new Map<string | null, { was: number[]; now: number[] }>();
    const of = (f: string | null) => {
      let g = byField.get(f);
      if (!g) byField.set(f, (g = { was: [], now: [] }));
      return g;
    };
    for (let j = oldOff[i]!; j < oldOff[i + 1]!; j++) of(str(ids.field[j]!)).was.push(j);
    for (let j = newOff[i]!; j < newOff[i + 1]!; j++) of(str(newIds.field[j]!)).now.push(j);
    for (const [f, g] of byField) {
      if (sameFacts && g.was.length === g.now.length && g.was.every((o, q) => sameIdentity(o, g.now[q]!) && sameShownKey(o, g.now[q]!))) continue;
      fields.add(fieldKey(f));
    }
  }

  // Ties the catalog breaks by first use, which a change can move: keys of the reloaded rules (before
  // and after) that share field, operator and display form with another key; fields null and "".
  const ruleKeys = new Set<number>();
  for (const i of at) for (let j = newOff[i]!; j < newOff[i + 1]!; j++) if (newC.uses.predKey[j]! >= 0) ruleKeys.add(newC.uses.predKey[j]!);
  if (typeof patch !== 'string') for (const k of patch.oldKeys) ruleKeys.add(k);
  else {
    const fieldIds = new Map(newC.fields.map((f, i) => [fieldKey(f), i]));
    const opIds = new Map<string, number>(newC.ops.map((o, i) => [o, i]));
    for (const i of at) {
      for (let j = oldOff[i]!; j < oldOff[i + 1]!; j++) {
        const fid = fieldIds.get(fieldKey(str(ids.field[j]!)));
        const op = opIds.get(strings.at(ids.op[j]!));
        const k = fid === undefined || op === undefined ? undefined : newC.keyMaps[fid]![op]?.get(strings.at(ids.norm[j]!));
        if (k !== undefined) ruleKeys.add(k);
      }
    }
  }
  if (tiesByFirstUse(newC, ruleKeys)) throw new FullBuild('values that look the same are ordered by first use');
  if (newC.fields.includes(null) && newC.fields.includes('')) throw new FullBuild('fields ordered by first use');
  return {
    newC,
    newReach,
    newOff,
    fields,
    patched,
    touched,
    same: false,
    sameFieldCounts: sameFieldCounts(kept.stored, newC),
    interning: typeof patch === 'string' ? { replayed: patch } : 'patched',
    ...(typeof patch === 'string'
      ? {}
      : {
          patch: {
            oldUses: kept.stored.uses,
            idOf: patch.idOf,
            oldOf: patch.stored.from!.oldOf,
            // A key the patch left alone shows what it showed; one it found again is compared.
            sameLook: (k: number) => {
              const o = patch.stored.from!.oldOf[k]!;
              if (o < 0) return false;
              if (!patch.affected[k]) return true;
              return newC.key(k).display === kept.stored.keyDisplay(o) && newC.key(k).regex?.flags === kept.stored.keyRegexFlags(o) && patch.stored.keyAnchored[k] === kept.stored.keyAnchored[o];
            },
            lookNow: (k: number) => newC.key(k),
            lookBefore: (o: number) => ({ field: kept.stored.fields[kept.stored.keyFid[o]!] ?? null, op: kept.stored.ops[kept.stored.keyOp[o]!]!, display: kept.stored.keyDisplay(o) }),
          },
        }),
    save: () => {
      // What the catalog shows of each predicate's key now: the previous ids where the display is the same.
      newIds.reach.set(newReach);
      aliasFlags(predKey, predOwnKey, newIds.aliased);
      const display = (w: number) => {
        const d = displayAt(w);
        if (str(newIds.keyDisplay[w]!) !== d) newIds.keyDisplay[w] = table.id(d);
      };
      // Each predicate that may show another display form: the reloaded rules' all, the others' listed.
      for (const i of at) for (let w = newOff[i]!; w < newOff[i + 1]!; w++) display(w);
      for (let s = 0; s < suspects.length; s += 4) if (suspects[s + 3]! & SUSPECT_SHOWN) display(suspects[s + 2]!);
      appendStrings(dir, state.stringsFile, table.added, before);
      return { predsFile: writePreds(dir, newIds), stringsFile: state.stringsFile, strings: table.size, interningFile: writeInterning(dir, typeof patch === 'string' ? storeInterning(newC) : patch.stored, newIds.off) };
    },
  };
}

/** Why `suspectPredicates` lists a predicate (bits): its reach changed; its alias flag did; its key may show another display form. */
const SUSPECT_REACH = 1;
const SUSPECT_ALIAS = 2;
const SUSPECT_SHOWN = 4;

/** Each predicate's alias flag (what `predicateKeys` shows): 1 when its key is another one's. */
function aliasFlags(predKey: Int32Array, predOwnKey: Int32Array, into: Int32Array): void {
  for (let w = 0; w < predKey.length; w++) {
    const k = predKey[w]!;
    into[w] = k >= 0 && predOwnKey[w] !== k ? 1 : 0;
  }
}

/**
 * The predicates of the rules not reloaded that may show something else
 * than the previous build's catalog showed, as [rule, old index, new index,
 * why] runs: a changed reach or alias flag (they do), and a key that is not
 * the one it showed or that the patch found again (`affected`: its display
 * form is for the caller to compare). One pass over the corpus's 100,000
 * predicates with typed arrays alone, in a small function of its own (it
 * runs once per rebuild: docs/performance.md, "Cold code"); with the
 * interning replayed (`patch` null) every key is compared by display form.
 */
function suspectPredicates(
  oldOff: ArrayLike<number>,
  newOff: ArrayLike<number>,
  reloaded: readonly number[],
  oldReach: Int32Array,
  newReach: Int32Array,
  oldAliased: Int32Array,
  predKey: Int32Array,
  predOwnKey: Int32Array,
  oldPredKey: Int32Array,
  patch: { idOf: Int32Array; affected: Uint8Array } | null,
): Int32Array {
  const n = oldOff.length - 1;
  const skip = new Uint8Array(n);
  for (const i of reloaded) skip[i] = 1;
  const out = new IntList();
  const idOf = patch?.idOf;
  const affected = patch?.affected;
  for (let i = 0; i < n; i++) {
    if (skip[i]) continue;
    const o0 = oldOff[i]!;
    const w0 = newOff[i]!;
    const len = oldOff[i + 1]! - o0;
    for (let q = 0; q < len; q++) {
      const o = o0 + q;
      const w = w0 + q;
      const k = predKey[w]!;
      let why = 0;
      if (oldReach[o] !== newReach[w]) why |= SUSPECT_REACH;
      if (oldAliased[o] !== (k >= 0 && predOwnKey[w] !== k ? 1 : 0)) why |= SUSPECT_ALIAS;
      // The key it showed, which the change left alone, shows the display form it showed.
      const was = oldPredKey[o]!;
      if (!(idOf !== undefined && (was < 0 ? k < 0 : k === idOf[was] && !affected![k]))) why |= SUSPECT_SHOWN;
      if (why) {
        out.push(i);
        out.push(o);
        out.push(w);
        out.push(why);
      }
    }
  }
  return out.view();
}

/**
 * Whether the field list (fields/index.html) shows what it showed: the same
 * fields in the same order with the same page names (`previous`: the
 * snapshot's field ranges), and each reached field (`reached`) the figures
 * its previous element (`was`) showed. The others' figures did not change.
 */
function sameFieldList(now: readonly CatalogField[], previous: readonly [string, string, number, number][], reached: ReadonlySet<string>, was: ReadonlyMap<string, CatalogField>): boolean {
  if (now.length !== previous.length) return false;
  for (let i = 0; i < now.length; i++) {
    const f = now[i]!;
    const k = fieldKey(f.field);
    if (k !== previous[i]![0] || f.slug !== previous[i]![1]) return false;
    if (!reached.has(k)) continue;
    const w = was.get(k);
    if (!w || f.count !== w.count || f.values.length !== w.values.length || JSON.stringify(f.byVendor) !== JSON.stringify(w.byVendor) || JSON.stringify(f.writtenAs) !== JSON.stringify(w.writtenAs)) return false;
  }
  return true;
}

/** Whether two internings have the same fields, each used by as many rules. */
function sameFieldCounts(a: Pick<StoredInterning, 'fields' | 'uses'>, b: Pick<Interning, 'fields' | 'uses'>): boolean {
  if (a.fields.length !== b.fields.length || a.fields.some((f, i) => f !== b.fields[i])) return false;
  const count = (ids: Int32Array) => {
    const c = new Int32Array(a.fields.length);
    for (let j = 0; j < ids.length; j++) c[ids[j]!]++;
    return c;
  };
  const ca = count(a.uses.fieldId);
  const cb = count(b.uses.fieldId);
  for (let f = 0; f < ca.length; f++) if (ca[f] !== cb[f]) return false;
  return true;
}

/** A rule's facts as the aggregation reads them: all but the title and the status (which only the rows and the lists of rules show). */
function aggregatedFacts(f: RuleFacts): string {
  return JSON.stringify({ ...f, title: '', status: '' });
}

/** A rule's facts as the pages that list it can show them: all but its count of predicates (the corpus summary's, written anyway). */
function shownFacts(f: RuleFacts): string {
  return JSON.stringify({ ...f, predicates: 0 });
}

/** Whether two check results are the same (what the check figures and the catalog's corpus summary count). */
function sameCheck(a: RuleCheck, b: RuleCheck): boolean {
  return a.vendor === b.vendor && a.language === b.language && a.kind === b.kind && a.status === b.status && a.noQuery === b.noQuery && a.warnings === b.warnings && JSON.stringify(a.failures) === JSON.stringify(b.failures);
}

/**
 * Whether the changed rules (`at`) keep their places in the catalog's order of
 * rules (`compareRules`: vendor, lower-cased title, index) against every other
 * rule and each other, from `before` to `after`.
 */
function sameRuleOrder(before: readonly RuleFacts[], after: readonly RuleFacts[], at: readonly number[]): boolean {
  const moved = at.filter((i) => before[i]!.title.toLowerCase() !== after[i]!.title.toLowerCase());
  if (!moved.length) return true;
  const changed = new Set(at);
  const sign = (x: number) => (x < 0 ? -1 : x > 0 ? 1 : 0);
  for (const i of moved) {
    const v = after[i]!.vendor;
    const was = before[i]!.title.toLowerCase();
    const now = after[i]!.title.toLowerCase();
    for (let j = 0; j < after.length; j++) {
      if (changed.has(j) || after[j]!.vendor !== v) continue;
      const t = after[j]!.title.toLowerCase();
      if (sign(compareRules(v, t, j, v, was, i)) !== sign(compareRules(v, t, j, v, now, i))) return false;
    }
    for (const k of at) {
      if (k === i) continue;
      const wasK = before[k]!;
      const nowK = after[k]!;
      if (sign(compareRules(wasK.vendor, wasK.title.toLowerCase(), k, v, was, i)) !== sign(compareRules(nowK.vendor, nowK.title.toLowerCase(), k, v, now, i))) return false;
    }
  }
  return true;
}

/** What `rowsOnly` works from: the rebuild's state once the changed rules are loaded. */
interface RowsOnlyInput {
  opts: UpdateOptions;
  out: string;
  key: string;
  site: boolean;
  state: SnapshotState;
  snap: Snapshot;
  at: readonly number[];
  oldFacts: readonly RuleFacts[];
  newFacts: readonly RuleFacts[];
  checks: readonly RuleCheck[];
  rows: CatalogInput;
  newRules: ReadonlyMap<number, Rule>;
  slugs: readonly string[];
  ch: Changed;
  restamp: Map<number, StampChange>;
  t0: number;
  t1: number;
  startedAt: number;
}

/**
 * A change that only the changed rules' own rows show (their description,
 * level, references, logic text, ... and a title or status that keeps each
 * rule's place in the order of rules): every technique and field page, the
 * summary, the matrix and the layers are what they were, so nothing is
 * aggregated and the interning is not read. The rebuild writes catalog.json
 * as the previous one with the changed rows put in (each keeps its
 * predicates' corpus reach: the same predicates count the same), and, when a
 * title or status changed, the pages that list the rules: the Markdown (and
 * with the site, HTML) pages of their techniques from their technique
 * elements in the previous catalog.json. With the site it also writes the
 * changed rules' own pages and, for a new title, patches the rules' links in
 * their fields' pages and their rows of the search data, the only other
 * places that show a title (src/incremental/retitle.ts; no page but the
 * technique pages shows a status). Null when the change is more than that.
 */
async function rowsOnly(c: RowsOnlyInput): Promise<UpdateResult | null> {
  const { opts, out, site, state, snap, at, oldFacts, newFacts, checks, slugs } = c;
  for (const i of at) {
    if (aggregatedFacts(oldFacts[i]!) !== aggregatedFacts(newFacts[i]!) || !sameCheck(snap.records[i]!.check, checks[i]!)) return null;
  }
  if (site && state.ranges.searchValues === undefined) return null;
  if (!sameRuleOrder(oldFacts, newFacts, at) || !sameIdentities(opts.cache, state, snap, at, oldFacts, newFacts, c.rows.streams)) return null;
  const rr = state.ranges.rules;
  const tr = state.ranges.techniques;
  const fr = state.ranges.fields;
  // catalog.json's arrays are techniques, rules, fields, in that order: only the rules' bytes move.
  if (rr.length !== 2 * oldFacts.length || (tr.length && tr[tr.length - 1]![2] > rr[0]!) || (fr.length && fr[0]![2] < rr[rr.length - 1]!)) throw new FullBuild('catalog.json is not as recorded');
  // The Markdown pages listing a rule whose title or status changed.
  const listing = new Set<string>();
  for (const i of at) if (oldFacts[i]!.title !== newFacts[i]!.title || oldFacts[i]!.status !== newFacts[i]!.status) techniquesOf(newFacts[i]!, listing);

  const catalogPath = join(out, CATALOG);
  const prev = openSync(catalogPath, 'r');
  let prevOpen = true;
  try {
    const size = fstatSync(prev).size;
    const readRange = (a: number, b: number): string => readAt(prev, a, b, CATALOG).toString('utf8');
    // The changed rows, each with the corpus reach its predicates showed.
    const parts: (Uint8Array | FileRange)[] = [];
    const shift = new Map<number, number>(); // rule index -> its row's change in length
    let from = 0;
    at.forEach((i, j) => {
      const row = c.rows.rows![j]!;
      row.slug = slugs[i]!;
      row.key = `${row.vendor}/${row.slug}`;
      const was = JSON.parse(readRange(rr[2 * i]!, rr[2 * i + 1]!)) as CatalogRule;
      if (was.predicates.length !== row.predicates.length) throw new FullBuild('a rule row of catalog.json is not as recorded');
      row.predicates.forEach((cp, q) => {
        const reach = was.predicates[q]!.reach;
        if (reach !== undefined) cp.reach = reach;
      });
      const bytes = Buffer.from(JSON.stringify(row));
      parts.push(new FileRange(from, rr[2 * i]!), bytes);
      shift.set(i, bytes.length - (rr[2 * i + 1]! - rr[2 * i]!));
      from = rr[2 * i + 1]!;
    });
    parts.push(new FileRange(from, size));
    const rules: number[] = new Array(rr.length);
    let delta = 0;
    for (let i = 0; i < oldFacts.length; i++) {
      rules[2 * i] = rr[2 * i]! + delta;
      delta += shift.get(i) ?? 0;
      rules[2 * i + 1] = rr[2 * i + 1]! + delta;
    }

    // The technique pages: their technique elements are the previous ones (nothing they show moved), their
    // rules listed from the facts. techniqueMarkdown reads the technique, the rules it lists and whether
    // there is an event catalog; the HTML page and a rule's own page also link techniques and fields by
    // their page names, which did not move either (`linkNames`).
    const pages: CatalogFile[] = [];
    const events = loadEventCatalog().events;
    const names = site ? linkNames(tr, fr) : { techniques: [], fields: [] };
    const eventCatalog = events ? { events: events.length } : null;
    let techniquesWritten = 0;
    for (const [id, a, b] of tr) {
      if (!listing.has(id)) continue;
      const t = JSON.parse(readRange(a, b)) as CatalogTechnique;
      const listed: ListedRule[] = new Array(newFacts.length);
      for (const r of t.rules) listed[r.rule] = listedRule(newFacts[r.rule]!, slugs[r.rule]!);
      const view = { ...names, eventCatalog, rules: listed } as unknown as Catalog;
      pages.push({ rel: `techniques/${t.slug}.md`, part: 'others', make: () => techniqueMarkdown(view, t, { links: site }) });
      if (site) pages.push({ rel: `techniques/${t.slug}.html`, part: 'others', make: () => techniquePageBytes(view, t) });
      techniquesWritten++;
    }
    let searchShift = 0;
    if (site) {
      // Each changed rule's own page, from its new row.
      const view = { ...names, eventCatalog, rules: [] } as unknown as Catalog;
      at.forEach((i, j) => pages.push({ rel: `rules/${newFacts[i]!.vendor}/${slugs[i]}.html`, part: 'others', make: () => rulePageBytes(view, c.rows.rows![j]!) }));
      // A new title: the rules' links in their fields' pages, and their rows of the search data.
      const retitled = at.filter((i) => oldFacts[i]!.title !== newFacts[i]!.title);
      if (retitled.length) {
        const changes = retitled.map((i) => retitle(listedRule(oldFacts[i]!, slugs[i]!), listedRule(newFacts[i]!, slugs[i]!)));
        const slugOf = new Map(fr.map(([k, slug]) => [k, slug]));
        const fieldSlugs = new Set<string>();
        for (const i of retitled) {
          for (const cp of c.rows.rows![at.indexOf(i)]!.predicates) {
            const slug = slugOf.get(fieldKey(cp.field));
            if (slug !== undefined) fieldSlugs.add(slug);
          }
        }
        const links = changes.map((x) => x.link);
        for (const rel of fieldPageRels(previousOutputs(state), fieldSlugs)) {
          const patched = replaceEvery(readFileSync(safeOutputPath(out, rel)), links);
          if (patched) pages.push({ rel, part: 'others', make: () => patched });
        }
        const searchRel = 'assets/search-data.js';
        const search = readFileSync(safeOutputPath(out, searchRel));
        // Each row once, before the value rows (whose recorded range moves by the difference).
        const sv = state.ranges.searchValues!;
        for (const x of changes) {
          const where = search.indexOf(x.row[0]);
          if (occurrences(search, x.row[0]) !== 1 || where >= sv[0]!) throw new FullBuild('the search data is not as recorded');
          searchShift += x.row[1].length - x.row[0].length;
        }
        const patched = replaceEvery(search, changes.map((x) => x.row))!;
        pages.push({ rel: searchRel, part: 'others', make: () => patched });
      }
    }
    const t2 = performance.now();
    const wm = await writeCatalogFiles(out, pages);
    const written = writeSpliced(safeOutputPath(out, CATALOG), parts, prev, join(opts.cache, CATALOG_SPARE));
    prevOpen = false;
    closeSync(prev);
    // The output's files are the previous ones (the manifest, last, aside), and so is the manifest that
    // lists them: its stamp was checked at the start with the others', so it is not read or written again.
    const allRels = previousOutputs(state);
    const removed = 0;

    const records = splicedRecords(snap, new Map(at.map((i) => [i, encodeRecord({ facts: newFacts[i]!, check: checks[i]!, name: sigmaName(c.newRules.get(i)!), slug: slugs[i]! })])));
    const next: SnapshotState = {
      ...state,
      key: c.key,
      loadedAt: c.startedAt,
      rulesFile: writeRules(opts.cache, records),
      outputs: outputStamps(out, allRels, state.outputs, new Set([CATALOG, ...pages.map((f) => f.rel)])),
      sources: c.ch.sources.with(c.restamp),
      dirs: c.ch.dirs,
      ranges: {
        ...state.ranges,
        rules,
        fields: fr.map(([k, slug, a, b]) => [k, slug, a + delta, b + delta]),
        ...(state.ranges.searchValues ? { searchValues: state.ranges.searchValues.map((x) => x + searchShift) } : {}),
        ...(state.ranges.searchFields ? { searchFields: state.ranges.searchFields.map((x) => x + searchShift) } : {}),
      },
    };
    writeState(opts.cache, next, state);
    removeStale(opts.cache, next);
    const t3 = performance.now();
    const files = wm.files + 1;
    return {
      incremental: { used: true, changedFiles: c.ch.changed, listed: c.ch.listed, samePredicates: true, rowsOnly: true, techniques: techniquesWritten, fields: 0, rows: at.length, snapshot: true },
      summary: state.summary,
      techniques: tr.length,
      written: { outDir: out, files: allRels.length, bytes: wm.bytes + written.bytes, unchanged: allRels.length - (files - wm.unchanged), removed },
      timings: { load: c.t1 - c.t0, aggregate: t2 - c.t1, write: t3 - t2 },
    };
  } finally {
    if (prevOpen) closeSync(prev);
  }
}

/**
 * What the site's pages read of the catalog to link a technique or a field
 * (`lookup`: its id or field, and its page name), for the techniques and
 * fields as the snapshot records them, in catalog order. A technique's page
 * name is made from the ids in that order, as the aggregation makes it.
 */
function linkNames(tr: readonly [string, number, number][], fr: readonly [string, string, number, number][]): { techniques: Pick<CatalogTechnique, 'id' | 'slug'>[]; fields: Pick<CatalogField, 'field' | 'slug'>[] } {
  const ids = tr.map(([id]) => id);
  const slugs = techniqueSlugs(ids);
  return {
    techniques: ids.map((id, i) => ({ id, slug: slugs[i]! })),
    fields: fr.map(([k, slug]) => ({ field: k === ANY_FIELD ? null : k, slug })),
  };
}

function techniquesOf(f: RuleFacts, into: Set<string>): void {
  for (const t of f.techniques) {
    into.add(t);
    const p = parentOf(t);
    if (p) into.add(p);
  }
}

/**
 * No rule file changed: the outputs are current; only the sources' new stamps
 * are recorded. The rest of the snapshot is not even read.
 */
function unchanged(opts: UpdateOptions, state: SnapshotState, c: Changed, key: string, t0: number, startedAt: number): UpdateResult {
  const { sources, dirs, listed } = c;
  if (dirs !== state.dirs || c.restamped) {
    const next = { ...state, key, loadedAt: startedAt, sources, dirs };
    writeState(opts.cache, next, state);
    removeStale(opts.cache, next);
  }
  // Every output file but the manifest.
  const files = state.outputs.length - 1;
  const t1 = performance.now();
  return {
    incremental: { used: true, changedFiles: [], listed, techniques: 0, fields: 0, rows: 0, snapshot: true },
    summary: state.summary,
    techniques: state.ranges.techniques.length,
    written: { outDir: resolve(opts.out), files, bytes: 0, unchanged: files, removed: 0 },
    timings: { load: t1 - t0, aggregate: 0, write: 0 },
  };
}

async function incremental(paths: readonly string[], opts: UpdateOptions, ctx: PipelineContext, state: SnapshotState, key: string, site: boolean, t0: number, startedAt: number): Promise<UpdateResult> {
  const out = resolve(opts.out);
  if (state.out !== out) throw new FullBuild('another output folder');
  // The outputs must be the ones the snapshot describes (their bytes are reused).
  const outs = state.outputs;
  // The names are relative and normalized (the build wrote them): joined without path.join's normalizing.
  const prefix = out.endsWith(sep) ? out : out + sep;
  for (let i = 0; i < outs.length; i++) {
    const st = statOrNull(prefix + outs.name(i));
    if (!st || !outs.sameStamp(i, st)) throw new FullBuild('the output folder changed since the last build');
  }
  // The stamps first, while the heap is small (a stat costs more beside the snapshot's data).
  const ch = changedFiles(paths, opts, state);
  const { changed, changedAt, sources, dirs, listed } = ch;
  if (!changed.length) return unchanged(opts, state, ch, key, t0, startedAt);
  const snap = readSnapshotData(opts.cache, state);
  if (typeof snap === 'string') throw new FullBuild(snap);
  const n = snap.records.length;
  const oldFacts = snap.records.map((r) => r.facts);

  // ---- Load the changed rule files (with their vendors' supporting files).
  // The loader's entries of the changed files and of the supporting files, found by path (no map of all 9,000).
  const supportPaths: string[] = [];
  for (let i = 0; i < sources.length; i++) if (sources.kind(i) === 'support') supportPaths.push(sources.name(i));
  const wanted = new Set([...changed, ...supportPaths]);
  const entryOf = new Map<string, FileEntry>();
  for (let i = 0; i < state.files.length; i++) if (wanted.has(state.files[i]!.path)) entryOf.set(state.files[i]!.path, state.files[i]!);
  const vendors = new Set(changed.map((p) => entryOf.get(p)?.vendor));
  // A vendor whose state the snapshot saved starts from it: its supporting files are unchanged (a changed
  // one is among `changed`, and not a rule file, so the build is a full one), and reading and parsing
  // them again (Splunk's 600-odd macros, data sources and stories) was a third of such a rebuild's load.
  const vendorStates: Partial<Record<Vendor, unknown>> = {};
  for (const v of vendors) {
    const mod = v ? VENDOR_MODULES[v] : undefined;
    if (!v || !mod?.restoreSupport) continue;
    let saved: unknown;
    try {
      saved = readSupportState(opts.cache, state, v);
    } catch (e) {
      throw new FullBuild((e as Error).message);
    }
    if (saved === undefined) continue;
    const restored = mod.restoreSupport(saved, { limits: resolveLimits(opts.limits), placeholders: opts.placeholders, vendorOptions: opts.vendorOptions?.[v] });
    if (typeof restored === 'string') throw new FullBuild(`snapshot: ${restored}`);
    vendorStates[v] = restored;
  }
  const support = supportPaths.filter((p) => {
    const v = entryOf.get(p)?.vendor;
    return vendors.has(v) && !(v && Object.hasOwn(vendorStates, v));
  });
  const newRules = new Map<number, Rule>();
  const restamp = new Map<number, StampChange>();
  const part = await loadCorpus([...support, ...changed], {
    ...(opts.limits ? { limits: opts.limits } : {}),
    ...(opts.placeholders ? { placeholders: opts.placeholders } : {}),
    ...(opts.vendorOptions ? { vendorOptions: opts.vendorOptions } : {}),
    followSymlinks: opts.followSymlinks,
    normalize: ctx.normalize,
    workers: 0,
    recordSources: true,
    vendorStates,
  });
  const changedSet = new Set(changed);
  if (part.diagnostics.some((d) => d.path !== undefined && changedSet.has(d.path)) || state.diagnostics.some((d) => d.path !== undefined && changedSet.has(d.path))) {
    throw new FullBuild('a changed file has load problems');
  }
  const byPath = new Map<string, Rule[]>();
  for (const r of part.rules) {
    const l = byPath.get(r.path);
    if (l) l.push(r);
    else byPath.set(r.path, [r]);
  }
  for (const [j, p] of changed.entries()) {
    const was = ruleFileRange(state.ruleFiles, changedAt[j]!);
    const entry = part.files.find((f) => f.path === p);
    const before = entryOf.get(p);
    const rules = byPath.get(p) ?? [];
    if (!was || !entry || !before || entry.role !== 'rules' || entry.vendor !== before.vendor || entry.format !== before.format || rules.length !== was.count || entry.rules !== was.count) {
      throw new FullBuild(`the rules of ${p} changed in number or kind`);
    }
    rules.forEach((r, i) => newRules.set(was.from + i, r));
    const src = part.sources?.find((s) => s.path === p);
    if (!src || src.kind !== 'rules') throw new FullBuild(`${p} changed while it was loaded`);
    restamp.set(changedAt[j]!, { stamp: src.stamp, hash: src.hash });
  }
  const at = [...newRules.keys()].sort((a, b) => a - b);
  const rows = catalogInput(at.map((i) => newRules.get(i)!));
  const newFacts = oldFacts.slice();
  const checks: RuleCheck[] = snap.records.map((r) => r.check);
  at.forEach((i, j) => {
    newFacts[i] = rows.facts[j]!;
    checks[i] = ruleCheck(newRules.get(i)!);
  });

  // ---- Sigma links (vendors/sigma linkSigmaRules): filters change the rules they target, correlations
  // warn about the rules they name that are missing, rules sharing an id are flagged. A changed Sigma rule
  // is loaded alone, so none of this may involve it: no filter anywhere, it is no correlation, it keeps its
  // id and name while correlations exist, and no other rule has its id.
  if (at.some((i) => oldFacts[i]!.vendor === 'sigma')) {
    const sigma = (f: RuleFacts) => f.vendor === 'sigma';
    if (oldFacts.some((f) => sigma(f) && f.kind === 'filter') || at.some((i) => sigma(newFacts[i]!) && newFacts[i]!.kind === 'filter')) throw new FullBuild('Sigma filters apply across files');
    if (at.some((i) => oldFacts[i]!.kind === 'correlation' || newFacts[i]!.kind === 'correlation')) throw new FullBuild('a changed Sigma correlation refers to other files');
    if (oldFacts.some((f) => sigma(f) && f.kind === 'correlation') && at.some((i) => oldFacts[i]!.id !== newFacts[i]!.id || snap.records[i]!.name !== sigmaName(newRules.get(i)!))) {
      throw new FullBuild('a changed Sigma rule changed the id or name correlations refer to');
    }
    const ids = new Map<string, number>();
    for (let i = 0; i < n; i++) if (sigma(oldFacts[i]!)) ids.set(oldFacts[i]!.id, (ids.get(oldFacts[i]!.id) ?? 0) + 1);
    for (const i of at) if (sigma(oldFacts[i]!) && ids.get(oldFacts[i]!.id) !== 1) throw new FullBuild('a changed Sigma rule shares its id');
    for (const i of at) ids.set(oldFacts[i]!.id, ids.get(oldFacts[i]!.id)! - 1);
    for (const i of at) {
      const id = newFacts[i]!.id;
      if (sigma(newFacts[i]!) && (ids.get(id) ?? 0) > 0) throw new FullBuild('a changed Sigma rule shares its id');
      ids.set(id, (ids.get(id) ?? 0) + 1);
    }
  }

  const t1 = performance.now();
  const newInput: AggregateInput = { facts: newFacts };
  // The previous build's slugs (each record keeps its own), allocated again only when a changed rule's
  // id, path or line (what its slug is made of) moved.
  const oldSlugs = snap.records.map((r) => r.slug);
  const sameSlugs = at.every((i) => sameSlugInputs(oldFacts[i]!, newFacts[i]!));
  const newSlugs = sameSlugs ? oldSlugs : ruleSlugs(newFacts);
  const reloaded = new Set(at);
  if (!sameSlugs) for (let i = 0; i < n; i++) if (!reloaded.has(i) && oldSlugs[i] !== newSlugs[i]) throw new FullBuild('a change moved other rules’ slugs');
  // ---- A change only the changed rules' own rows show is written as such.
  {
    const quick = await rowsOnly({ opts, out, key, site, state, snap, at, oldFacts, newFacts, checks, rows, newRules, slugs: newSlugs, ch, restamp, t0, t1, startedAt });
    if (quick) return quick;
  }
  const techs = new Set<string>();
  for (const i of at) {
    techniquesOf(oldFacts[i]!, techs);
    techniquesOf(newFacts[i]!, techs);
  }
  const reached = samePredicates(opts.cache, state, snap, at, oldFacts, newFacts, rows.streams) ?? changedPredicates(opts.cache, state, snap, at, rows.streams, oldFacts, newFacts);
  const { newC, newReach, newOff, fields, patched } = reached;
  for (const r of reached.touched) techniquesOf(newFacts[r]!, techs);
  // Reached techniques whose element the change cannot have changed keep their previous bytes and pages,
  // as techniques not reached do (unchanged-techniques.ts): after an edited value, mostly all of them.
  const cuts = state.techniqueCuts;
  let techniquesKept: number | undefined;
  let members: Map<string, Membership> | undefined;
  if (reached.patch && cuts && cuts.rowLimit === DEFAULT_ROW_LIMIT && at.every((i) => shownFacts(oldFacts[i]!) === shownFacts(newFacts[i]!))) {
    const cutOf = new Map(state.ranges.techniques.map(([id], i) => [id, cutAt(cuts, i)]));
    const touchedTechniques = new Set<string>();
    for (const r of reached.touched) if (!reloaded.has(r)) techniquesOf(newFacts[r]!, touchedTechniques);
    members = techniqueMembership(newFacts);
    const kept = unchangedTechniques({ candidates: techs, members, at, touchedTechniques, ...reached.patch, newUses: newC.uses, cutOf: (t) => cutOf.get(t), rowLimit: DEFAULT_ROW_LIMIT });
    for (const t of kept) techs.delete(t);
    techniquesKept = kept.size;
  }
  // With the site, the field list (fields/index.html) and the search data's value rows show every field's
  // figures and values. When the changed rules kept their vendors, every predicate and their pages' names,
  // none of those moved: the interning is the previous build's, so is each field's count of rules by vendor,
  // its written names and values, and the output's file list. The field list is then kept, the value rows are
  // copied from the previous search data, and only the fields reached are computed in full; otherwise every
  // field page is (catalog.json still takes the unmarked ones' previous bytes).
  const keepFieldList = site && reached.same && state.ranges.searchValues !== undefined && at.every((i) => oldSlugs[i] === newSlugs[i]);
  // When predicates changed but every field kept its number of rules (so its place in the field list and its
  // page name), the fields reached are computed in full and every other one with the field list's figures
  // only (`fieldFigures`); the search data's value rows of the others are copied from the previous file
  // (each field's range was recorded), the field list is written again.
  const spliceFields = site && !keepFieldList && reached.sameFieldCounts && state.ranges.searchFields !== undefined;
  const select: AggregateSelection = site && !keepFieldList && !spliceFields ? { techniques: techs } : { techniques: techs, fields, ...(spliceFields ? { fieldFigures: 'later' as const } : {}) };

  // ---- The catalog: selected pages in full, every other one light.
  const summary = summarizeChecks(
    state.files,
    state.unrecognized,
    checks,
    state.diagnostics,
  );
  const agg = aggregateCatalog(newInput, { attack: ctx.attack, events: loadEventCatalog().events, corpus: corpusSummaryOf(summary, newFacts, paths) }, select, { collected: newC, reach: newReach, slugs: newSlugs, ...(members ? { members } : {}), fieldSlugs: state.ranges.fields.map(([k, slug]) => [k, slug] as const) });
  const cat = agg.catalog;
  const oldTech = state.ranges.techniques;
  if (cat.techniques.length !== oldTech.length || cat.techniques.some((t, i) => t.id !== oldTech[i]![0])) throw new FullBuild('techniques appeared or disappeared');
  const oldVendors = Object.keys(snap.records.reduce<Record<string, 1>>((o, r) => ((o[r.facts.vendor] = 1), o), {}));
  if (Object.keys(cat.summary.byVendor).join() !== oldVendors.sort().join()) throw new FullBuild('vendors appeared or disappeared');
  const oldField = new Map(state.ranges.fields.map(([k, slug, s, e]) => [k, { slug, s, e }]));
  for (const f of cat.fields) {
    const k = fieldKey(f.field);
    const was = oldField.get(k);
    // The site's pages link fields by slug: with it, no field may take another name, marked or not.
    if ((!fields.has(k) || site) && was && was.slug !== f.slug) throw new FullBuild('field page names moved');
    if (!fields.has(k) && !was) throw new FullBuild('field page names moved');
  }

  // ---- catalog.json: new pages and rows, the previous file's bytes for the rest.
  const catalogPath = join(out, CATALOG);
  const prev = openSync(catalogPath, 'r');
  let prevOpen = true;
  try {
    const rr = state.ranges.rules;
    const rowItems: (string | FileRange)[] = new Array(n);
    const readRange = (a: number, b: number): string => readAt(prev, a, b, CATALOG).toString('utf8');
    const newRow = new Map<number, CatalogRule>();
    let rowsWritten = 0;
    at.forEach((i, j) => {
      const row = rows.rows![j]!;
      row.slug = newSlugs[i]!;
      row.key = `${row.vendor}/${row.slug}`;
      let q = newOff[i]!;
      for (const cp of row.predicates) {
        const v = newReach[q++]!;
        if (v >= 0) cp.reach = v;
      }
      newRow.set(i, row);
    });
    const reachOf = (i: number): number[] => {
      const r: number[] = [];
      for (let q = newOff[i]!; q < newOff[i + 1]!; q++) if (newReach[q]! >= 0) r.push(newReach[q]!);
      return r;
    };
    for (let i = 0; i < n; i++) {
      const row = newRow.get(i);
      if (row) {
        rowItems[i] = JSON.stringify(row);
        rowsWritten++;
        continue;
      }
      const same = !patched.has(i);
      if (same) rowItems[i] = new FileRange(rr[2 * i]!, rr[2 * i + 1]!);
      else {
        rowItems[i] = patchReach(readRange(rr[2 * i]!, rr[2 * i + 1]!), reachOf(i));
        rowsWritten++;
      }
    }
    const techItems = cat.techniques.map((t, i) => (techs.has(t.id) ? JSON.stringify(t) : new FileRange(oldTech[i]![1], oldTech[i]![2])));
    // The changed rules whose listing (title, status, page name...) changed: every page listing one is written again.
    const relisted = new Set(at.filter((i) => JSON.stringify(listedRule(oldFacts[i]!, oldSlugs[i]!)) !== JSON.stringify(listedRule(newFacts[i]!, newSlugs[i]!))));
    // A reached technique whose element is the previous one byte for byte shows what it showed on its pages
    // (they read the element, and of the rest of the catalog the rules' listings, the fields' and techniques'
    // page names and names, none of which moved), unless it lists a rule whose listing changed: they are the
    // previous pages (their stamps were checked), neither made nor compared again. After an edited value
    // most of the techniques reached are.
    const sameTechs = new Set<string>();
    if (!relisted.size) {
      cat.techniques.forEach((t, i) => {
        const item = techItems[i];
        if (typeof item === 'string' && Buffer.byteLength(item) === oldTech[i]![2] - oldTech[i]![1] && item === readRange(oldTech[i]![1], oldTech[i]![2])) sameTechs.add(t.id);
      });
    }
    const techPage = (t: { id: string }) => techs.has(t.id) && !sameTechs.has(t.id);
    const fieldItems = cat.fields.map((f) => {
      const k = fieldKey(f.field);
      if (fields.has(k)) return JSON.stringify(f);
      const was = oldField.get(k)!;
      return new FileRange(was.s, was.e);
    });
    const ranges = new Map<string, number[]>([
      ['techniques', []],
      ['rules', []],
      ['fields', []],
    ]);
    const doc = { ...cat, techniques: new EncodedArray(techItems), rules: new EncodedArray(rowItems), fields: new EncodedArray(fieldItems) };

    // A rule's own page reads its whole row: the new one, or parsed from the bytes written.
    const rowAt = (i: number): CatalogRule => {
      const r = newRow.get(i);
      if (r) return r;
      const item = rowItems[i]!;
      return JSON.parse(typeof item === 'string' ? item : readRange(item.start, item.end)) as CatalogRule;
    };
    // Every other page lists rules by what their facts hold (key, title, id, vendor, kind, status:
    // src/render/lookup.ts `ListedRule`), so no unchanged row is read for them. With the site every rule
    // is listed again (the search data); without it, only the rules of the techniques whose Markdown
    // is written again (nothing else written reads a rule: the layers and the file list read none).
    let listedRules: ListedRule[];
    if (site) listedRules = newFacts.map((f, i) => listedRule(f, newSlugs[i]!));
    else {
      listedRules = new Array(n);
      for (const t of cat.techniques) if (techs.has(t.id)) for (const r of t.rules) listedRules[r.rule] ??= listedRule(newFacts[r.rule]!, newSlugs[r.rule]!);
    }
    const view = { ...cat, rules: listedRules } as unknown as Catalog;
    // The reached fields' previous elements, read back from the previous catalog.json: what their pages and
    // the field list showed of them (only where one of those is compared).
    const wasField = new Map<string, CatalogField>();
    if (site) {
      for (const f of cat.fields) {
        const k = fieldKey(f.field);
        const was = oldField.get(k);
        if (fields.has(k) && was && (spliceFields || fieldPageCount(f) > 1)) wasField.set(k, JSON.parse(readRange(was.s, was.e)) as CatalogField);
      }
    }
    // The field list shows every field's name, figures and number of values, in catalog order (and the
    // output's file list follows the numbers of values): when the fields kept their order and the reached
    // ones their figures, both are the previous ones, and no other field's figures are computed
    // (`fieldFigures: 'later'`); otherwise they are now.
    const fieldListKept = keepFieldList || (spliceFields && sameFieldList(cat.fields, state.ranges.fields, fields, wasField));
    if (!fieldListKept) agg.fillFieldFigures?.();
    /** Where each field's value rows are within the search data's value rows, when they are not written from the fields (relative to their start). */
    let fieldsAt: number[] | undefined;
    const searchRanges = new Map<string, number[]>([
      ['searchValues', []],
      ['searchFields', []],
    ]);
    const t2 = performance.now();
    // The layers show each technique's rule counts by vendor and its roll-up (the rules' vendors and
    // technique tags) and the rule counts: when the changed rules kept their vendors and tags, the layers
    // are the previous ones (their files' stamps were checked), and are neither made nor compared again.
    const sameLayers = at.every((i) => oldFacts[i]!.vendor === newFacts[i]!.vendor && oldFacts[i]!.techniques.join('\u0000') === newFacts[i]!.techniques.join('\u0000'));
    const layers = sameLayers ? null : navigatorLayers(view);
    // Pages first: they read rows from the previous catalog.json, which the new one replaces.
    const pages: CatalogFile[] = [];
    const add = (rel: string, make: () => FileData) => pages.push({ rel, part: 'others', make });
    for (const t of cat.techniques) {
      if (techPage(t)) add(`techniques/${t.slug}.md`, () => techniqueMarkdown(view, t as CatalogTechnique, { links: site }));
    }
    if (site) {
      // The pages a change reaches; every other page shows nothing that changed (docs/performance.md).
      // The previous value rows are read before the file is written over (in place).
      const before = keepFieldList || spliceFields ? readFileRange(join(out, 'assets', 'search-data.js'), state.ranges.searchValues![0]!, state.ranges.searchValues![1]!) : undefined;
      let values = before;
      if (before && spliceFields) {
        // Each field's rows: the previous bytes, or the new rows of a field reached; a comma between two fields' rows.
        if (cat.fields.length * 2 !== state.ranges.searchFields!.length) throw new FullBuild('the field list moved');
        const base = state.ranges.searchValues![0]!;
        const sf = state.ranges.searchFields!;
        const rows = joinFieldRows(cat.fields.length, (fi) => {
          const f = cat.fields[fi]!;
          return fields.has(fieldKey(f.field)) ? searchFieldRowsBytes(f, fi) : before.subarray(sf[2 * fi]! - base, sf[2 * fi + 1]! - base);
        });
        values = Buffer.concat(rows.parts);
        fieldsAt = rows.ranges;
      } else if (before) fieldsAt = state.ranges.searchFields?.map((x) => x - state.ranges.searchValues![0]!);
      add('assets/search-data.js', () => searchDataChunks(view, { ranges: searchRanges, ...(values ? { values } : {}) }));
      add('index.html', () => indexPage(view));
      if (!fieldListKept) add('fields/index.html', () => fieldsIndexPage(view));
      for (const t of cat.techniques) if (techPage(t)) add(`techniques/${t.slug}.html`, () => techniquePageBytes(view, t));
      // A reached field's pages that show what they showed (most of a many-paged field's, after an edited
      // value) are the previous ones: `unchangedFieldPages`, against the element in the previous catalog.json.
      for (const f of cat.fields) {
        const k = fieldKey(f.field);
        if (!fields.has(k)) continue;
        const was = wasField.get(k);
        const kept = was && fieldPageCount(f) > 1 ? unchangedFieldPages(f, was, relisted) : null;
        for (let p = 1; p <= fieldPageCount(f); p++) if (!kept?.has(p)) add(`fields/${fieldPageFile(f.slug, p)}`, () => fieldPageBytes(view, f, p));
      }
      for (let i = 0; i < n; i++) {
        if (newRow.has(i) || patched.has(i)) add(`rules/${newFacts[i]!.vendor}/${newSlugs[i]}.html`, () => rulePageBytes(view, rowAt(i)));
      }
    }
    const wm = await writeCatalogFiles(out, pages);
    const written = writeSpliced(safeOutputPath(out, CATALOG), jsonBatches(doc, ranges), prev, join(opts.cache, CATALOG_SPARE));
    prevOpen = false;
    closeSync(prev);
    const files: CatalogFile[] = [];
    if (layers) {
      files.push({ rel: 'navigator-layer.json', part: 'others', make: () => JSON.stringify(layers.all, null, 2) + '\n' });
      for (const [vendor, layer] of Object.entries(layers.byVendor)) {
        files.push({ rel: `navigator-layer-${sanitizeSlug(vendor) || 'vendor'}.json`, part: 'others', make: () => JSON.stringify(layer, null, 2) + '\n' });
      }
    }
    const wl = await writeCatalogFiles(out, files);
    const w = { files: wm.files + wl.files + 1, unchanged: wm.unchanged + wl.unchanged, bytes: wm.bytes + wl.bytes + written.bytes };
    // Every file of the output, as a full build lists them.
    // With the field list kept, the light fields do not know their value pages: the files are the previous ones.
    // (Then the manifest listing them is the previous one too, checked at the start with the others.)
    const allRels = fieldListKept ? previousOutputs(state) : catalogFilePaths(view, { site });
    // The same files as before (field pages keep their number when a field's values change): the manifest
    // would be written again with the same bytes, and nothing is left to remove.
    const { removed } = fieldListKept || sameOutputList(state, allRels) ? { removed: 0 } : finishCatalogOutput(out, allRels);
    const tr = ranges.get('techniques')!;
    const fr = ranges.get('fields')!;

    // ---- The new snapshot.
    const records = splicedRecords(snap, new Map(at.map((i) => [i, encodeRecord({ facts: newFacts[i]!, check: checks[i]!, name: sigmaName(newRules.get(i)!), slug: newSlugs[i]! })])));
    const snapFiles = { rulesFile: writeRules(opts.cache, records), ...reached.save() };
    const next: SnapshotState = {
      ...state,
      key,
      loadedAt: startedAt,
      ...snapFiles,
      outputs: outputStamps(out, allRels, state.outputs, new Set([CATALOG, ...pages.map((f) => f.rel), ...files.map((f) => f.rel)])),
      sources: sources.with(restamp),
      dirs,
      summary,
      // What each technique's value sections show: a technique computed again, from its element; the others' as they were.
      ...(state.techniqueCuts ? { techniqueCuts: { rowLimit: state.techniqueCuts.rowLimit, cuts: cat.techniques.flatMap((t, i) => (techs.has(t.id) ? techniqueCut(t) : cutAt(state.techniqueCuts!, i))) } } : {}),
      ranges: {
        techniques: cat.techniques.map((t, i) => [t.id, tr[2 * i]!, tr[2 * i + 1]!]),
        rules: ranges.get('rules')!,
        fields: cat.fields.map((f, i) => [fieldKey(f.field), f.slug, fr[2 * i]!, fr[2 * i + 1]!]),
        ...searchValuesOf(fieldsAt ? new Map([...searchRanges, ['searchFields', fieldsAt.map((x) => x + searchRanges.get('searchValues')![0]!)]]) : searchRanges, cat.fields.length),
      },
    };
    writeState(opts.cache, next, state);
    removeStale(opts.cache, next);
    const t3 = performance.now();
    return {
      incremental: { used: true, changedFiles: changed, listed, samePredicates: reached.same, ...(reached.interning ? { interning: reached.interning } : {}), techniques: techs.size, ...(techniquesKept !== undefined ? { techniquesKept } : {}), fields: select.fields ? fields.size : cat.fields.length, rows: rowsWritten, snapshot: true },
      summary,
      techniques: cat.techniques.length,
      written: { outDir: out, files: allRels.length, bytes: w.bytes, unchanged: allRels.length - (w.files - w.unchanged), removed },
      timings: { load: t1 - t0, aggregate: t2 - t1, write: t3 - t2 },
    };
  } finally {
    if (prevOpen) closeSync(prev);
  }
}
