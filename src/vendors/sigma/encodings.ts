/**
 * Byte-level value modifiers: base64, base64offset, wide/utf16le/utf16be/utf16
 * and windash. Semantics follow pySigma `sigma/modifiers.py`; the places where
 * this implementation deliberately differs are listed in docs/semantics/sigma.md.
 */
import type { SStr, StrPart } from './values.js';
import { literalText, mergeParts } from './values.js';

/** The bytes of a string value: UTF-8, or the byte characters after a UTF-16 modifier. */
export function valueBytes(v: SStr): Buffer {
  const text = literalText(v);
  return v.bytes ? Buffer.from(text, 'latin1') : Buffer.from(text, 'utf8');
}

export function base64(v: SStr): string {
  return valueBytes(v).toString('base64');
}

/**
 * The three base64 renderings of a value placed at byte offsets 0, 1 and 2 of
 * the encoded stream, with the characters that depend on unknown neighbours
 * cut off (pySigma `SigmaBase64OffsetModifier`). The cut uses the byte length;
 * pySigma uses the character count, which is the same for ASCII and wrong
 * otherwise.
 */
const START_OFFSETS = [0, 2, 3];
const END_OFFSETS = [undefined, -3, -2];
export function base64Offsets(v: SStr): string[] {
  const bytes = valueBytes(v);
  const out: string[] = [];
  for (let i = 0; i < 3; i++) {
    const enc = Buffer.concat([Buffer.alloc(i, 0x20), bytes]).toString('base64');
    const end = END_OFFSETS[(bytes.length + i) % 3];
    out.push(enc.slice(START_OFFSETS[i], end));
  }
  return out;
}

export type Utf16Kind = 'le' | 'be' | 'bom';

/**
 * Re-encode the literal parts as UTF-16 bytes (one character per byte);
 * wildcards stay wildcards. `bom` prefixes the UTF-16LE byte order mark FF FE.
 */
export function utf16(v: SStr, kind: Utf16Kind): SStr {
  const parts: StrPart[] = [];
  if (kind === 'bom') parts.push({ t: 'lit', s: '\xff\xfe' });
  for (const p of v.parts) {
    if (p.t !== 'lit') {
      parts.push(p);
      continue;
    }
    // A value that is already bytes is re-encoded byte by byte (pySigma would do the same on its str).
    const units = p.s;
    let s = '';
    for (let i = 0; i < units.length; i++) {
      const c = units.charCodeAt(i);
      const lo = String.fromCharCode(c & 0xff);
      const hi = String.fromCharCode(c >> 8);
      s += kind === 'be' ? hi + lo : lo + hi;
    }
    parts.push({ t: 'lit', s });
  }
  return { ...v, parts: mergeParts(parts), bytes: true };
}

/**
 * windash: every `-` or `/` that follows a non-word character (or the start of
 * a literal part) and precedes a word character (Python `\B[-/]\b`) becomes
 * each of `-`, `/`, en dash, em dash and horizontal bar; several positions give
 * the full Cartesian product, in pySigma's order.
 */
const WINDASH_RE = /(?<![\p{L}\p{N}_])[-/](?=[\p{L}\p{N}_])/gu;
export const WINDASH_CHARS = ['-', '/', '\u2013', '\u2014', '\u2015'];

/** Number of windash positions (to bound the product before building it). */
export function windashCount(v: SStr): number {
  let n = 0;
  for (const p of v.parts) if (p.t === 'lit') n += (p.s.match(WINDASH_RE) ?? []).length;
  return n;
}

export function windash(v: SStr): SStr[] {
  // Split the value into segments: fixed parts and dash slots.
  type Seg = { fixed: StrPart } | { slot: true };
  const segs: Seg[] = [];
  for (const p of v.parts) {
    if (p.t !== 'lit') {
      segs.push({ fixed: p });
      continue;
    }
    let last = 0;
    WINDASH_RE.lastIndex = 0;
    for (let m = WINDASH_RE.exec(p.s); m; m = WINDASH_RE.exec(p.s)) {
      if (m.index > last) segs.push({ fixed: { t: 'lit', s: p.s.slice(last, m.index) } });
      segs.push({ slot: true });
      last = m.index + 1;
    }
    if (last < p.s.length) segs.push({ fixed: { t: 'lit', s: p.s.slice(last) } });
  }
  let variants: StrPart[][] = [[]];
  for (const seg of segs) {
    if ('fixed' in seg) {
      for (const v2 of variants) v2.push(seg.fixed);
    } else {
      const next: StrPart[][] = [];
      for (const v2 of variants) for (const ch of WINDASH_CHARS) next.push([...v2, { t: 'lit', s: ch }]);
      variants = next;
    }
  }
  return variants.map((parts) => ({ ...v, parts: mergeParts(parts) }));
}
