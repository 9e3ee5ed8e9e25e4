/**
 * Rule pages and field pages on a worker thread. They are two thirds of the
 * site's files and only need the rules, the fields and the techniques' ids,
 * slugs and names, so the main thread sends those as JSON text (the rules'
 * JSON is made for catalog.json anyway; strings are copied in one piece) and
 * writes every other file itself meanwhile. The pages come from the same
 * functions as on one thread (src/render/site/pages.ts), over a catalog that
 * holds exactly what those pages read, so they are byte for byte the same.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import type { Catalog, CatalogField, CatalogRule } from '../catalog/schema.js';
import { fieldPage, fieldPageCount, fieldPageFile, rulePage } from './site/pages.js';
import { safeOutputPath } from './write.js';

/** What the worker needs: everything as text or small records. */
export interface PagesRequest {
  kind: 'pages';
  root: string;
  /** JSON of each `catalog.rules` entry, in order. */
  rules: string[];
  /** JSON of `catalog.fields`. */
  fields: string;
  techniques: { id: string; slug: string; name: string | null }[];
}

export type PagesReply = { ok: true; bytes: number; files: number } | { ok: false; error: string };

/** Relative paths of the pages a worker writes (rule pages, field pages), in writing order. */
export function offloadedPages(catalog: Pick<Catalog, 'rules' | 'fields'>): string[] {
  const out: string[] = [];
  for (const r of catalog.rules) out.push(`rules/${r.key}.html`);
  for (const f of catalog.fields) for (let n = 1; n <= fieldPageCount(f); n++) out.push(`fields/${fieldPageFile(f.slug, n)}`);
  return out;
}

/** The request for `catalog`: `rulesJson` is `catalog.rules` as JSON, one string per rule. */
export function pagesRequest(catalog: Catalog, root: string, rulesJson: string[]): PagesRequest {
  return {
    kind: 'pages',
    root,
    rules: rulesJson,
    fields: JSON.stringify(catalog.fields),
    techniques: catalog.techniques.map((t) => ({ id: t.id, slug: t.slug, name: t.name })),
  };
}

/** Worker side: rebuild the part of the catalog the pages read, render and write them. */
export function writeOffloadedPages(req: PagesRequest): PagesReply {
  const rules = req.rules.map((s) => JSON.parse(s) as CatalogRule);
  const fields = JSON.parse(req.fields) as CatalogField[];
  // Only rules, fields and the techniques' id/slug/name are read by rule and field pages.
  const catalog = { rules, fields, techniques: req.techniques } as unknown as Catalog;
  const made = new Set<string>();
  let bytes = 0;
  let files = 0;
  const write = (rel: string, text: string) => {
    const abs = safeOutputPath(req.root, rel);
    const dir = dirname(abs);
    if (!made.has(dir)) {
      mkdirSync(dir, { recursive: true });
      made.add(dir);
    }
    const data = Buffer.from(text);
    writeFileSync(abs, data);
    bytes += data.length;
    files++;
  };
  for (const r of rules) write(`rules/${r.key}.html`, rulePage(catalog, r));
  for (const f of fields) for (let n = 1; n <= fieldPageCount(f); n++) write(`fields/${fieldPageFile(f.slug, n)}`, fieldPage(catalog, f, n));
  return { ok: true, bytes, files };
}
