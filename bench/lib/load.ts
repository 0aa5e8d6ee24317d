import type { Collection, ObjectId } from 'mongodb';
import type { CrmRecord, CrmRecordGenerator } from './crm-record.js';

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
 * Loads `count` generated records with insertMany in batches of `batch`, timing the
 * inserts only. `onProgress` is called after each batch with the records loaded so far.
 */
export async function loadRecords(
  collection: Collection<CrmRecord>,
  generator: CrmRecordGenerator,
  count: number,
  batch: number,
  onProgress?: (loaded: number) => void,
): Promise<LoadResult> {
  const ids: ObjectId[] = [];
  let insertMs = 0;
  for (let loaded = 0; loaded < count; ) {
    const docs = generator.batch(Math.min(batch, count - loaded));
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
