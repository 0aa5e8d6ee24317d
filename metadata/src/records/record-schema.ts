import type { Entity, Field } from '../generated/types.js';
import { fieldTraits, type FieldTypeDefinition } from '../fields/field-types.js';
import { FORMATS } from '../fields/formats.js';
import type { Registry } from '../registry.js';
import type { JsonSchema } from '../schema/meta-schemas.js';

type AnyField = Field & Record<string, unknown>;

const source = (re: RegExp) => re.source;

/**
 * The JSON Schema of one field's value, in API form (decimals as strings, dates as
 * YYYY-MM-DD, references as 24-hex ids). Null is not part of it: null means "no
 * value" and is handled before validation, so errors stay about real values.
 */
export function valueSchema(field: Field, fieldTypes: Registry<FieldTypeDefinition>): JsonSchema {
  const f = field as AnyField;
  switch (f.type) {
    case 'text':
      return { type: 'string', maxLength: num(f.maxLength, 255), ...(typeof f.minLength === 'number' ? { minLength: f.minLength } : {}), ...(typeof f.pattern === 'string' ? { pattern: f.pattern } : {}) };
    case 'long_text':
      return { type: 'string', maxLength: num(f.maxLength, 10_000) };
    case 'rich_text':
      return { type: 'string', maxLength: num(f.maxLength, 50_000) };
    case 'integer':
      return { type: 'integer', minimum: num(f.min, Number.MIN_SAFE_INTEGER), maximum: num(f.max, Number.MAX_SAFE_INTEGER) };
    case 'decimal':
    case 'currency':
    case 'percent': {
      const scale = num(f.scale, 2);
      const intDigits = Math.max(1, num(f.precision, 18) - scale);
      return { type: 'string', pattern: `^-?\\d{1,${intDigits}}${scale > 0 ? `(\\.\\d{1,${scale}})?` : ''}$` };
    }
    case 'boolean':
      return { type: 'boolean' };
    case 'date':
      return { type: 'string', format: 'date' };
    case 'datetime':
      return { type: 'string', format: 'date-time' };
    case 'single_select':
      return { type: 'string', enum: optionKeys(f) };
    case 'multi_select':
      return { type: 'array', uniqueItems: true, items: { type: 'string', enum: optionKeys(f) }, maxItems: num(f.maxSelected, 500) };
    case 'email':
      return { type: 'string', maxLength: 254, pattern: source(FORMATS.email) };
    case 'phone':
      return { type: 'string', maxLength: 40, pattern: source(FORMATS.phone) };
    case 'url':
      return { type: 'string', maxLength: 2048, pattern: source(FORMATS.url) };
    case 'lookup':
    case 'user':
      return { type: 'string', pattern: '^[0-9a-f]{24}$' };
    case 'attachment':
      return {
        type: 'array',
        maxItems: num(f.maxFiles, 10),
        items: {
          type: 'object',
          properties: { id: { type: 'string', pattern: '^[A-Za-z0-9_-]{1,64}$' }, name: { type: 'string', minLength: 1, maxLength: 255 }, size: { type: 'integer', minimum: 0 }, type: { type: 'string', maxLength: 100 } },
          required: ['id', 'name', 'size'],
          additionalProperties: false,
        },
      };
    default: {
      const def = fieldTypes.get(f.type);
      if (def?.valueSchema) return def.valueSchema(f);
      const traits = fieldTraits(f, fieldTypes);
      if (!traits) throw new Error(`unknown field type ${f.type}`);
      return { type: traits.value === 'integer' ? 'integer' : traits.value === 'boolean' ? 'boolean' : 'string' };
    }
  }
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

function optionKeys(field: AnyField): string[] {
  return ((field.options as { key: string }[] | undefined) ?? []).map((o) => o.key);
}

function num(value: unknown, fallback: number): number {
  return typeof value === 'number' ? value : fallback;
}
