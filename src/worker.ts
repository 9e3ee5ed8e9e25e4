/**
 * Entry of the loader's worker threads (dist/worker.js): a shard of the
 * loader (src/loader/worker.ts). The page worker has its own entry
 * (src/page-worker.ts).
 */
import { parentPort } from 'node:worker_threads';
import { handleShard, type WorkerRequest } from './loader/worker.js';

parentPort?.on('message', (msg: WorkerRequest) => {
  void handleShard(msg).then((r) => parentPort!.postMessage(r));
});
