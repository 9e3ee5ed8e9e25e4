/**
 * The one interface every vendor implements. The loader recognizes files by
 * content (src/loader/sniff.ts), hands supporting files (Splunk macros, data
 * sources) to `loadSupport`, rule files to `parseFile`, and finally calls
 * `link` once with every rule of the vendor (Sigma filters and correlations
 * need the whole set).
 *
 * Vendor state must be plain data (structured-clone safe): the parallel
 * loader sends it to worker threads.
 */
import type { Diagnostic, Rule, Vendor } from '../ast/schema.js';
import type { Limits } from '../core/limits.js';
import type { SourceFile } from '../core/source-file.js';

/** Every file format the loader recognizes (src/loader/sniff.ts). */
export const FILE_FORMATS = [
  'sigma-yaml',
  'elastic-toml',
  'elastic-hunt-toml',
  'elastic-ndjson',
  'splunk-detection-yaml',
  'splunk-macro-yaml',
  'splunk-datasource-yaml',
  'splunk-story-yaml',
  'splunk-savedsearches-conf',
  'splunk-macros-conf',
] as const;

export type FileFormat = (typeof FILE_FORMATS)[number];

export interface FileRole {
  format: FileFormat;
  vendor: Vendor;
  /** `rules` files yield rules; `support` files feed the vendor state. */
  role: 'rules' | 'support';
}

export interface ParseOptions {
  limits: Limits;
  /** Sigma placeholder values (`%name%` -> values), from the caller. */
  placeholders?: Record<string, string[]>;
  /** Vendor-specific options passed through from LoadOptions.vendorOptions[vendor]. */
  vendorOptions?: Record<string, unknown>;
}

export interface ParsedFile {
  rules: Rule[];
  /** Diagnostics that belong to no single rule (a file that is not valid YAML, say). */
  diagnostics: Diagnostic[];
}

export interface VendorModule<State = unknown> {
  vendor: Vendor;
  /** Fresh, empty state (macro library and so on). */
  createState(opts: ParseOptions): State;
  /** Feed a supporting file into the state. */
  loadSupport?(file: SourceFile, role: FileRole, state: State, opts: ParseOptions): Diagnostic[];
  /**
   * The state once every supporting file was fed in, as JSON data, so that a
   * rebuild in which none of them changed (src/incremental) need not read
   * and parse them again; null when it cannot stand for them (user macro
   * libraries given in the options, say, which no stamp watches).
   */
  saveSupport?(state: State): unknown;
  /**
   * `saveSupport`'s data made a state again, every part of it checked (it
   * comes from the cache directory, which is not trusted); a string says
   * why it cannot be used.
   */
  restoreSupport?(data: unknown, opts: ParseOptions): State | string;
  /** Parse one rule file. Never throws on bad input: returns diagnostics. */
  parseFile(file: SourceFile, role: FileRole, state: State, opts: ParseOptions): ParsedFile;
  /** Cross-rule pass over all of this vendor's rules (may add, change or annotate rules). */
  link?(rules: Rule[], state: State, opts: ParseOptions): { rules: Rule[]; diagnostics: Diagnostic[] };
  /**
   * A cheap guess, from a rule file's text, at which of the vendor's parsers
   * it needs (its query language, say), used only to plan worker threads:
   * the files of one class go to one thread, so that each thread warms fewer
   * parsers. Only for a vendor without `link`, whose files can be finished
   * on any thread. A wrong guess costs time, never a different result.
   */
  workClass?(text: string, role: FileRole): string;
}
