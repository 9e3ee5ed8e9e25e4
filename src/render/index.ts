/** Renderers of the catalog: technique pages (Markdown, JSON), ATT&CK Navigator layers, the static site. */
export { renderTechniqueMarkdown, techniqueMarkdown, type MarkdownOptions } from './markdown.js';
export { renderTechniqueJson, techniquePageData, type TechniquePageData } from './technique-json.js';
export { navigatorLayers, NavigatorLayerSchema, type NavigatorLayer } from './navigator.js';
export { writeCatalog, safeOutputPath, type WriteOptions, type WriteResult } from './write.js';
export { OutputError } from './output-dirs.js';
export { escapeHtml, html, safeHttpUrl, jsonForScript } from './escape.js';
export { findTechnique } from './lookup.js';
