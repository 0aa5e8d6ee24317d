import { Validator as SchemaValidator, type OutputUnit, type Schema } from '@cfworker/json-schema';
import { ErrorSchemaBuilder, type RJSFSchema, type RJSFValidationError, type ValidationData, type ValidatorType } from '@rjsf/utils';
import type { Locale } from '../i18n/locale';
import { formMessages } from './form.messages';

// RJSF's own validator (@rjsf/validator-ajv8) compiles schemas to code with `new
// Function`, which the platform's Content Security Policy (script-src 'self', no
// 'unsafe-eval') refuses. This one interprets the same JSON Schema, draft 2020-12,
// with @cfworker/json-schema: no code generation, so it runs under the CSP.

/** Keywords that only say "something below failed"; the leaf errors carry the reason. */
const WRAPPERS = new Set(['properties', 'items', 'allOf', 'anyOf', 'oneOf', 'additionalProperties', '$ref', 'prefixItems', 'if', 'then', 'else', 'dependentSchemas']);

type MessageKey = keyof (typeof formMessages)['en'];

const KEYWORD_MESSAGES: Record<string, MessageKey> = {
  required: 'invalid.required',
  pattern: 'invalid.pattern',
  format: 'invalid.format',
  maxLength: 'invalid.maxLength',
  minLength: 'invalid.minLength',
  minimum: 'invalid.minimum',
  maximum: 'invalid.maximum',
  enum: 'invalid.enum',
  type: 'invalid.type',
  maxItems: 'invalid.maxItems',
  uniqueItems: 'invalid.uniqueItems',
};

/** An RJSF validator over @cfworker/json-schema, speaking the user's language. */
export class CspSafeValidator implements ValidatorType {
  private readonly cache = new WeakMap<object, SchemaValidator>();

  constructor(private readonly locale: Locale) {}

  validateFormData(formData: unknown, schema: RJSFSchema): ValidationData<unknown> {
    const errors = this.errorsOf(schema, formData);
    const builder = new ErrorSchemaBuilder();
    for (const error of errors) builder.addErrors(error.message ?? '', error.property ? error.property.split('.').filter(Boolean) : undefined);
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
      if (value === undefined || value === null || value === '' || (Array.isArray(value) && value.length === 0)) errors.push(this.error('required', key));
    }
    const { required: _ignored, ...rest } = schema;
    const seen = new Set(errors.map((e) => e.property));
    for (const unit of this.validator(rest as RJSFSchema).validate(formData ?? {}).errors) {
      if (WRAPPERS.has(unit.keyword)) continue;
      const property = propertyOf(unit);
      if (seen.has(property)) continue;
      seen.add(property);
      errors.push(this.error(unit.keyword, property));
    }
    return errors;
  }

  private error(keyword: string, property: string): RJSFValidationError {
    const catalog = formMessages[this.locale];
    const message = catalog[KEYWORD_MESSAGES[keyword] ?? 'invalid.other'];
    return { name: keyword, property: `.${property}`, message, stack: `${property}: ${message}` };
  }
}

/** `#/amount/0` → `amount.0`: the RJSF property path of an error. */
function propertyOf(unit: OutputUnit): string {
  return unit.instanceLocation.replace(/^#\/?/, '').split('/').map((p) => p.replace(/~1/g, '/').replace(/~0/g, '~')).join('.');
}
