import { BSON, Decimal128, ObjectId, type Document } from 'mongodb';
import type { SortKey } from './compile-sort.js';
import { QueryError } from './query.errors.js';

const { EJSON } = BSON;

/** Longer than any real cursor (five keys of at most 1,000 characters each, base64). */
const MAX_CURSOR_LENGTH = 8192;
const BASE64URL = /^[A-Za-z0-9_-]+$/;

/** A sort key value as a cursor carries it; null stands for a record without the field. */
export type CursorValue = null | string | number | boolean | Date | Decimal128 | ObjectId;

/**
 * An opaque cursor for "the records after this one" in the order of `keys`: the sort
 * key values of `record` (a stored document), in Extended JSON so that Decimal128,
 * Date and ObjectId come back as themselves, then base64url. It names the sort it
 * belongs to, so it cannot be replayed against another. It is not signed: a client
 * that forges one only moves its own position, as the filter still applies in full.
 */
export function encodeCursor(keys: readonly SortKey[], record: Document): string {
  const payload = { k: signature(keys), v: keys.map((key) => (record[key.field] as unknown) ?? null) };
  return Buffer.from(EJSON.stringify(payload, { relaxed: false }), 'utf8').toString('base64url');
}

/**
 * The sort key values of a cursor made by encodeCursor for the same keys.
 *
 * @throws QueryError 400 CURSOR_INVALID for garbage, a cursor of another sort, or
 *   values that are not plain BSON scalars
 */
export function decodeCursor(cursor: string, keys: readonly SortKey[]): CursorValue[] {
  if (typeof cursor !== 'string' || cursor.length > MAX_CURSOR_LENGTH || !BASE64URL.test(cursor)) throw invalid();
  let payload: unknown;
  try {
    payload = EJSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'), { relaxed: true });
  } catch {
    throw invalid();
  }
  if (typeof payload !== 'object' || payload === null || Object.keys(payload).join() !== 'k,v') throw invalid();
  const { k, v } = payload as { k: unknown; v: unknown };
  if (!Array.isArray(k) || k.join() !== signature(keys).join() || k.length !== keys.length) {
    throw invalid('The cursor belongs to another sort; start again from the first page');
  }
  if (!Array.isArray(v) || v.length !== keys.length || !v.every(isCursorValue)) throw invalid();
  if (keys.some((key, i) => key.field === '_id' && !(v[i] instanceof ObjectId))) throw invalid();
  return v;
}

/**
 * The filter for the records that come after a record with sort key `values`, in the
 * order of `keys`: `{$or: [{k1 after v1}, {k1 = v1, k2 after v2}, ...]}`.
 *
 * MongoDB sorts a missing value before every value: ascending, "after missing" is
 * "has a value"; descending, "after v" also includes the records without a value, and
 * nothing comes after missing. Equality with null matches records without the field.
 */
export function keysetFilter(keys: readonly SortKey[], values: readonly CursorValue[]): Document {
  if (values.length !== keys.length) throw invalid();
  const branches: Document[] = [];
  const prefix: Document = {};
  keys.forEach((key, i) => {
    const value = values[i] ?? null;
    for (const after of afterValue(key, value)) branches.push({ ...prefix, [key.field]: after });
    prefix[key.field] = { $eq: value };
  });
  // Only possible without an _id key: nothing comes after the last record.
  return branches.length > 0 ? { $or: branches } : { _id: { $in: [] } };
}

function afterValue(key: SortKey, value: CursorValue): Document[] {
  if (key.direction === 1) return [value === null ? { $ne: null } : { $gt: value }];
  if (value === null) return [];
  // Every record has an _id: no branch for records without one.
  return key.field === '_id' ? [{ $lt: value }] : [{ $lt: value }, { $eq: null }];
}

function signature(keys: readonly SortKey[]): string[] {
  return keys.map((key) => `${key.direction === -1 ? '-' : ''}${key.field}`);
}

function isCursorValue(value: unknown): value is CursorValue {
  if (value === null || typeof value === 'string' || typeof value === 'boolean') return true;
  if (typeof value === 'number') return Number.isFinite(value);
  if (value instanceof Date) return !Number.isNaN(value.getTime());
  return value instanceof Decimal128 || value instanceof ObjectId;
}

function invalid(message = 'The cursor is not valid; start again from the first page'): QueryError {
  return new QueryError('CURSOR_INVALID', message, '/cursor');
}
