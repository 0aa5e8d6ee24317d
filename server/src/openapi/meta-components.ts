import {
  META_SCHEMAS,
  composeFieldSchema,
  type FieldTypeDefinition,
  type ItemKind,
  type JsonSchema,
  type Registry,
} from '@metacrm/metadata';

type SchemaFile = keyof typeof META_SCHEMAS;

/** The component of each metadata schema file; `common` has only `$defs`, no root. */
const FILE_COMPONENTS: Record<SchemaFile, string> = {
  common: '',
  field: 'MetaField',
  entity: 'MetaEntity',
  form: 'MetaForm',
  view: 'MetaView',
  rule: 'MetaRule',
  workflow: 'MetaWorkflow',
  role: 'MetaRole',
  navigation: 'MetaNavigation',
  dashboard: 'MetaDashboard',
  bundle: 'MetaBundle',
  appPackage: 'MetaAppPackage',
};

/** The filter language is part of the records API, so its components keep plain names. */
const COMMON_COMPONENTS: Record<string, string> = { filter: 'Filter', condition: 'Condition' };

/** The component that holds one item of each metadata kind. */
export const META_ITEM_COMPONENTS: Record<ItemKind, string> = {
  entities: 'MetaEntity',
  forms: 'MetaForm',
  views: 'MetaView',
  rules: 'MetaRule',
  workflows: 'MetaWorkflow',
  roles: 'MetaRole',
  navigation: 'MetaNavigation',
  dashboards: 'MetaDashboard',
};

const SCHEMA_KEYWORDS = new Set([
  'items',
  'not',
  'if',
  'then',
  'else',
  'additionalProperties',
  'unevaluatedProperties',
  'unevaluatedItems',
  'propertyNames',
  'contains',
  'contentSchema',
]);
const SCHEMA_LIST_KEYWORDS = new Set(['allOf', 'anyOf', 'oneOf', 'prefixItems']);
const SCHEMA_MAP_KEYWORDS = new Set(['properties', 'patternProperties', 'dependentSchemas']);
/** Dropped: `$id` would move the base URI of the rewritten refs, `$defs` become components. */
const DROPPED = new Set(['$id', '$schema', '$defs']);

interface SourceFile {
  file: SchemaFile;
  schema: JsonSchema;
}

/**
 * The metadata JSON Schemas (metadata/schemas, the single source of truth) as OpenAPI
 * 3.1 components. OpenAPI 3.1 schemas are JSON Schema 2020-12, so the schemas carry
 * over unchanged except for references: each file's root becomes `Meta<Kind>` and each
 * `$defs` entry its own component (`MetaField.text`; `Filter`, `Condition`, `MetaKey`...
 * for common.schema.json), every `$ref` is rewritten to point at them, and `$id` is
 * dropped so references resolve inside the document. ajv's `discriminator` (just a
 * property name) becomes OpenAPI's, with a mapping from each `const` to its variant.
 * The field schema is composed from the field-type registry, as the validator does,
 * so plugin field types appear too.
 */
export function metaSchemaComponents(fieldTypes: Registry<FieldTypeDefinition>): Record<string, JsonSchema> {
  const files = new Map<SchemaFile, SourceFile>();
  for (const file of Object.keys(META_SCHEMAS) as SchemaFile[]) {
    const schema = file === 'field' ? composeFieldSchema(META_SCHEMAS.field as JsonSchema, fieldTypes) : (META_SCHEMAS[file] as JsonSchema);
    files.set(file, { file, schema });
  }
  const out: Record<string, JsonSchema> = {};
  for (const source of files.values()) {
    if (FILE_COMPONENTS[source.file] !== '') out[FILE_COMPONENTS[source.file]] = convert(source.schema, source, files);
    for (const [def, schema] of Object.entries(defsOf(source.schema))) out[defComponent(source.file, def)] = convert(schema, source, files);
  }
  return out;
}

function defsOf(schema: JsonSchema): Record<string, JsonSchema> {
  return (schema.$defs as Record<string, JsonSchema> | undefined) ?? {};
}

