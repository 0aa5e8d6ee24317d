/**
 * One thing wrong with a document: where (a JSON pointer into the document that was
 * sent), a stable code the UIs can switch on, and a message in English.
 */
export interface Problem {
  pointer: string;
  code: ProblemCode;
  message: string;
  params?: Record<string, unknown>;
}

export const PROBLEM_CODES = [
  // shape (JSON Schema)
  'REQUIRED',
  'UNKNOWN_PROPERTY',
  'WRONG_TYPE',
  'NOT_ALLOWED_VALUE',
  'BAD_FORMAT',
  'OUT_OF_RANGE',
  'UNKNOWN_VARIANT',
  'INVALID',
  // record writes checked against a form's conditions
  'READ_ONLY',
  // cross references and meaning
  'RESERVED_KEY',
  'DUPLICATE_KEY',
  'DUPLICATE_DEFAULT',
  'KEY_MISMATCH',
  'UNKNOWN_ENTITY',
  'UNKNOWN_FIELD',
  'UNKNOWN_STEP',
  'UNKNOWN_TRIGGER',
  'UNKNOWN_ACTION',
  'UNKNOWN_VIEW',
  'UNKNOWN_DASHBOARD',
  'UNKNOWN_ROLE',
  'OUT_OF_GRID',
  'FIELD_TYPE_MISMATCH',
  'OPERATOR_NOT_ALLOWED',
  'FORMULA_CYCLE',
  'TOO_MANY_INDEXES',
  'UNSAFE_PATTERN',
  'LOGIC_NOT_ALLOWED',
  'LOGIC_TOO_LARGE',
  'UNKNOWN_VARIABLE',
  'IMMUTABLE',
  'ROW_FILTER_UNSUPPORTED',
] as const;

export type ProblemCode = (typeof PROBLEM_CODES)[number];

/** Escapes one JSON pointer segment (RFC 6901). */
export function pointerSegment(segment: string | number): string {
  return String(segment).replace(/~/g, '~0').replace(/\//g, '~1');
}

/** Joins segments into a JSON pointer: pointer('fields', 3, 'key') is `/fields/3/key`. */
export function pointer(...segments: (string | number)[]): string {
  return segments.map((s) => `/${pointerSegment(s)}`).join('');
}
