/**
 * `writeCatalog`: writes a catalog to a directory:
 *
 *   catalog.json                      the whole catalog (CatalogSchema)
 *   navigator-layer.json              ATT&CK Navigator layer, all rules
 *   navigator-layer-<vendor>.json     one layer per vendor
 *   techniques/<ID>.md                technique pages in Markdown
 *   and with `site` (default true):
 *   index.html, techniques/<ID>.html, rules/<vendor>/<slug>.html,
 *   fields/index.html, fields/<slug>.html (+ <slug>~2.html... for long value lists),
 *   assets/{style.css,search.js,search-data.js}
 *
 * Every file name comes from a catalog slug (safe characters only) and every
 * path is checked to resolve inside the output directory before writing; no
 * symbolic link below the output directory is followed (output-dirs.ts).
 * Files listed in the previous run's `.ruleatlas-manifest.json` that this run
 * does not write again are removed, so a rebuild leaves no stale pages; no
 * other file in the directory is ever touched. A file that already holds its
 * new content is left as it is (`writeData`), so a rebuild in place rewrites
 * only what changed.
 *
 * The work is split in three steps a caller can also run on its own:
 * `planCatalogFiles` lists the files (each with a function that renders it),
 * `writeCatalogFiles` renders and writes a list of them, and
 * `finishCatalogOutput` removes stale files and writes the manifest. A
 * `part` ('rules': the rule pages, 'others': everything else) splits the list
 * into two disjoint halves, so that two threads can each write one; the
 * manifest always lists the files of the whole output and is written once.
 */
import { closeSync, constants, ftruncateSync, linkSync, lstatSync, mkdirSync, openSync, readFileSync, readSync, renameSync, statSync, unlinkSync, writeSync, writevSync } from 'node:fs';
import { dirname, isAbsolute, relative, resolve, sep } from 'node:path';
import { pushAll } from '../core/arrays.js';
import { scratch, SCRATCH_BYTES } from '../core/scratch.js';
import { checkNotLink, isRealDirUnder, makeRealDir, O_NOFOLLOW, openError } from './output-dirs.js';
import type { Catalog, CatalogField, CatalogRule, CatalogTechnique } from '../catalog/schema.js';
import { sanitizeSlug } from '../catalog/slug.js';
import { techniqueMarkdown } from './markdown.js';
import { pushUtf8 } from './bytes.js';
import { navigatorLayers } from './navigator.js';
import { SEARCH_JS, STYLE_CSS } from './site/assets.js';
import { fieldPageBytes, fieldPageCount, fieldPageFile, fieldsIndexPage, indexPage, rulePageBytes, techniquePageBytes } from './site/pages.js';
import { searchDataChunks } from './site/search-data.js';

/**
 * Parts of the output, which never share a file: the rule pages (`rules/**.html`, with the site only);
 * the technique and field pages (`techniques/*.md`, and with the site `techniques/*.html` and the field
 * pages `fields/<slug>*.html`); and every other file (catalog.json, the layers, the assets, the search
 * data, the index pages). With a worker thread, the worker writes the second (src/render/offload.ts).
 */
export type FilePart = 'rules' | 'pages' | 'others';

/** Which files of the output: all of them, one part, or several. */
export type CatalogPart = 'all' | FilePart | readonly FilePart[];

export interface WriteOptions {
  /** Write the static web site too (default true). */
  site?: boolean;
  /** Pretty-print catalog.json (default false: compact). */
  pretty?: boolean;
  /** Write only part of the files (default 'all'; see `FilePart`). */
  only?: CatalogPart;
  /**
   * Remove stale files of a previous run and write the manifest (listing every
   * file of the whole output, whatever `only` says). Default: true when `only`
   * includes 'others' (the writer of catalog.json writes it, once).
   */
  manifest?: boolean;
  /**
   * Record the byte ranges of catalog.json's technique, rule and field elements here (compact catalog.json only; see
   * `jsonChunks`), and with a `searchValues` key the range of the value rows in assets/search-data.js (`searchDataChunks`).
   */
  catalogRanges?: Map<string, number[]>;
  /**
   * Called with the JSON text of each element of catalog.json's top-level arrays (`techniques`, `rules`,
   * `fields`...) as it is written, compact catalog.json only: a worker thread that writes those elements'
   * pages is sent them from here, so that each is stringified once (src/render/offload.ts).
   */
  onJsonElement?: JsonElementCallback;
}

