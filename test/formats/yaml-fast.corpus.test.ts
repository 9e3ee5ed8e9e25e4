/**
 * The fast YAML reader against the js-yaml path on every .yml / .yaml file
 * of the real corpora (../shared/corpora: Sigma rules and their other YAML,
 * Splunk detections, macros, stories, data sources, lookups…): wherever the
 * fast reader does not fall back, values, position trees (Map entries in
 * order), document offsets and diagnostics are identical, with and without
 * positions; and it falls back on few files (the reasons are printed).
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { beforeAll, expect, it } from 'vitest';
import { CORPORA, describeCorpus } from '../helpers/corpora.js';
import { compareWithSlow } from './yaml-fast.compare.js';

function yamlFiles(dir: string, out: string[] = []): string[] {
  for (const e of readdirSync(dir, { withFileTypes: true }).sort((a, b) => (a.name < b.name ? -1 : 1))) {
    const p = join(dir, e.name);
    if (e.isDirectory()) yamlFiles(p, out);
    else if (/\.ya?ml$/i.test(e.name)) out.push(p);
  }
  return out;
}

describeCorpus('fast YAML reader on the corpora', () => {
  const diffs: string[] = [];
  const fallbacks = new Map<string, string[]>();
  const counts = new Map<string, { files: number; fallbacks: number }>();
  beforeAll(() => {
    for (const f of yamlFiles(CORPORA)) {
      const rel = relative(CORPORA, f);
      const vendor = rel.split(/[\\/]/)[0]!;
      const c = counts.get(vendor) ?? { files: 0, fallbacks: 0 };
      counts.set(vendor, c);
      c.files++;
      const r = compareWithSlow(readFileSync(f, 'utf8'));
      if (r.diff) diffs.push(`${rel}: ${r.diff.slice(0, 2000)}`);
      if (r.fallback) {
        c.fallbacks++;
        fallbacks.set(r.fallback, [...(fallbacks.get(r.fallback) ?? []), rel]);
      }
    }
    // eslint-disable-next-line no-console
    console.log(
      `[yaml-fast] ${[...counts].map(([v, c]) => `${v}: ${c.fallbacks} of ${c.files} files fell back`).join('; ')}` +
        [...fallbacks].map(([reason, files]) => `\n  ${reason}: ${files.length} (${files.slice(0, 3).join(', ')})`).join(''),
    );
  }, 600_000);

  it('reads every file it accepts exactly as the js-yaml path does', () => {
    expect(diffs).toEqual([]);
  });

  it('falls back on under 1% of the Sigma files and of all files', () => {
    const sigma = counts.get('sigma');
    expect(sigma?.files ?? 0).toBeGreaterThan(1000);
    expect(sigma!.fallbacks / sigma!.files).toBeLessThan(0.01);
    let files = 0;
    let fell = 0;
    for (const c of counts.values()) {
      files += c.files;
      fell += c.fallbacks;
    }
    expect(fell / files).toBeLessThan(0.01);
  });
});
