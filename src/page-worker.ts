/**
 * Entry of the page worker thread (dist/page-worker.js): the technique and
 * field pages of the site (src/render/offload.ts). Apart from the loader's
 * worker entry (src/worker.ts), so that this thread loads the renderers alone
 * and none of the parsers, grammars and seed tables: 14 MB less on the 2-core
 * machine, where the build's memory with it is close to its 500 MB budget
 * (docs/performance.md, "Threads").
 */
import { parentPort } from 'node:worker_threads';
import { writeOffloadedPages, type PagesRequest } from './render/offload.js';

parentPort?.on('message', (msg: PagesRequest) => {
  void writeOffloadedPages(msg).then((r) => parentPort!.postMessage(r));
});
