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
 * path is checked to resolve inside the output directory before writing.
 * Files listed in the previous run's `.ruleatlas-manifest.json` that this run
 * does not write again are removed, so a rebuild leaves no stale pages; no
 * other file in the directory is ever touched.
 */
import { mkdir, open, readFile, unlink, writeFile } from 'node:fs/promises';
import { dirname, isAbsolute, relative, resolve, sep } from 'node:path';
import type { Catalog } from '../catalog/schema.js';
import { sanitizeSlug } from '../catalog/slug.js';
import { techniqueMarkdown } from './markdown.js';
import { navigatorLayers } from './navigator.js';
import { SEARCH_JS, STYLE_CSS } from './site/assets.js';
import { fieldPage, fieldPageCount, fieldPageFile, fieldsIndexPage, indexPage, rulePage, techniquePage } from './site/pages.js';
import { searchDataScript } from './site/search-data.js';

export interface WriteOptions {
  /** Write the static web site too (default true). */
  site?: boolean;
  /** Pretty-print catalog.json (default false: compact). */
  pretty?: boolean;
}

export interface WriteResult {
  outDir: string;
  files: number;
  bytes: number;
  /** Stale files of a previous run removed. */
  removed: number;
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

/**
 * Writes `JSON.stringify(value)` (byte for byte) without building the whole
 * text: top-level arrays are written element by element in ~1 MB chunks, so
 * the full corpus's catalog.json never exists as one giant string in memory.
 */
export async function writeJsonStreamed(path: string, value: Record<string, unknown>): Promise<number> {
  const fh = await open(path, 'w');
  let bytes = 0;
  // Pending pieces, each encoded on its own (a flat string from JSON.stringify encodes fast,
  // where one long concatenation would first have to be flattened), written together with writev.
  let pieces: Buffer[] = [];
  let pending = 0;
  const put = (s: string) => {
    const b = s === ',' ? COMMA : Buffer.from(s);
    pieces.push(b);
    pending += b.length;
  };
  const flush = async (force: boolean) => {
    if (!force && pending < 1 << 20) return;
    const out = pieces;
    bytes += pending;
    pieces = [];
    pending = 0;
    if (out.length) await fh.writev(out);
  };
  try {
    put('{');
    let first = true;
    for (const [k, v] of Object.entries(value)) {
      if (v === undefined || typeof v === 'function' || typeof v === 'symbol') continue;
      put((first ? '' : ',') + JSON.stringify(k) + ':');
      first = false;
      if (Array.isArray(v)) {
        put('[');
        for (let i = 0; i < v.length; i++) {
          if (i) put(',');
          put(JSON.stringify(v[i]) ?? 'null');
          await flush(false);
        }
        put(']');
      } else put(JSON.stringify(v));
      await flush(false);
    }
    put('}\n');
    await flush(true);
  } finally {
    await fh.close();
  }
  return bytes;
}

const COMMA = Buffer.from(',');

async function pool<T>(items: readonly T[], limit: number, fn: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const i = next++;
      await fn(items[i]!);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
}

export async function writeCatalog(catalog: Catalog, outDir: string, options: WriteOptions = {}): Promise<WriteResult> {
  const site = options.site ?? true;
  const root = resolve(outDir);
  await mkdir(root, { recursive: true });

  // Files as (relative path, producer): pages are rendered just before they are written, so memory stays flat.
  const jobs: { rel: string; make: () => string }[] = [];
  const add = (rel: string, make: () => string) => jobs.push({ rel, make });

  if (options.pretty) add('catalog.json', () => JSON.stringify(catalog, null, 2) + '\n');
  const layers = navigatorLayers(catalog);
  add('navigator-layer.json', () => JSON.stringify(layers.all, null, 2) + '\n');
  for (const [vendor, layer] of Object.entries(layers.byVendor)) {
    add(`navigator-layer-${sanitizeSlug(vendor) || 'vendor'}.json`, () => JSON.stringify(layer, null, 2) + '\n');
  }
  for (const t of catalog.techniques) add(`techniques/${t.slug}.md`, () => techniqueMarkdown(catalog, t, { links: site }));
  if (site) {
    add('assets/style.css', () => STYLE_CSS);
    add('assets/search.js', () => SEARCH_JS);
    add('assets/search-data.js', () => searchDataScript(catalog));
    add('index.html', () => indexPage(catalog));
    add('fields/index.html', () => fieldsIndexPage(catalog));
    for (const t of catalog.techniques) add(`techniques/${t.slug}.html`, () => techniquePage(catalog, t));
    for (const r of catalog.rules) add(`rules/${r.key}.html`, () => rulePage(catalog, r));
    for (const f of catalog.fields) {
      for (let n = 1; n <= fieldPageCount(f); n++) add(`fields/${fieldPageFile(f.slug, n)}`, () => fieldPage(catalog, f, n));
    }
  }

  // Validate every path before writing anything.
  const targets = jobs.map((j) => ({ ...j, abs: safeOutputPath(root, j.rel) }));
  const dirs = new Set(targets.map((t) => dirname(t.abs)));
  for (const d of [...dirs].sort((a, b) => a.length - b.length)) await mkdir(d, { recursive: true });

  let bytes = 0;
  if (!options.pretty) bytes += await writeJsonStreamed(safeOutputPath(root, 'catalog.json'), catalog);
  await pool(targets, 16, async (t) => {
    // One UTF-8 encoding per page (the byte count comes from the buffer written).
    const data = Buffer.from(t.make());
    bytes += data.length;
    await writeFile(t.abs, data);
  });

  // Remove what the previous run wrote and this one did not.
  let removed = 0;
  const written = new Set(targets.map((t) => t.rel));
  written.add('catalog.json');
  try {
    const prev = JSON.parse(await readFile(resolve(root, MANIFEST), 'utf8')) as { files?: unknown };
    if (Array.isArray(prev.files)) {
      for (const rel of prev.files) {
        if (typeof rel !== 'string' || written.has(rel)) continue;
        let abs: string;
        try {
          abs = safeOutputPath(root, rel);
        } catch {
          continue;
        }
        try {
          await unlink(abs);
          removed++;
        } catch {
          /* already gone */
        }
      }
    }
  } catch {
    /* no previous manifest */
  }
  await writeFile(resolve(root, MANIFEST), JSON.stringify({ generator: 'ruleatlas', files: [...written].sort() }) + '\n');

  return { outDir: root, files: written.size, bytes, removed };
}