/** See `WriteOptions.onJsonElement`: the array's key, the element's index, its JSON text. */
export type JsonElementCallback = (key: string, index: number, json: string) => void;

/** The parts `only` asks for. */
function partsOf(only: CatalogPart = 'all'): ReadonlySet<FilePart> {
  return new Set<FilePart>(only === 'all' ? ['rules', 'pages', 'others'] : typeof only === 'string' ? [only] : only);
}

export interface WriteResult {
  outDir: string;
  /** Files of the output this call produced (the manifest not counted): written, or found holding exactly their content. */
  files: number;
  /** Bytes of those files. */
  bytes: number;
  /** Of `files`, those left untouched because they already held exactly their content (a rebuild in place). */
  unchanged: number;
  /** Stale files of a previous run removed. */
  removed: number;
  /**
   * What the page worker did, when one wrote the technique pages (and with the site the field pages;
   * src/render/offload.ts): the files it wrote, or why it failed (its pages were then written on the
   * calling thread). Without the site it is the loading worker, kept for it (src/pipeline.ts).
   */
  pageWorker?: { files: number } | { failed: string };
}

/** What a file holds: text (written as UTF-8), bytes, or a sequence of byte chunks. */
export type FileData = string | Uint8Array | Iterable<Uint8Array>;

/** One output file: its path under the output directory ('/'-separated), its part, and the function that renders it. */
export interface CatalogFile {
  rel: string;
  part: FilePart;
  make: () => FileData;
}

const MANIFEST = '.ruleatlas-manifest.json';

/** Resolve `rel` under `root`, refusing anything that would land outside it. */
export function safeOutputPath(root: string, rel: string): string {
  const abs = resolve(root, rel);
  const back = relative(root, abs);
  if (!back || back.startsWith('..') || isAbsolute(back) || back.split(sep).includes('..')) {
    throw new Error(`refusing to write outside the output directory: ${JSON.stringify(rel)}`);
  }
  return abs;
}

const COMMA = Buffer.from(',');

/**
 * A top-level array of `jsonChunks` whose elements are given already as JSON:
 * text, or its UTF-8 bytes (the incremental build's unchanged pages, cut out
 * of the previous catalog.json).
 */
export class EncodedArray {
  constructor(readonly items: readonly (string | Uint8Array | FileRange)[]) {}
}

/** Bytes `start` to `end` of a source file (`writeSpliced` copies them). */
export class FileRange {
  constructor(
    readonly start: number,
    readonly end: number,
  ) {}
}

/**
 * `JSON.stringify(value) + '\n'` as UTF-8 chunks, without building the whole
 * text: top-level arrays are stringified element by element (each a flat
 * string that encodes fast), so the full corpus's catalog.json never exists as
 * one giant string in memory. With `ranges`, the byte offsets of each element
 * of the top-level arrays it names are recorded there as they are produced
 * (start, end, start, end...), so a later build can reuse them.
 */
export function jsonChunks(value: Record<string, unknown>, ranges?: Map<string, number[]>, onElement?: JsonElementCallback): Generator<Uint8Array> {
  // Refusing FileRange elements, the parts are byte chunks only.
  return jsonParts(value, ranges, false, onElement) as Generator<Uint8Array>;
}

/** `jsonChunks`, where elements of an `EncodedArray` may also be ranges of a source file (passed on as they are). */
export function* jsonParts(value: Record<string, unknown>, ranges?: Map<string, number[]>, fileRanges = true, onElement?: JsonElementCallback): Generator<Uint8Array | FileRange> {
  for (const batch of jsonBatches(value, ranges, fileRanges, onElement)) yield* batch;
}

/**
 * `jsonParts` in batches of up to a few hundred parts (what `writeSpliced`
 * takes): one generator step per batch, not per part, which matters where
 * this runs once and unoptimized (an incremental rebuild's catalog.json).
 */
