/**
 * The Elastic vendor: detection-rules TOML rule files, hunting TOML files and
 * Kibana NDJSON exports; queries in KQL, EQL (./eql), ES|QL and Lucene.
 * See docs/semantics/elastic.md for every mapping decision.
 */
import { diagLine } from '../../core/diagnostics.js';
import type { VendorModule } from '../types.js';
import { parseHuntToml } from './hunt-file.js';
import { parseNdjson } from './ndjson-file.js';
import { parseRuleToml } from './toml-rule.js';

export const elasticVendor: VendorModule<null> = {
  vendor: 'elastic',
  createState: () => null,
  parseFile(file, role, _state, opts) {
    try {
      switch (role.format) {
        case 'elastic-toml':
          return parseRuleToml(file, opts);
        case 'elastic-hunt-toml':
          return parseHuntToml(file, opts);
        case 'elastic-ndjson':
          return parseNdjson(file, opts);
        default:
          return { rules: [], diagnostics: [diagLine(file.path, 'error', 'elastic.format.unknown', `not an Elastic rule format: ${role.format}`, 1, 1)] };
      }
    } catch (e) {
      // Last line of defence: a parser bug must not stop the batch.
      return { rules: [], diagnostics: [diagLine(file.path, 'error', 'elastic.internal', `internal error while parsing: ${(e as Error)?.stack?.split('\n')[0] ?? String(e)}`, 1, 1)] };
    }
  },
};
