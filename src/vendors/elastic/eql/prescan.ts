/**
 * A cheap lexical pass run before the grammar: the deepest nesting of
 * `(`, `[` and (nested) block comments outside strings and comments. The
 * generated parser recurses once per nesting level, so a hostile query with
 * 100,000 opening parentheses must be refused here (a diagnostic) instead of
 * overflowing the stack.
 */
export interface NestingInfo {
  depth: number;
  /** Offset where the deepest level was first reached. */
  at: number;
  /** The first string, name or comment that is never closed, for a clearer syntax error. */
  unterminated?: { what: string; at: number };
}

export function maxNesting(text: string, limit: number): NestingInfo {
  let depth = 0;
  let max = 0;
  let at = 0;
  let unterminated: NestingInfo['unterminated'];
  const open = (what: string, start: number) => {
    unterminated ??= { what, at: start };
  };
  const n = text.length;
  for (let i = 0; i < n; i++) {
    const c = text.charCodeAt(i);
    switch (c) {
      case 40: // (
      case 91: // [
        depth++;
        if (depth > max) {
          max = depth;
          at = i;
          if (max > limit) return { depth: max, at };
        }
        break;
      case 41: // )
      case 93: // ]
        if (depth > 0) depth--;
        break;
      case 34: // "
        if (text.startsWith('"""', i)) {
          const end = text.indexOf('"""', i + 3);
          const nl = lineEnd(text, i);
          if (end === -1 || end > nl) {
            open('raw string """…"""', i);
            i = nl;
          } else i = end + 2;
        } else {
          const end = skipQuoted(text, i, 34);
          if (text.charCodeAt(end) !== 34) open('string', i);
          i = end;
        }
        break;
      case 39: {
        // ' (Endgame strings)
        const end = skipQuoted(text, i, 39);
        if (text.charCodeAt(end) !== 39) open('string', i);
        i = end;
        break;
      }
      case 96: {
        // backtick-quoted name; `` is an escaped backtick and simply reopens
        const end = text.indexOf('`', i + 1);
        if (end === -1) open('backtick-quoted name', i);
        i = end === -1 ? n : end;
        break;
      }
      case 47: // /
        if (text.charCodeAt(i + 1) === 47) {
          while (i < n && text.charCodeAt(i) !== 10 && text.charCodeAt(i) !== 13) i++;
        } else if (text.charCodeAt(i + 1) === 42) {
          // Block comments nest (Elasticsearch lexer); count their depth too.
          const start = i;
          let d = 0;
          for (; i < n; i++) {
            if (text.charCodeAt(i) === 47 && text.charCodeAt(i + 1) === 42) {
              d++;
              if (depth + d > max) {
                max = depth + d;
                at = i;
                if (max > limit) return { depth: max, at };
              }
              i++;
            } else if (text.charCodeAt(i) === 42 && text.charCodeAt(i + 1) === 47) {
              d--;
              i++;
              if (d === 0) break;
            }
          }
          if (d > 0) open('block comment /* … */', start);
        }
        break;
      default:
        break;
    }
  }
  return unterminated ? { depth: max, at, unterminated } : { depth: max, at };
}

function lineEnd(text: string, i: number): number {
  const a = text.indexOf('\n', i);
  const b = text.indexOf('\r', i);
  const e = a === -1 ? b : b === -1 ? a : Math.min(a, b);
  return e === -1 ? text.length : e;
}

/** Index of the closing quote of a `"…"`/`'…'` string opened at `i` (or of the line end). */
function skipQuoted(text: string, i: number, quote: number): number {
  const n = text.length;
  for (let j = i + 1; j < n; j++) {
    const c = text.charCodeAt(j);
    if (c === 92) j++;
    else if (c === quote || c === 10 || c === 13) return j;
  }
  return n;
}