export function* jsonBatches(value: Record<string, unknown>, ranges?: Map<string, number[]>, fileRanges = true, onElement?: JsonElementCallback): Generator<(Uint8Array | FileRange)[]> {
  const out: (Uint8Array | FileRange)[] = [];
  // Byte positions are counted only when ranges are asked for.
  let pos = 0;
  const put = ranges
    ? (text: string) => {
        const n = out.length;
        pushUtf8(out as Uint8Array[], text);
        for (let i = n; i < out.length; i++) pos += (out[i] as Uint8Array).byteLength;
      }
    : (text: string) => pushUtf8(out as Uint8Array[], text);
  const putBytes = (b: Uint8Array) => {
    out.push(b);
    pos += b.byteLength;
  };
  put('{');
  let first = true;
  for (const [k, v] of Object.entries(value)) {
    if (v === undefined || typeof v === 'function' || typeof v === 'symbol') continue;
    put((first ? '' : ',') + JSON.stringify(k) + ':');
    first = false;
    const encoded = v instanceof EncodedArray;
    if (Array.isArray(v) || encoded) {
      const items: readonly unknown[] = encoded ? v.items : v;
      const offs = ranges?.has(k) ? ranges.get(k)! : null;
      put('[');
      for (let i = 0; i < items.length; i++) {
        if (i) putBytes(COMMA);
        offs?.push(pos);
        const item = items[i];
        if (!encoded) {
          const json = JSON.stringify(item) ?? 'null';
          onElement?.(k, i, json);
          put(json);
        } else if (typeof item === 'string') {
          onElement?.(k, i, item);
          put(item);
        } else if (item instanceof FileRange) {
          if (!fileRanges) throw new Error('jsonChunks: a FileRange element needs writeSpliced');
          out.push(item);
          pos += item.end - item.start;
        } else putBytes(item as Uint8Array);
        offs?.push(pos);
        if (out.length >= 256) yield out.splice(0);
      }
      put(']');
    } else put(JSON.stringify(v));
    yield out.splice(0);
  }
  put('}\n');
  yield out;
}

/**
 * Write `parts` to `abs` as a new file: bytes as they are, file ranges copied
 * from the open file `src` through one reused buffer (adjacent ranges that
 * were separated by a comma in the source, as `jsonParts` elements are, are
 * copied as one). The file is written beside `abs` and renamed over it, so
 * `src` may be `abs` itself. Copying through a reused buffer instead of
 * reading the source whole keeps fresh memory, which costs more than the
 * copy on this kind of machine (docs/performance.md), out of it.
 *
 * With `spare` (a path on the same file system, the incremental build's cache
 * directory), the file replaced is kept there, and the next call writes over
 * it in place and renames it into `abs`: overwriting pages the kernel holds
 * already costs a fraction of filling a new file (for catalog.json, about
 * 10 ms against 35–110 ms here). A spare is used only when it is a plain file
 * with no other name (never a link, never another file's second name);
 * otherwise, and across file systems, the file is written beside `abs`.
 */
