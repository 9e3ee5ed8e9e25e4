/** The stub rule that stands for a file whose rules could not be read. */
import { basename } from 'node:path';
import type { Diagnostic, Language, Rule, Vendor } from '../ast/schema.js';

const DEFAULT_LANGUAGE: Record<Vendor, Language> = { sigma: 'sigma', elastic: 'none', splunk: 'spl' };

/** A rule that stands for a file whose rules could not be read, carrying the errors (nothing is silently dropped). */
export function failedFileRule(path: string, vendor: Vendor, diagnostics: Diagnostic[]): Rule {
  return {
    id: `file:${path}`,
    title: basename(path),
    vendor,
    language: DEFAULT_LANGUAGE[vendor],
    kind: 'detection',
    path,
    attack: { techniques: [], tactics: [], raw: [] },
    logsource: {},
    query: { kind: 'none', reason: 'the file could not be parsed' },
    metadata: {},
    diagnostics,
  };
}
