/**
 * SigmaHQ regression data: every rule that ships regression events must
 * match its own events (at least `match_count` of them, as the SigmaHQ
 * runner requires). Events of the other rules are evaluated too, and the
 * number of cross-matches is reported.
 */
import { existsSync, readFileSync } from 'node:fs';
import { beforeAll, expect, it } from 'vitest';
import YAML from 'yaml';
import type { Rule } from '../../src/ast/schema.js';
import { compileRule } from '../../src/evaluate/compile.js';
import { createEngine } from '../../src/evaluate/engine.js';
import { readEvents } from '../../src/evaluate/read-events.js';
import { loadCorpus } from '../../src/loader/load.js';
import { corpus, describeCorpus } from '../helpers/corpora.js';

const FOLDERS = ['rules', 'rules-emerging-threats', 'rules-threat-hunting', 'rules-placeholder', 'rules-compliance', 'rules-dfir'];

interface Case {
  rule: Rule;
  test: string;
  events: unknown[];
  matchCount: number;
}

describeCorpus('Sigma regression_data', () => {
  let rules: Rule[] = [];
  const cases: Case[] = [];
  const missing: string[] = [];

  beforeAll(async () => {
    const res = await loadCorpus(FOLDERS.map((f) => corpus('sigma', f)).filter(existsSync));
    rules = res.rules;
    for (const rule of rules) {
      const p = rule.metadata.regression_tests_path;
      if (typeof p !== 'string') continue;
      const info = YAML.parse(readFileSync(corpus('sigma', p), 'utf8')) as { regression_tests_info?: Array<{ name: string; path: string; match_count?: number }> };
      for (const t of info.regression_tests_info ?? []) {
        const json = corpus('sigma', t.path.replace(/\.evtx$/, '.json'));
        if (!existsSync(json)) {
          missing.push(`${rule.path}: ${json}`);
          continue;
        }
        cases.push({ rule, test: t.name, events: readEvents(json).events, matchCount: t.match_count ?? 1 });
      }
    }
  });

  it('finds the 202 rules with regression tests and their event files', () => {
    expect(new Set(cases.map((c) => c.rule.id)).size).toBe(202);
    expect(missing).toEqual([]);
  });

  it('matches every rule against its own events (at least match_count)', () => {
    const failures: string[] = [];
    for (const c of cases) {
      const m = compileRule(c.rule);
      const hits = c.events.filter((e) => m(e).matched).length;
      if (hits < c.matchCount) failures.push(`${c.rule.path} (${c.rule.title}) [${c.test}]: ${hits}/${c.events.length} events matched, expected at least ${c.matchCount}`);
    }
    expect(failures).toEqual([]);
  });

  it('reports the predicates that matched', () => {
    for (const c of cases.slice(0, 50)) {
      const m = compileRule(c.rule);
      const hit = c.events.map((e) => m(e)).find((r) => r.matched);
      expect(hit?.predicates.length, c.rule.path).toBeGreaterThan(0);
    }
  });

  it('evaluates every event against every rule and reports cross-matches', () => {
    const events: unknown[] = [];
    const owner: string[] = [];
    for (const c of cases) for (const e of c.events) {
      events.push(e);
      owner.push(c.rule.id);
    }
    const engine = createEngine(rules);
    const { matches, stats } = engine.run(events);
    const own = matches.filter((m) => owner[m.event] === m.ruleId);
    const cross = matches.filter((m) => owner[m.event] !== m.ruleId);
    const crossRules = new Set(cross.map((m) => m.ruleId));
    // eslint-disable-next-line no-console
    console.log(
      `regression_data: ${events.length} events x ${rules.length} rules; ${stats.evaluations} rule evaluations after the log source index and the literal prefilter; ` +
        `${own.length} own matches, ${cross.length} cross-matches by ${crossRules.size} rules, ${stats.undetermined} undetermined`,
    );
    // Every regression rule fires on its own events through the engine too (index + gate do not lose any).
    const ownRules = new Set(own.map((m) => m.ruleId));
    expect(cases.filter((c) => !ownRules.has(c.rule.id)).map((c) => c.rule.path)).toEqual([]);
    // Cross-matches exist (generic rules fire on other malicious samples) but stay rare: fewer than one per event.
    expect(cross.length).toBeGreaterThan(0);
    expect(cross.length).toBeLessThan(events.length);
    // The literal prefilter and the log source index only skip work: the same matches without the prefilter.
    const plain = createEngine(rules, { prefilter: false }).run(events);
    const key = (m: { ruleId: string; event: number }) => `${m.ruleId}@${m.event}`;
    expect(matches.map(key).sort()).toEqual(plain.matches.map(key).sort());
    expect(stats.evaluations).toBeLessThan(plain.stats.evaluations / 10);
  });
});
