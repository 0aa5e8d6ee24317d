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
  // a unique value another record already has
  'NOT_UNIQUE',
  // record writes checked against a process field's guided stages
  'STAGE_TRANSITION_NOT_ALLOWED',
  'STAGE_FIELD_REQUIRED',
  // a duplicate rule (查重) in block mode found a matching record
  'DUPLICATE_RECORD',
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
  'STEP_CYCLE',
  'TOO_MANY_INDEXES',
  'UNSAFE_PATTERN',
  'LOGIC_NOT_ALLOWED',
  'LOGIC_TOO_LARGE',
  'UNKNOWN_VARIABLE',
  'IMMUTABLE',
  'ROW_FILTER_UNSUPPORTED',
  'REVEALS_HIDDEN_FIELD',
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

/**
 * A pointer into `doc` with each array index replaced by the key of the item it points
 * at, where the item has a string `key` that no sibling shares: `/forms/0/layout/tabs/1`
 * becomes `/forms/deal_main/layout/tabs/details`. This is how a designer names what it
 * shows (items and their fields move, their keys stay); items without a key keep their
 * index.
 */
export function keyedPointer(at: string, doc: unknown): string {
  if (at === '') return at;
  const segments = at
    .slice(1)
    .split('/')
    .map((s) => s.replace(/~1/g, '/').replace(/~0/g, '~'));
  let node: unknown = doc;
  const out: string[] = [];
  for (const segment of segments) {
    if (Array.isArray(node) && /^\d+$/.test(segment)) {
      const item = node[Number(segment)] as { key?: unknown } | undefined;
      const key = item?.key;
      const unique = typeof key === 'string' && node.filter((o) => (o as { key?: unknown } | null)?.key === key).length === 1;
      out.push(unique ? key : segment);
      node = item;
    } else {
      out.push(segment);
      node = node !== null && typeof node === 'object' ? (node as Record<string, unknown>)[segment] : undefined;
    }
  }
  return pointer(...out);
}
