/**
 * One reused buffer for synchronous reads that do not keep what they read
 * (comparing a file's bytes, copying ranges between files, reading a file a
 * line at a time). On the virtual machines builds run on, the first write to a
 * page of memory costs several times what reading a page from the page cache
 * does (docs/performance.md, "Fresh memory"): a file read through this buffer
 * costs its pages once per process, instead of once per file into a new
 * buffer. Only synchronous code may use it, and none may hold it across a call
 * to another user.
 */
export const SCRATCH_BYTES = 1 << 20;
let scratchBuf: Buffer | undefined;

/** The shared buffer (`SCRATCH_BYTES` long). */
export function scratch(): Buffer {
  return (scratchBuf ??= Buffer.allocUnsafe(SCRATCH_BYTES));
}
