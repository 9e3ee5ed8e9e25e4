/**
 * Writing a catalog on two threads: a worker thread writes the technique and
 * field pages (the part 'pages', src/render/write.ts), while the main thread
 * writes every other file and the manifest.
 *
 * Those pages read their own element of the catalog and little else (the
 * techniques' and fields' names and slugs, and what lists a rule:
 * `ListedRule`). So the worker is sent that frame first, then each element's
 * JSON as the main thread writes it into catalog.json (the first file it
 * writes; `WriteOptions.onJsonElement`): every element is stringified once, for
 * catalog.json and for the worker, and the worker starts on its pages while
 * the main thread is still writing catalog.json. The elements travel in
 * batches on a message port that the worker reads when it is ready for the
 * next (`nextBatch`), so it holds one batch at a time. Both threads name and
 * render the files with the same functions (src/render/write.ts), so the
 * files are byte for byte those of one thread.
 */
import { resolve } from 'node:path';
import { MessageChannel, receiveMessageOnPort, type MessagePort } from 'node:worker_threads';
import type { Catalog, CatalogField, CatalogRule, CatalogTechnique } from '../catalog/schema.js';
import { pushAll } from '../core/arrays.js';
import type { WorkerHandle } from '../core/worker-thread.js';
import type { ListedRule } from './lookup.js';
import { fieldPageFiles, techniqueHtmlFile, techniqueMarkdownFile, writeCatalog, writeCatalogFiles, type CatalogFile, type WriteOptions, type WriteResult } from './write.js';

/** What the worker is sent first; the elements follow on `items`. */
export interface PagesRequest {
  kind: 'pages';
  root: string;
  site: boolean;
  /** What the pages read of the catalog besides their own element (`pageFrame`). */
  frame: Catalog;
  /** Batches of elements' JSON, `[key, json, key, json…]` (key: the catalog array), then `null`. */
  items: MessagePort;
  /** Messages posted on `items` so far (`posted[0]`), so that the worker can sleep until the next one. */
  posted: Int32Array;
}

export type PagesReply = { ok: true; result: WriteResult } | { ok: false; error: string };

/** The catalog arrays whose elements the pages are made of: the techniques (Markdown, and with the site web pages) and the fields (with the site). */
function keysOf(site: boolean): string[] {
  return site ? ['techniques', 'fields'] : ['techniques'];
}

/**
 * What the technique and field pages read of the catalog besides their own
 * element: every technique and field by its header (names, slugs, counts),
 * without its rows, and every rule as they list it.
 */
export function pageFrame(catalog: Catalog): Catalog {
  const techniques = catalog.techniques.map((t): CatalogTechnique => ({ ...t, rules: [], events: [], fields: [], indicators: [], exclusions: [] }));
  const fields = catalog.fields.map((f): CatalogField => ({ ...f, rules: [], values: [] }));
  const rules = catalog.rules.map((r): ListedRule => ({ key: r.key, id: r.id, title: r.title, vendor: r.vendor, kind: r.kind, ...(r.status !== undefined ? { status: r.status } : {}) }));
  return { ...catalog, matrix: [], techniques, fields, rules: rules as CatalogRule[] };
}

/**
 * The next batch on the port (null: no more), taken when the worker is ready
 * for it: a message waiting on a port with no listener stays serialized
 * outside the worker's heap until taken. `Atomics.wait` sleeps until the main
 * thread has posted another (it adds to `posted` after each message, so one
 * posted between the check and the wait ends the wait at once).
 */
function nextBatch(req: PagesRequest): string[] | null {
  for (;;) {
    const seen = Atomics.load(req.posted, 0);
    const m = receiveMessageOnPort(req.items);
    if (m) return m.message as string[] | null;
    Atomics.wait(req.posted, 0, seen);
  }
}

