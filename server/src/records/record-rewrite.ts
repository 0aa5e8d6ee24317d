import type { Document, ObjectId } from 'mongodb';
import type { CompiledEntity } from './compiled-entity.js';
import { recordCollection } from '../record-storage/record-collections.js';
import type { WriteContext } from './record-writer.js';

/**
 * Writes a version-guarded update that changes a unique field, or `_deletedAt` (the
 * unique indexes' filter: a record in the recycle bin holds no value), as a delete of
 * the document and an insert of its new state, in the caller's transaction.
 *
 * Why: `secantusd-rs` never removes a unique index entry on update, only on delete. A
 * record moved to the recycle bin, or whose value changed or was cleared, would keep
 * its old value from every live record (test/compat/README.md). On MongoDB the rewrite
 * gives the same result as the update. A concurrent writer of the record meets the
 * guarded delete as it would the guarded update (no match, or a write conflict that
 * the transaction retries).
 *
 * Resolves undefined when the update touches no unique key (the caller updates as
 * usual), else whether the version matched. Only the update forms the engine builds
 * here (top-level `$set`, `$unset`, numeric `$inc`) are rewritten; any other form is
 * left to the caller's update.
 */
export async function rewriteRecord(ctx: WriteContext, compiled: CompiledEntity, id: ObjectId, expectedVersion: number, update: Document): Promise<boolean | undefined> {
  if (!touchesUniqueKeys(compiled, update)) return undefined;
  const records = recordCollection(ctx.db, compiled.entity.key);
  const guard = { _id: id, _version: expectedVersion };
  const current = await records.findOne(guard, { session: ctx.session });
  if (!current) return false;
  const next = applyUpdate(current, update);
  if (next === undefined) return undefined;
  if ((await records.deleteOne(guard, { session: ctx.session })).deletedCount !== 1) return false;
  await records.insertOne(next, { session: ctx.session });
  return true;
}

/** True when `update` sets or unsets a unique field or `_deletedAt`. */
function touchesUniqueKeys(compiled: CompiledEntity, update: Document): boolean {
  if (compiled.uniques.size === 0) return false;
  const paths = [update.$set, update.$unset].flatMap((part: Document | undefined) => Object.keys(part ?? {}));
  return paths.some((path) => path === '_deletedAt' || compiled.uniques.has(path));
}

/** The document after `$set` / `$unset` / `$inc` on top-level fields; undefined for any other form. */
export function applyUpdate(doc: Document, update: Document): Document | undefined {
  const next: Document = { ...doc };
  for (const [operator, fields] of Object.entries(update) as [string, Document][]) {
    for (const [field, value] of Object.entries(fields)) {
      if (field.includes('.') || field === '_id') return undefined;
      if (operator === '$set') next[field] = value;
      else if (operator === '$unset') delete next[field];
      else if (operator === '$inc' && typeof value === 'number' && typeof (next[field] ?? 0) === 'number') next[field] = ((next[field] as number | undefined) ?? 0) + value;
      else return undefined;
    }
  }
  return next;
}
