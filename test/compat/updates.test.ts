import { type Db, type Document, type UpdateFilter } from 'mongodb';
import { beforeAll, describe, expect, it } from 'vitest';
import { openTestDb, testEnv } from '../helpers/env.js';
import { dec, rejectionOf, type AnyDoc } from './compat-support.js';

/**
 * Update operators the record engine writes with: field sets and unsets (including
 * sub-documents), multi-select changes, and the counts it turns into 404 / 409 answers.
 */

const env = testEnv(import.meta.url);
let db: Db;

beforeAll(async () => {
  ({ db } = await openTestDb(env));
});

const start = { _id: 1, name: 'Acme', tags: ['a', 'b'], address: { city: 'Paris', zip: '75001' }, score: 5 };

describe('update operators', () => {
  // Rows are plain documents: the driver's UpdateFilter typing rejects $pull / $push on a schemaless type.
  it.each<[string, Document, AnyDoc]>([
    ['$set a top-level field', { $set: { name: 'Acme Corp' } }, { ...start, name: 'Acme Corp' }],
    ['$set a dotted path into a sub-document', { $set: { 'address.city': 'Lyon' } }, { ...start, address: { city: 'Lyon', zip: '75001' } }],
    ['$set a dotted path creating the sub-document', { $set: { 'billing.city': 'Nice' } }, { ...start, billing: { city: 'Nice' } }],
    ['$set null keeps the field as null', { $set: { score: null } }, { ...start, score: null }],
    [
      '$unset removes fields',
      { $unset: { score: '', 'address.zip': '' } },
      { _id: 1, name: 'Acme', tags: ['a', 'b'], address: { city: 'Paris' } },
    ],
    ['$unset of a missing field is a no-op', { $unset: { nothing: '' } }, start],
    ['$inc creates a missing field', { $inc: { visits: 1 } }, { ...start, visits: 1 }],
    ['$min keeps the smaller', { $min: { score: 3 } }, { ...start, score: 3 }],
    ['$max keeps the larger', { $max: { score: 3 } }, start],
    ['$addToSet $each adds only new values', { $addToSet: { tags: { $each: ['b', 'c', 'c'] } } }, { ...start, tags: ['a', 'b', 'c'] }],
    ['$pull removes a value', { $pull: { tags: 'a' } }, { ...start, tags: ['b'] }],
    ['$pull $in removes several values', { $pull: { tags: { $in: ['a', 'b'] } } }, { ...start, tags: [] }],
    ['$push $each appends in order', { $push: { tags: { $each: ['z', 'a'] } } }, { ...start, tags: ['a', 'b', 'z', 'a'] }],
    [
      '$rename moves a field',
      { $rename: { score: 'rating' } },
      { _id: 1, name: 'Acme', tags: ['a', 'b'], address: { city: 'Paris', zip: '75001' }, rating: 5 },
    ],
    [
      '$set and $unset together',
      { $set: { name: 'X' }, $unset: { tags: '' } },
      { _id: 1, name: 'X', address: { city: 'Paris', zip: '75001' }, score: 5 },
    ],
  ])('%s', async (_name, update, expected) => {
    const coll = db.collection<AnyDoc>('ops');
    await coll.deleteMany({});
    await coll.insertOne(start);
    await coll.updateOne({ _id: 1 }, update as UpdateFilter<AnyDoc>);
    expect(await coll.findOne({ _id: 1 })).toEqual(expected);
  });

  it('refuses to update _id with 66 ImmutableField', async () => {
    const coll = db.collection<AnyDoc>('immutable');
    await coll.insertOne({ _id: 1, name: 'Acme' });
    const err = await rejectionOf(coll.updateOne({ _id: 1 }, { $set: { _id: 2 } }));
    expect(err.code).toBe(66);
    expect(await coll.findOne({ _id: 1 })).toEqual({ _id: 1, name: 'Acme' });
  });

  it('refuses conflicting operators on one path with 40 ConflictingUpdateOperators', async () => {
    const coll = db.collection<AnyDoc>('conflicting');
    await coll.insertOne({ _id: 1, n: 1 });
    const err = await rejectionOf(coll.updateOne({ _id: 1 }, { $set: { n: 5 }, $inc: { n: 1 } }));
    expect(err.code).toBe(40);
    expect(await coll.findOne({ _id: 1 })).toEqual({ _id: 1, n: 1 });
  });
});

