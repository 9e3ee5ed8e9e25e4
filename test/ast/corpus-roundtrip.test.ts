/**
 * Printing then re-reading every normalized corpus rule gives the same AST
 * (without sources): the canonical text loses nothing semantic.
 */
import { expect, it } from 'vitest';
import { parseNodeText, semanticProjection } from '../../src/ast/parse-text.js';
import { printNode } from '../../src/ast/print.js';
import { queryFilters } from '../../src/ast/walk.js';
import { loadCorpus } from '../../src/loader/load.js';
import { corpus, describeCorpus } from '../helpers/corpora.js';

describeCorpus('canonical text round trip on the real corpora', () => {
  it('parse(print(filter)) equals the filter for every rule of the three corpora', async () => {
    const { rules } = await loadCorpus([corpus('sigma'), corpus('elastic'), corpus('splunk')], { workers: 0 });
    let filters = 0;
    const failures: string[] = [];
    for (const [i, rule] of rules.entries()) {
      // A long synchronous loop would starve the test runner's RPC on a busy machine.
      if (i % 500 === 0) await new Promise((r) => setImmediate(r));
      const all = queryFilters(rule.query).map((f) => f.filter);
      if (rule.logsource.selection) all.push(rule.logsource.selection);
      for (const f of all) {
        filters++;
        const text = printNode(f, { exact: true });
        const back = parseNodeText(text);
        if (!back.ok) failures.push(`${rule.path}: ${back.message}`);
        else if (JSON.stringify(back.node) !== JSON.stringify(semanticProjection(f))) failures.push(`${rule.path}: differs after the round trip`);
      }
    }
    expect(filters).toBeGreaterThan(7000);
    expect(failures.slice(0, 20)).toEqual([]);
  });
});
