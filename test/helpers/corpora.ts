/**
 * Access to the real rule corpora in ../shared/corpora. Tests that need them
 * use `describeCorpus`, which skips with a visible message when the folder is
 * absent (CI has it).
 */
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe } from 'vitest';

export const SHARED = resolve(__dirname, '..', '..', '..', 'shared');
export const CORPORA = resolve(SHARED, 'corpora');
export const HAS_CORPORA = existsSync(CORPORA);

export function corpus(...parts: string[]): string {
  return resolve(CORPORA, ...parts);
}

export function describeCorpus(name: string, fn: () => void): void {
  if (!HAS_CORPORA) {
    // eslint-disable-next-line no-console
    console.warn(`[skip] ${name}: ../shared/corpora is absent, corpus tests skipped`);
    describe.skip(`${name} (skipped: ../shared/corpora absent)`, fn);
    return;
  }
  describe(name, fn);
}
