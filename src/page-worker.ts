/**
 * Entry of the page worker thread (dist/page-worker.js): the technique and
 * field pages of the site (src/render/offload.ts). Apart from the loader's
 * worker entry (src/worker.ts), so that this thread loads the renderers alone
 * and none of the parsers, grammars and seed tables: an idle page worker adds
 * 18–19 MB to the process, one with the loader's entry 25 MB. That counts on
 * 2 cores, where the build with it runs near its 500 MB budget
 * (docs/performance.md, "Threads").
 */
import { parentPort } from 'node:worker_threads';
import { writeOffloadedPages, type PagesRequest } from './render/offload.js';

parentPort?.on('message', (msg: PagesRequest) => {
  void writeOffloadedPages(msg).then((r) => parentPort!.postMessage(r));
});