export function writeSpliced(abs: string, parts: Iterable<Uint8Array | FileRange | readonly (Uint8Array | FileRange)[]>, src: number, spare?: string): { bytes: number } {
  checkNotLink(abs);
  const inPlace = spare !== undefined && usableSpare(spare, abs);
  const tmp = inPlace ? spare! : `${abs}.${process.pid}.tmp`;
  let fd: number;
  try {
    fd = openSync(tmp, inPlace ? constants.O_WRONLY | O_NOFOLLOW : constants.O_WRONLY | constants.O_CREAT | constants.O_TRUNC | O_NOFOLLOW, 0o666);
  } catch (e) {
    throw openError(tmp, e);
  }
  const buf = compareBuffer();
  let at = 0;
  let batch: Uint8Array[] = [];
  let pending = 0;
  const flushBatch = () => {
    if (!batch.length) return;
    writeAllv(fd, batch, pending, at);
    at += pending;
    batch = [];
    pending = 0;
  };
  const push = (b: Uint8Array) => {
    batch.push(b);
    pending += b.byteLength;
    if (pending >= WRITEV_BYTES || batch.length >= WRITEV_MAX) flushBatch();
  };
  let run: { start: number; end: number } | null = null;
  let comma = false;
  const flushRun = () => {
    if (!run) return;
    flushBatch();
    for (let p = run.start; p < run.end; ) {
      const n = readSync(src, buf, 0, Math.min(buf.length, run.end - p), p);
      if (n <= 0) throw new Error(`${abs}: the previous file is shorter than recorded`);
      writeAllv(fd, [buf.subarray(0, n)], n, at);
      at += n;
      p += n;
    }
    run = null;
    if (comma) push(COMMA);
    comma = false;
  };
  const take = (p: Uint8Array | FileRange) => {
    if (p instanceof FileRange) {
      if (run && p.start === run.end + (comma ? 1 : 0)) {
        run.end = p.end;
        comma = false;
        return;
      }
      flushRun();
      run = { start: p.start, end: p.end };
      return;
    }
    if (run && !comma && p.byteLength === 1 && p[0] === 0x2c) {
      comma = true;
      return;
    }
    flushRun();
    push(p);
  };
  try {
    for (const p of parts) {
      if (Array.isArray(p)) for (let i = 0; i < p.length; i++) take(p[i]!);
      else take(p as Uint8Array | FileRange);
    }
    flushRun();
    flushBatch();
    if (inPlace) ftruncateSync(fd, at);
  } catch (e) {
    closeSync(fd);
    try {
      unlinkSync(tmp);
    } catch {
      /* gone already */
    }
    throw e;
  }
  closeSync(fd);
  // The file replaced becomes the next spare: a second name for it first (renamed into place after), so that
  // `abs` is replaced in one rename either way. A leftover second name (a crash in between) is removed first.
  let kept: string | null = null;
  if (spare !== undefined) {
    kept = `${spare}.prev`;
    try {
      unlinkSync(kept);
    } catch {
      /* none */
    }
    try {
      linkSync(abs, kept);
    } catch {
      kept = null; // another file system, or links not supported: no spare next time
    }
  }
  renameSync(tmp, abs);
  if (kept) renameSync(kept, spare!);
  return { bytes: at };
}

/** Whether `spare` can be written in place and renamed to `abs`: a plain file with one name, on `abs`'s file system. */
function usableSpare(spare: string, abs: string): boolean {
  try {
    const s = lstatSync(spare);
    return s.isFile() && s.nlink === 1 && s.dev === statSync(dirname(abs)).dev;
  } catch {
    return false;
  }
}

/** Writes `JSON.stringify(value)` and a newline (byte for byte) in chunks; see `jsonChunks`. */
export async function writeJsonStreamed(path: string, value: Record<string, unknown>): Promise<number> {
  return writeData(path, jsonChunks(value)).bytes;
}

/** Coalesce chunks into writev calls of about this many bytes. */
const WRITEV_BYTES = 1 << 20;
/** writev takes at most IOV_MAX (1024 on Linux) buffers. */
const WRITEV_MAX = 1024;

/** Write `bufs` (`total` bytes) at `position` of `fd`. */
function writeAllv(fd: number, bufs: Uint8Array[], total: number, position: number): void {
  let written = writevSync(fd, bufs, position);
  if (written === total) return;
  // A short write (rare on regular files): finish buffer by buffer.
  let at = position + written;
  for (const b of bufs) {
    if (written >= b.byteLength) {
      written -= b.byteLength;
      continue;
    }
    let off = written;
    written = 0;
    while (off < b.byteLength) {
      const n = writeSync(fd, b, off, b.byteLength - off, at);
      off += n;
      at += n;
    }
  }
}

/** `data` as byte chunks (text encoded as UTF-8). */
function chunksOf(data: FileData): Iterable<Uint8Array> {
  if (typeof data === 'string') {
    const out: Uint8Array[] = [];
    pushUtf8(out, data);
    return out;
  }
  return data instanceof Uint8Array ? [data] : data;
}

