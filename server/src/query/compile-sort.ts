import type { Document } from 'mongodb';
import { DEFAULT_RECORD_SORT, sortText, withIdTiebreak, type Entity, type SortKey } from '@metacrm/metadata';
import { assertReadable, resolveField, type FieldOptions } from './query-fields.js';
import { QueryError, quote } from './query.errors.js';

// The metadata package owns the sort rules, so the indexes derived from views match them.
export type { SortKey };

/** A sort ready for `find().sort(spec)`, and its keys for keyset cursors. */
export interface CompiledSort {
  spec: Document;
  /** The keys in order, always ending with `_id`. */
  keys: SortKey[];
}

/** Newest first. */
export const DEFAULT_SORT = sortText(DEFAULT_RECORD_SORT);
/** Keys a client may give; `_id` is added after them. */
export const MAX_SORT_KEYS = 5;

/**
 * Parses the API's sort, `-amount,name` (a `-` sorts descending), into a MongoDB sort.
 * Only fields that order meaningfully can be sorted on: ordered or groupable types, and
 * the system fields. `_id` always ends the sort, in the direction of the key before
 * it, so that the order is total and keyset paging never skips or repeats a record.
 * Strings sort in binary order (no collation); records without a value sort first
 * ascending and last descending.
 *
 * @param sort the sort, or undefined (or empty) for DEFAULT_SORT
 * @throws QueryError 400 with a pointer `/sort/<i>` to the bad key; 403 for a field
 *   that `canRead` refuses
 */
export function compileSort(sort: string | undefined, entity: Entity, options: FieldOptions): CompiledSort {
  const text = sort === undefined || sort.trim() === '' ? DEFAULT_SORT : sort;
  // A sane sort is short; a megabyte of commas is refused before it is split.
  if (text.length > MAX_SORT_KEYS * 100) throw new QueryError('SORT_INVALID', 'The sort is too long', '/sort');
  const parts = text.split(',');
  if (parts.length > MAX_SORT_KEYS) {
    throw new QueryError('SORT_INVALID', `A sort may have at most ${MAX_SORT_KEYS} keys`, `/sort/${MAX_SORT_KEYS}`);
  }
  const given: SortKey[] = [];
  parts.forEach((part, i) => {
    const key = parseKey(part.trim(), `/sort/${i}`, entity, options);
    if (given.some((k) => k.field === key.field))
      throw new QueryError('SORT_INVALID', `${quote(key.field)} is sorted on twice`, `/sort/${i}`, key.field);
    given.push(key);
  });
  const keys = withIdTiebreak(given);
  const spec: Document = {};
  for (const key of keys) spec[key.field] = key.direction;
  return { spec, keys };
}

function parseKey(part: string, pointer: string, entity: Entity, options: FieldOptions): SortKey {
  const descending = part.startsWith('-');
  const name = descending ? part.slice(1) : part;
  if (name === '') throw new QueryError('SORT_INVALID', 'A sort key needs a field name', pointer);
  const ref = resolveField(name, entity, options.fieldTypes);
  if (!ref) throw new QueryError('SORT_FIELD_UNKNOWN', `${quote(name)} is not a field of ${entity.key}`, pointer, name);
  assertReadable(ref, options.canRead, pointer);
  if (!ref.system && !ref.traits.ordered && !ref.traits.groupable) {
    throw new QueryError('SORT_INVALID', `Records cannot be sorted on ${quote(name)}`, pointer, name);
  }
  return { field: name, direction: descending ? -1 : 1 };
}
