import type { Entity, Field } from '../generated/types.js';
import { fieldTraits, type FieldTypeDefinition } from '../fields/field-types.js';
import type { Registry } from '../registry.js';
import type { JsonSchema } from '../schema/meta-schemas.js';

type AnyField = Field & Record<string, unknown>;

/**
 * The JSON Schema of one field's value, in API form (decimals as strings, dates as
 * YYYY-MM-DD, references as 24-hex ids). Null is not part of it: null means "no
 * value" and is handled before validation, so errors stay about real values.
 */
export function valueSchema(field: Field, fieldTypes: Registry<FieldTypeDefinition>): JsonSchema {
  const f = field as AnyField;
  const def = fieldTypes.get(f.type);
  if (def?.valueSchema) return def.valueSchema(f);
  // A computed type without a value schema of its own (a formula) reads as its traits' value kind.
  const traits = fieldTraits(f, fieldTypes);
  if (!traits) throw new Error(`unknown field type ${f.type}`);
  return { type: traits.value === 'integer' ? 'integer' : traits.value === 'boolean' ? 'boolean' : 'string' };
}

/**
 * The schema of what a client may write to an entity: every writable field, nothing
 * else (system fields, computed fields and unknown keys are refused). Required-ness
 * is checked after defaults and merging, not here, so the same schema serves create
 * and update.
 */
export function writableRecordSchema(entity: Entity, fieldTypes: Registry<FieldTypeDefinition>): JsonSchema {
  const properties: Record<string, JsonSchema> = {};
  for (const field of entity.fields) {
    const traits = fieldTraits(field as AnyField, fieldTypes);
    if (!traits || traits.computed) continue;
    properties[field.key] = valueSchema(field, fieldTypes);
  }
  return { type: 'object', properties, additionalProperties: false };
}
