import type { Document, ObjectId } from 'mongodb';
import { rewriteDocument } from '../storage/rewrite.js';
import type { CompiledEntity } from './compiled-entity.js';
import { recordCollection } from '../record-storage/record-collections.js';
import type { WriteContext } from './record-writer.js';

/**
 * Writes a version-guarded update that changes a unique field, or `_deletedAt` (the
 * unique indexes' filter: a record in the recycle bin holds no value), as a delete of
 * the document and an insert of its new state, in the caller's transaction
 * (`rewriteDocument`: `secantusd-rs` frees a unique value only on delete). A record
 * moved to the recycle bin, or whose value changed or was cleared, would otherwise keep
 * its old value from every live record.
 *
 * Resolves undefined when the update touches no unique key, or has a form the rewrite
 * does not apply (the caller updates as usual), else whether the version matched.
 */
export async function rewriteRecord(
  ctx: WriteContext,
  compiled: CompiledEntity,
  id: ObjectId,
  expectedVersion: number,
  update: Document,
): Promise<boolean | undefined> {
  if (!touchesUniqueKeys(compiled, update)) return undefined;
  return await rewriteDocument(recordCollection(ctx.db, compiled.entity.key), { _id: id, _version: expectedVersion }, update, ctx.session);
}

/** True when `update` sets or unsets a unique field or `_deletedAt`. */
function touchesUniqueKeys(compiled: CompiledEntity, update: Document): boolean {
  if (compiled.uniques.size === 0) return false;
  const paths = [update.$set, update.$unset].flatMap((part: Document | undefined) => Object.keys(part ?? {}));
  return paths.some((path) => path === '_deletedAt' || compiled.uniques.has(path));
}
