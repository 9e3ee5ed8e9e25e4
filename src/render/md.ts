/** Markdown escaping for text taken from rules. */

const MD_SPECIAL = /[\\`*_[\]<>|~&!#]/g;

/** Visible stand-ins for control characters, so one value stays on one line. */
function visibleControls(s: string): string {
  return s.replace(/\r\n|[\r\n]/g, '\u2424').replace(/\t/g, '\u2409').replace(/[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f]/g, '\ufffd');
}

/** Plain text: Markdown punctuation backslash-escaped (this also protects table pipes and inline HTML). */
export function mdText(s: string): string {
  return visibleControls(s).replace(MD_SPECIAL, (c) => '\\' + c);
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
  let run = 0;
  for (let i = 0; i < v.length; i++) {
    if (v[i] === '`') max = Math.max(max, ++run);
    else run = 0;
  }
  const fence = '`'.repeat(max + 1);
  const pad = v.startsWith('`') || v.endsWith('`') || (v.startsWith(' ') && v.endsWith(' ')) ? ' ' : '';
  const body = inTable ? v.replace(/\|/g, '\\|') : v;
  return `${fence}${pad}${body}${pad}${fence}`;
}
