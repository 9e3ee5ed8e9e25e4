/**
 * Recognize a rule file's format by its content, not its folder. Cheap text
 * tests on the top-level keys / sections, so each file is parsed only once,
 * by its vendor. Returns null for files of no known format (counted and
 * listed by the loader, not errors).
 */
import type { FileRole } from '../vendors/types.js';

const YAML_EXT = /\.ya?ml$/i;
const TOML_EXT = /\.toml$/i;
const JSON_EXT = /\.(nd)?json(l)?$/i;
const CONF_EXT = /\.conf$/i;

const KEY_RE = new Map<string, RegExp>();

/** Top-level YAML key at column 0 (block style), as in `detection:`. */
function topKey(text: string, key: string): boolean {
  let re = KEY_RE.get(key);
  if (!re) KEY_RE.set(key, (re = new RegExp(`^${key}[ \\t]*:`, 'm')));
  return re.test(text);
}

export function sniff(path: string, text: string): FileRole | null {
  if (YAML_EXT.test(path)) return sniffYaml(text);
  if (TOML_EXT.test(path)) return sniffToml(text);
  if (JSON_EXT.test(path)) return sniffJson(text);
  if (CONF_EXT.test(path)) return sniffConf(text);
  // Unknown extension: try by content anyway (rule repos are not always tidy).
  const t = text.trimStart();
  if (t.startsWith('{') || t.startsWith('[{')) return sniffJson(text);
  if (/^\[(rule|metadata|hunt)\]\s*$/m.test(text)) return sniffToml(text);
  return null;
}

function sniffYaml(text: string): FileRole | null {
  // Sigma: a rule (`detection`), a correlation rule or a meta-filter, possibly several documents.
  if (topKey(text, 'detection') || topKey(text, 'correlation') || (topKey(text, 'filter') && topKey(text, 'logsource'))) {
    return { format: 'sigma-yaml', vendor: 'sigma', role: 'rules' };
  }
  if (topKey(text, 'search') && topKey(text, 'name')) return { format: 'splunk-detection-yaml', vendor: 'splunk', role: 'rules' };
  if (topKey(text, 'definition') && topKey(text, 'name')) return { format: 'splunk-macro-yaml', vendor: 'splunk', role: 'support' };
  if (topKey(text, 'sourcetype') && topKey(text, 'name') && (topKey(text, 'supported_TA') || topKey(text, 'fields') || topKey(text, 'source'))) {
    return { format: 'splunk-datasource-yaml', vendor: 'splunk', role: 'support' };
  }
  if (topKey(text, 'narrative') && topKey(text, 'name')) return { format: 'splunk-story-yaml', vendor: 'splunk', role: 'support' };
  return null;
}

function sniffToml(text: string): FileRole | null {
  if (/^\[rule\][ \t]*$/m.test(text)) return { format: 'elastic-toml', vendor: 'elastic', role: 'rules' };
  if (/^\[hunt\][ \t]*$/m.test(text)) return { format: 'elastic-hunt-toml', vendor: 'elastic', role: 'rules' };
  return null;
}

function sniffJson(text: string): FileRole | null {
  const head = text.slice(0, 65536);
  // Kibana rule exports: one rule object per line with rule_id and a rule type.
  if (/"rule_id"\s*:/.test(head) && /"type"\s*:/.test(head)) return { format: 'elastic-ndjson', vendor: 'elastic', role: 'rules' };
  return null;
}

function sniffConf(text: string): FileRole | null {
  if (!/^\s*\[[^\]\r\n]+\]\s*$/m.test(text)) return null;
  if (/^\s*search\s*=/m.test(text)) return { format: 'splunk-savedsearches-conf', vendor: 'splunk', role: 'rules' };
  if (/^\s*definition\s*=/m.test(text)) return { format: 'splunk-macros-conf', vendor: 'splunk', role: 'support' };
  return null;
}
