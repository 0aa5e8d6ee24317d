import { MongoBulkWriteError, type AnyBulkWriteOperation, type Collection, type Db } from 'mongodb';
import { beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { openTestDb, testEnv } from '../helpers/env.js';
import { rejectionOf } from './compat-support.js';

/** Imports, mass updates and backfills go through bulkWrite and insertMany. */

interface Row {
  _id: number;
  status: string;
  n?: number;
  x?: number;
}

const env = testEnv(import.meta.url);
let db: Db;
let rows: Collection<Row>;

beforeAll(async () => {
  ({ db } = await openTestDb(env));
  rows = db.collection<Row>('rows');
});

beforeEach(async () => {
  await rows.deleteMany({});
  await rows.insertMany([1, 2, 3, 4, 5].map((i) => ({ _id: i, status: 'open', n: i })));
});

const bulkError = (promise: Promise<unknown>): Promise<MongoBulkWriteError> => rejectionOf(promise, MongoBulkWriteError);

/** [index, code] of each failed item, by index: an unordered bulk runs inserts, updates and deletes as separate batches. */
const writeErrorsOf = (err: MongoBulkWriteError): [number, number][] =>
  (Array.isArray(err.writeErrors) ? err.writeErrors : [err.writeErrors])
    .map((w): [number, number] => [w.index, w.code])
    .sort((a, b) => a[0] - b[0]);

const counts = (r: {
  insertedCount: number;
  matchedCount: number;
  modifiedCount: number;
  deletedCount: number;
  upsertedCount: number;
}) => ({
  insertedCount: r.insertedCount,
  matchedCount: r.matchedCount,
  modifiedCount: r.modifiedCount,
  deletedCount: r.deletedCount,
  upsertedCount: r.upsertedCount,
});

const mixed: AnyBulkWriteOperation<Row>[] = [
  { insertOne: { document: { _id: 10, status: 'new' } } },
  { updateOne: { filter: { _id: 1 }, update: { $set: { status: 'closed' } } } },
  { updateOne: { filter: { _id: 2 }, update: { $set: { status: 'open' } } } },
  { updateMany: { filter: { status: 'open' }, update: { $inc: { n: 10 } } } },
  { updateOne: { filter: { _id: 20 }, update: { $set: { status: 'upserted' } }, upsert: true } },
  { deleteOne: { filter: { _id: 3 } } },
  { replaceOne: { filter: { _id: 4 }, replacement: { status: 'replaced' } } },
  { deleteMany: { filter: { status: 'closed' } } },
];

describe('bulkWrite', () => {
  it.each([true, false])('applies mixed operations in order (ordered: %s) and reports every count', async (ordered) => {
    const result = await rows.bulkWrite(mixed, { ordered });
    expect(counts(result)).toEqual({ insertedCount: 1, matchedCount: 7, modifiedCount: 6, deletedCount: 2, upsertedCount: 1 });
    expect(result.insertedIds).toEqual({ 0: 10 });
    expect(result.upsertedIds).toEqual({ 4: 20 });
    expect(await rows.find().sort({ _id: 1 }).toArray()).toEqual([
      { _id: 2, status: 'open', n: 12 },
      { _id: 4, status: 'replaced' },
      { _id: 5, status: 'open', n: 15 },
      { _id: 10, status: 'new' },
      { _id: 20, status: 'upserted' },
    ]);
  });

  it('reports every failed item of an unordered bulk and applies the rest', async () => {
    const err = await bulkError(
      rows.bulkWrite(
        [
          { insertOne: { document: { _id: 1, status: 'dup' } } },
          { insertOne: { document: { _id: 30, status: 'new' } } },
          { updateOne: { filter: { _id: 2 }, update: { $set: { x: 1 } } } },
          { updateOne: { filter: { _id: 3 }, update: { $inc: { status: 1 } as never } } },
          { insertOne: { document: { _id: 2, status: 'dup' } } },
          { deleteOne: { filter: { _id: 5 } } },
        ],
        { ordered: false },
      ),
    );
    expect(writeErrorsOf(err)).toEqual([
      [0, 11000],
      [3, 14],
      [4, 11000],
    ]);
    expect(counts(err.result)).toEqual({ insertedCount: 1, matchedCount: 1, modifiedCount: 1, deletedCount: 1, upsertedCount: 0 });
    expect(await rows.find().sort({ _id: 1 }).toArray()).toEqual([
      { _id: 1, status: 'open', n: 1 },
      { _id: 2, status: 'open', n: 2, x: 1 },
      { _id: 3, status: 'open', n: 3 },
      { _id: 4, status: 'open', n: 4 },
      { _id: 30, status: 'new' },
    ]);
  });

  it('stops an ordered bulk at the first failed item', async () => {
    const err = await bulkError(
      rows.bulkWrite([
        { insertOne: { document: { _id: 40, status: 'new' } } },
        { updateOne: { filter: { _id: 1 }, update: { $set: { x: 1 } } } },
        { insertOne: { document: { _id: 2, status: 'dup' } } },
        { deleteOne: { filter: { _id: 5 } } },
        { insertOne: { document: { _id: 41, status: 'new' } } },
      ]),
    );
    expect(writeErrorsOf(err)).toEqual([[2, 11000]]);
    expect(counts(err.result)).toEqual({ insertedCount: 1, matchedCount: 1, modifiedCount: 1, deletedCount: 0, upsertedCount: 0 });
    expect(await rows.countDocuments({ _id: { $in: [5, 40, 41] } })).toBe(2);
    expect(await rows.findOne({ _id: 41 })).toBeNull();
  });
});

describe('insertMany', () => {
  it('inserts 1,000 documents in one call', async () => {
    const many = db.collection<{ _id: number; n: number }>('many');
    const result = await many.insertMany(Array.from({ length: 1000 }, (_, n) => ({ _id: n, n })));
    expect(result.insertedCount).toBe(1000);
    expect(Object.keys(result.insertedIds)).toHaveLength(1000);
    expect(await many.countDocuments()).toBe(1000);
    expect(await many.aggregate([{ $group: { _id: null, total: { $sum: '$n' }, count: { $sum: 1 } } }]).toArray()).toEqual([
      { _id: null, total: 499500, count: 1000 },
    ]);
  });
});
