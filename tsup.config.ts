import { createHash } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { defineConfig } from 'tsup';

/**
 * The fingerprint of the code being bundled: the SHA-256 of every source file
 * (src/, generated parsers included), of the seed tables (seeds/) and of
 * package.json. Caches and build
 * snapshots are tied to it (src/loader/cache.ts `codeFingerprint`); computed
 * here once, so that a cached run does not hash the bundle at start.
 */
function sourceFingerprint(): string {
  const h = createHash('sha256');
  const files: string[] = [];
  const walk = (dir: string) => {
    for (const e of readdirSync(dir, { withFileTypes: true })) {
      const p = join(dir, e.name);
      if (e.isDirectory()) walk(p);
      else if (/\.(js|ts|json)$/.test(e.name) && !e.name.endsWith('.d.ts')) files.push(p);
    }
  };
  walk('src');
  // The data tables the code reads at run time (field mappings, ATT&CK, the event catalog) are code too.
  walk('seeds');
  files.push('package.json');
  for (const f of files.sort()) {
    h.update(relative('.', f));
    h.update('\u0000');
    h.update(readFileSync(f));
  }
  return h.digest('hex');
}
const define = { __RULEATLAS_CODE_FINGERPRINT__: JSON.stringify(sourceFingerprint()) };

// Library (ESM + CJS with type declarations), the CLI, and the worker entries:
// the parallel loader's and the page worker's (apart, so that the page worker
// loads the renderers alone). Generated Peggy parsers live in src/generated/
// (built by `npm run grammars`, never committed) and are bundled in.
export default defineConfig([
  {
    entry: { index: 'src/index.ts' },
    format: ['esm', 'cjs'],
    dts: true,
    sourcemap: true,
    clean: true,
    // import.meta.url in the CJS build (the parallel loader finds dist/worker.js with it).
    shims: true,
    target: 'node20',
    platform: 'node',
    define,
  },
  {
    entry: { cli: 'src/cli/main.ts', worker: 'src/worker.ts', 'page-worker': 'src/page-worker.ts' },
    format: ['esm'],
    sourcemap: true,
    target: 'node20',
    platform: 'node',
    banner: { js: '#!/usr/bin/env node' },
    define,
  },
]);