/** Reused buffer for reading back what a file holds (pages of it are touched once per process). */
const COMPARE_BYTES = SCRATCH_BYTES;
const compareBuffer = scratch;

/** What a file holds where new content goes: the same bytes, other bytes, or its end (it is shorter). */
const SAME = 0;
const DIFFERS = 1;
const ENDS = 2;

/** Whether `fd` holds exactly `b` at `position` (SAME), other bytes (DIFFERS), or ends before `b` does (ENDS). */
function compareAt(fd: number, b: Uint8Array, position: number): typeof SAME | typeof DIFFERS | typeof ENDS {
  const buf = compareBuffer();
  for (let off = 0; off < b.byteLength; ) {
    const want = Math.min(COMPARE_BYTES, b.byteLength - off);
    let got = 0;
    while (got < want) {
      const n = readSync(fd, buf, got, want - got, position + off + got);
      if (n === 0) return ENDS;
      got += n;
    }
    if (buf.compare(b, off, off + want, 0, want) !== 0) return DIFFERS;
    off += want;
  }
  return SAME;
}

export interface WrittenFile {
  /** Bytes of the file's content. */
  bytes: number;
  /** False when the file already held exactly these bytes and was left untouched. */
  changed: boolean;
}

/**
 * Make `abs` hold `data`, touching the file only where it differs. The file
 * is opened once without truncating it; while its current bytes match, the
 * new content is only compared (read back through one reused buffer); from
 * the first chunk that differs on, the rest is written over it, and the file
 * is cut to the new length. A rebuild in place thus leaves every unchanged
 * page untouched (its modification time too, which keeps deployments by
 * rsync or by timestamp small), and changes no more than it must of the
 * others. On ext4 mounted with `discard` (docs/performance.md, "Rendering and
 * writing") truncating and rewriting a file costs more than writing a new one,
 * and rewriting a whole site in place took longer than a fresh build;
 * comparing reads from the page cache instead. A file that does not exist yet costs one read more than a
 * plain write (of nothing: the file is empty).
 */
export function writeData(abs: string, data: FileData): WrittenFile {
  let fd: number;
  // While true, the file's bytes so far are the new content's.
  let same = true;
  checkNotLink(abs);
  try {
    fd = openSync(abs, constants.O_RDWR | constants.O_CREAT | O_NOFOLLOW, 0o666);
  } catch (e) {
    // Writable but not readable (or the like): written whole, as a plain write would.
    const code = (e as NodeJS.ErrnoException).code;
    if (code !== 'EACCES' && code !== 'EPERM') throw openError(abs, e);
    try {
      fd = openSync(abs, constants.O_WRONLY | constants.O_CREAT | constants.O_TRUNC | O_NOFOLLOW, 0o666);
    } catch (e2) {
      throw openError(abs, e2);
    }
    same = false;
  }
  let pos = 0;
  // True once the old file is known to end before the new content does (nothing to cut then);
  // a new file (empty) is found so by its first read.
  let shorter = false;
  try {
    let batch: Uint8Array[] = [];
    let pending = 0;
    let batchAt = 0;
    for (const b of chunksOf(data)) {
      if (!b.byteLength) continue;
      if (same) {
        const c = compareAt(fd, b, pos);
        if (c === SAME) {
          pos += b.byteLength;
          continue;
        }
        same = false;
        shorter = c === ENDS;
        batchAt = pos;
      }
      batch.push(b);
      pending += b.byteLength;
      pos += b.byteLength;
      if (pending >= WRITEV_BYTES || batch.length >= WRITEV_MAX) {
        writeAllv(fd, batch, pending, batchAt);
        batchAt += pending;
        batch = [];
        pending = 0;
      }
    }
    if (batch.length) writeAllv(fd, batch, pending, batchAt);
    if (same) {
      // Every byte matched: unchanged unless the file goes on beyond the new content.
      const more = readSync(fd, compareBuffer(), 0, 1, pos);
      if (more === 0) return { bytes: pos, changed: false };
    }
    if (!shorter) ftruncateSync(fd, pos);
  } finally {
    closeSync(fd);
  }
  return { bytes: pos, changed: true };
}

