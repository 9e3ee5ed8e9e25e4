/**
 * SigmaHQ regression data (../shared/corpora/sigma/regression_data): 202
 * rules come with the JSON of real events they must match. Our parse of each
 * rule, run by the project's evaluator (src/evaluate) without the logsource
 * gate, must match at least one of its events. Events are flattened the way
 * the research describes: EventData (or UserData) names with spaces removed,
 * plus the System fields Sigma uses.
 */
import { existsSync, readFileSync, readdirSync, statSync } from 'node:fs';
import { basename, dirname, join, relative } from 'node:path';
import yaml from 'js-yaml';
import { expect, it } from 'vitest';
import { SourceFile } from '../../src/core/source-file.js';
import { DEFAULT_LIMITS } from '../../src/core/limits.js';
import { parseSigmaFile } from '../../src/vendors/sigma/index.js';
import { compileRule, parseConcatenatedJson } from '../../src/evaluate/index.js';
import type { Rule } from '../../src/ast/schema.js';
import { corpus, describeCorpus } from '../helpers/corpora.js';

function walkFiles(d: string, f: (p: string) => void): void {
  for (const e of readdirSync(d)) {
    const p = join(d, e);
    if (statSync(p).isDirectory()) walkFiles(p, f);
    else f(p);
  }
}

type Obj = Record<string, unknown>;

function flatten(event: Obj): Obj {
  const e = event.Event as Obj;
  const sys = e.System as Obj;
  const flat: Obj = {};
  for (const [k, v] of Object.entries((e.EventData as Obj) ?? {})) flat[k.replace(/ /g, '')] = v;
  for (const inner of Object.values((e.UserData as Obj) ?? {})) for (const [k, v] of Object.entries((inner as Obj) ?? {})) if (k !== '#attributes') flat[k] = v;
  flat.EventID = sys.EventID;
  flat.Channel = sys.Channel;
  flat.Provider_Name = ((sys.Provider as Obj)?.['#attributes'] as Obj)?.Name;
  flat.Computer = sys.Computer;
  return flat;
}

describeCorpus('Sigma regression data (positive events)', () => {
  it('all 202 rules with regression events match at least one of them', () => {
    const root = corpus('sigma');
    const byId = new Map<string, Rule>();
    for (const d of readdirSync(root)) {
      if (!d.startsWith('rules')) continue;
      walkFiles(join(root, d), (p) => {
        if (!p.endsWith('.yml')) return;
        for (const r of parseSigmaFile(new SourceFile(relative(root, p), readFileSync(p, 'utf8')), { limits: DEFAULT_LIMITS }).rules) byId.set(r.id, r);
      });
    }
    let tested = 0;
    const failures: string[] = [];
    walkFiles(join(root, 'regression_data'), (p) => {
      if (basename(p) !== 'info.yml') return;
      const info = yaml.load(readFileSync(p, 'utf8')) as { rule_metadata: Array<{ id: string }>; regression_tests_info?: unknown[] };
      if (!info.regression_tests_info?.length) return;
      const id = info.rule_metadata[0]!.id;
      const rule = byId.get(id);
      const json = join(dirname(p), `${id}.json`);
      if (!rule || !existsSync(json)) {
        failures.push(`${id}: rule or events missing`);
        return;
      }
      tested++;
      const events = parseConcatenatedJson(readFileSync(json, 'utf8'), json).events as Obj[];
      const m = compileRule(rule, { logsourceGate: false });
      if (!events.some((ev) => m(flatten(ev)).matched)) failures.push(rule.path);
    });
    expect(failures).toEqual([]);
    expect(tested).toBe(202);
  });
});
