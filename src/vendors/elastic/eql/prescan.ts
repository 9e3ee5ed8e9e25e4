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
}

export function maxNesting(text: string, limit: number): NestingInfo {
  let depth = 0;
  let max = 0;
  let at = 0;
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
          i = end === -1 ? n : end + 2;
        } else i = skipQuoted(text, i, 34);
        break;
      case 39: // '
        i = skipQuoted(text, i, 39);
        break;
      case 96: {
        // backtick-quoted name; `` is an escaped backtick and simply reopens
        const end = text.indexOf('`', i + 1);
        i = end === -1 ? n : end;
        break;
      }
      case 47: // /
        if (text.charCodeAt(i + 1) === 47) {
          while (i < n && text.charCodeAt(i) !== 10 && text.charCodeAt(i) !== 13) i++;
        } else if (text.charCodeAt(i + 1) === 42) {
          // Block comments nest (Elasticsearch lexer); count their depth too.
          let d = 0;
          for (; i < n; i++) {
            if (text.charCodeAt(i) === 47 && text.charCodeAt(i + 1) === 42) {
              d++;
              i++;
              if (depth + d > max) {
                max = depth + d;
                at = i;
                if (max > limit) return { depth: max, at };
              }
            } else if (text.charCodeAt(i) === 42 && text.charCodeAt(i + 1) === 47) {
              d--;
              i++;
              if (d === 0) break;
            }
          }
        }
        break;
      default:
        break;
    }
  }
  return { depth: max, at };
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
