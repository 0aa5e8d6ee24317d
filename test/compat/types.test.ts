import { Binary, Decimal128, Double, ObjectId, type Db, type Filter } from 'mongodb';
import { beforeAll, describe, expect, it } from 'vitest';
import { openTestDb, testEnv } from '../helpers/env.js';
import { dec, rejectionOf, type AnyDoc } from './compat-support.js';

/**
 * BSON types as the engine stores them: money as Decimal128 (never through binary
 * floating point), dates to the millisecond, ObjectIds, nested values, files' bytes.
 */

const env = testEnv(import.meta.url);
let db: Db;

beforeAll(async () => {
  ({ db } = await openTestDb(env));
});

/** Writes `doc` and reads it back by _id. */
async function roundTrip(collection: string, doc: AnyDoc): Promise<AnyDoc | null> {
  const coll = db.collection<AnyDoc>(collection);
  const { insertedId } = await coll.insertOne(doc);
  return coll.findOne({ _id: insertedId });
}

describe('Decimal128', () => {
  it.each([
    '0.1',
    '123456789012345678901234.5678',
    '-0.0001',
    '1E+3',
    '0.10',
    '-0',
    '9.999999999999999999999999999999999E+6144',
    '1E-6176',
  ])('reads back %s as Decimal128 with the same string', async (text) => {
    const doc = await roundTrip('decimals', { v: dec(text) });
    expect(doc?.v).toBeInstanceOf(Decimal128);
    expect((doc?.v as Decimal128).toString()).toBe(text);
  });

  it('compares Decimal128 with Decimal128 and with int and double values numerically', async () => {
    const coll = db.collection<AnyDoc>('mixed');
    await coll.insertMany([
      { _id: 'd1', v: dec('0.5') },
      { _id: 'd2', v: dec('2.00') },
      { _id: 'i2', v: 2 },
      { _id: 'f2', v: new Double(2) },
      { _id: 'f25', v: new Double(2.5) },
      { _id: 'd3', v: dec('3') },
    ]);
    const ids = async (filter: Filter<AnyDoc>) => (await coll.find(filter).sort({ _id: 1 }).toArray()).map((d) => d._id as string);
    expect(await ids({ v: { $gt: dec('1.99') } })).toEqual(['d2', 'd3', 'f2', 'f25', 'i2']);
    expect(await ids({ v: dec('2') })).toEqual(['d2', 'f2', 'i2']);
    expect(await ids({ v: 2 })).toEqual(['d2', 'f2', 'i2']);
    expect(await ids({ v: { $gte: 0.5, $lt: 2.5 } })).toEqual(['d1', 'd2', 'f2', 'i2']);
    expect(await ids({ v: { $lte: dec('2.5') } })).toEqual(['d1', 'd2', 'f2', 'f25', 'i2']);
  });

  it('increments exactly with a Decimal128 $inc', async () => {
    const coll = db.collection<AnyDoc>('balances');
    await coll.insertOne({ _id: 'b', v: dec('0.1') });
    for (let i = 0; i < 9; i += 1) await coll.updateOne({ _id: 'b' }, { $inc: { v: dec('0.1') } });
    await coll.updateOne({ _id: 'b' }, { $inc: { v: dec('-0.30') } });
    const doc = await coll.findOne({ _id: 'b' });
    expect(doc?.v).toBeInstanceOf(Decimal128);
    expect((doc?.v as Decimal128).toString()).toBe('0.70');
  });

  it('turns a number into an exact Decimal128 when a Decimal128 is added with $inc', async () => {
    const coll = db.collection<AnyDoc>('incs');
    await coll.insertOne({ _id: 'n', v: 1 });
    await coll.updateOne({ _id: 'n' }, { $inc: { v: 2 } });
    expect(await coll.findOne({ _id: 'n' })).toEqual({ _id: 'n', v: 3 });
    await coll.updateOne({ _id: 'n' }, { $inc: { v: dec('0.25') } });
    expect(((await coll.findOne({ _id: 'n' }))?.v as Decimal128).toString()).toBe('3.25');
  });
});

describe('dates and ids', () => {
  it.each(['2026-03-18T23:30:00.001Z', '1969-12-31T23:59:59.999Z', '2000-02-29T12:00:00.000Z', '9999-12-31T23:59:59.999Z'])(
    'reads back the date %s to the millisecond',
    async (iso) => {
      const doc = await roundTrip('dates', { at: new Date(iso) });
      expect(doc?.at).toBeInstanceOf(Date);
      expect((doc?.at as Date).toISOString()).toBe(iso);
    },
  );

  it('generates ObjectIds that sort in creation order and carry their creation time', async () => {
    const coll = db.collection<{ _id?: ObjectId; n: number }>('generated');
    const before = Math.floor(Date.now() / 1000);
    const ids: ObjectId[] = [];
    for (let n = 0; n < 20; n += 1) ids.push((await coll.insertOne({ n })).insertedId);
    expect(ids.every((id) => id instanceof ObjectId)).toBe(true);
    expect(new Set(ids.map(String)).size).toBe(20);
    const sorted = await coll.find().sort({ _id: 1 }).toArray();
    expect(sorted.map((d) => d.n)).toEqual(Array.from({ length: 20 }, (_, i) => i));
    const seconds = (ids[0]?.getTimestamp().getTime() ?? 0) / 1000;
    expect(seconds).toBeGreaterThanOrEqual(before);
    expect(seconds).toBeLessThanOrEqual(Math.ceil(Date.now() / 1000));
    const tenth = ids[9];
    if (!tenth) throw new Error('fewer than 10 ids');
    expect(await coll.countDocuments({ _id: { $gt: tenth } })).toBe(10);
  });
});

