/** The incremental build: `updateBuild` (`ruleatlas build --cache <dir>`). */
export { updateBuild, type IncrementalInfo, type UpdateOptions, type UpdateResult } from './rebuild.js';
