/**
 * Calls into the generated SPL parser (grammars/spl.peggy).
 *
 * Peggy records, at every failed alternative, what it expected there, only to
 * build the message of a syntax error. Almost every search parses, so the
 * first attempt runs with that bookkeeping off (`peg$silentFails`, an option
 * of the generated parser): the tree of a successful parse is the same. Only
 * a failure is parsed again with it on, which throws the usual error (same
 * message, location and `expected` list).
 *
 * A whole search (`Pipeline`, the start rule of nearly every call) is read
 * first by the hand-written reader (reader.ts), which gives the grammar's
 * tree or null; only on null does the generated parser run.
 */
import { parse } from '../../generated/spl.js';
import { readSplPipeline } from './reader.js';

export function parseSpl(text: string, options: Record<string, unknown>): any {
  if (options.startRule === 'Pipeline' && options.stopAtBy === undefined) {
    const tree = readSplPipeline(text);
    if (tree !== null) return tree;
  }
  try {
    return parse(text, { ...options, peg$silentFails: 1 });
  } catch {
    return parse(text, options);
  }
}

/** A parse whose error is not needed: null on failure, never parsed twice. */
export function tryParseSpl(text: string, options: Record<string, unknown>): any {
  try {
    return parse(text, { ...options, peg$silentFails: 1 });
  } catch {
    return null;
  }
}
