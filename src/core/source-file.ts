/**
 * A rule file in memory: its path, decoded text and a line index for
 * offset -> line/column. Decoding handles the UTF-8 BOM and UTF-16 (with a
 * BOM), and refuses binary content, so parsers only ever see text.
 */
import { Buffer, isAscii, isUtf8 } from 'node:buffer';

export interface Position {
  line: number;
  column: number;
}

export class SourceFile {
  private lineStarts: number[] | null = null;
  constructor(
    readonly path: string,
    readonly text: string,
  ) {}

  /** 1-based line and column of a 0-based offset. */
  position(offset: number): Position {
    const starts = (this.lineStarts ??= computeLineStarts(this.text));
    let lo = 0;
    let hi = starts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (starts[mid]! <= offset) lo = mid;
      else hi = mid - 1;
    }
    return { line: lo + 1, column: offset - starts[lo]! + 1 };
  }

  /** 0-based offset of a 1-based line's first character. */
  lineOffset(line: number): number {
    const starts = (this.lineStarts ??= computeLineStarts(this.text));
    return starts[Math.min(Math.max(line - 1, 0), starts.length - 1)]!;
  }
}

export function computeLineStarts(text: string): number[] {
  const starts = [0];
  // indexOf runs natively: much faster than a character loop on multi-megabyte files.
  if (text.indexOf('\r') < 0) {
    for (let i = text.indexOf('\n'); i >= 0; i = text.indexOf('\n', i + 1)) starts.push(i + 1);
    return starts;
  }
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 10) starts.push(i + 1);
    else if (c === 13) {
      if (text.charCodeAt(i + 1) === 10) i++;
      starts.push(i + 1);
    }
  }
  return starts;
}

export type DecodeResult = { ok: true; text: string; encoding: string } | { ok: false; reason: string };

/** Decode file bytes: UTF-8 (BOM stripped), UTF-16 LE/BE with BOM; NUL bytes in UTF-8 mean binary. */
export function decodeBytes(buf: Uint8Array): DecodeResult {
  if (buf.length >= 2 && buf[0] === 0xff && buf[1] === 0xfe) return { ok: true, text: new TextDecoder('utf-16le').decode(buf.subarray(2)), encoding: 'utf-16le' };
  if (buf.length >= 2 && buf[0] === 0xfe && buf[1] === 0xff) return { ok: true, text: new TextDecoder('utf-16be').decode(buf.subarray(2)), encoding: 'utf-16be' };
  let start = 0;
  if (buf.length >= 3 && buf[0] === 0xef && buf[1] === 0xbb && buf[2] === 0xbf) start = 3;
  const body = buf.subarray(start);
  // Heuristic for BOM-less UTF-16: many NULs at odd or even positions.
  if (body.indexOf(0) !== -1) {
    let evenNul = 0;
    let oddNul = 0;
    const n = Math.min(body.length, 4096);
    for (let i = 0; i < n; i++) if (body[i] === 0) (i % 2 ? oddNul++ : evenNul++);
    if (oddNul > n / 4 && evenNul === 0) return { ok: true, text: new TextDecoder('utf-16le').decode(body), encoding: 'utf-16le' };
    if (evenNul > n / 4 && oddNul === 0) return { ok: true, text: new TextDecoder('utf-16be').decode(body), encoding: 'utf-16be' };
    return { ok: false, reason: 'binary content (NUL bytes)' };
  }
  const encoding = start ? 'utf-8-bom' : 'utf-8';
  // Most rule files are pure ASCII: a native check and a Latin-1 copy are several times cheaper
  // than a cold fatal UTF-8 decoder, and give the same (one-byte) string.
  const bytes = Buffer.from(body.buffer, body.byteOffset, body.byteLength);
  if (isAscii(bytes)) return { ok: true, text: bytes.toString('latin1'), encoding };
  // Validated natively, then decoded; as the fatal TextDecoder did, one more BOM at the start is dropped.
  if (!isUtf8(bytes)) return { ok: false, reason: 'not valid UTF-8 or UTF-16 text' };
  const text = bytes.toString('utf8');
  return { ok: true, text: text.charCodeAt(0) === 0xfeff ? text.slice(1) : text, encoding };
}
