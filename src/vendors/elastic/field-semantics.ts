/**
 * What a field's mapping implies for KQL matching. A rule file does not carry
 * the index mapping, so this is a documented rule (docs/semantics/elastic.md):
 *
 * - text-like fields (analyzed: a quoted KQL value is a `match_phrase`, an
 *   unquoted one a `match`): any `*.text` multi-field, and the fields below,
 *   which ECS or the integrations map as `text` / `match_only_text`;
 * - `*.caseless` multi-fields (a lowercase normalizer): case-insensitive keyword;
 * - everything else: keyword-like (`keyword`, `wildcard`, `constant_keyword`,
 *   numbers, ip, date), where a KQL value is an exact, case-sensitive term.
 */
const TEXT_FIELDS = new Set([
  'message',
  'error.message',
  'powershell.file.script_block_text',
  'winlog.event_data.ScriptBlockText',
  'powershell.command.value',
  'gen_ai.prompt',
  'gen_ai.completion',
]);

export function isTextField(name: string): boolean {
  return TEXT_FIELDS.has(name) || name.endsWith('.text');
}

export function isCaselessField(name: string): boolean {
  return name.endsWith('.caseless');
}
