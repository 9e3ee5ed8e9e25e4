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

/** The `language = "..."` line of a detection-rules TOML file, as every file of the corpus writes it. */
const LANGUAGE_LINE = '\nlanguage = "';

/**
 * The parser a file needs, for planning worker threads: a rule file's
 * declared query language ('none' when it declares none, as machine-learning
 * rules do), or the file format (hunting files and NDJSON exports mix
 * languages). A plain search, not a TOML parse: it runs on every file
 * before the threads start, and a miss only costs time.
 */
export function elasticWorkClass(text: string, format: string): string {
  if (format !== 'elastic-toml') return format;
  const at = text.indexOf(LANGUAGE_LINE);
  if (at < 0) return 'none';
  const from = at + LANGUAGE_LINE.length;
  const to = text.indexOf('"', from);
  return to > from && to - from <= 16 ? text.slice(from, to).toLowerCase() : 'none';
}

export const elasticVendor: VendorModule<null> = {
  vendor: 'elastic',
  createState: () => null,
  workClass: (text, role) => elasticWorkClass(text, role.format),
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