/**
 * The files of a catalog's output, in writing order, each with the function
 * that renders it (nothing is rendered here but the small Navigator layers).
 * `only` selects parts (`FilePart`); the parts are disjoint, and the paths of
 * the 'all' list are the manifest's.
 */
export function planCatalogFiles(catalog: Catalog, options: Pick<WriteOptions, 'site' | 'pretty' | 'only' | 'catalogRanges' | 'onJsonElement'> = {}): CatalogFile[] {
  const site = options.site ?? true;
  const parts = partsOf(options.only);
  const files: CatalogFile[] = [];
  // Each part's files are listed only when asked for: a worker's partial catalog has what its part reads.
  const others = parts.has('others');
  const pages = parts.has('pages');
  const other = (rel: string, make: () => FileData) => files.push({ rel, part: 'others', make });
  if (others) {
    other('catalog.json', options.pretty ? () => JSON.stringify(catalog, null, 2) + '\n' : () => jsonChunks(catalog, options.catalogRanges, options.onJsonElement));
    // The layers are made when first written: listing the paths (`catalogFilePaths`) needs only the
    // vendors, one layer each (`navigatorLayers`).
    let layers: ReturnType<typeof navigatorLayers> | null = null;
    const layersOf = () => (layers ??= navigatorLayers(catalog));
    other('navigator-layer.json', () => JSON.stringify(layersOf().all, null, 2) + '\n');
    for (const vendor of Object.keys(catalog.summary.byVendor)) {
      other(`navigator-layer-${sanitizeSlug(vendor) || 'vendor'}.json`, () => JSON.stringify(layersOf().byVendor[vendor], null, 2) + '\n');
    }
  }
  if (pages) for (const t of catalog.techniques) files.push(techniqueMarkdownFile(catalog, t, site));
  if (!site) return files;
  if (others) {
    other('assets/style.css', () => STYLE_CSS);
    other('assets/search.js', () => SEARCH_JS);
    other('assets/search-data.js', () => searchDataChunks(catalog, options.catalogRanges ? { ranges: options.catalogRanges } : {}));
    other('index.html', () => indexPage(catalog));
    other('fields/index.html', () => fieldsIndexPage(catalog));
  }
  if (pages) {
    for (const t of catalog.techniques) files.push(techniqueHtmlFile(catalog, t));
    for (const f of catalog.fields) pushAll(files, fieldPageFiles(catalog, f));
  }
  if (parts.has('rules')) for (const r of catalog.rules) files.push(rulePageFile(catalog, r));
  return files;
}

/*
 * The files of one element of the catalog, for `planCatalogFiles` and for a worker thread that writes
 * a part of them from the elements' JSON (src/render/offload.ts): both name and render them here.
 * `catalog` is what the pages read besides the element (its lookups of techniques, fields and rules).
 */

/** A technique's Markdown page (part 'pages'). */
export function techniqueMarkdownFile(catalog: Catalog, t: CatalogTechnique, site: boolean): CatalogFile {
  return { rel: `techniques/${t.slug}.md`, part: 'pages', make: () => techniqueMarkdown(catalog, t, { links: site }) };
}

/** A technique's web page (part 'pages'; with the site only). */
export function techniqueHtmlFile(catalog: Catalog, t: CatalogTechnique): CatalogFile {
  return { rel: `techniques/${t.slug}.html`, part: 'pages', make: () => techniquePageBytes(catalog, t) };
}

/** A field's web pages, one per page of values (part 'pages'; with the site only). */
export function fieldPageFiles(catalog: Catalog, f: CatalogField): CatalogFile[] {
  const out: CatalogFile[] = [];
  for (let n = 1; n <= fieldPageCount(f); n++) out.push({ rel: `fields/${fieldPageFile(f.slug, n)}`, part: 'pages', make: () => fieldPageBytes(catalog, f, n) });
  return out;
}

/** A rule's web page (part 'rules'; with the site only). */
function rulePageFile(catalog: Catalog, r: CatalogRule): CatalogFile {
  return { rel: `rules/${r.key}.html`, part: 'rules', make: () => rulePageBytes(catalog, r) };
}

