import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { computeLineStarts, decodeBytes, SourceFile } from '../../src/core/source-file.js';

describe('SourceFile positions', () => {
  it('maps offsets to 1-based lines and columns with LF, CRLF and CR', () => {
    const f = new SourceFile('x', 'ab\ncd\r\nef\rgh');
    expect(f.position(0)).toEqual({ line: 1, column: 1 });
    expect(f.position(3)).toEqual({ line: 2, column: 1 });
    expect(f.position(7)).toEqual({ line: 3, column: 1 });
    expect(f.position(10)).toEqual({ line: 4, column: 1 });
    expect(f.lineOffset(3)).toBe(7);
  });

  it('agrees with a naive count on random text', () => {
    fc.assert(
      fc.property(fc.string({ unit: fc.constantFrom('a', '\n', 'b') }), fc.nat(), (text, k) => {
        const off = text.length ? k % text.length : 0;
        const before = text.slice(0, off);
        const line = before.split('\n').length;
        const column = off - (before.lastIndexOf('\n') + 1) + 1;
        expect(new SourceFile('x', text).position(off)).toEqual({ line, column });
      }),
      { seed: 3, numRuns: 300 },
    );
  });
});

describe('decodeBytes', () => {
  const enc = (s: string) => new TextEncoder().encode(s);
  it('strips a UTF-8 BOM', () => {
    expect(decodeBytes(new Uint8Array([0xef, 0xbb, 0xbf, ...enc('a: 1')]))).toEqual({ ok: true, text: 'a: 1', encoding: 'utf-8-bom' });
  });
  it('reads UTF-16 with and without BOM', () => {
    const le = Buffer.from('title: x\n', 'utf16le');
    expect(decodeBytes(new Uint8Array([0xff, 0xfe, ...le]))).toMatchObject({ ok: true, text: 'title: x\n', encoding: 'utf-16le' });
    expect(decodeBytes(new Uint8Array(le))).toMatchObject({ ok: true, text: 'title: x\n', encoding: 'utf-16le' });
    const be = Buffer.from(le).swap16();
    expect(decodeBytes(new Uint8Array([0xfe, 0xff, ...be]))).toMatchObject({ ok: true, text: 'title: x\n', encoding: 'utf-16be' });
  });
  it('refuses binary and invalid UTF-8', () => {
    expect(decodeBytes(new Uint8Array([0x7f, 0x45, 0x4c, 0x46, 0, 1, 2, 0, 0, 0]))).toMatchObject({ ok: false });
    expect(decodeBytes(new Uint8Array([0x61, 0xff, 0x62]))).toMatchObject({ ok: false });
  });
  it('decodes UTF-8 exactly as a fatal TextDecoder does (ASCII and native fast paths)', () => {
    // Random byte strings biased towards UTF-8 edge cases: multi-byte sequences, truncations,
    // overlongs, surrogates, BOMs (a second BOM after the first is dropped too), plain ASCII.
    const pieces = [
      [0x61], [0x0a], [0x20], [0xc3, 0xa9], [0xe2, 0x80, 0x99], [0xf0, 0x9f, 0x98, 0x80], [0xef, 0xbb, 0xbf],
      [0xc3], [0xe2, 0x80], [0xc0, 0xaf], [0xed, 0xa0, 0x80], [0xf4, 0x90, 0x80, 0x80], [0xff], [0x80], [0xef, 0xbf, 0xbe],
    ];
    let seed = 12345;
    const rand = (n: number) => ((seed = (seed * 1103515245 + 12345) & 0x7fffffff), seed % n);
    const fatal = new TextDecoder('utf-8', { fatal: true });
    for (let i = 0; i < 3000; i++) {
      const bytes: number[] = [];
      const n = rand(12);
      for (let j = 0; j < n; j++) bytes.push(...pieces[rand(i % 3 === 0 ? 3 : pieces.length)]!);
      const buf = new Uint8Array(bytes);
      const got = decodeBytes(buf);
      const body = buf[0] === 0xef && buf[1] === 0xbb && buf[2] === 0xbf ? buf.subarray(3) : buf;
      let want: string | null;
      try {
        want = fatal.decode(body);
      } catch {
        want = null;
      }
      if (want === null) expect(got.ok, `bytes ${bytes}`).toBe(false);
      else expect(got, `bytes ${bytes}`).toMatchObject({ ok: true, text: want });
    }
  });
});

describe('computeLineStarts', () => {
  // The reference: one character at a time, CRLF, CR and LF each ending a line.
  const reference = (text: string): number[] => {
    const starts = [0];
    for (let i = 0; i < text.length; i++) {
      const c = text[i];
      if (c === '\n') starts.push(i + 1);
      else if (c === '\r') {
        if (text[i + 1] === '\n') i++;
        starts.push(i + 1);
      }
    }
    return starts;
  };
  it('agrees with a character-by-character scan on random texts with LF, CR and CRLF', () => {
    let seed = 7;
    const rnd = () => ((seed = (seed * 1103515245 + 12345) & 0x7fffffff) / 0x7fffffff);
    const alphabet = ['a', 'b', ' ', '\n', '\r', '\r\n', 'é'];
    for (let n = 0; n < 2000; n++) {
      const parts: string[] = [];
      const len = Math.floor(rnd() * 40);
      // Half of the texts without any CR (the fast path).
      const pool = n % 2 ? alphabet : alphabet.filter((c) => !c.includes('\r'));
      for (let i = 0; i < len; i++) parts.push(pool[Math.floor(rnd() * pool.length)]!);
      const text = parts.join('');
      expect(computeLineStarts(text), JSON.stringify(text)).toEqual(reference(text));
    }
  });
});
