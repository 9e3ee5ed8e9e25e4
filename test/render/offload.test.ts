// The page worker's main side (src/render/offload.ts): what it sends, and that a failing worker still
// leaves the whole output (written on the calling thread). The worker side runs in dist/worker.js and
// is compared byte for byte with one thread in test/loader/parallel.test.ts.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { buildCatalog } from '../../src/catalog/build.js';
import type { WorkerHandle } from '../../src/core/worker-thread.js';
import { pageFrame, writeCatalogWithWorker, type PagesRequest } from '../../src/render/offload.js';
import { fieldPageFiles, techniqueHtmlFile, techniqueMarkdownFile, writeCatalog, type CatalogFile } from '../../src/render/write.js';
import { ATTACK, EVENTS, smallCorpus } from '../catalog/fixtures.js';
import { listFiles, tempDirs } from '../helpers/out-dirs.js';
import { hostileRules } from './hostile.js';

const tmp = tempDirs('ruleatlas-offload-');

describe('technique and field pages on a worker', () => {
  const cat = buildCatalog(smallCorpus(), { attack: ATTACK, events: EVENTS });

  it('sends a frame of headers and listed rules, without any element’s rows', () => {
    const frame = pageFrame(cat);
    expect(frame.techniques.map((t) => t.slug)).toEqual(cat.techniques.map((t) => t.slug));
    expect(frame.techniques.every((t) => !t.rules.length && !t.indicators.length && !t.exclusions.length && !t.fields.length && !t.events.length)).toBe(true);
    expect(frame.fields.every((f) => !f.values.length && !f.rules.length)).toBe(true);
    expect(frame.rules.map((r) => Object.keys(r).sort())).toEqual(cat.rules.map((r) => ['id', 'key', 'kind', ...(r.status !== undefined ? ['status'] : []), 'title', 'vendor']));
    expect(frame.matrix).toEqual([]);
    // The catalog itself is left as it was.
    expect(cat.techniques.some((t) => t.rules.length)).toBe(true);
  });

  it('renders each technique and field page from the frame and the element’s JSON as from the whole catalog', () => {
    for (const c of [cat, buildCatalog([...smallCorpus(), ...hostileRules()], { attack: ATTACK, events: EVENTS })]) {
      const frame = pageFrame(structuredClone(c));
      const bytes = (f: CatalogFile) => {
        const d = f.make();
        return typeof d === 'string' ? Buffer.from(d) : d instanceof Uint8Array ? Buffer.from(d) : Buffer.concat([...d]);
      };
      const same = (a: CatalogFile, b: CatalogFile) => {
        expect(a.rel).toBe(b.rel);
        expect(bytes(a).equals(bytes(b)), a.rel).toBe(true);
      };
      for (const t of c.techniques) {
        const sent = JSON.parse(JSON.stringify(t)) as typeof t;
        for (const site of [true, false]) same(techniqueMarkdownFile(frame, sent, site), techniqueMarkdownFile(c, t, site));
        same(techniqueHtmlFile(frame, sent), techniqueHtmlFile(c, t));
      }
      for (const f of c.fields) {
        const mine = fieldPageFiles(frame, JSON.parse(JSON.stringify(f)) as typeof f);
        const whole = fieldPageFiles(c, f);
        expect(mine).toHaveLength(whole.length);
        mine.forEach((m, i) => same(m, whole[i]!));
      }
    }
  });

  for (const site of [true, false]) {
    it(`writes the whole output on the calling thread when the worker fails (${site ? 'with' : 'without'} the site)`, async () => {
      const one = tmp();
      const two = tmp();
      await writeCatalog(cat, one, { site });
      let sent: PagesRequest | null = null;
      const failing: WorkerHandle = {
        request: <Reply>(msg: unknown) => {
          sent = msg as PagesRequest;
          return Promise.reject(new Error('worker died')) as Promise<Reply>;
        },
        stop: async () => undefined,
      };
      const r = await writeCatalogWithWorker(cat, two, failing, { site });
      expect(sent!.kind).toBe('pages');
      expect(sent!.site).toBe(site);
      expect(listFiles(two)).toEqual(listFiles(one));
      for (const f of listFiles(one)) expect(readFileSync(join(two, f)).equals(readFileSync(join(one, f))), f).toBe(true);
      expect(r.files).toBe(listFiles(one).length - 1);
      expect(r.pageWorker).toEqual({ failed: 'Error: worker died' });
    });
  }
});
