/** Placeholder until the elastic parser lands: every rule is reported as not parsed. */
import { notYetImplemented } from '../placeholder.js';

export const elasticVendor = notYetImplemented('elastic');
