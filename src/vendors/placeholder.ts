/**
 * The only acceptable placeholder for a vendor whose parser does not exist
 * yet: each rule file yields one error diagnostic "not parsed: no parser for
 * <language> yet", so it is counted as failed, never dropped.
 */
import type { Vendor } from '../ast/schema.js';
import { diagLine } from '../core/diagnostics.js';
import type { VendorModule } from './types.js';

const LANGUAGE: Record<Vendor, string> = { sigma: 'sigma', elastic: 'kuery/eql/esql/lucene', splunk: 'spl' };

export function notYetImplemented(vendor: Vendor): VendorModule<null> {
  return {
    vendor,
    createState: () => null,
    parseFile(file) {
      return { rules: [], diagnostics: [diagLine(file.path, 'error', 'parser.missing', `not parsed: no parser for ${LANGUAGE[vendor]} yet`, 1, 1)] };
    },
  };
}
