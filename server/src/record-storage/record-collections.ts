import type { Collection, Db, Document } from 'mongodb';

/** The collection that holds the records of one entity. */
export function recordCollection(db: Db, entity: string): Collection<Document> {
  return db.collection(`rec_${entity}`);
}

/**
 * A unique index counts live records that hold a value: soft-deleted records
 * (`_deletedAt` set) and records without the field do not collide. `key` is the
 * document key indexed: the field, or its hidden comparison key (uniqueIndexKey).
 */
export function uniqueIndexOptions(field: string, key = field): { name: string; unique: true; partialFilterExpression: Document } {
  return {
    name: `unique_${field}`,
    unique: true,
    partialFilterExpression: { [key]: { $exists: true }, _deletedAt: { $type: 'null' } },
  };
}
