import common from '../../schemas/common.schema.json' with { type: 'json' };
import field from '../../schemas/field.schema.json' with { type: 'json' };
import { Registry } from '../registry.js';
import type { JsonSchema } from '../schema/meta-schemas.js';
import type { Label } from '../schema/problem-messages.js';
import type { AnyFieldSettings, FieldTypeDefinition, FieldTypeGroup } from './field-type-definition.js';
import { BUILT_IN_FIELD_TYPE_DEFINITIONS } from './types/index.js';

export * from './field-type-definition.js';

/** A registry holding the 21 built-in field types; plugins register more into it. */
export function createFieldTypeRegistry(): Registry<FieldTypeDefinition> {
  const registry = new Registry<FieldTypeDefinition>('field type');
  for (const def of BUILT_IN_FIELD_TYPE_DEFINITIONS) registry.register(def.type, def);
  return registry;
}

export const BUILT_IN_FIELD_TYPES: readonly string[] = BUILT_IN_FIELD_TYPE_DEFINITIONS.map((d) => d.type);

/**
 * The built-in types alone, for code that holds a field but no registry (the storage
 * codec, conversions): a plugin type is not in it, and such code treats its values as
 * plain JSON.
 */
const builtIns = createFieldTypeRegistry();

/** The definition of a field's type: from `registry` when given, else among the built-in types. */
export function fieldTypeOf(fieldType: string, registry?: Registry<FieldTypeDefinition>): FieldTypeDefinition | undefined {
  return (registry ?? builtIns).get(fieldType);
}

/**
 * The traits of one field, refined by its settings through its type's `refine`: a
 * formula behaves as its result type, a roll-up count as an integer.
 */
export function fieldTraits(field: { type: string }, registry: Registry<FieldTypeDefinition> = builtIns): FieldTypeDefinition | undefined {
  const def = registry.get(field.type);
  if (!def?.refine) return def;
  return def.refine(field as AnyFieldSettings, registry);
}

type Defs = Record<string, JsonSchema & { properties?: Record<string, JsonSchema>; required?: string[] }>;

/** Points `common.schema.json#/$defs/x` references at the `$defs` carried alongside. */
function localRefs(schema: unknown): unknown {
  if (Array.isArray(schema)) return schema.map(localRefs);
  if (schema === null || typeof schema !== 'object') return schema;
  return Object.fromEntries(
    Object.entries(schema).map(([k, v]) => [
      k,
      k === '$ref' && typeof v === 'string' ? v.replace(/^common\.schema\.json#/, '#') : localRefs(v),
    ]),
  );
}

/**
 * The complete, self-contained JSON Schema of a field of `type`: the settings every
 * field has (key, label, required, ...) and the type's own, with the shared
 * definitions they refer to under `$defs`. A designer renders its settings form from
 * it. Undefined for a type no registry knows.
 */
export function fieldTypeSettingsSchema(type: string, registry: Registry<FieldTypeDefinition> = builtIns): JsonSchema | undefined {
  const def = registry.get(type);
  if (!def) return undefined;
  const base = (field.$defs as Defs).base!;
  const own = def.settingsSchema ?? { properties: {}, required: [] };
  return localRefs({
    $schema: 'https://json-schema.org/draft/2020-12/schema',
    title: def.label?.en ?? type,
    ...(typeof (field.$defs as Defs)[type]?.description === 'string' ? { description: (field.$defs as Defs)[type]!.description } : {}),
    type: 'object',
    properties: { ...base.properties, ...(own.properties as object), type: { const: type } },
    required: [...new Set([...(base.required ?? []), ...((own.required as string[] | undefined) ?? [])])],
    additionalProperties: false,
    $defs: common.$defs,
  }) as JsonSchema;
}

/** One entry of a designer's palette. */
export interface FieldTypePaletteEntry {
  type: string;
  label: Label;
  group: FieldTypeGroup;
  computed: boolean;
}

/** Every registered type with its zh-CN/en label and group, built-in types first, in registration order. */
export function fieldTypePalette(registry: Registry<FieldTypeDefinition> = builtIns): FieldTypePaletteEntry[] {
  return registry
    .entries()
    .map(([type, def]) => ({ type, label: def.label ?? { 'zh-CN': type, en: type }, group: def.group ?? 'other', computed: def.computed }));
}
