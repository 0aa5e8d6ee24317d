import { FORMATS, isCalendarDate, isDateTime } from '@metacrm/metadata';
import { toStorage } from '../record-storage/field-codec.js';
import type { QueryField } from './query-fields.js';
import { QueryError, quote } from './query.errors.js';

const OBJECT_ID = /^[0-9a-f]{24}$/i;
// User references are ids of the user directory (ObjectId hex) or of the system actor
// ('system'), so they are checked as identifiers, not as hex.
/** A user id, or `workflow:<key>`: records a workflow created before owners were chosen belong to it, and admins find them so. */
const USER_ID = /^(?:workflow:)?[A-Za-z0-9_-]{1,64}$/;

/**
 * Checks one operand against the field's value kind, in API form (decimal strings,
 * 'YYYY-MM-DD' dates, ISO date-times, hex ids, option keys) and converts it to the
 * stored form with the same codec that writes records, so that both always agree.
 */
export function storedValue(ref: QueryField, value: unknown, pointer: string): unknown {
  const api = apiValue(ref, value);
  if (api === undefined) throw invalid(ref, value, pointer);
  try {
    return toStorage(ref.field, api);
  } catch {
    // Decimal128 refuses more significant digits than it can hold exactly.
    throw invalid(ref, value, pointer);
  }
}

/** Each value of a list operand, checked and converted. */
export function storedList(ref: QueryField, value: unknown, pointer: string, length?: number): unknown[] {
  const expected = length === undefined ? 'a list of values' : `a list of ${length} values`;
  if (!Array.isArray(value) || (length !== undefined && value.length !== length)) {
    throw new QueryError('FILTER_VALUE_INVALID', `This operator takes ${expected}`, pointer, ref.name);
  }
  return value.map((item, i) => storedValue(ref, item, `${pointer}/${i}`));
}

/** The operand of contains / notContains / startsWith on text: the text to look for. */
export function searchText(ref: QueryField, value: unknown, pointer: string): string {
  // MongoDB refuses NUL in a regular expression; refusing it here keeps that a 400.
  if (typeof value !== 'string' || value === '' || value.includes('\0')) {
    throw new QueryError('FILTER_VALUE_INVALID', 'This operator takes a non-empty text', pointer, ref.name);
  }
  return value;
}

/** The value in API form when it is valid for the field, else undefined. */
function apiValue(ref: QueryField, value: unknown): unknown {
  const kind = ref.traits.value;
  switch (kind) {
    case 'string':
    case 'strings':
      if (typeof value !== 'string') return undefined;
      return !ref.options || ref.options.has(value) ? value : undefined;
    case 'integer':
      return Number.isSafeInteger(value) ? value : undefined;
    case 'decimal':
      return typeof value === 'string' && FORMATS.decimal.test(value) ? value : undefined;
    case 'boolean':
      return typeof value === 'boolean' ? value : undefined;
    case 'date':
      return typeof value === 'string' && isCalendarDate(value) ? value : undefined;
    case 'datetime':
      return typeof value === 'string' && isDateTime(value) ? value : undefined;
    case 'reference':
      return referenceValue(ref, value);
    case 'files':
      return undefined;
    default: {
      const never: never = kind;
      return never;
    }
  }
}

function referenceValue(ref: QueryField, value: unknown): string | undefined {
  if (typeof value !== 'string') return undefined;
  if (ref.traits.reference === 'user') return USER_ID.test(value) ? value : undefined;
  return OBJECT_ID.test(value) ? value.toLowerCase() : undefined;
}

const EXPECTED: Record<string, string> = {
  string: 'a text',
  strings: 'an option key',
  integer: 'a whole number',
  decimal: "a decimal number as a string, such as '12.50'",
  boolean: 'true or false',
  date: "a date 'YYYY-MM-DD'",
  datetime: 'an ISO 8601 date-time with an offset',
  reference: 'a record id (24 hexadecimal digits)',
  files: 'no value',
};

function invalid(ref: QueryField, value: unknown, pointer: string): QueryError {
  const expected =
    ref.options && typeof value === 'string'
      ? `one of the options ${[...ref.options].join(', ')}`
      : (EXPECTED[ref.traits.value] ?? 'another value');
  if (ref.traits.reference === 'user')
    return new QueryError('FILTER_VALUE_INVALID', `${quote(ref.name)} takes a user id`, pointer, ref.name);
  return new QueryError('FILTER_VALUE_INVALID', `${quote(ref.name)} takes ${expected}`, pointer, ref.name);
}
