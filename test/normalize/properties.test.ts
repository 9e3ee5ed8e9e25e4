import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { and, not, or, predicate } from '../../src/ast/build.js';
import { RuleSchema, type Node, type Predicate } from '../../src/ast/schema.js';
import { predicates } from '../../src/ast/walk.js';
import { loadEventCatalog } from '../../src/events/index.js';
import { createNormalizer } from '../../src/normalize/index.js';
import { makeRule } from './rules.js';

const FIELDS = ['Image', 'CommandLine', 'EventID', 'EventCode', 'Provider_Name', 'Channel', 'TargetObject', 'Processes.process_name', 'Processes.process_path', 'process.name.caseless', 'event.code', 'event.action', 'event.category', 'event.type', 'powershell.file.script_block_text', 'mycorp.field', 'weird field', 'sourcetype', 'granted_access'];
const VALUES = fc.oneof(fc.constantFrom('*\\rundll32.exe', '*/whoami', 'C:\\x.exe', '4624', 'process', 'start', 'logged-in', 'Image loaded*', '*a*', ''), fc.integer({ min: 0, max: 9000 }), fc.boolean(), fc.constant(null));
const pred = fc.record({ f: fc.constantFrom(...FIELDS), op: fc.constantFrom('eq', 'wildcard', 'match', 'gt', 'exists', 'regex_match' as const), v: VALUES }).map(({ f, op, v }) => predicate(f, op, v));
const node: fc.Arbitrary<Node> = fc.letrec<{ n: Node }>((tie) => {
  const sub = tie('n') as fc.Arbitrary<Node>;
  return {
    n: fc.oneof({ depthSize: 'small', withCrossShrink: true }, pred as fc.Arbitrary<Node>, fc.array(sub, { maxLength: 4 }).map((c) => and(c) as Node), fc.array(sub, { maxLength: 4 }).map((c) => or(c) as Node), sub.map((c) => not(c) as Node)),
  };
}).n;
const logsource = fc.record(
  {
    product: fc.constantFrom('windows', 'linux', 'aws'),
    category: fc.constantFrom('process_creation', 'registry_set', 'ps_script', 'file_access'),
    service: fc.constantFrom('security', 'system', 'sysmon', 'application'),
    index: fc.array(fc.constantFrom('winlogbeat-*', 'logs-system.security*', 'logs-endpoint.events.*'), { maxLength: 2 }),
    sourceMacros: fc.array(fc.constantFrom('sysmon', 'wineventlog_security', 'cloudtrail', 'nope'), { maxLength: 2 }),
  },
  { requiredKeys: [] },
);

describe('normalizeRule properties', () => {
  const n = createNormalizer();
  const catalog = loadEventCatalog();
  it('never throws, keeps the schema, does not mutate, maps or reports every field, lists only catalog events', () => {
    fc.assert(
      fc.property(fc.constantFrom('sigma', 'elastic', 'splunk' as const), node, logsource, fc.array(fc.constantFrom('T1059.001', 'attack.t1685', 'T1574.002', 'T9999', 'bogus'), { maxLength: 3 }), (vendor, filter, ls, techniques) => {
        const rule = makeRule(vendor, filter, ls, { attack: { techniques, tactics: [], raw: techniques } });
        const before = structuredClone(rule);
        const out = n.normalizeRule(rule);
        expect(rule).toEqual(before);
        expect(RuleSchema.safeParse(JSON.parse(JSON.stringify(out))).success).toBe(true);
        const unmapped = new Set(out.diagnostics.filter((d) => d.code === 'normalize.field.unmapped').map((d) => /`([^`]*)`/.exec(d.message)![1]));
        for (const { predicate: p } of predicates(out)) {
          const f = (p as Predicate).field!;
          expect(f.canonical !== undefined || unmapped.has(f.name), `${vendor} ${f.name}`).toBe(true);
        }
        expect(predicates(out)).toHaveLength(predicates(rule).length);
        for (const e of out.events ?? []) expect(catalog.get(e.provider, e.eventId)).toBeDefined();
        expect(new Set(out.attack.techniques).size).toBe(out.attack.techniques.length);
      }),
      { numRuns: 400 },
    );
  });
});
