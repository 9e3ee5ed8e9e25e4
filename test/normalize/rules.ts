/** Hand-built rules for the normalization tests (our own fixtures, written from scratch). */
import type { LogSource, Node, Query, Rule, Vendor } from '../../src/ast/schema.js';

export function makeRule(vendor: Vendor, filter: Node | Query, logsource: LogSource = {}, extra: Partial<Rule> = {}): Rule {
  const query: Query = 'kind' in filter ? filter : { kind: 'filter', filter };
  return {
    id: `${vendor}-test`,
    title: 'test rule',
    vendor,
    language: vendor === 'sigma' ? 'sigma' : vendor === 'splunk' ? 'spl' : 'eql',
    kind: 'detection',
    path: `fixtures/${vendor}/test`,
    attack: { techniques: [], tactics: [], raw: [] },
    logsource,
    query,
    metadata: {},
    diagnostics: [],
    ...extra,
  };
}
