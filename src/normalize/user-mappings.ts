/**
 * User-supplied field mappings: a YAML file (or the same object through the
 * library API) that adds or overrides mappings per vendor and source, so that
 * users can normalize their own schemas. Validated with zod; problems are
 * returned as diagnostics, never thrown.
 *
 *   extensions: ["mycorp."]            # extra accepted canonical prefixes
 *   sigma:
 *     - when: { product: windows, category: process_creation }
 *       fields: { Image: process.executable, MyField: null }
 *       fallbackPrefix: "winlog.event_data."
 *   splunk:
 *     - when: { macro: my_edr }         # Splunk source macro of the search
 *       fields: { proc: process.name }
 *   elastic:
 *     - when: { index: "logs-mycorp*" }
 *       fields: { "mycorp.proc": process.name }
 */
import { z } from 'zod';
import type { Diagnostic } from '../ast/schema.js';
import { parseYaml } from '../formats/yaml.js';
import { SourceFile } from '../core/source-file.js';
import { DEFAULT_LIMITS } from '../core/limits.js';
import type { MappingEntry } from './tables.js';

const WhenValueSchema = z.union([z.string().min(1), z.array(z.string().min(1)).min(1)]);
const CanonicalSchema = z.string().regex(/^[@A-Za-z_][\w@.\- ]*$/, 'a dotted field name');

export const MappingEntrySchema = z
  .object({
    when: z
      .object({
        product: WhenValueSchema.optional(),
        category: WhenValueSchema.optional(),
        service: WhenValueSchema.optional(),
        macro: WhenValueSchema.optional(),
        index: WhenValueSchema.optional(),
      })
      .strict()
      .optional(),
    fields: z.record(z.string().min(1), CanonicalSchema.nullable()).optional(),
    fallbackPrefix: z.string().min(1).optional(),
    why: z.record(z.string(), z.string()).optional(),
  })
  .strict()
  .refine((e) => e.fields !== undefined || e.fallbackPrefix !== undefined, { message: 'an entry needs `fields` or `fallbackPrefix`' });

export const UserMappingsSchema = z
  .object({
    extensions: z.array(z.string().min(1)).optional(),
    sigma: z.array(MappingEntrySchema).optional(),
    splunk: z.array(MappingEntrySchema).optional(),
    elastic: z.array(MappingEntrySchema).optional(),
  })
  .strict();

export interface UserMappings {
  extensions?: string[];
  sigma?: MappingEntry[];
  splunk?: MappingEntry[];
  elastic?: MappingEntry[];
}

/** Validate a mappings object (from YAML or the API). */
export function validateUserMappings(value: unknown, path = '<mappings>'): { mappings: UserMappings; diagnostics: Diagnostic[] } {
  const r = UserMappingsSchema.safeParse(value ?? {});
  if (r.success) return { mappings: r.data as UserMappings, diagnostics: [] };
  const diagnostics: Diagnostic[] = r.error.issues.map((i) => ({
    severity: 'error',
    code: 'mappings.invalid',
    message: `${i.path.length ? i.path.join('.') + ': ' : ''}${i.message}`,
    path,
  }));
  return { mappings: {}, diagnostics };
}

/** Parse and validate a user mappings YAML file. Never throws. */
export function loadUserMappings(yamlText: string, path: string): { mappings: UserMappings; diagnostics: Diagnostic[] } {
  const file = new SourceFile(path, yamlText);
  const parsed = parseYaml(file, DEFAULT_LIMITS);
  const diags: Diagnostic[] = [...parsed.diagnostics];
  if (diags.some((d) => d.severity === 'error')) return { mappings: {}, diagnostics: diags };
  const docs = parsed.documents;
  if (docs.length > 1) diags.push({ severity: 'warning', code: 'mappings.multiple-documents', message: 'only the first YAML document is used', path });
  const { mappings, diagnostics } = validateUserMappings(docs[0]?.value ?? {}, path);
  return { mappings, diagnostics: [...diags, ...diagnostics] };
}
