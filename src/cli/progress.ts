/** A progress bar on stderr, only when stderr is a terminal and the work is long enough to need one. */
export function progressBar(label: string): ((done: number, total: number) => void) & { end(): void } {
  const tty = process.stderr.isTTY === true;
  const started = Date.now();
  let last = 0;
  let shown = false;
  const fn = (done: number, total: number) => {
    if (!tty) return;
    const now = Date.now();
    if (now - started < 500 || (now - last < 100 && done < total)) return;
    last = now;
    shown = true;
    const width = 30;
    const filled = total ? Math.round((done / total) * width) : 0;
    process.stderr.write(`\r${label} [${'#'.repeat(filled)}${'.'.repeat(width - filled)}] ${done}/${total}`);
  };
  return Object.assign(fn, {
    end() {
      if (shown) process.stderr.write('\r\x1b[K');
    },
  });
}
