import { Ajv2020, type ErrorObject, type ValidateFunction } from 'ajv/dist/2020.js';
import addFormatsModule from 'ajv-formats';
import type { Registry } from '../registry.js';
import type { FieldTypeDefinition } from '../fields/field-types.js';
import { ITEM_SCHEMA_IDS, META_SCHEMAS, type ItemKind, type JsonSchema } from './meta-schemas.js';
import { makeProblem } from './problem-messages.js';
import type { Problem, ProblemCode } from './problems.js';

// ajv-formats is CommonJS; its default export arrives wrapped under ESM.
const addFormats = ((addFormatsModule as unknown as { default?: unknown }).default ?? addFormatsModule) as unknown as (
  ajv: Ajv2020,
) => void;

/**
 * Validates metadata documents against the meta-schemas. The field schema is composed
 * from the field-type registry, so a type a plugin registers validates like a
 * built-in one. Build one per registry state and reuse it: compiling is the slow part.
 */
export class MetaValidator {
  private readonly ajv: Ajv2020;
  private readonly compiled = new Map<string, ValidateFunction>();
  private readonly bySchema = new WeakMap<JsonSchema, ValidateFunction>();

  constructor(fieldTypes: Registry<FieldTypeDefinition>) {
    // verbose: a discriminator's error then carries its schema, so the answer can list the variants.
    this.ajv = new Ajv2020({ allErrors: true, strict: true, discriminator: true, allowUnionTypes: true, verbose: true });
    addFormats(this.ajv);
    const { field, ...rest } = META_SCHEMAS;
    for (const schema of Object.values(rest)) this.ajv.addSchema(schema as JsonSchema);
    this.ajv.addSchema(composeFieldSchema(field as JsonSchema, fieldTypes));
  }

  /** Problems with one item of a kind (an entity, a form, ...); empty when valid. */
  validateItem(kind: ItemKind, item: unknown, basePointer = ''): Problem[] {
    return this.run(ITEM_SCHEMA_IDS[kind], item, basePointer);
  }

  /** Problems with a whole bundle's shape. */
  validateBundle(bundle: unknown): Problem[] {
    return this.run(META_SCHEMAS.bundle.$id, bundle, '');
  }

  /** Problems with an app package's shape. */
  validateAppPackage(pkg: unknown): Problem[] {
    return this.run(META_SCHEMAS.appPackage.$id, pkg, '');
  }

  /**
   * Problems of `data` against an arbitrary schema, such as a workflow action's
   * configSchema. Compiled once per schema object.
   */
  validateAgainst(schema: JsonSchema, data: unknown, basePointer: string): Problem[] {
    let validate = this.bySchema.get(schema);
    if (!validate) {
      validate = this.ajv.compile(schema);
      this.bySchema.set(schema, validate);
    }
    return validate(data) ? [] : toProblems(validate.errors ?? [], basePointer);
  }

  private run(id: string, data: unknown, basePointer: string): Problem[] {
    let validate = this.compiled.get(id);
    if (!validate) {
      validate = this.ajv.getSchema(id);
      if (!validate) throw new Error(`No meta-schema ${id}`);
      this.compiled.set(id, validate);
    }
    if (validate(data)) return [];
    return toProblems(validate.errors ?? [], basePointer);
  }
}

/**
 * The static field schema plus one variant per plugin-registered type: what the
 * validator checks fields against, and what the OpenAPI document shows.
 */
export function composeFieldSchema(field: JsonSchema, fieldTypes: Registry<FieldTypeDefinition>): JsonSchema {
  const defs = { ...(field.$defs as Record<string, JsonSchema>) };
  const oneOf = [...(field.oneOf as JsonSchema[])];
  for (const [type, def] of fieldTypes.entries()) {
    if (defs[type] || !def.settingsSchema) continue;
    const settings = def.settingsSchema;
    defs[type] = {
      type: 'object',
      properties: { ...(settings.properties as object), type: { const: type } },
      required: ['type', ...((settings.required as string[] | undefined) ?? [])],
      allOf: [{ $ref: '#/$defs/base' }],
      unevaluatedProperties: false,
    };
    oneOf.push({ $ref: `#/$defs/${type}` });
  }
  return { ...field, $defs: defs, oneOf };
}

