import type { ClientSession, Collection, Document, Filter, MatchKeysAndValues, UpdateFilter, WithId } from 'mongodb';

/** The duplicate-key error a racing upsert may get on a unique index (MongoDB retries some itself, not all). */
const DUPLICATE_KEY = 11000;

/**
 * `findOneAndUpdate(filter, update, {upsert: true, returnDocument: 'after'})` without
 * relying on the upsert's post-image: under racing upserts of a missing document the
 * embedded SecantusDB applies every write but may answer some callers `null`
 * (test/compat/README.md). So the document is created first, if missing, with an
 * `updateOne` upsert of `onInsert` (which races correctly everywhere), then `update` is
 * applied with a plain `findOneAndUpdate`, whose post-image both servers return. Each
 * caller gets the document as its own update left it, on MongoDB as on SecantusDB.
 *
 * `onInsert` holds the fields a new document starts with besides the filter's equality
 * fields; `update` must not depend on whether the document was new. A document deleted
 * between the two steps is created again, up to three times.
 */
export async function upsertAndUpdate<T extends Document>(
  collection: Collection<T>,
  filter: Filter<T>,
  onInsert: MatchKeysAndValues<T>,
  update: UpdateFilter<T>,
  session?: ClientSession,
): Promise<WithId<T>> {
  for (let attempt = 0; attempt < 3; attempt++) {
    await collection
      .updateOne(filter, { $setOnInsert: onInsert } as UpdateFilter<T>, { upsert: true, session })
      .catch((err: { code?: number }) => {
        if (err.code !== DUPLICATE_KEY) throw err; // another caller created it first: fine
      });
    const doc = await collection.findOneAndUpdate(filter, update, { returnDocument: 'after', session });
    if (doc) return doc;
  }
  throw new Error(`upsertAndUpdate on ${collection.collectionName}: the document was deleted three times while it was written`);
}
