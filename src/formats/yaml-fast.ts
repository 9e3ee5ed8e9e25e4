/**
 * A one-pass YAML reader for the subset that real Sigma and Splunk rule files
 * use. It yields exactly what the js-yaml path of `parseYaml` (yaml.ts)
 * yields — the same values, the same position trees, the same document
 * offsets — but builds them while it scans: no listener frames, no second
 * pass over a frame tree, no shape check afterwards.
 *
 * How it stays exact: the functions below are a transcription of js-yaml 4's
 * loader (lib/loader.js: composeNode, readBlockMapping, readBlockSequence,
 * readFlowCollection, readPlainScalar, the quoted and block scalars,
 * skipSeparationSpace, readDocument), restricted to the subset, with the same
 * cursor state (position, line, lineStart, lineIndent). Where js-yaml opens
 * and closes a node (its listener events), this reader computes the position
 * that yaml.ts's `toPos` derives from those events: `start` is where
 * `skipSpace` goes from where js-yaml opened the node (the node's first
 * character), `end` is where js-yaml closed it (which may lie after trailing
 * spaces, a comment or even the next line's indentation — those quirks are
 * kept on purpose, since positions must not change). The transcription
 * follows the js-yaml installed (4.3); test/formats/yaml-fast*.test.ts
 * compare the two readers on the corpora and on mutants, so a js-yaml
 * upgrade that changes its behaviour shows there. Runs of ordinary
 * characters are skipped with sticky regexes rather than character loops:
 * a single pass over a corpus runs mostly before V8 has optimized anything,
 * and the regex engine scans natively from the first call.
 *
 * The subset: block mappings with plain or quoted one-line keys, block
 * sequences, flow sequences and flow mappings (`[a, b]`, `{a: 1}`), plain
 * scalars (one or more lines), single- and double-quoted scalars (one or
 * more lines, every escape js-yaml knows), literal and folded block scalars
 * with any chomping and indentation indicator, comments, `---` / `...`
 * document markers, LF and CRLF line ends. Plain scalars are typed by
 * js-yaml's own CORE schema resolvers.
 *
 * The contract: `readYamlFast` either returns the documents or an
 * `Unsupported` (with a reason, for tests and statistics), and then the
 * caller parses the file with js-yaml, which also words every diagnostic.
 * So the fast reader gives up on anything outside the subset or doubtful:
 * tabs anywhere, a lone CR, a BOM, NUL or other characters js-yaml may
 * reject, directives, tags, anchors, aliases, explicit `?` keys, `<<` and
 * `__proto__` keys, duplicate keys, collections as keys, empty sequence
 * entries (js-yaml records no position for them), pairs inside flow
 * sequences, flow mapping entries without a value, the one position-tree
 * shape that toPos builds from a wrapper frame (a flow collection followed by
 * spaces on its line where js-yaml first tried to read a mapping key), any
 * syntax error, and any file that comes near a limit (depth, items per
 * collection, node count) — so it never accepts a document the js-yaml path
 * would reject.
 */
import yaml from 'js-yaml';
import type { Limits } from '../core/limits.js';
import type { YamlDocument, YamlPos } from './yaml.js';
import { exactSize } from '../core/arrays.js';

/** The fast reader's answer when the file is outside its subset: the caller falls back to js-yaml. */
export class Unsupported {
  constructor(readonly reason: string) {}
}

// js-yaml's node contexts.
const FLOW_IN = 1;
const FLOW_OUT = 2;
const BLOCK_IN = 3;
const BLOCK_OUT = 4;

// What the last reader built (composeNode turns it into a position).
const SHAPE_NONE = 0;
const SHAPE_SCALAR = 1;
const SHAPE_SEQ = 2;
const SHAPE_MAP = 3;
/** A node js-yaml composed in a child frame: readBlockMapping's key attempt that found no `:`. */
const SHAPE_WRAP = 4;

const CHOMP_CLIP = 1;
const CHOMP_STRIP = 2;
const CHOMP_KEEP = 3;

type Implicit = { resolve(s: string): boolean; construct(s: string): unknown };
const IMPLICIT = (yaml.CORE_SCHEMA as unknown as { compiledImplicit: Implicit[] }).compiledImplicit;

