/**
 * Entry of the loader's worker threads (dist/worker.js): a shard of the
 * loader (src/loader/worker.ts). A loading worker the build keeps once its
 * shard is done (`LoadOptions.keepWorker`) is then sent the technique pages
 * to write (src/render/offload.ts): the renderers are imported only then, so
 * that a worker that only loads does not load them. The page worker proper
 * has its own entry (src/page-worker.ts).
 */
import { parentPort } from 'node:worker_threads';
import type { PagesReply, PagesRequest } from './render/offload.js';
import { handleShard, type WorkerRequest } from './loader/worker.js';
import { collectGarbageNow } from './core/collect-garbage.js';

async function writePages(msg: PagesRequest): Promise<PagesReply> {
  try {
    const { writeOffloadedPages } = await import('./render/offload.js');
    return await writeOffloadedPages(msg);
  } catch (e) {
    return { ok: false, error: (e as Error).stack ?? String(e) };
  }
}

parentPort?.on('message', (msg: WorkerRequest | PagesRequest) => {
  if (msg.kind === 'pages') {
    void writePages(msg).then((r) => parentPort!.postMessage(r));
    return;
  }
  const kept = msg.kept === true;
  void handleShard(msg).then((r) => {
    parentPort!.postMessage(r);
    // A kept thread (`LoadOptions.keepWorker`) idles until its next request: it gives back the
    // parse's heap now. On the next turn, once the settled promises no longer hold the reply (the
    // rules' JSON, 28 MB on the three corpora).
    if (kept) setImmediate(collectGarbageNow);
  });
});
