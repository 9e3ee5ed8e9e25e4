/** Placeholder until the sigma parser lands: every rule is reported as not parsed. */
import { notYetImplemented } from '../placeholder.js';

export const sigmaVendor = notYetImplemented('sigma');
