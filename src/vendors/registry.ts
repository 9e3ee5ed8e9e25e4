import type { Vendor } from '../ast/schema.js';
import type { VendorModule } from './types.js';
import { sigmaVendor } from './sigma/index.js';
import { elasticVendor } from './elastic/index.js';
import { splunkVendor } from './splunk/index.js';

export const VENDOR_MODULES: Record<Vendor, VendorModule<any>> = {
  sigma: sigmaVendor,
  elastic: elasticVendor,
  splunk: splunkVendor,
};