describe('update results', () => {
  it.each<[string, AnyDoc, UpdateFilter<AnyDoc>, { matchedCount: number; modifiedCount: number; upsertedCount: number }]>([
    ['a change', { _id: 1 }, { $set: { name: 'B' } }, { matchedCount: 1, modifiedCount: 1, upsertedCount: 0 }],
    ['a no-op $set', { _id: 1 }, { $set: { name: 'A' } }, { matchedCount: 1, modifiedCount: 0, upsertedCount: 0 }],
    ['no match', { _id: 99 }, { $set: { name: 'B' } }, { matchedCount: 0, modifiedCount: 0, upsertedCount: 0 }],
    [
      'a version guard that no longer matches',
      { _id: 1, _version: 1 },
      { $set: { name: 'B' }, $inc: { _version: 1 } },
      { matchedCount: 0, modifiedCount: 0, upsertedCount: 0 },
    ],
  ])('reports counts for %s', async (_name, filter, update, expected) => {
    const coll = db.collection<AnyDoc>('results');
    await coll.deleteMany({});
    await coll.insertOne({ _id: 1, name: 'A', _version: 2 });
    const res = await coll.updateOne(filter, update);
    expect({ matchedCount: res.matchedCount, modifiedCount: res.modifiedCount, upsertedCount: res.upsertedCount }).toEqual(expected);
  });

  it('upserts with the equality fields of the filter and $setOnInsert', async () => {
    const coll = db.collection<AnyDoc>('upserts');
    const first = await coll.updateOne(
      { runId: 'r1', stepId: 's1' },
      { $set: { status: 'done' }, $setOnInsert: { attempts: 0 } },
      { upsert: true },
    );
    expect(first.upsertedCount).toBe(1);
    const second = await coll.updateOne(
      { runId: 'r1', stepId: 's1' },
      { $set: { status: 'again' }, $setOnInsert: { attempts: 99 } },
      { upsert: true },
    );
    expect({ matched: second.matchedCount, upserted: second.upsertedCount, id: second.upsertedId }).toEqual({
      matched: 1,
      upserted: 0,
      id: null,
    });
    expect(await coll.find({}, { projection: { _id: 0 } }).toArray()).toEqual([
      { runId: 'r1', stepId: 's1', status: 'again', attempts: 0 },
    ]);
  });

  it('replaces a whole document but keeps its _id', async () => {
    const coll = db.collection<AnyDoc>('replaced');
    await coll.insertOne({ _id: 'x', a: 1, b: 2 });
    const res = await coll.replaceOne({ _id: 'x' }, { c: dec('3.50') });
    expect(res.modifiedCount).toBe(1);
    const doc = await coll.findOne({ _id: 'x' });
    expect(Object.keys(doc ?? {})).toEqual(['_id', 'c']);
    expect(String(doc?.c)).toBe('3.50');
  });

  it('updates many documents and counts them', async () => {
    const coll = db.collection<AnyDoc>('many');
    await coll.insertMany([1, 2, 3, 4].map((i) => ({ _id: i, owner: i % 2 === 0 ? 'ann' : 'bob', archived: false })));
    const res = await coll.updateMany({ owner: 'ann' }, { $set: { archived: true } });
    expect({ matched: res.matchedCount, modified: res.modifiedCount }).toEqual({ matched: 2, modified: 2 });
    const del = await coll.deleteMany({ archived: true });
    expect(del.deletedCount).toBe(2);
    expect((await coll.find().sort({ _id: 1 }).toArray()).map((d) => d._id)).toEqual([1, 3]);
  });
});
