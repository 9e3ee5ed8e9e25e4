/**
 * UTF-8 encoding into shared slabs. `Buffer.from(string)` measures the string,
 * then allocates a new ArrayBuffer for anything over 4 KB; the pages of a site
 * are tens of thousands of such strings. Here each string is written straight
 * into the free end of a 1 MB slab and returned as a view of it: no second pass
 * over the text and one allocation per megabyte. A slab is never written twice,
 * so a view stays valid for as long as it is kept. Views share their slab's
 * ArrayBuffer: copy one before putting it in a postMessage transfer list.
 */

const SLAB = 1 << 20;
/** Longest string (UTF-16 code units) encoded in one piece: its worst case (3 bytes a unit) fits a quarter slab. */
const PIECE = Math.floor(SLAB / 12);
let slab = Buffer.allocUnsafe(0);
let used = 0;

function piece(s: string): Buffer {
  // A UTF-16 code unit takes at most 3 bytes in UTF-8.
  const worst = s.length * 3;
  if (slab.length - used < worst) {
    slab = Buffer.allocUnsafe(SLAB);
    used = 0;
  }
  const n = slab.write(s, used, 'utf8');
  const b = slab.subarray(used, used + n);
  used += n;
  return b;
}

/** `Buffer.from(s)` (the same bytes), as a view into a shared slab; for short strings. */
export function utf8(s: string): Buffer {
  return s.length <= PIECE ? piece(s) : Buffer.from(s);
}

/**
 * The UTF-8 bytes of `s` appended to `out` in pieces of at most 256 KB, never
 * splitting a surrogate pair (a long string is encoded as views of slices,
 * without a copy of the whole text).
 */
export function pushUtf8(out: Uint8Array[], s: string): void {
  if (s.length <= PIECE) {
    if (s.length) out.push(piece(s));
    return;
  }
  for (let i = 0; i < s.length; ) {
    let end = Math.min(s.length, i + PIECE);
    // Do not cut between a high and a low surrogate.
    if (end < s.length) {
      const c = s.charCodeAt(end - 1);
      if (c >= 0xd800 && c <= 0xdbff) end--;
    }
    out.push(piece(s.slice(i, end)));
    i = end;
  }
}
