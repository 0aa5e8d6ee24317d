import {
  fieldTraits,
  valueSchema,
  writableRecordSchema,
  type BundleRegistries,
  type Entity,
  type Field,
  type JsonSchema,
  type ReadSchemaContext,
} from '@metacrm/metadata';
import { labelled, RECORD_ID_PATTERN, schemaRef, type I18n } from './refs.js';

type AnyField = Field & Record<string, unknown>;

/** Finds another entity of the same snapshot (a roll-up reads like the field it summarizes). */
export type EntityLookup = (key: string) => Entity | undefined;

/** The component names of one entity's schemas. */
export interface EntityComponentNames {
  /** A record as answered: `Account`. */
  record: string;
  /** The body of a create: `AccountInput`. */
  input: string;
  /** The body of a patch: `AccountPatch`. */
  patch: string;
  /** A page of a list: `AccountList`. */
  list: string;
}

/**
 * Names every entity's components: `sales_order` gives `SalesOrder`, `SalesOrderInput`,
 * `SalesOrderPatch`, `SalesOrderList`. When one of those is taken (by a shared component
 * such as `Error` or `Filter`, or by an entity whose key differs only in underscores),
 * the entity falls back to `Entity_<key>`, which no PascalCase name can equal.
 */
export function entityComponentNames(entities: readonly Entity[], taken: ReadonlySet<string>): Map<string, EntityComponentNames> {
  const used = new Set(taken);
  const out = new Map<string, EntityComponentNames>();
  for (const entity of entities) {
    const pascal = entity.key
      .split('_')
      .map((part) => part.charAt(0).toUpperCase() + part.slice(1))
      .join('');
    let names = namesFrom(pascal);
    if (Object.values(names).some((n) => used.has(n))) names = namesFrom(`Entity_${entity.key}`);
    for (const name of Object.values(names)) used.add(name);
    out.set(entity.key, names);
  }
  return out;
}

function namesFrom(base: string): EntityComponentNames {
  return { record: base, input: `${base}Input`, patch: `${base}Patch`, list: `${base}List` };
}

const actorId = (what: string): JsonSchema => ({
  type: 'string',
  readOnly: true,
  description: `The id of the user (or \`system\`) who ${what}.`,
});

/** The system fields of every record, as answered. */
const SYSTEM_PROPERTIES: Record<string, JsonSchema> = {
  id: { type: 'string', pattern: RECORD_ID_PATTERN, readOnly: true, description: 'The record id.' },
  _version: {
    type: 'integer',
    minimum: 1,
    readOnly: true,
    description: 'Goes up by one on every write. Send it back (`_version` or `If-Match`) so a stale edit is refused with 409.',
  },
  _createdAt: { type: 'string', format: 'date-time', readOnly: true },
  _updatedAt: { type: 'string', format: 'date-time', readOnly: true },
  _createdBy: actorId('created the record'),
  _updatedBy: actorId('changed it last'),
  _ownerId: actorId('owns it'),
  _deletedAt: {
    type: 'string',
    format: 'date-time',
    readOnly: true,
    description: 'When it was deleted: present only on records of the recycle bin (`deleted=true`).',
  },
};

const ALWAYS_ANSWERED = ['id', '_version', '_createdAt', '_updatedAt', '_createdBy', '_updatedBy', '_ownerId'];

/**
 * `<Entity>`: a record as the API answers it: `id`, the system fields, then every
 * field including computed ones, each nullable (null is "no value"). Fields are not
 * required because `fields=` answers only some; unknown keys are not allowed.
 */
export function recordSchema(entity: Entity, registries: BundleRegistries, entityOf: EntityLookup): JsonSchema {
  const properties: Record<string, JsonSchema> = { ...SYSTEM_PROPERTIES };
  for (const field of entity.fields as AnyField[]) {
    const computed = fieldTraits(field, registries.fieldTypes)?.computed === true;
    properties[field.key] = {
      ...annotated(nullable(readValueSchema(field, registries, entityOf)), field, registries),
      ...(computed ? { readOnly: true } : {}),
    };
  }
  const lookups = entity.fields.filter((f) => fieldTraits(f, registries.fieldTypes)?.reference === 'record').map((f) => f.key);
  if (lookups.length > 0) {
    properties._expanded = {
      type: 'object',
      readOnly: true,
      description: 'Only with `expand=`: the related record of each lookup asked for, with its display value.',
      properties: Object.fromEntries(lookups.map((key) => [key, schemaRef('Expanded')])),
      additionalProperties: false,
    };
  }
  properties._restoredWith = {
    type: 'array',
    readOnly: true,
    description: 'Only in the answer of a restore: the records its delete had cascaded to, brought back with it.',
    items: {
      type: 'object',
      properties: { entity: { type: 'string' }, id: { type: 'string' } },
      required: ['entity', 'id'],
      additionalProperties: false,
    },
  };
  if (entity.duplicateRules?.length) {
    properties._duplicates = {
      type: 'array',
      readOnly: true,
      description:
        'Only in the answer of a create or update that a warning duplicate rule matched: the DUPLICATE_RECORD matches (see the duplicates route).',
      items: schemaRef('Problem'),
    };
  }
  return {
    type: 'object',
    ...entityLabels(entity),
    'x-entity': entity.key,
    properties,
    required: ALWAYS_ANSWERED,
    additionalProperties: false,
  };
}