/** Worker side: the pages of each element as it arrives (no manifest: the main thread writes it). */
export async function writeOffloadedPages(req: PagesRequest): Promise<PagesReply> {
  try {
    const result: WriteResult = { outDir: req.root, files: 0, bytes: 0, unchanged: 0, removed: 0 };
    const frame = req.frame;
    for (let batch = nextBatch(req); batch; batch = nextBatch(req)) {
      const files: CatalogFile[] = [];
      for (let i = 0; i + 1 < batch.length; i += 2) {
        const key = batch[i]!;
        const element: unknown = JSON.parse(batch[i + 1]!);
        if (key === 'techniques') {
          files.push(techniqueMarkdownFile(frame, element as CatalogTechnique, req.site));
          if (req.site) files.push(techniqueHtmlFile(frame, element as CatalogTechnique));
        } else if (key === 'fields') pushAll(files, fieldPageFiles(frame, element as CatalogField));
      }
      const r = await writeCatalogFiles(req.root, files);
      result.files += r.files;
      result.bytes += r.bytes;
      result.unchanged += r.unchanged;
    }
    return { ok: true, result };
  } catch (e) {
    return { ok: false, error: (e as Error).stack ?? String(e) };
  } finally {
    req.items.close();
  }
}

/** Elements per message, about: enough that posting costs little, few enough that the worker starts early and holds little. */
const BATCH_CHARS = 256 * 1024;

/** The main thread's end of the port: elements batched and posted; the end once `expected` were added (or `end()`). */
function elementStream(expected: number) {
  const { port1, port2 } = new MessageChannel();
  const posted = new Int32Array(new SharedArrayBuffer(4));
  let batch: string[] = [];
  let chars = 0;
  let added = 0;
  let ended = false;
  const post = (m: string[] | null) => {
    port1.postMessage(m);
    Atomics.add(posted, 0, 1);
    Atomics.notify(posted, 0);
  };
  const end = () => {
    if (ended) return;
    ended = true;
    if (batch.length) post(batch);
    batch = [];
    post(null);
  };
  if (expected === 0) end();
  return {
    port: port2,
    posted,
    add(key: string, json: string) {
      if (ended) return;
      batch.push(key, json);
      chars += json.length;
      if (++added === expected) end();
      else if (chars >= BATCH_CHARS) {
        post(batch);
        batch = [];
        chars = 0;
      }
    },
    end,
    close: () => port1.close(),
  };
}

/**
 * `writeCatalog` with the technique and field pages on `worker` (already
 * started, so its start-up overlapped the caller's work). Falls back to one
 * thread when the worker fails, so the output is complete either way. A
 * pretty-printed catalog.json hands no elements over: then everything is
 * written here.
 */
export async function writeCatalogWithWorker(catalog: Catalog, outDir: string, worker: WorkerHandle, options: Pick<WriteOptions, 'site' | 'pretty' | 'catalogRanges'> = {}): Promise<WriteResult> {
  if (options.pretty) return writeCatalog(catalog, outDir, options);
  const site = options.site ?? true;
  const root = resolve(outDir);
  const keys = keysOf(site);
  const stream = elementStream(keys.reduce((n, k) => n + (catalog[k as 'techniques' | 'fields'] as unknown[]).length, 0));
  const request: PagesRequest = { kind: 'pages', root, site, frame: pageFrame(catalog), items: stream.port, posted: stream.posted };
  const pages = worker.request<PagesReply>(request, [stream.port]).catch((e: unknown): PagesReply => ({ ok: false, error: String(e) }));
  let others: WriteResult;
  try {
    others = await writeCatalog(catalog, root, { ...options, site, only: ['others', 'rules'], onJsonElement: (key, _i, json) => (keys.includes(key) ? stream.add(key, json) : undefined) });
    stream.end();
  } catch (e) {
    stream.close();
    throw e;
  }
  // Closed once the worker has taken every batch (a port closed earlier could drop what is still queued).
  const reply = await pages;
  stream.close();
  const mine = reply.ok ? reply.result : await writeCatalog(catalog, root, { ...options, site, only: 'pages', manifest: false });
  return {
    outDir: root,
    files: others.files + mine.files,
    bytes: others.bytes + mine.bytes,
    unchanged: others.unchanged + mine.unchanged,
    removed: others.removed,
    pageWorker: reply.ok ? { files: mine.files } : { failed: firstLine(reply.error) },
  };
}

/** An error's first line (a worker's error comes with its stack). */
function firstLine(text: string): string {
  const nl = text.indexOf('\n');
  return nl < 0 ? text : text.slice(0, nl);
}
