/** The incremental build: `updateBuild` (`ruleatlas build --cache <dir>`). */
export { fullResult, updateBuild, type IncrementalInfo, type UpdateOptions, type UpdateResult } from './rebuild.js';
