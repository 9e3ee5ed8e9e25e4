/**
 * Entry of the worker threads (dist/worker.js): a shard of the loader
 * (src/loader/worker.ts) or the rule and field pages of the site
 * (src/render/offload.ts), chosen by the message's `kind`.
 */
import { parentPort } from 'node:worker_threads';
import { handleShard, type WorkerRequest } from './loader/worker.js';
import { writeOffloadedPages, type PagesReply, type PagesRequest } from './render/offload.js';

parentPort?.on('message', (msg: WorkerRequest | PagesRequest) => {
  if (msg.kind === 'pages') {
    let reply: PagesReply;
    try {
      reply = writeOffloadedPages(msg);
    } catch (e) {
      reply = { ok: false, error: (e as Error).stack ?? String(e) };
    }
    parentPort!.postMessage(reply);
  } else void handleShard(msg).then((reply) => parentPort!.postMessage(reply));
});