describe('documents', () => {
  it('reads back nested objects and arrays exactly', async () => {
    const doc = {
      _id: 'nested',
      name: 'Acme',
      flags: { active: true, vip: false },
      empty: {},
      none: null,
      list: [],
      matrix: [
        [1, 2],
        [3, [4, 5]],
      ],
      lines: [
        { sku: 'a', qty: 2, price: 9.5, meta: { tags: ['x'] } },
        { sku: 'b', qty: 0, price: -1, meta: {} },
      ],
      deep: { a: { b: { c: { d: { e: 'bottom' } } } } },
      big: 2 ** 53 - 1,
      negative: -2147483649,
      fraction: 0.1 + 0.2,
    };
    expect(await roundTrip('nested', doc)).toEqual(doc);
  });

  it('reads back Binary data with its subtype', async () => {
    const bytes = Buffer.from(Array.from({ length: 256 }, (_, i) => i));
    const doc = await roundTrip('files', { data: new Binary(bytes), uuid: new Binary(Buffer.alloc(16, 7), Binary.SUBTYPE_UUID) });
    const data = doc?.data as Binary;
    expect(data).toBeInstanceOf(Binary);
    expect(data.sub_type).toBe(Binary.SUBTYPE_DEFAULT);
    expect(Buffer.from(data.buffer).equals(bytes)).toBe(true);
    expect((doc?.uuid as Binary).sub_type).toBe(Binary.SUBTYPE_UUID);
    expect(Buffer.from((doc?.uuid as Binary).buffer).equals(Buffer.alloc(16, 7))).toBe(true);
  });

  it('reads back a 100 KB string and finds it by an anchored regex', async () => {
    const long = 'é'.repeat(50_000) + 'x'.repeat(2_400) + '\u{1F600}'.repeat(100);
    const doc = await roundTrip('texts', { _id: 'long', body: long });
    expect(doc?.body).toBe(long);
    expect(Buffer.byteLength(long)).toBeGreaterThan(100_000);
    expect(await db.collection<AnyDoc>('texts').countDocuments({ body: { $regex: '^éé' } })).toBe(1);
  });

  it('stores, queries and sorts on unicode keys and values', async () => {
    const coll = db.collection<AnyDoc>('unicode');
    await coll.insertMany([
      { _id: 1, 名前: '東京', 'clé é': 'ä', emoji: '😀' },
      { _id: 2, 名前: '大阪', 'clé é': 'b', emoji: '🙂' },
    ]);
    expect(await coll.findOne({ 名前: '東京' })).toEqual({ _id: 1, 名前: '東京', 'clé é': 'ä', emoji: '😀' });
    expect(await coll.findOne({ 'clé é': 'b' }, { projection: { _id: 1 } })).toEqual({ _id: 2 });
    expect((await coll.find().sort({ 'clé é': 1 }).toArray()).map((d) => d._id)).toEqual([2, 1]);
  });
});

describe('the 16 MB document limit', () => {
  const limit = 16 * 1024 * 1024;

  it('rejects an insert just over 16 MB and stores nothing', async () => {
    const coll = db.collection<AnyDoc>('huge');
    const err = await rejectionOf(coll.insertOne({ _id: 'huge', body: 'x'.repeat(limit + 1024) }));
    expect(err.message).toMatch(/object to insert too large\. size in bytes: \d+, max size: 16777216/);
    expect(await coll.countDocuments({ _id: 'huge' })).toBe(0);
  });

  it('rejects an update that grows a document past 16 MB and leaves it unchanged', async () => {
    const coll = db.collection<AnyDoc>('growing');
    await coll.insertOne({ _id: 'g', a: 'a'.repeat(9 * 1024 * 1024) });
    const err = await rejectionOf(coll.updateOne({ _id: 'g' }, { $set: { b: 'b'.repeat(8 * 1024 * 1024) } }));
    // BSONObjectTooLarge (10334) in current servers; older ones report 17419. Only the code
    // is relied on: the wording differs (secantusd-rs says "object to insert too large").
    expect([10334, 17419]).toContain(err.code);
    expect(await coll.countDocuments({ _id: 'g', b: { $exists: true } })).toBe(0);
  });
});
