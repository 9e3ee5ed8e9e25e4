/**
 * Worker-thread entry of the parallel loader: parses the files it is sent
 * with the vendor states it is sent, and posts the results back in order.
 */
import { parentPort } from 'node:worker_threads';
import type { Vendor } from '../ast/schema.js';
import type { ParseOptions } from '../vendors/types.js';
import { parseJob, type ParseJob } from './parse-files.js';

export interface WorkerRequest {
  jobs: ParseJob[];
  states: Partial<Record<Vendor, unknown>>;
  opts: Partial<Record<Vendor, ParseOptions>>;
}

parentPort?.on('message', (req: WorkerRequest) => {
  const results = req.jobs.map((job) => parseJob(job, req.states[job.role.vendor], req.opts[job.role.vendor]!));
  parentPort!.postMessage(results);
});
