/** Markdown escaping for text taken from rules. */

const MD_SPECIAL = /[\\`*_[\]<>|~&!#]/g;

/** Visible stand-ins for control characters, so one value stays on one line. */
const CONTROL = /[\u0000-\u001f\u007f]/;

function visibleControls(s: string): string {
  if (!CONTROL.test(s)) return s;
  return s.replace(/\r\n|[\r\n]/g, '\u2424').replace(/\t/g, '\u2409').replace(/[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f]/g, '\ufffd');
}

const NEEDS_MD_ESCAPE = /[\\`*_[\]<>|~&!#]/;

/** Plain text: Markdown punctuation backslash-escaped (this also protects table pipes and inline HTML). */
export function mdText(s: string): string {
  const v = visibleControls(s);
  return NEEDS_MD_ESCAPE.test(v) ? v.replace(MD_SPECIAL, (c) => '\\' + c) : v;
}

/**
 * A value as a code span that survives any content: the fence is longer than
 * any backtick run inside, padded when the value starts or ends with a
 * backtick; pipes are escaped for table cells (GFM unescapes `\|` in code
 * spans inside tables).
 */
export function mdCode(s: string, inTable = true): string {
  if (s === '') return '*(empty)*';
  const v = visibleControls(s);
  let max = 0;
  if (v.includes('`')) {
    let run = 0;
    for (let i = 0; i < v.length; i++) {
      if (v[i] === '`') max = Math.max(max, ++run);
      else run = 0;
    }
  }
  const fence = '`'.repeat(max + 1);
  const pad = v.startsWith('`') || v.endsWith('`') || (v.startsWith(' ') && v.endsWith(' ')) ? ' ' : '';
  const body = inTable && v.includes('|') ? v.replace(/\|/g, '\\|') : v;
  return `${fence}${pad}${body}${pad}${fence}`;
}
