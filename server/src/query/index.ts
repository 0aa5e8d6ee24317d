/**
 * The record query compiler: what a client or a view sends (filter, sort, cursor,
 * search text) becomes a MongoDB query built from an allowlist. Pure functions, no db.
 */
export { compileFilter, combineQueries, type FilterOptions } from './compile-filter.js';
export { compileSort, DEFAULT_SORT, MAX_SORT_KEYS, type CompiledSort, type SortKey } from './compile-sort.js';
export { decodeCursor, encodeCursor, keysetFilter, type CursorValue } from './cursor.js';
export { compileSearch, SEARCH_LIMITS } from './search.js';
export { FILTER_LIMITS } from './filter-shape.js';
export type { FieldOptions } from './query-fields.js';
export { QueryError, QUERY_ERROR_STATUS, type QueryErrorCode, type QueryErrorDetails } from './query.errors.js';
