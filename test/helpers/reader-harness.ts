/**
 * What the tests of the hand-written query readers share (test/elastic/kql-,
 * eql- and esql-reader.test.ts, test/splunk/spl-reader.test.ts): comparing a reader with its generated parser on one
 * input, the property over mutated corner cases, and the corpus's queries of
 * one language.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { expect } from 'vitest';
import { loadCorpus } from '../../src/loader/load.js';

export interface Agreement {
  /** The generated parser's tree as text, or null when it reports an error. */
  generated(text: string): string | null;
  /** Whether the reader gives what the generated parser gives (the tree as text, or null for an error). */
  same(text: string): boolean;
  /** `same`, as an assertion that shows the input. */
  check(text: string): void;
}

/** A reader (null: leaves the query to the grammar) against a generated parser; trees compared as `json` text. */
export function agreement(read: (text: string) => unknown, parse: (text: string) => unknown, json: (tree: unknown) => string = (t) => JSON.stringify(t)): Agreement {
  const generated = (text: string): string | null => {
    try {
      return json(parse(text));
    } catch {
      return null;
    }
  };
  const mine = (text: string): string | null => {
    const tree = read(text);
    return tree === null ? null : json(tree);
  };
  return {
    generated,
    same: (text) => mine(text) === generated(text),
    check: (text) => expect(mine(text), JSON.stringify(text)).toBe(generated(text)),
  };
}

/** The corner cases with one character inserted, removed or replaced: the reader and the grammar agree on each. */
export function assertAgreesOnMutations(a: Agreement, examples: readonly string[], chars: readonly string[], seed: number): void {
  fc.assert(
    fc.property(fc.constantFrom(...examples), fc.nat(), fc.constantFrom(...chars), fc.constantFrom('insert', 'remove', 'replace'), (t, at, c, how) => {
      const i = t.length ? at % t.length : 0;
      const m = how === 'insert' ? t.slice(0, i) + c + t.slice(i) : how === 'remove' ? t.slice(0, i) + t.slice(i + 1) : t.slice(0, i) + c + t.slice(i + 1);
      return a.same(m);
    }),
    { numRuns: 20_000, seed },
  );
}

/** The Elastic corpus folder, and whether it is there (a visible message when it is not). */
export function elasticCorpus(what: string): { dir: string; present: boolean } {
  const dir = join(__dirname, '..', '..', '..', 'shared', 'corpora', 'elastic');
  const present = existsSync(dir);
  if (!present) console.warn(`[skip] ${dir} is absent: ${what} is not compared on the Elastic corpus`);
  return { dir, present };
}

/** The query texts of the corpus's rules in one language (`Rule.language`). */
export async function corpusQueries(dir: string, language: string): Promise<string[]> {
  const { rules } = await loadCorpus([dir], { workers: 0 });
  return rules.filter((r) => r.language === language && r.queryText).map((r) => r.queryText!);
}
