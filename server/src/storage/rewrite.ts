import type { ClientSession, Collection, Document, Filter } from 'mongodb';

/**
 * Writes `update` to the one document `guard` matches as a delete of the document and
 * an insert of its new state, in the caller's transaction (`session`). For updates that
 * change a unique index's key, or take the document out of a partial index's filter.
 *
 * Why: `secantusd-rs` never removes a unique index entry on update, only on delete, so
 * a value an update moved away from stays taken (E11000 for the next document that
 * wants it; test/compat/README.md). On MongoDB the rewrite gives the same result as the
 * update. A concurrent writer of the document meets the guarded delete as it would the
 * guarded update (no match, or a write conflict that the transaction retries).
 *
 * Resolves whether `guard` matched a document; undefined, writing nothing, when
 * `update` has a form `applyUpdate` does not apply (the caller updates as usual).
 */
export async function rewriteDocument<T extends Document>(
  collection: Collection<T>,
  guard: Filter<T>,
  update: Document,
  session: ClientSession,
): Promise<boolean | undefined> {
  const current = await collection.findOne(guard, { session });
  if (!current) return false;
  const next = applyUpdate(current, update);
  if (next === undefined) return undefined;
  if ((await collection.deleteOne(guard, { session })).deletedCount !== 1) return false;
  await collection.insertOne(next as never, { session });
  return true;
}

/**
 * The document after `$set` / `$unset` / `$inc` on top-level fields; undefined for any
 * other form (operators, dotted paths, `_id`).
 */
export function applyUpdate(doc: Document, update: Document): Document | undefined {
  const next: Document = { ...doc };
  for (const [operator, fields] of Object.entries(update) as [string, Document][]) {
    for (const [field, value] of Object.entries(fields)) {
      if (field.includes('.') || field === '_id') return undefined;
      if (operator === '$set') next[field] = value;
      else if (operator === '$unset') delete next[field];
      else if (operator === '$inc' && typeof value === 'number' && typeof (next[field] ?? 0) === 'number')
        next[field] = ((next[field] as number | undefined) ?? 0) + value;
      else return undefined;
    }
  }
  return next;
}
