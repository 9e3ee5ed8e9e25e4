export * from './schema.js';
export * from './glob.js';
export * from './build.js';
export * from './walk.js';
export * from './simplify.js';
export * from './print.js';
export * from './parse-text.js';
