import { createFieldTypeRegistry, type FieldTypeDefinition, type Registry } from '@metacrm/metadata';
import { richTextServer } from './rich_text.js';

/**
 * The server halves of the built-in field types: what a type needs of Node (a
 * sanitizer, say), keyed by the same type and merged over its metadata half. One file
 * per type that has one. The storage codec needs none: a type declares its storage
 * kind and field-codec.ts maps kinds to BSON.
 */
const SERVER_HALVES: readonly (Partial<FieldTypeDefinition> & { type: string })[] = [richTextServer];

/** The field-type registry a platform runs with: the built-in types, each with its server half. */
export function createServerFieldTypeRegistry(): Registry<FieldTypeDefinition> {
  const registry = createFieldTypeRegistry();
  for (const half of SERVER_HALVES) registry.register(half.type, { ...registry.require(half.type), ...half }, { override: true });
  return registry;
}