/** The paths of every file of a catalog's output (the manifest's list), without rendering anything. */
export function catalogFilePaths(catalog: Catalog, options: Pick<WriteOptions, 'site' | 'pretty'> = {}): string[] {
  return planCatalogFiles(catalog, { ...options, only: 'all' }).map((f) => f.rel);
}

const yieldToEventLoop = () => new Promise<void>((resolve) => setImmediate(resolve));

/**
 * Render and write `files` under `outDir` (created as needed). Every path is
 * checked to stay inside `outDir` before anything is written. Each file is
 * rendered just before it is written (memory stays flat) and written by
 * `writeData` (synchronous open, compare or writev, close): for thousands
 * of small files this is faster than asynchronous writes on the libuv
 * thread pool (measured: the parallel file creations cost three times the
 * kernel time, and the promise-based pool twice the JavaScript time). The
 * event loop gets a turn every ~50 ms (progress output, messages from
 * workers).
 */
export async function writeCatalogFiles(outDir: string, files: readonly CatalogFile[]): Promise<{ files: number; bytes: number; unchanged: number }> {
  const root = resolve(outDir);
  const abs = files.map((f) => safeOutputPath(root, f.rel));
  mkdirSync(root, { recursive: true });
  const made = new Set<string>([root]);
  let bytes = 0;
  let unchanged = 0;
  let last = performance.now();
  for (let i = 0; i < files.length; i++) {
    const path = abs[i]!;
    // Each directory made or checked once, level by level, never through a link.
    makeRealDir(root, dirname(path), made);
    const w = writeData(path, files[i]!.make());
    bytes += w.bytes;
    if (!w.changed) unchanged++;
    if (performance.now() - last > 50) {
      await yieldToEventLoop();
      last = performance.now();
    }
  }
  return { files: files.length, bytes, unchanged };
}

/**
 * Remove the files the previous run's manifest lists and `rels` does not, and
 * write the new manifest (`rels`: every file of the whole output).
 */
export function finishCatalogOutput(outDir: string, rels: Iterable<string>): { removed: number } {
  const root = resolve(outDir);
  const written = new Set(rels);
  let removed = 0;
  try {
    const prev = JSON.parse(readFileSync(resolve(root, MANIFEST), 'utf8')) as { files?: unknown };
    if (Array.isArray(prev.files)) {
      for (const rel of prev.files) {
        if (typeof rel !== 'string' || written.has(rel)) continue;
        let abs: string;
        try {
          abs = safeOutputPath(root, rel);
        } catch {
          continue;
        }
        // Never through a link: the file would be somewhere else (unlinking a link itself is fine).
        if (!isRealDirUnder(root, dirname(abs))) continue;
        try {
          unlinkSync(abs);
          removed++;
        } catch {
          /* already gone */
        }
      }
    }
  } catch {
    /* no previous manifest */
  }
  mkdirSync(root, { recursive: true });
  writeData(resolve(root, MANIFEST), JSON.stringify({ generator: 'ruleatlas', files: [...written].sort() }) + '\n');
  return { removed };
}

export async function writeCatalog(catalog: Catalog, outDir: string, options: WriteOptions = {}): Promise<WriteResult> {
  const root = resolve(outDir);
  const only = options.only ?? 'all';
  const manifest = options.manifest ?? partsOf(only).has('others');
  const mine = planCatalogFiles(catalog, options);
  // The manifest lists the whole output; its paths are checked before anything is written.
  // (A rule-pages-only writer without the manifest reads nothing of the catalog but the
  // rules and the techniques' and fields' slugs and names.)
  const all = manifest ? (only === 'all' ? mine.map((f) => f.rel) : catalogFilePaths(catalog, options)) : [];
  // (writeCatalogFiles checks its own files before writing the first one.)
  if (only !== 'all') for (const rel of all) safeOutputPath(root, rel);
  const { files, bytes, unchanged } = await writeCatalogFiles(root, mine);
  const { removed } = manifest ? finishCatalogOutput(root, all) : { removed: 0 };
  return { outDir: root, files, bytes, unchanged, removed };
}