const CODES: Record<string, ProblemCode> = {
  required: 'REQUIRED',
  additionalProperties: 'UNKNOWN_PROPERTY',
  unevaluatedProperties: 'UNKNOWN_PROPERTY',
  type: 'WRONG_TYPE',
  enum: 'NOT_ALLOWED_VALUE',
  const: 'NOT_ALLOWED_VALUE',
  pattern: 'BAD_FORMAT',
  format: 'BAD_FORMAT',
  propertyNames: 'BAD_FORMAT',
  minLength: 'OUT_OF_RANGE',
  maxLength: 'OUT_OF_RANGE',
  minItems: 'OUT_OF_RANGE',
  maxItems: 'OUT_OF_RANGE',
  minimum: 'OUT_OF_RANGE',
  maximum: 'OUT_OF_RANGE',
  minProperties: 'OUT_OF_RANGE',
  maxProperties: 'OUT_OF_RANGE',
  discriminator: 'UNKNOWN_VARIANT',
  oneOf: 'UNKNOWN_VARIANT',
  anyOf: 'INVALID',
};

/**
 * Turns ajv errors into problems. A failed alternative (anyOf / oneOf) reports an error
 * per branch at its own location, which says nothing useful: those are dropped, and
 * the alternative itself is reported only when nothing deeper explains the failure.
 */
export function toProblems(errors: ErrorObject[], basePointer: string): Problem[] {
  const combinator = (e: ErrorObject) => e.keyword === 'anyOf' || e.keyword === 'oneOf';
  const alternativesAt = new Set(errors.filter(combinator).map((e) => e.instancePath));
  const hasDeeper = (path: string) => errors.some((o) => o.instancePath.startsWith(`${path}/`));
  const seen = new Set<string>();
  const problems: Problem[] = [];
  for (const e of errors) {
    if (combinator(e) ? hasDeeper(e.instancePath) : alternativesAt.has(e.instancePath)) continue;
    const params = e.params as Record<string, unknown>;
    let path = e.instancePath;
    if (e.keyword === 'required') path += `/${escape(String(params.missingProperty))}`;
    if (e.keyword === 'additionalProperties') path += `/${escape(String(params.additionalProperty))}`;
    if (e.keyword === 'unevaluatedProperties') path += `/${escape(String(params.unevaluatedProperty))}`;
    if (e.keyword === 'propertyNames') path += `/${escape(String(params.propertyName))}`;
    if (e.keyword === 'discriminator') path += `/${escape(String(params.tag))}`;
    const code = CODES[e.keyword] ?? 'INVALID';
    const problem = makeProblem(basePointer + path, code, { ...params, ...paramsFor(e) });
    // A keyword the catalogue has no words for keeps ajv's English.
    if (code === 'INVALID' && !combinator(e) && e.message) problem.message = e.message;
    const id = `${problem.pointer}|${code}|${problem.message}`;
    if (seen.has(id)) continue;
    seen.add(id);
    problems.push(problem);
  }
  return problems;
}

/**
 * The params the message catalogue and the UIs read, beside ajv's own: `min`/`max`,
 * `minLength`/`maxLength`, `minItems`/`maxItems`, `allowed`, `property`, and for a
 * discriminator the variants it knows (errors must be verbose for those).
 */
function paramsFor(e: ErrorObject): Record<string, unknown> {
  const p = e.params as Record<string, unknown>;
  switch (e.keyword) {
    case 'minimum':
    case 'exclusiveMinimum':
      return { min: p.limit };
    case 'maximum':
    case 'exclusiveMaximum':
      return { max: p.limit };
    case 'minLength':
    case 'maxLength':
    case 'minItems':
    case 'maxItems':
    case 'minProperties':
    case 'maxProperties':
      return { [e.keyword]: p.limit };
    case 'enum':
      return { allowed: p.allowedValues };
    case 'const':
      return { allowed: [p.allowedValue] };
    case 'additionalProperties':
      return { property: p.additionalProperty };
    case 'unevaluatedProperties':
      return { property: p.unevaluatedProperty };
    case 'discriminator':
      return variantsOf(e.parentSchema as JsonSchema | undefined, String(p.tag));
    default:
      return {};
  }
}

/** The values a discriminated union accepts for its tag: each variant's `const`, or its $defs name. */
function variantsOf(schema: JsonSchema | undefined, tag: string): Record<string, unknown> {
  const oneOf = schema?.oneOf as JsonSchema[] | undefined;
  if (!oneOf) return {};
  const defs = (schema?.$defs ?? {}) as Record<string, JsonSchema>;
  const allowed = oneOf.map((variant) => {
    const ref = typeof variant.$ref === 'string' ? /^#\/\$defs\/(.+)$/.exec(variant.$ref)?.[1] : undefined;
    const target = ref === undefined ? variant : defs[ref];
    const value = ((target?.properties as Record<string, JsonSchema> | undefined)?.[tag] as JsonSchema | undefined)?.const;
    return typeof value === 'string' ? value : ref;
  });
  return { allowed: allowed.filter((a): a is string => typeof a === 'string') };
}

function escape(segment: string): string {
  return segment.replace(/~/g, '~0').replace(/\//g, '~1');
}
