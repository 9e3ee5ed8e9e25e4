import { defineConfig } from 'tsup';

// Library (ESM + CJS with type declarations), the CLI, and the worker entry
// used by the parallel loader. Generated Peggy parsers live in src/generated/
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
  },
  {
    entry: { cli: 'src/cli/main.ts', worker: 'src/worker.ts' },
    format: ['esm'],
    sourcemap: true,
    target: 'node20',
    platform: 'node',
    banner: { js: '#!/usr/bin/env node' },
  },
]);
