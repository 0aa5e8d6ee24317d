import { Validator as SchemaValidator, type OutputUnit, type Schema } from '@cfworker/json-schema';
import { ErrorSchemaBuilder, type RJSFSchema, type RJSFValidationError, type ValidationData, type ValidatorType } from '@rjsf/utils';
import type { Locale } from '../i18n/locale';
import { problemMessage, type Problem } from '@metacrm/metadata';

// RJSF's own validator (@rjsf/validator-ajv8) compiles schemas to code with `new
// Function`, which the platform's Content Security Policy (script-src 'self', no
// 'unsafe-eval') refuses. This one interprets the same JSON Schema, draft 2020-12,
// with @cfworker/json-schema: no code generation, so it runs under the CSP.

/** Keywords that only say "something below failed"; the leaf errors carry the reason. */
const WRAPPERS = new Set([
  'properties',
  'items',
  'allOf',
  'anyOf',
  'oneOf',
  'additionalProperties',
  '$ref',
  'prefixItems',
  'if',
  'then',
  'else',
  'dependentSchemas',
]);

/**
 * A failed keyword as the server's problem (code and params), so its words come from the
 * metadata package's catalogue (problemMessage) and read as the server's would. `limit`
 * is the keyword's value in the schema (a maximum's bound, a format's name).
 */
const KEYWORD_PROBLEMS: Record<string, (limit: unknown) => Pick<Problem, 'code' | 'params'>> = {
  required: () => ({ code: 'REQUIRED' }),
  pattern: () => ({ code: 'BAD_FORMAT' }),
  format: (format) => ({ code: 'BAD_FORMAT', params: { format } }),
  maxLength: (maxLength) => ({ code: 'OUT_OF_RANGE', params: { maxLength } }),
  minLength: (minLength) => ({ code: 'OUT_OF_RANGE', params: { minLength } }),
  minimum: (min) => ({ code: 'OUT_OF_RANGE', params: { min } }),
  maximum: (max) => ({ code: 'OUT_OF_RANGE', params: { max } }),
  maxItems: (maxItems) => ({ code: 'OUT_OF_RANGE', params: { maxItems } }),
  minItems: (minItems) => ({ code: 'OUT_OF_RANGE', params: { minItems } }),
  enum: (allowed) => ({ code: 'NOT_ALLOWED_VALUE', params: { allowed } }),
  type: (type) => ({ code: 'WRONG_TYPE', params: { type } }),
};

/** An RJSF validator over @cfworker/json-schema, speaking the user's language. */
export class CspSafeValidator implements ValidatorType {
  private readonly cache = new WeakMap<object, SchemaValidator>();

  constructor(private readonly locale: Locale) {}

  validateFormData(formData: unknown, schema: RJSFSchema): ValidationData<unknown> {
    const errors = this.errorsOf(schema, formData);
    const builder = new ErrorSchemaBuilder();
    for (const error of errors)
      builder.addErrors(error.message ?? '', error.property ? error.property.split('.').filter(Boolean) : undefined);
    return { errors, errorSchema: builder.ErrorSchema };
  }

  isValid(schema: RJSFSchema, formData: unknown): boolean {
    return this.validator(schema).validate(formData).valid;
  }

  rawValidation<Result = unknown>(schema: RJSFSchema, formData?: unknown): { errors?: Result[]; validationError?: Error } {
    return { errors: this.validator(schema).validate(formData).errors as Result[] };
  }

  reset(): void {
    // The cache is keyed by schema object, so a new schema never meets a stale validator.
  }

  private validator(schema: RJSFSchema): SchemaValidator {
    let validator = this.cache.get(schema);
    if (!validator) {
      validator = new SchemaValidator(schema as Schema, '2020-12', false);
      this.cache.set(schema, validator);
    }
    return validator;
  }

  /** Required fields are checked here (an empty string counts as missing, as on the server); the rest by the schema. */
  private errorsOf(schema: RJSFSchema, formData: unknown): RJSFValidationError[] {
    const data = (formData ?? {}) as Record<string, unknown>;
    const errors: RJSFValidationError[] = [];
    for (const key of (schema.required ?? []) as string[]) {
      const value = data[key];
      if (value === undefined || value === null || value === '' || (Array.isArray(value) && value.length === 0))
        errors.push(this.error('required', key, undefined));
    }
    const { required: _ignored, ...rest } = schema;
    const seen = new Set(errors.map((e) => e.property));
    for (const unit of this.validator(rest as RJSFSchema).validate(formData ?? {}).errors) {
      if (WRAPPERS.has(unit.keyword)) continue;
      const property = propertyOf(unit);
      if (seen.has(property)) continue;
      seen.add(property);
      errors.push(this.error(unit.keyword, property, keywordValue(rest, unit.keywordLocation)));
    }
    return errors;
  }

  private error(keyword: string, property: string, limit: unknown): RJSFValidationError {
    const problem = KEYWORD_PROBLEMS[keyword]?.(limit) ?? { code: 'INVALID' };
    const message = problemMessage(problem, this.locale);
    return { name: keyword, property: `.${property}`, message, stack: `${property}: ${message}` };
  }
}

/** The value of the keyword a failure names (`#/properties/amount/maximum`), when the pointer leads there. */
function keywordValue(schema: unknown, location: string): unknown {
  let node = schema;
  for (const segment of location.replace(/^#\/?/, '').split('/').filter(Boolean)) {
    if (node === null || typeof node !== 'object') return undefined;
    node = (node as Record<string, unknown>)[segment.replace(/~1/g, '/').replace(/~0/g, '~')];
  }
  return node;
}

/** `#/amount/0` → `amount.0`: the RJSF property path of an error. */
function propertyOf(unit: OutputUnit): string {
  return unit.instanceLocation
    .replace(/^#\/?/, '')
    .split('/')
    .map((p) => p.replace(/~1/g, '/').replace(/~0/g, '~'))
    .join('.');
}
