/**
 * Entry of the worker threads (dist/worker.js): a shard of the loader
 * (src/loader/worker.ts) or the technique and field pages
 * (src/render/offload.ts), chosen by the message's `kind`.
 */
import { parentPort } from 'node:worker_threads';
import { handleShard, type WorkerReply, type WorkerRequest } from './loader/worker.js';
import { writeOffloadedPages, type PagesReply, type PagesRequest } from './render/offload.js';

parentPort?.on('message', (msg: WorkerRequest | PagesRequest) => {
  const reply: Promise<WorkerReply | PagesReply> = msg.kind === 'pages' ? writeOffloadedPages(msg) : handleShard(msg);
  void reply.then((r) => parentPort!.postMessage(r));
});
