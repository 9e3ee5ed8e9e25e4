/**
 * Rules written to attack the renderers: markup, quotes, script-closing text,
 * path traversal in ids, javascript: links, Markdown table breakers. Every
 * successful injection would set `window.__pwned` or open a dialog.
 */
import { and, field, not, predicate } from '../../src/ast/build.js';
import type { Rule } from '../../src/ast/schema.js';
import { makeRule } from '../catalog/fixtures.js';

export const XSS_TITLE = `<script>window.__pwned=1;alert(1)</script> "quoted" 'single' & ../ title`;
export const XSS_VALUE = `</script><script>window.__pwned=2</script><img src=x onerror="window.__pwned=3">`;
export const XSS_FIELD = `<b onmouseover="window.__pwned=4">field</b>`;
export const MD_BREAKER = 'a|b`c``d\ne\\|f';

export function hostileRules(): Rule[] {
  const r1 = makeRule({
    id: '../../etc/passwd',
    title: XSS_TITLE,
    vendor: 'sigma',
    language: 'sigma',
    techniques: ['T1059.001', 'T1059.001"><script>window.__pwned=5</script>'],
    tactics: ['TA0002', '<i>tactic</i>'],
    filter: and([
      predicate(field('CommandLine', 'process.command_line'), 'wildcard', `*${XSS_VALUE}*`),
      predicate(field('Weird', XSS_FIELD), 'eq', MD_BREAKER),
      not(predicate(field('User', 'user.name'), 'eq', `"><svg onload=window.__pwned=6>`)),
    ]),
  });
  r1.references = ['javascript:window.__pwned=7', 'https://example.org/ok?a=1&b="2"', 'data:text/html,<script>window.__pwned=8</script>', '//evil.example/x'];
  r1.description = `Line one <iframe src="javascript:window.__pwned=9"></iframe>\n\nSecond paragraph & more`;
  r1.queryText = `selection:\n  CommandLine|contains: '${XSS_VALUE}'`;
  r1.authors = ['<b>author</b>'];
  r1.diagnostics = [{ severity: 'warning', code: 'x.<script>', message: `msg ${XSS_VALUE}` }];
  const r2 = makeRule({
    id: 'CON',
    title: `Second ' rule " </title><script>window.__pwned=10</script>`,
    vendor: 'elastic',
    language: 'kuery',
    techniques: ['T1059.001'],
    filter: predicate(field('process.name', 'process.name'), 'eq', 'javascript:window.__pwned=11'),
  });
  const r3 = makeRule({
    id: '../../etc/passwd',
    title: 'Same hostile id, other rule',
    vendor: 'sigma',
    language: 'sigma',
    techniques: ['T1059.001'],
    filter: predicate(field('process.name', 'process.name'), 'eq', 'powershell.exe'),
  });
  return [r1, r2, r3];
}
