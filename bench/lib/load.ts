import type { Collection, Document, ObjectId, OptionalUnlessRequiredId } from 'mongodb';

/** What {@link loadRecords} did. */
export interface LoadResult {
  count: number;
  batch: number;
  /** Time spent in insertMany only (generation excluded), in seconds. */
  seconds: number;
  docsPerSec: number;
  /** The loaded ids, in insertion order, for random picks. */
  ids: ObjectId[];
}

/**
 * Loads `count` documents with insertMany in batches of `batch`, timing the inserts
 * only. `nextBatch(n)` makes the next `n` documents (the store benchmark passes the
 * generator's records as they are; the records benchmark converts them to the engine's
 * storage format first). `onProgress` is called after each batch with the count so far.
 */
export async function loadRecords<T extends Document>(
  collection: Collection<T>,
  nextBatch: (n: number) => (OptionalUnlessRequiredId<T> & { _id: ObjectId })[],
  count: number,
  batch: number,
  onProgress?: (loaded: number) => void,
): Promise<LoadResult> {
  const ids: ObjectId[] = [];
  let insertMs = 0;
  for (let loaded = 0; loaded < count;) {
    const docs = nextBatch(Math.min(batch, count - loaded));
    const t0 = performance.now();
    await collection.insertMany(docs);
    insertMs += performance.now() - t0;
    for (const d of docs) ids.push(d._id);
    loaded += docs.length;
    onProgress?.(loaded);
  }
  const seconds = insertMs / 1000;
  return { count, batch, seconds: Math.round(seconds * 1000) / 1000, docsPerSec: Math.round(seconds > 0 ? count / seconds : 0), ids };
}
