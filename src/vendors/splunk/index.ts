/** Placeholder until the splunk parser lands: every rule is reported as not parsed. */
import { notYetImplemented } from '../placeholder.js';

export const splunkVendor = notYetImplemented('splunk');
