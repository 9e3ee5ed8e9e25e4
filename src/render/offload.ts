/**
 * Writing a catalog on two threads. The rule pages (three quarters of the
 * site's files) need only the rules and the techniques' and fields' ids,
 * slugs and names, so the main thread sends those to a worker as JSON text
 * (strings are copied in one piece; the rule objects would be cloned node by
 * node) and writes every other file meanwhile, then the manifest once.
 * Both threads run `writeCatalog`, each with its part (`only`), over a
 * catalog that holds what that part reads, so the files are byte for byte
 * those of one thread. The rules' JSON is made once, for the worker and for
 * catalog.json.
 */
import { resolve } from 'node:path';
import type { Catalog, CatalogRule } from '../catalog/schema.js';
import type { WorkerHandle } from '../core/worker-thread.js';
import { writeCatalog, type WriteOptions, type WriteResult } from './write.js';

/** What the worker needs: everything as text or small records. */
export interface PagesRequest {
  kind: 'pages';
  root: string;
  /** JSON of each `catalog.rules` entry, in order. */
  rules: string[];
  techniques: { id: string; slug: string; name: string | null }[];
  fields: { field: string | null; slug: string }[];
}

export type PagesReply = { ok: true; result: WriteResult } | { ok: false; error: string };

/** The request for `catalog`'s rule pages (`rulesJson`: each rule's JSON, when made already). */
export function pagesRequest(catalog: Catalog, root: string, rulesJson: readonly string[] = catalog.rules.map((r) => JSON.stringify(r))): PagesRequest {
  return {
    kind: 'pages',
    root,
    rules: rulesJson as string[],
    techniques: catalog.techniques.map((t) => ({ id: t.id, slug: t.slug, name: t.name })),
    fields: catalog.fields.map((f) => ({ field: f.field, slug: f.slug })),
  };
}

/** Rules parsed and written at a time: the worker never holds every rule as objects. */
const BATCH = 500;

/** Worker side: rebuild the part of the catalog rule pages read, a batch at a time, and write them (no manifest: the main thread writes it). */
export async function writeOffloadedPages(req: PagesRequest): Promise<PagesReply> {
  try {
    const result: WriteResult = { outDir: req.root, files: 0, bytes: 0, unchanged: 0, removed: 0 };
    for (let i = 0; i < req.rules.length; i += BATCH) {
      const rules = req.rules.slice(i, i + BATCH).map((s) => JSON.parse(s) as CatalogRule);
      // A rule page reads its rule and the techniques' and fields' slugs and names, nothing else of the catalog.
      const catalog = { rules, techniques: req.techniques, fields: req.fields } as unknown as Catalog;
      const r = await writeCatalog(catalog, req.root, { site: true, only: 'rules', manifest: false });
      result.files += r.files;
      result.bytes += r.bytes;
      result.unchanged += r.unchanged;
    }
    return { ok: true, result };
  } catch (e) {
    return { ok: false, error: (e as Error).stack ?? String(e) };
  }
}

/**
 * `writeCatalog` with the rule pages on `worker` (already started, so its
 * start-up overlapped the caller's work). Falls back to one thread when the
 * worker fails, so the output is complete either way.
 */
export async function writeCatalogWithWorker(catalog: Catalog, outDir: string, worker: WorkerHandle, options: Pick<WriteOptions, 'site' | 'pretty' | 'catalogRanges'> = {}): Promise<WriteResult> {
  if (options.site === false) return writeCatalog(catalog, outDir, options);
  const root = resolve(outDir);
  // Each rule's JSON is made once: the worker is sent it, and catalog.json takes the same texts.
  const rulesJson = catalog.rules.map((r) => JSON.stringify(r));
  const pages = worker.request<PagesReply>(pagesRequest(catalog, root, rulesJson)).catch((e: unknown): PagesReply => ({ ok: false, error: String(e) }));
  const others = await writeCatalog(catalog, root, { ...options, site: true, only: 'others', rulesJson });
  const reply = await pages;
  const rules = reply.ok ? reply.result : await writeCatalog(catalog, root, { ...options, site: true, only: 'rules', manifest: false });
  return { outDir: root, files: others.files + rules.files, bytes: others.bytes + rules.bytes, unchanged: others.unchanged + rules.unchanged, removed: others.removed };
}