/**
 * `<Entity>Input` (create) or `<Entity>Patch` (update): the writable fields exactly as
 * the record validator sees them (writableRecordSchema), nullable unless required
 * because null clears a value. A create names the required fields that have no
 * default; a patch names none and may carry `_version`.
 */
export function inputSchema(entity: Entity, registries: BundleRegistries, kind: 'create' | 'patch'): JsonSchema {
  const writable = writableRecordSchema(entity, registries.fieldTypes).properties as Record<string, JsonSchema>;
  const properties: Record<string, JsonSchema> = {};
  const required: string[] = [];
  for (const field of entity.fields as AnyField[]) {
    const schema = writable[field.key];
    if (!schema) continue;
    // null clears a value, which a required field refuses.
    const value = field.required === true ? withFormat(schema, field, registries) : nullable(withFormat(schema, field, registries));
    properties[field.key] = { ...annotated(value, field, registries), ...literalDefault(field, schema) };
    if (field.required === true && field.default === undefined) required.push(field.key);
  }
  if (kind === 'patch') {
    properties._version = {
      type: 'integer',
      minimum: 1,
      description: 'The version you edited (as `If-Match` does): a record changed since answers 409.',
    };
  }
  const labels = entityLabels(entity);
  const what = kind === 'create' ? 'A new' : 'Changes to an';
  return {
    type: 'object',
    ...labels,
    description: `${what} ${entity.label.en} record: only writable fields (system and computed fields are refused); null clears a value.`,
    'x-entity': entity.key,
    properties,
    ...(kind === 'create' && required.length > 0 ? { required } : {}),
    additionalProperties: false,
  };
}

/** `<Entity>List`: one page of a list. */
export function listSchema(entity: Entity, names: EntityComponentNames): JsonSchema {
  return {
    type: 'object',
    description: `A page of ${entity.pluralLabel?.en ?? entity.label.en} records.`,
    properties: {
      records: { type: 'array', items: schemaRef(names.record) },
      nextCursor: { type: ['string', 'null'], description: 'Pass as `cursor` for the next page; null on the last page and with `page`.' },
      total: { type: 'integer', minimum: 0, description: 'Every matching record; only with `count=true`.' },
    },
    required: ['records', 'nextCursor'],
    additionalProperties: false,
  };
}

function entityLabels(entity: Entity): JsonSchema {
  return labelled(entity.label, entity.description);
}

/**
 * What a field's value looks like when answered: its type's read schema, refined by
 * its settings (a formula reads as its result type). Write-only limits (lengths,
 * ranges) are left out: a value stored before a limit tightened is still answered as
 * it is. A type no plugin provides any more answers whatever is stored.
 */
function readValueSchema(field: AnyField, registries: BundleRegistries, entityOf: EntityLookup): JsonSchema {
  const traits = fieldTraits(field, registries.fieldTypes);
  if (!traits) return {};
  const context: ReadSchemaContext = { fieldTypes: registries.fieldTypes, fieldsOf: (key) => entityOf(key)?.fields };
  if (traits.readSchema) return traits.readSchema(field, context);
  return traits.valueSchema ? traits.valueSchema(field) : valueSchema(field, registries.fieldTypes);
}

/** `format` for the types that have one; the pattern (when there is one) stays the rule. */
function withFormat(schema: JsonSchema, field: AnyField, registries: BundleRegistries): JsonSchema {
  const format = fieldTraits(field, registries.fieldTypes)?.apiFormat;
  return format ? { ...schema, format } : schema;
}

/** A value schema that also takes null (no value). */
function nullable(schema: JsonSchema): JsonSchema {
  const simple = !['const', '$ref', 'allOf', 'anyOf', 'oneOf', 'not'].some((k) => k in schema);
  if (!simple || schema.type === undefined) return { anyOf: [schema, { type: 'null' }] };
  const types = [schema.type].flat();
  const out: JsonSchema = { ...schema, type: types.includes('null') ? types : [...types, 'null'] };
  if (Array.isArray(schema.enum) && !schema.enum.includes(null)) out.enum = [...(schema.enum as unknown[]), null];
  return out;
}

/** Labels, type, the type's own annotations and option labels of a field, on its value schema. */
function annotated(schema: JsonSchema, field: AnyField, registries: BundleRegistries): JsonSchema {
  const own = fieldTraits(field, registries.fieldTypes)?.annotations?.(field) ?? {};
  const out: JsonSchema = { ...schema, ...labelled(field.label, field.description ?? field.helpText), 'x-field-type': field.type, ...own };
  const options = field.options as { key: string; label: I18n; color?: string; active?: boolean }[] | undefined;
  if (Array.isArray(options)) {
    out['x-enum-labels'] = Object.fromEntries(options.map((o) => [o.key, o.label]));
    const colors = options.filter((o) => o.color !== undefined);
    if (colors.length > 0) out['x-enum-colors'] = Object.fromEntries(colors.map((o) => [o.key, o.color]));
    const retired = options.filter((o) => o.active === false).map((o) => o.key);
    if (retired.length > 0) out['x-enum-retired'] = retired;
  }
  return out;
}

/** A default that is a plain value of the field's own type (not an expression). */
function literalDefault(field: AnyField, schema: JsonSchema): JsonSchema {
  const value = field.default;
  const matches =
    (typeof value === 'string' && schema.type === 'string') ||
    (typeof value === 'boolean' && schema.type === 'boolean') ||
    (Number.isInteger(value) && schema.type === 'integer');
  return matches ? { default: value } : {};
}