// Runs of characters that need no check: inside a plain scalar (block or
// flow context), a quoted scalar, a block scalar's line, and a comment up to
// the end of its line. The content runs also stop at every character that
// js-yaml's captureSegment may reject (controls, DEL and the C1 range,
// surrogates, U+FFFE/F): `unusualCharEnd` looks at those one by one. The NUL
// is the input's terminator. (js-yaml checks no comment.)
// eslint-disable-next-line no-control-regex
const PLAIN_RUN = /[^\x00-\x1F\x7F-\x9F\uD800-\uDFFF\uFFFE\uFFFF:#]*/y;
// eslint-disable-next-line no-control-regex
const PLAIN_RUN_FLOW = /[^\x00-\x1F\x7F-\x9F\uD800-\uDFFF\uFFFE\uFFFF:#,[\]{}]*/y;
// eslint-disable-next-line no-control-regex
const SINGLE_RUN = /[^\x00-\x1F\x7F-\x9F\uD800-\uDFFF\uFFFE\uFFFF']*/y;
// eslint-disable-next-line no-control-regex
const DOUBLE_RUN = /[^\x00-\x1F\x7F-\x9F\uD800-\uDFFF\uFFFE\uFFFF"\\]*/y;
// eslint-disable-next-line no-control-regex
const CONTENT_RUN = /[^\x00-\x1F\x7F-\x9F\uD800-\uDFFF\uFFFE\uFFFF]*/y;
// eslint-disable-next-line no-control-regex
const COMMENT_RUN = /[^\0\n\r]*/y;
const LONE_CR = /\r(?!\n)/;
/** A block mapping key of word characters, `|`, `.` and `-`, followed by `:` and a space or a line break. */
const SIMPLE_KEY = /[A-Za-z_][\w|.-]*(?=:[ \r\n])/y;

/**
 * First characters of the CORE schema's implicit types: a number starts with
 * a digit, a sign or a dot; null and the booleans (`~`, `null`, `true`,
 * `False`…) with one of ~ n N t T f F and are at most 5 characters long.
 */
const NUMBER_FIRST = 1;
const WORD_FIRST = 2;
const TYPED_FIRST = new Uint8Array(128);
for (const c of '0123456789+-.') TYPED_FIRST[c.charCodeAt(0)] = NUMBER_FIRST;
for (const c of '~nNtTfF') TYPED_FIRST[c.charCodeAt(0)] = WORD_FIRST;

// The reader's state, module-level like a parser's: a parse is synchronous and never re-entered.
/** The text as js-yaml sees it: a line break appended when missing, then a NUL as terminator. */
let input = '';
/** The text as given: values are sliced from it, so that they do not keep `input` alive. */
let text = '';
/** js-yaml's state.length: the input's length before the terminator. */
let length = 0;
let position = 0;
let line = 0;
let lineStart = 0;
let lineIndent = 0;
let result: unknown = null;
let withPos = true;
let depth = 0;
let nodes = 0;
let maxDepth = 0;
let maxItems = 0;
let maxNodes = 0;
// Set by a reader as its last act, read by the composeNode that called it.
let shape = SHAPE_NONE;
let items: YamlPos[] | null = null;
let entries: Map<string, [YamlPos, YamlPos]> | null = null;
let wrappedCollection = false;
let wrappedPos: YamlPos | null = null;
/** Position of the node that composeNode closed last. */
let lastPos: YamlPos | null = null;

function bail(reason: string): never {
  throw new Unsupported(reason);
}

function isWsOrEol(c: number): boolean {
  return c === 32 || c === 10 || c === 13 || c === 9;
}

function isFlowIndicator(c: number): boolean {
  return c === 44 || c === 91 || c === 93 || c === 123 || c === 125;
}

/**
 * Read every document of `source`, or say why not. Never throws and never
 * reports a diagnostic: anything the js-yaml path would report makes it
 * return Unsupported.
 */
export function readYamlFast(source: string, limits: Limits, withPositions: boolean): YamlDocument[] | Unsupported {
  if (source.length === 0) return [];
  if (source.charCodeAt(0) === 0xfeff) return new Unsupported('byte order mark');
  // Tabs: js-yaml's rules for them in indentation and separation are intricate.
  if (source.indexOf('\t') !== -1) return new Unsupported('tab');
  // The NUL is this reader's terminator (and js-yaml rejects it).
  if (source.indexOf('\0') !== -1) return new Unsupported('NUL');
  // skipSpace (toPos) and js-yaml disagree on where a comment ends before a lone CR.
  if (source.indexOf('\r') !== -1 && LONE_CR.test(source)) return new Unsupported('CR without LF');
  const last = source.charCodeAt(source.length - 1);
  text = source;
  input = last === 10 || last === 13 ? source : source + '\n';
  length = input.length;
  input += '\0';
  position = line = lineStart = lineIndent = 0;
  result = lastPos = wrappedPos = null;
  withPos = withPositions;
  depth = nodes = 0;
  // Stay clear of every limit (js-yaml's maxDepth, checkShape's items, depth and expanded size).
  maxDepth = limits.maxDepth - 2;
  maxItems = limits.maxListItems;
  maxNodes = limits.maxYamlNodes;
  const documents: YamlDocument[] = [];
  try {
    while (input.charCodeAt(position) === 32) {
      lineIndent++;
      position++;
    }
    while (position < length - 1) readDocument(documents);
    return documents;
  } catch (e) {
    if (e instanceof Unsupported) return e;
    // A bug here must not change results: the js-yaml path still answers.
    return new Unsupported(`internal: ${e instanceof Error ? e.message : String(e)}`);
  } finally {
    input = text = '';
    result = lastPos = wrappedPos = items = entries = null;
  }
}

function readDocument(documents: YamlDocument[]): void {
  skipSeparationSpace(true);
  if (input.charCodeAt(position) === 37 /* % */) bail('directive');
  if (lineIndent === 0 && input.charCodeAt(position) === 45 && input.charCodeAt(position + 1) === 45 && input.charCodeAt(position + 2) === 45) {
    position += 3;
    skipSeparationSpace(true);
  }
  composeNode(lineIndent - 1, BLOCK_OUT, false, true);
  const value = result;
  // toPos unwraps the document's frame and starts it with skipSpace, as the document's own start.
  documents.push(withPos ? { value, start: lastPos!.start, end: lastPos!.end, pos: lastPos! } : { value, start: 0, end: text.length });
  skipSeparationSpace(true);
  if (position === lineStart && atDocumentSeparator()) {
    if (input.charCodeAt(position) === 46 /* . */) {
      position += 3;
      skipSeparationSpace(true);
    }
    return;
  }
  if (position < length - 1) bail('end of the stream or a document separator is expected');
}

/**
 * js-yaml's composeNode without tags and anchors: read one node of any kind
 * at the cursor, leave its value in `result` and its position in `lastPos`.
 * Returns whether it had content (js-yaml's return value).
 */
function composeNode(parentIndent: number, context: number, allowToSeek: boolean, allowCompact: boolean): boolean {
  if (depth >= maxDepth) bail('nesting near the depth limit');
  if (++nodes >= maxNodes) bail('node count near the limit');
  depth++;
  const open = position;
  const blockContext = context === BLOCK_OUT || context === BLOCK_IN;
  let atNewLine = false;
  let indentStatus = 1;
  let hasContent = false;
  result = null;
  shape = SHAPE_NONE;
  if (allowToSeek && skipSeparationSpace(true) !== 0) {
    atNewLine = true;
    indentStatus = lineIndent > parentIndent ? 1 : lineIndent === parentIndent ? 0 : -1;
  }
  // toPos starts the node with skipSpace from `open`: that is where the seek
  // ended (callers that do not seek open on the node's first character),
  // except past the end of the text, where skipSpace stops.
  const contentStart = open >= text.length ? open : position < text.length ? position : text.length;
  const allowBlockCollections = blockContext && (atNewLine || allowCompact);
  if (indentStatus === 1 || context === BLOCK_OUT) {
    const flowIndent = blockContext ? parentIndent + 1 : parentIndent;
    const blockIndent = position - lineStart;
    if (indentStatus === 1) {
      // js-yaml tries its readers in turn; each of them fails at once unless
      // the first character is its own, so this dispatches on that character.
      // (After a failed readBlockMapping, only a block scalar can follow.)
      const ch = input.charCodeAt(position);
      if (ch === 33 /* ! */ || ch === 38 /* & */ || ch === 42 /* * */) bail('tag, anchor or alias');
      if (allowBlockCollections && ((ch === 45 /* - */ && readBlockSequence(blockIndent)) || readBlockMapping(blockIndent, flowIndent))) {
        hasContent = true;
      } else if (ch === 91 /* [ */ || ch === 123 /* { */) {
        hasContent = readFlowCollection(flowIndent);
      } else if (ch === 124 /* | */ || ch === 62 /* > */) {
        hasContent = blockContext && readBlockScalar(flowIndent);
        shape = SHAPE_SCALAR;
      } else if (ch === 39 /* ' */) {
        hasContent = readSingleQuotedScalar();
        shape = SHAPE_SCALAR;
      } else if (ch === 34 /* " */) {
        hasContent = readDoubleQuotedScalar();
        shape = SHAPE_SCALAR;
      } else if (readPlainScalar(flowIndent, context === FLOW_IN)) {
        hasContent = true;
        shape = SHAPE_SCALAR;
        result = resolvePlain(result as string);
      }
    } else if (indentStatus === 0) {
      // A block sequence may sit at its parent mapping's indentation.
      hasContent = allowBlockCollections && readBlockSequence(blockIndent);
    }
  }
  if (!hasContent) shape = SHAPE_NONE;
  if (withPos) lastPos = closePos(contentStart);
  depth--;
  return hasContent;
}

/** The position toPos would give the node js-yaml closes here. */
function closePos(start: number): YamlPos {
  if (shape === SHAPE_MAP) return { start, end: position, entries: entries! };
  if (shape === SHAPE_SEQ) return { start, end: position, items: items! };
  if (shape === SHAPE_WRAP && wrappedCollection) {
    // toPos unwraps the frame into its child only when both end at the same offset;
    // otherwise it would list the child as the collection's only item.
    if (wrappedPos!.end !== position) bail('flow collection followed by spaces where a key was tried');
    return wrappedPos!;
  }
  // A scalar (or nothing): its children, if any, never matter to toPos.
  return { start, end: position };
}

/** js-yaml's implicit typing of a plain scalar in the CORE schema (null, bool, int, float). */
function resolvePlain(s: string): unknown {
  const c = s.charCodeAt(0);
  const first = c < 128 ? TYPED_FIRST[c] : 0;
  if (first === 0 || (first === WORD_FIRST && s.length > 5)) return s;
  for (let i = 0; i < IMPLICIT.length; i++) {
    const t = IMPLICIT[i]!;
    if (t.resolve(s)) return t.construct(s);
  }
  return s;
}

/** The key string js-yaml stores (storeMappingPair's String(keyNode)); only scalar keys reach here. */
function mappingKey(target: object, key: unknown): string {
  const k = String(key);
  if (k === '__proto__' || k === '<<') bail('__proto__ or merge key');
  if (Object.prototype.hasOwnProperty.call(target, k)) bail('duplicate key');
  return k;
}

function readBlockMapping(nodeIndent: number, flowIndent: number): boolean {
  let map: Record<string, unknown> | null = null;
  let posMap: Map<string, [YamlPos, YamlPos]> | null = null;
  let count = 0;
  let ch = input.charCodeAt(position);
  while (ch !== 0) {
    const entryLine = line;
    if ((ch === 63 /* ? */ || ch === 58 /* : */) && isWsOrEol(input.charCodeAt(position + 1))) bail('explicit key');
    if (!readSimpleKey()) {
      // js-yaml records a frame for a key attempt that reads nothing; it ends the mapping and toPos never pairs it.
      if (!composeNode(flowIndent, FLOW_OUT, false, true)) break;
    }
    if (line === entryLine) {
      ch = input.charCodeAt(position);
      while (ch === 32) ch = input.charCodeAt(++position);
    }
    if (line !== entryLine || ch !== 58 /* : */) {
      if (map) bail(line !== entryLine ? 'multi-line key' : 'missing colon');
      // Not a mapping after all: the key attempt is the node (js-yaml keeps its result).
      wrappedCollection = shape !== SHAPE_SCALAR;
      wrappedPos = lastPos;
      shape = SHAPE_WRAP;
      return true;
    }
    if (!isWsOrEol(input.charCodeAt(++position))) bail('no space after a colon');
    if (shape !== SHAPE_SCALAR) bail('collection as key');
    if (map === null) {
      map = {};
      if (withPos) posMap = new Map();
    }
    const key = mappingKey(map, result);
    const keyPos = lastPos;
    // The key is on this line, so js-yaml always composes a value (null when empty).
    composeNode(nodeIndent, BLOCK_OUT, true, false);
    map[key] = result;
    if (posMap) posMap.set(key, [keyPos!, lastPos!]);
    if (++count >= maxItems) bail('mapping near the item limit');
    skipSeparationSpace(true);
    ch = input.charCodeAt(position);
    if ((line === entryLine || lineIndent > nodeIndent) && ch !== 0) bail('bad indentation of a mapping entry');
    if (lineIndent < nodeIndent) break;
  }
  if (map === null) return false;
  result = map;
  entries = posMap;
  shape = SHAPE_MAP;
  return true;
}

/**
 * Most keys are a word such as `title` or `Image|endswith` right before
 * `: `. For those, this does what composeNode and readPlainScalar would do,
 * without their general checks (the key cannot span lines, start a comment
 * or a document marker, or end in spaces).
 */
function readSimpleKey(): boolean {
  SIMPLE_KEY.lastIndex = position;
  if (!SIMPLE_KEY.test(input)) return false;
  if (depth >= maxDepth) bail('nesting near the depth limit');
  if (++nodes >= maxNodes) bail('node count near the limit');
  const end = SIMPLE_KEY.lastIndex;
  result = resolvePlain(text.slice(position, end));
  shape = SHAPE_SCALAR;
  if (withPos) lastPos = { start: position, end };
  position = end;
  return true;
}

function readBlockSequence(nodeIndent: number): boolean {
  let ch = input.charCodeAt(position);
  if (ch !== 45 /* - */ || !isWsOrEol(input.charCodeAt(position + 1))) return false;
  const seq: unknown[] = [];
  const posItems: YamlPos[] | null = withPos ? [] : null;
  while (ch !== 0) {
    if (ch !== 45 || !isWsOrEol(input.charCodeAt(position + 1))) break;
    position++;
    // js-yaml pushes null for an empty entry without composing a node, so toPos would misalign the items.
    if (skipSeparationSpace(true) !== 0 && lineIndent <= nodeIndent) bail('empty sequence entry');
    const entryLine = line;
    composeNode(nodeIndent, BLOCK_IN, false, true);
    seq.push(result);
    if (posItems) posItems.push(lastPos!);
    if (seq.length >= maxItems) bail('sequence near the item limit');
    skipSeparationSpace(true);
    ch = input.charCodeAt(position);
    if ((line === entryLine || lineIndent > nodeIndent) && ch !== 0) bail('bad indentation of a sequence entry');
    if (lineIndent < nodeIndent) break;
  }
  // Kept by the rules (tags, authors, references, metadata lists): sized exactly (see exactSize).
  result = exactSize(seq);
  items = posItems;
  shape = SHAPE_SEQ;
  return true;
}

function readFlowCollection(nodeIndent: number): boolean {
  let ch = input.charCodeAt(position);
  if (ch !== 91 /* [ */ && ch !== 123 /* { */) return false;
  const isMapping = ch === 123;
  const terminator = isMapping ? 125 : 93;
  const seq: unknown[] = [];
  const map: Record<string, unknown> = {};
  const posItems: YamlPos[] | null = withPos && !isMapping ? [] : null;
  const posMap: Map<string, [YamlPos, YamlPos]> | null = withPos && isMapping ? new Map() : null;
  let count = 0;
  let readNext = true;
  ch = input.charCodeAt(++position);
  while (ch !== 0) {
    skipSeparationSpace(true);
    ch = input.charCodeAt(position);
    if (ch === terminator) {
      position++;
      result = isMapping ? map : exactSize(seq);
      items = posItems;
      entries = posMap;
      shape = isMapping ? SHAPE_MAP : SHAPE_SEQ;
      return true;
    }
    if (!readNext) bail('missed comma between flow collection entries');
    if (ch === 44 /* , */) bail('empty flow collection entry');
    if (ch === 63 /* ? */ && isWsOrEol(input.charCodeAt(position + 1))) bail('explicit key');
    const entryLine = line;
    const hasKey = composeNode(nodeIndent, FLOW_IN, false, true);
    const key = result;
    const keyShape = shape;
    const keyPos = lastPos;
    skipSeparationSpace(true);
    ch = input.charCodeAt(position);
    if (line === entryLine && ch === 58 /* : */) {
      if (!isMapping) bail('pair in a flow sequence');
      if (!hasKey || keyShape !== SHAPE_SCALAR) bail('empty or collection key');
      const k = mappingKey(map, key);
      position++;
      skipSeparationSpace(true);
      composeNode(nodeIndent, FLOW_IN, false, true);
      map[k] = result;
      if (posMap) posMap.set(k, [keyPos!, lastPos!]);
    } else if (isMapping) {
      bail('flow mapping entry without a value');
    } else {
      seq.push(key);
      if (posItems) posItems.push(keyPos!);
    }
    if (++count >= maxItems) bail('flow collection near the item limit');
    skipSeparationSpace(true);
    ch = input.charCodeAt(position);
    if (ch === 44) {
      readNext = true;
      ch = input.charCodeAt(++position);
    } else readNext = false;
  }
  bail('unexpected end of the stream within a flow collection');
}

function readPlainScalar(nodeIndent: number, withinFlowCollection: boolean): boolean {
  let ch = input.charCodeAt(position);
  if (
    isWsOrEol(ch) ||
    isFlowIndicator(ch) ||
    ch === 35 /* # */ ||
    ch === 38 /* & */ ||
    ch === 42 /* * */ ||
    ch === 33 /* ! */ ||
    ch === 124 /* | */ ||
    ch === 62 /* > */ ||
    ch === 39 /* ' */ ||
    ch === 34 /* " */ ||
    ch === 37 /* % */ ||
    ch === 64 /* @ */ ||
    ch === 96 /* ` */
  ) {
    return false;
  }
  if (ch === 63 /* ? */ || ch === 45 /* - */) {
    const following = input.charCodeAt(position + 1);
    if (isWsOrEol(following) || (withinFlowCollection && isFlowIndicator(following))) return false;
  }
  const run = withinFlowCollection ? PLAIN_RUN_FLOW : PLAIN_RUN;
  let value = '';
  let captureStart = position;
  let captureEnd = position;
  let hasPendingContent = false;
  let savedLine = 0;
  let savedLineStart = 0;
  let savedLineIndent = 0;
  while (ch !== 0) {
    if (ch === 58 /* : */) {
      const following = input.charCodeAt(position + 1);
      if (isWsOrEol(following) || (withinFlowCollection && isFlowIndicator(following))) break;
    } else if (ch === 35 /* # */) {
      if (isWsOrEol(input.charCodeAt(position - 1))) break;
    } else if ((position === lineStart && atDocumentSeparator()) || (withinFlowCollection && isFlowIndicator(ch))) {
      break;
    } else if (ch === 10 || ch === 13) {
      savedLine = line;
      savedLineStart = lineStart;
      savedLineIndent = lineIndent;
      skipSeparationSpace(false);
      if (lineIndent >= nodeIndent) {
        hasPendingContent = true;
        ch = input.charCodeAt(position);
        continue;
      }
      position = captureEnd;
      line = savedLine;
      lineStart = savedLineStart;
      lineIndent = savedLineIndent;
      break;
    }
    if (hasPendingContent) {
      if (captureStart < captureEnd) value += text.slice(captureStart, captureEnd);
      value += foldedLines(line - savedLine);
      captureStart = captureEnd = position;
      hasPendingContent = false;
    }
    // This character is content, and so is the run after it up to the next character that needs a check.
    captureEnd = consumeRun(run, captureEnd);
    ch = input.charCodeAt(position);
  }
  if (captureStart < captureEnd) value += text.slice(captureStart, captureEnd);
  if (!value) return false;
  result = value;
  return true;
}

/**
 * Take the character at the cursor and the run of characters after it that
 * `run` (a sticky regex) accepts. Returns the new capture end: js-yaml moves
 * it past every character that is not a space.
 */
function consumeRun(run: RegExp, captureEnd: number): number {
  const from = position;
  const c = input.charCodeAt(from);
  run.lastIndex = c < 0x20 || (c >= 0x7f && c <= 0x9f) || c >= 0xd800 ? unusualCharEnd(from) : from + 1;
  run.test(input);
  position = run.lastIndex;
  let end = position;
  while (end > from && input.charCodeAt(end - 1) === 32) end--;
  return end > from ? end : captureEnd;
}

/**
 * Where the content character at `at`, one that the runs stop at, ends: NEL
 * and a paired surrogate are content like any other (also for js-yaml);
 * anything else js-yaml may reject, so the fast reader gives up.
 */
function unusualCharEnd(at: number): number {
  const c = input.charCodeAt(at);
  if (c === 0x85 || (c > 0xdfff && c < 0xfffe)) return at + 1;
  if (c >= 0xd800 && c <= 0xdbff) {
    const d = input.charCodeAt(at + 1);
    if (d >= 0xdc00 && d <= 0xdfff) return at + 2;
  }
  bail('a character js-yaml may reject');
}

/** The end of a block scalar's content line (its line break or the terminator). */
function contentLineEnd(from: number): number {
  let at = from;
  for (;;) {
    CONTENT_RUN.lastIndex = at;
    CONTENT_RUN.test(input);
    at = CONTENT_RUN.lastIndex;
    const c = input.charCodeAt(at);
    if (c === 10 || c === 13 || c === 0) return at;
    at = unusualCharEnd(at);
  }
}

/** js-yaml's writeFoldedLines: one line break folds into a space, n breaks keep n - 1. */
function foldedLines(count: number): string {
  return count === 1 ? ' ' : count > 1 ? '\n'.repeat(count - 1) : '';
}

function readSingleQuotedScalar(): boolean {
  if (input.charCodeAt(position) !== 39 /* ' */) return false;
  let value = '';
  position++;
  let captureStart = position;
  let captureEnd = position;
  let ch: number;
  while ((ch = input.charCodeAt(position)) !== 0) {
    if (ch === 39) {
      value += text.slice(captureStart, position);
      ch = input.charCodeAt(++position);
      if (ch !== 39) {
        result = value;
        return true;
      }
      // '' is an escaped quote: capture it and go on.
      captureStart = position;
      position++;
      captureEnd = position;
    } else if (ch === 10 || ch === 13) {
      value += text.slice(captureStart, captureEnd) + foldedLines(skipSeparationSpace(false));
      captureStart = captureEnd = position;
    } else if (position === lineStart && atDocumentSeparator()) {
      bail('document separator within a quoted scalar');
    } else {
      captureEnd = consumeRun(SINGLE_RUN, captureEnd);
    }
  }
  bail('unexpected end of the stream within a single quoted scalar');
}

function readDoubleQuotedScalar(): boolean {
  if (input.charCodeAt(position) !== 34 /* " */) return false;
  let value = '';
  position++;
  let captureStart = position;
  let captureEnd = position;
  let ch: number;
  while ((ch = input.charCodeAt(position)) !== 0) {
    if (ch === 34) {
      value += text.slice(captureStart, position);
      position++;
      result = value;
      return true;
    } else if (ch === 92 /* \ */) {
      value += text.slice(captureStart, position);
      ch = input.charCodeAt(++position);
      if (ch === 10 || ch === 13) {
        skipSeparationSpace(false);
      } else {
        value += readEscape(ch);
      }
      captureStart = captureEnd = position;
    } else if (ch === 10 || ch === 13) {
      value += text.slice(captureStart, captureEnd) + foldedLines(skipSeparationSpace(false));
      captureStart = captureEnd = position;
    } else if (position === lineStart && atDocumentSeparator()) {
      bail('document separator within a quoted scalar');
    } else {
      captureEnd = consumeRun(DOUBLE_RUN, captureEnd);
    }
  }
  bail('unexpected end of the stream within a double quoted scalar');
}

/** One escape after a backslash (the cursor on its letter), as js-yaml decodes it; the cursor ends after it. */
function readEscape(ch: number): string {
  const simple = simpleEscape(ch);
  if (simple !== '') {
    position++;
    return simple;
  }
  const hexLength = ch === 120 /* x */ ? 2 : ch === 117 /* u */ ? 4 : ch === 85 /* U */ ? 8 : 0;
  if (hexLength === 0) bail('unknown escape sequence');
  let code = 0;
  for (let i = 0; i < hexLength; i++) {
    const d = hexDigit(input.charCodeAt(++position));
    if (d < 0) bail('expected hexadecimal character');
    code = (code << 4) + d;
  }
  position++;
  // js-yaml's charFromCodepoint (and its << arithmetic, which can go negative for \U escapes).
  if (code <= 0xffff) return String.fromCharCode(code);
  return String.fromCharCode(((code - 0x010000) >> 10) + 0xd800, ((code - 0x010000) & 0x03ff) + 0xdc00);
}

function hexDigit(c: number): number {
  if (c >= 48 && c <= 57) return c - 48;
  const lc = c | 0x20;
  return lc >= 97 && lc <= 102 ? lc - 97 + 10 : -1;
}

function simpleEscape(c: number): string {
  switch (c) {
    case 48 /* 0 */:
      return '\x00';
    case 97 /* a */:
      return '\x07';
    case 98 /* b */:
      return '\x08';
    case 116 /* t */:
    case 9 /* Tab */:
      return '\x09';
    case 110 /* n */:
      return '\x0A';
    case 118 /* v */:
      return '\x0B';
    case 102 /* f */:
      return '\x0C';
    case 114 /* r */:
      return '\x0D';
    case 101 /* e */:
      return '\x1B';
    case 32 /* space */:
      return ' ';
    case 34 /* " */:
      return '"';
    case 47 /* / */:
      return '/';
    case 92 /* \ */:
      return '\\';
    case 78 /* N */:
      return '\x85';
    case 95 /* _ */:
      return '\xA0';
    case 76 /* L */:
      return '\u2028';
    case 80 /* P */:
      return '\u2029';
    default:
      return '';
  }
}

/** js-yaml's readBlockScalar (`|` and `>` with chomping and indentation indicators). */
function readBlockScalar(nodeIndent: number): boolean {
  let ch = input.charCodeAt(position);
  let folding: boolean;
  if (ch === 124 /* | */) folding = false;
  else if (ch === 62 /* > */) folding = true;
  else return false;
  let chomping = CHOMP_CLIP;
  let didReadContent = false;
  let detectedIndent = false;
  let textIndent = nodeIndent;
  let emptyLines = 0;
  let atMoreIndented = false;
  let value = '';
  // The header: chomping and indentation indicators in either order.
  while (ch !== 0) {
    ch = input.charCodeAt(++position);
    if (ch === 43 /* + */ || ch === 45 /* - */) {
      if (chomping !== CHOMP_CLIP) bail('repeat of a chomping mode identifier');
      chomping = ch === 43 ? CHOMP_KEEP : CHOMP_STRIP;
    } else if (ch >= 48 && ch <= 57) {
      if (ch === 48 || detectedIndent) bail('bad indentation indicator');
      textIndent = nodeIndent + (ch - 48) - 1;
      detectedIndent = true;
    } else break;
  }
  if (ch === 32) {
    do ch = input.charCodeAt(++position);
    while (ch === 32);
    if (ch === 35 /* # */) {
      position = skipToLineEnd(position);
      ch = input.charCodeAt(position);
    }
  }
  while (ch !== 0) {
    readLineBreak();
    lineIndent = 0;
    ch = input.charCodeAt(position);
    while ((!detectedIndent || lineIndent < textIndent) && ch === 32) {
      lineIndent++;
      ch = input.charCodeAt(++position);
    }
    if (!detectedIndent && lineIndent > textIndent) textIndent = lineIndent;
    if (ch === 10 || ch === 13) {
      emptyLines++;
      continue;
    }
    if (!detectedIndent && textIndent === 0) bail('missing indentation for block scalar');
    if (lineIndent < textIndent) {
      // The end of the scalar: chomp.
      if (chomping === CHOMP_KEEP) value += '\n'.repeat(didReadContent ? 1 + emptyLines : emptyLines);
      else if (chomping === CHOMP_CLIP && didReadContent) value += '\n';
      break;
    }
    if (folding) {
      if (ch === 32) {
        // More-indented lines are not folded (except the first content line).
        atMoreIndented = true;
        value += '\n'.repeat(didReadContent ? 1 + emptyLines : emptyLines);
      } else if (atMoreIndented) {
        atMoreIndented = false;
        value += '\n'.repeat(emptyLines + 1);
      } else if (emptyLines === 0) {
        if (didReadContent) value += ' ';
      } else {
        value += '\n'.repeat(emptyLines);
      }
    } else {
      value += '\n'.repeat(didReadContent ? 1 + emptyLines : emptyLines);
    }
    didReadContent = true;
    detectedIndent = true;
    emptyLines = 0;
    const captureStart = position;
    position = contentLineEnd(position);
    ch = input.charCodeAt(position);
    value += text.slice(captureStart, position);
  }
  result = value;
  return true;
}

/** js-yaml's skipSeparationSpace (without the tab bookkeeping: tabs never get here). Returns the line breaks crossed. */
function skipSeparationSpace(allowComments: boolean): number {
  let lineBreaks = 0;
  let ch = input.charCodeAt(position);
  while (ch !== 0) {
    while (ch === 32) ch = input.charCodeAt(++position);
    if (allowComments && ch === 35 /* # */) {
      position = skipToLineEnd(position);
      ch = input.charCodeAt(position);
    }
    if (ch !== 10 && ch !== 13) break;
    readLineBreak();
    ch = input.charCodeAt(position);
    lineBreaks++;
    lineIndent = 0;
    while (ch === 32) {
      lineIndent++;
      ch = input.charCodeAt(++position);
    }
  }
  return lineBreaks;
}

/** The offset of the line break (or the terminator) at or after `from`: the end of a comment. */
function skipToLineEnd(from: number): number {
  COMMENT_RUN.lastIndex = from;
  COMMENT_RUN.test(input);
  return COMMENT_RUN.lastIndex;
}

function readLineBreak(): void {
  const ch = input.charCodeAt(position);
  if (ch === 10) position++;
  else if (ch === 13) {
    position++;
    if (input.charCodeAt(position) === 10) position++;
  } else bail('a line break is expected');
  line++;
  lineStart = position;
}

/** `---` or `...` followed by a space, a line break or the end (the caller checks it is at a line start). */
function atDocumentSeparator(): boolean {
  const ch = input.charCodeAt(position);
  if ((ch === 45 || ch === 46) && ch === input.charCodeAt(position + 1) && ch === input.charCodeAt(position + 2)) {
    const next = input.charCodeAt(position + 3);
    return next === 0 || isWsOrEol(next);
  }
  return false;
}
