/** The JSON Schema of catalog.json, generated from the zod schema (what `ruleatlas schema` prints). */
import { z } from 'zod';
import { CatalogSchema } from './schema.js';

export function catalogJsonSchema(): Record<string, unknown> {
  const schema = z.toJSONSchema(CatalogSchema, { target: 'draft-2020-12' }) as Record<string, unknown>;
  return { ...schema, title: 'ruleatlas catalog', description: 'catalog.json written by `ruleatlas build` (see docs/catalog.md).' };
}
