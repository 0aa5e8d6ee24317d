import { AppError } from '../errors/app-error.js';

/** Errors of the query compiler and their HTTP statuses (codes listed in ERROR_CODES). */
export const QUERY_ERROR_STATUS = {
  /** The filter is not the filter language: wrong shape, operator keys, unknown keys. */
  FILTER_INVALID: 400,
  /** A condition names something that is neither a field of the entity nor a system field. */
  FILTER_FIELD_UNKNOWN: 400,
  /** A condition uses an operator that its field's type does not allow. */
  FILTER_OPERATOR_NOT_ALLOWED: 400,
  /** A condition's operand has the wrong shape or type for its operator and field. */
  FILTER_VALUE_INVALID: 400,
  /** Too deep, too many conditions, too many items in a list. */
  FILTER_TOO_COMPLEX: 400,
  /** The filter, sort or search touches a field the actor may not read. */
  FIELD_NOT_READABLE: 403,
  SORT_INVALID: 400,
  SORT_FIELD_UNKNOWN: 400,
  /** The paging cursor is garbage, was tampered with, or belongs to another sort. */
  CURSOR_INVALID: 400,
  SEARCH_INVALID: 400,
  /** The time zone for relative dates is not an IANA name the runtime knows. */
  TIME_ZONE_INVALID: 400,
  /** An aggregate request that is not valid: its shape, a field that cannot be grouped or measured, a bucket, the sort. */
  AGGREGATE_INVALID: 400,
} as const;

export type QueryErrorCode = keyof typeof QUERY_ERROR_STATUS;

/** What the API returns beside the message: where in the input the problem is. */
export interface QueryErrorDetails {
  /** A JSON pointer into the input: `/and/1/value` for a filter, `/sort/0` for a sort. */
  pointer: string;
  /** The field concerned, when there is one. */
  field?: string;
}

/** A refused query: an AppError whose details say where in the input the problem is. */
export class QueryError extends AppError {
  declare readonly code: QueryErrorCode;
  declare readonly details: QueryErrorDetails;

  constructor(code: QueryErrorCode, message: string, pointer: string, field?: string) {
    super(code, QUERY_ERROR_STATUS[code], message, field === undefined ? { pointer } : { pointer, field });
    this.name = 'QueryError';
  }
}

/** Escapes one JSON pointer reference token (RFC 6901). */
export function pointerToken(key: string | number): string {
  return String(key).replace(/~/g, '~0').replace(/\//g, '~1');
}

/** A name safe to quote in a message: hostile input may be a megabyte long. */
export function quote(name: string): string {
  return JSON.stringify(name.length > 60 ? `${name.slice(0, 60)}…` : name);
}
