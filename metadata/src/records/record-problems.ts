import type { ErrorObject } from 'ajv';
import type { Field } from '../generated/types.js';
import { decimalScale } from '../fields/formats.js';
import { makeProblem } from '../schema/problem-messages.js';
import { toProblems } from '../schema/meta-validator.js';
import type { Problem } from '../schema/problems.js';

type AnyField = Field & Record<string, unknown>;

const DECIMAL = new Set(['decimal', 'currency', 'percent']);
const FORMAT_OF: Record<string, string> = { email: 'email', phone: 'phone', url: 'url', lookup: 'id', user: 'id' };

/**
 * The problems of a record's values from the errors of its compiled schema
 * (writableRecordSchema), told the way a user reads them: a field's pattern becomes
 * the format it stands for (`{format: "email"}`), a decimal that does not fit says
 * whether its decimals or its integer digits are too many, a refused option names the
 * value. Messages come from the catalogue (problemMessage), so an import or a
 * workflow that meets the same value reads the same words.
 */
export function recordProblems(errors: ErrorObject[], fields: ReadonlyMap<string, Field>, data: Record<string, unknown>): Problem[] {
  return toProblems(errors, '').map((problem) => {
    const [key, index] = problem.pointer.split('/').slice(1);
    const field = key === undefined ? undefined : (fields.get(key) as AnyField | undefined);
    if (!field) return problem;
    const value = index === undefined ? data[field.key] : (data[field.key] as unknown[] | undefined)?.[Number(index)];
    const params = refine(field, problem, value);
    return params ? makeProblem(problem.pointer, problem.code, { ...problem.params, ...params }) : problem;
  });
}

function refine(field: AnyField, problem: Problem, value: unknown): Record<string, unknown> | undefined {
  if (problem.code === 'NOT_ALLOWED_VALUE' && typeof value === 'string') return { value };
  if (problem.code !== 'BAD_FORMAT' || problem.params?.pattern === undefined) return undefined;
  if (FORMAT_OF[field.type]) return { format: FORMAT_OF[field.type] };
  if (!DECIMAL.has(field.type)) return undefined;
  const scale = typeof field.scale === 'number' ? field.scale : 2;
  const digits = Math.max(1, (typeof field.precision === 'number' ? field.precision : 18) - scale);
  const text = String(value);
  if (!/^-?\d+(\.\d+)?$/.test(text)) return { format: 'decimal' };
  if (decimalScale(text) > scale) return { format: 'decimal', scale };
  return { format: 'decimal', digits };
}
