import { type Db, type Document, type Sort } from 'mongodb';
import { beforeAll, describe, expect, it } from 'vitest';
import { openTestDb, testEnv } from '../helpers/env.js';
import { dec, type AnyDoc } from './compat-support.js';

/**
 * Sort orders list views rely on. No collation anywhere: the engine sorts strings in
 * MongoDB's default binary order and sorts case-insensitively through a normalized field.
 */

const env = testEnv(import.meta.url);
let db: Db;

const deals = [
  { _id: 1, stage: 'won', amount: 500, name: 'apple' },
  { _id: 2, stage: 'lead', amount: 1500, name: 'Banana' },
  { _id: 3, stage: 'won', amount: null, name: 'banana' },
  { _id: 4, stage: 'lead', name: 'Zebra' },
  { _id: 5, stage: 'proposal', amount: 1500, name: 'élan' },
  { _id: 6, stage: 'won', amount: 2500, name: 'Éclair' },
  { _id: 7, stage: 'lead', amount: 1500, name: '_under' },
  { _id: 8, stage: 'proposal', amount: 0, name: '10' },
  { _id: 9, stage: 'won', amount: 500, name: '9' },
];

beforeAll(async () => {
  ({ db } = await openTestDb(env));
  await db.collection<AnyDoc>('deals').insertMany(deals);
  await db.collection<AnyDoc>('money').insertMany([
    { _id: 'a', value: dec('10.5') },
    { _id: 'b', value: 9.99 },
    { _id: 'c', value: dec('-1') },
    { _id: 'd', value: 100 },
    { _id: 'e', value: dec('1E+1') },
    { _id: 'f', value: dec('10.49999999999999999999') },
  ]);
  await db.collection<AnyDoc>('events').insertMany([
    { _id: 1, at: new Date('2026-05-01T10:00:00.001Z') },
    { _id: 2, at: new Date('2026-05-01T10:00:00.000Z') },
    { _id: 3, at: new Date('2025-12-31T23:59:59.999Z') },
    { _id: 4, at: new Date('2026-05-01T10:00:00.002Z') },
  ]);
});

async function order(collection: string, sort: Sort, filter: Document = {}): Promise<unknown[]> {
  const docs = await db
    .collection(collection)
    .find(filter, { projection: { _id: 1 } })
    .sort(sort)
    .toArray();
  return docs.map((d) => d._id);
}

describe('sorts', () => {
  it.each<[string, Sort, number[]]>([
    ['multi-field with mixed directions', { stage: 1, amount: -1, _id: 1 }, [2, 7, 4, 5, 8, 6, 1, 9, 3]],
    ['null and missing first ascending, tied and broken by _id', { amount: 1, _id: 1 }, [3, 4, 8, 1, 9, 2, 5, 7, 6]],
    ['null and missing last descending', { amount: -1, _id: 1 }, [6, 2, 5, 7, 1, 9, 8, 3, 4]],
    ['_id descending as a tiebreaker', { stage: 1, _id: -1 }, [7, 4, 2, 8, 5, 9, 6, 3, 1]],
    ['strings in binary (code point) order', { name: 1 }, [8, 9, 2, 4, 7, 1, 3, 6, 5]],
    ['strings in reverse binary order', { name: -1 }, [5, 6, 3, 1, 7, 4, 2, 9, 8]],
    ['by _id alone', { _id: -1 }, [9, 8, 7, 6, 5, 4, 3, 2, 1]],
  ])('%s', async (_name, sort, ids) => {
    expect(await order('deals', sort)).toEqual(ids);
  });

  it('applies skip and limit after the sort', async () => {
    const docs = await db
      .collection('deals')
      .find({}, { sort: { amount: -1, _id: 1 }, skip: 2, limit: 3 })
      .toArray();
    expect(docs).toEqual([deals[4], deals[6], deals[0]]);
  });

  it('sorts after filtering', async () => {
    expect(await order('deals', { amount: -1, _id: -1 }, { stage: { $in: ['won', 'lead'] }, amount: { $gte: 500 } })).toEqual([
      6, 7, 2, 9, 1,
    ]);
  });

  it('orders Decimal128, double and int values numerically together', async () => {
    expect(await order('money', { value: 1 })).toEqual(['c', 'b', 'e', 'f', 'a', 'd']);
  });

  it('orders dates to the millisecond', async () => {
    expect(await order('events', { at: -1 })).toEqual([4, 1, 2, 3]);
  });
});
