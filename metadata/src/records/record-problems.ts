import type { ErrorObject } from 'ajv';
import type { Field } from '../generated/types.js';
import type { FieldTypeDefinition } from '../fields/field-type-definition.js';
import { fieldTypeOf } from '../fields/field-types.js';
import type { Registry } from '../registry.js';
import { makeProblem } from '../schema/problem-messages.js';
import { toProblems } from '../schema/meta-validator.js';
import type { Problem } from '../schema/problems.js';

type AnyField = Field & Record<string, unknown>;

/**
 * The problems of a record's values from the errors of its compiled schema
 * (writableRecordSchema), told the way a user reads them: a field's pattern becomes
 * the format it stands for (`{format: "email"}`), a decimal that does not fit says
 * whether its decimals or its integer digits are too many, a refused option names the
 * value. Messages come from the catalogue (problemMessage), so an import or a
 * workflow that meets the same value reads the same words.
 */
export function recordProblems(
  errors: ErrorObject[],
  fields: ReadonlyMap<string, Field>,
  data: Record<string, unknown>,
  fieldTypes?: Registry<FieldTypeDefinition>,
): Problem[] {
  return toProblems(errors, '').map((problem) => {
    const [key, index] = problem.pointer.split('/').slice(1);
    const field = key === undefined ? undefined : (fields.get(key) as AnyField | undefined);
    if (!field) return problem;
    const value = index === undefined ? data[field.key] : (data[field.key] as unknown[] | undefined)?.[Number(index)];
    const params = refine(field, problem, value, fieldTypes);
    return params ? makeProblem(problem.pointer, problem.code, { ...problem.params, ...params }) : problem;
  });
}

function refine(
  field: AnyField,
  problem: Problem,
  value: unknown,
  fieldTypes: Registry<FieldTypeDefinition> | undefined,
): Record<string, unknown> | undefined {
  if (problem.code === 'NOT_ALLOWED_VALUE' && typeof value === 'string') return { value };
  if (problem.code !== 'BAD_FORMAT' || problem.params?.pattern === undefined) return undefined;
  return fieldTypeOf(field.type, fieldTypes)?.formatProblem?.(field, value);
}
