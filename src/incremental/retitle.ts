/**
 * What a rebuild of the web site patches in place when changed rules only
 * changed their titles (src/incremental/rebuild.ts, `rowsOnly`): a page
 * other than the rule's own shows a rule's title in its link alone
 * (`ruleLinkMarkup`, the only markup that prints it), and the search data in
 * the rule's row alone (`searchRuleRowBytes`). Both hold the rule's page
 * name, unique among the rules, so the previous bytes of either occur
 * nowhere else: replacing them is what rendering the page again would give,
 * without computing the page.
 */
import type { ListedRule } from '../render/lookup.js';
import { ruleLinkMarkup } from '../render/site/pages.js';
import { searchRuleRowBytes } from '../render/site/search-data.js';

/** One rule's title change: its link and search row before and after. */
export interface Retitle {
  link: [Buffer, Buffer];
  row: [Buffer, Buffer];
}

/** The bytes that change for a rule listed as `before`, now `after` (same key and id). */
export function retitle(before: ListedRule, after: ListedRule): Retitle {
  // Field and technique pages are one folder deep.
  return {
    link: [Buffer.from(ruleLinkMarkup(1, before)), Buffer.from(ruleLinkMarkup(1, after))],
    row: [searchRuleRowBytes(before), searchRuleRowBytes(after)],
  };
}

/** `buf` with every occurrence of each `[from, to]` replaced (left to right, not overlapping); null when none occurs. */
export function replaceEvery(buf: Buffer, pairs: readonly (readonly [Buffer, Buffer])[]): Buffer | null {
  let cur = buf;
  let any = false;
  for (const [from, to] of pairs) {
    let at = cur.indexOf(from);
    if (at < 0) continue;
    any = true;
    const parts: Buffer[] = [];
    let prev = 0;
    while (at >= 0) {
      parts.push(cur.subarray(prev, at), to);
      prev = at + from.length;
      at = cur.indexOf(from, prev);
    }
    parts.push(cur.subarray(prev));
    cur = Buffer.concat(parts);
  }
  return any ? cur : null;
}

/** How many times `part` occurs in `buf` (not overlapping). */
export function occurrences(buf: Buffer, part: Buffer): number {
  let n = 0;
  for (let at = buf.indexOf(part); at >= 0; at = buf.indexOf(part, at + part.length)) n++;
  return n;
}

/** The output names among `rels` that are pages of the fields named `slugs` (`fields/<slug>.html`, `fields/<slug>~N.html`). */
export function fieldPageRels(rels: readonly string[], slugs: ReadonlySet<string>): string[] {
  const out: string[] = [];
  for (const rel of rels) {
    const m = /^fields\/([^/~]+)(?:~\d+)?\.html$/.exec(rel);
    if (m && slugs.has(m[1]!)) out.push(rel);
  }
  return out;
}