function defComponent(file: SchemaFile, def: string): string {
  const safe = def.replace(/[^A-Za-z0-9._-]/g, '_');
  if (file === 'common') return COMMON_COMPONENTS[def] ?? `Meta${safe.charAt(0).toUpperCase()}${safe.slice(1)}`;
  return `${FILE_COMPONENTS[file]}.${safe}`;
}

/** The schema file a reference's URI part names (relative or absolute), or the current one. */
function fileOf(uri: string, current: SchemaFile): SchemaFile | undefined {
  if (uri === '') return current;
  const base = uri.slice(uri.lastIndexOf('/') + 1);
  return (Object.keys(META_SCHEMAS) as SchemaFile[]).find((f) => String(META_SCHEMAS[f].$id).endsWith(`/${base}`));
}

/** A metadata `$ref` as a reference into `#/components/schemas`, or undefined when it leads nowhere known. */
function rewriteRef(ref: string, current: SchemaFile): string | undefined {
  const hash = ref.indexOf('#');
  const uri = hash < 0 ? ref : ref.slice(0, hash);
  const fragment = hash < 0 ? '' : ref.slice(hash + 1);
  const file = fileOf(uri, current);
  if (file === undefined) return undefined;
  const def = /^\/\$defs\/([^/]+)(.*)$/.exec(fragment);
  if (def) return `#/components/schemas/${defComponent(file, def[1]!)}${def[2]}`;
  if (FILE_COMPONENTS[file] === '') return undefined;
  return `#/components/schemas/${FILE_COMPONENTS[file]}${fragment}`;
}

/** The schema a reference points at in the source files (a `$defs` entry or a root), for discriminator mappings. */
function resolveSource(ref: string, source: SourceFile, files: Map<SchemaFile, SourceFile>): JsonSchema | undefined {
  const hash = ref.indexOf('#');
  const file = fileOf(hash < 0 ? ref : ref.slice(0, hash), source.file);
  const target = file && files.get(file);
  if (!target) return undefined;
  const def = /^\/\$defs\/([^/]+)$/.exec(hash < 0 ? '' : ref.slice(hash + 1));
  return def ? defsOf(target.schema)[def[1]!] : target.schema;
}

function convert(schema: JsonSchema, source: SourceFile, files: Map<SchemaFile, SourceFile>): JsonSchema {
  const out: JsonSchema = {};
  for (const [key, value] of Object.entries(schema)) {
    if (DROPPED.has(key)) continue;
    if (key === '$ref' && typeof value === 'string') {
      const ref = rewriteRef(value, source.file);
      if (ref === undefined) out['x-unresolved-ref'] = value;
      else out.$ref = ref;
    } else if (key === 'discriminator') {
      out.discriminator = discriminator(schema, source, files);
    } else if (SCHEMA_KEYWORDS.has(key) && isSchema(value)) {
      out[key] = convert(value, source, files);
    } else if (SCHEMA_LIST_KEYWORDS.has(key) && Array.isArray(value)) {
      out[key] = value.map((s: unknown) => (isSchema(s) ? convert(s, source, files) : s));
    } else if (SCHEMA_MAP_KEYWORDS.has(key) && isSchema(value)) {
      out[key] = Object.fromEntries(Object.entries(value).map(([name, s]) => [name, isSchema(s) ? convert(s, source, files) : s]));
    } else {
      out[key] = value;
    }
  }
  return out;
}

/** OpenAPI's discriminator: the property, and which variant each of its `const` values selects. */
function discriminator(schema: JsonSchema, source: SourceFile, files: Map<SchemaFile, SourceFile>): JsonSchema {
  const propertyName = String((schema.discriminator as { propertyName?: unknown }).propertyName);
  const mapping: Record<string, string> = {};
  for (const branch of (schema.oneOf as JsonSchema[] | undefined) ?? []) {
    if (typeof branch.$ref !== 'string') continue;
    const target = resolveSource(branch.$ref, source, files);
    const tag = (target?.properties as Record<string, JsonSchema> | undefined)?.[propertyName]?.const;
    const ref = rewriteRef(branch.$ref, source.file);
    if (typeof tag === 'string' && ref !== undefined) mapping[tag] = ref;
  }
  return Object.keys(mapping).length > 0 ? { propertyName, mapping } : { propertyName };
}

function isSchema(value: unknown): value is JsonSchema {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}
