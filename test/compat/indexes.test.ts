import { MongoBulkWriteError, type Collection, type Db, type IndexDescription } from 'mongodb';
import { beforeAll, describe, expect, it } from 'vitest';
import { openTestDb, testEnv } from '../helpers/env.js';
import { rejectionOf, type AnyDoc } from './compat-support.js';

/**
 * Indexes the engine declares: unique fields (reported to the user by field name),
 * compound and partial uniques (unique among live records), sparse uniques, and the
 * idempotent index migrations run on publish.
 */

const env = testEnv(import.meta.url);
let db: Db;

beforeAll(async () => {
  ({ db } = await openTestDb(env));
});

/** A fresh, empty collection of this file's database. */
async function fresh(name: string): Promise<Collection<AnyDoc>> {
  const coll = db.collection<AnyDoc>(name);
  await coll.drop().catch(() => undefined);
  await db.createCollection(name);
  return coll;
}

describe('unique indexes', () => {
  it('rejects a duplicate insert with 11000 naming the key in keyPattern and keyValue', async () => {
    const coll = await fresh('unique_single');
    await coll.createIndex({ email: 1 }, { unique: true });
    await coll.insertOne({ email: 'ann@example.com' });
    const err = await rejectionOf(coll.insertOne({ email: 'ann@example.com' }));
    expect(err.code).toBe(11000);
    expect(err.keyPattern).toEqual({ email: 1 });
    expect(err.keyValue).toEqual({ email: 'ann@example.com' });
    expect(err.message).toContain('index: email_1');
    expect(await coll.countDocuments()).toBe(1);
  });

  it('rejects an update that would create a duplicate with 11000 naming the key', async () => {
    const coll = await fresh('unique_update');
    await coll.createIndex({ code: 1 }, { unique: true });
    await coll.insertMany([
      { _id: 1, code: 'A-1' },
      { _id: 2, code: 'A-2' },
    ]);
    const err = await rejectionOf(coll.updateOne({ _id: 2 }, { $set: { code: 'A-1' } }));
    expect(err.code).toBe(11000);
    expect(err.keyPattern).toEqual({ code: 1 });
    expect(err.keyValue).toEqual({ code: 'A-1' });
    expect(await coll.findOne({ _id: 2 })).toEqual({ _id: 2, code: 'A-2' });
  });

  it('enforces a compound unique index on the combination only', async () => {
    const coll = await fresh('unique_compound');
    await coll.createIndex({ runId: 1, stepId: 1 }, { unique: true });
    await coll.insertMany([
      { runId: 'r1', stepId: 's1' },
      { runId: 'r1', stepId: 's2' },
      { runId: 'r2', stepId: 's1' },
    ]);
    const err = await rejectionOf(coll.insertOne({ runId: 'r1', stepId: 's2' }));
    expect(err.code).toBe(11000);
    expect(err.keyPattern).toEqual({ runId: 1, stepId: 1 });
    expect(err.keyValue).toEqual({ runId: 'r1', stepId: 's2' });
    expect(await coll.countDocuments()).toBe(3);
  });

  it('enforces a partial unique index only among documents matching its filter', async () => {
    const coll = await fresh('unique_partial');
    await coll.createIndex({ email: 1 }, { unique: true, name: 'email_live', partialFilterExpression: { deleted: false } });
    await coll.insertMany([
      { email: 'ann@example.com', deleted: true },
      { email: 'ann@example.com', deleted: true },
      { email: 'ann@example.com', deleted: false },
    ]);
    const err = await rejectionOf(coll.insertOne({ email: 'ann@example.com', deleted: false }));
    expect(err.code).toBe(11000);
    expect(err.keyPattern).toEqual({ email: 1 });
    expect(err.keyValue).toEqual({ email: 'ann@example.com' });
    expect(await coll.countDocuments({ email: 'ann@example.com' })).toBe(3);
  });

  // How the engine soft-deletes, restores and changes a unique value (records/record-rewrite.ts):
  // the document is deleted and inserted in its new state in one transaction. A plain
  // update is not relied on to free the old value: secantusd-rs keeps the old entry
  // (test/compat/README.md).
  it.each([
    ['moving a document out of the filter (a soft delete)', { _deletedAt: new Date() }, 'ann@example.com'],
    ['changing the value', { email: 'bea@example.com' }, 'bea@example.com'],
  ])('frees the old value when %s is written as a delete and an insert in a transaction', async (_what, change, taken) => {
    const coll = await fresh('unique_rewrite');
    await coll.createIndex(
      { email: 1 },
      { unique: true, name: 'unique_email', partialFilterExpression: { email: { $exists: true }, _deletedAt: { $type: 'null' } } },
    );
    await coll.insertOne({ _id: 'r1', email: 'ann@example.com', _deletedAt: null, _version: 1 });
    const session = db.client.startSession();
    try {
      await session.withTransaction(async () => {
        const current = await coll.findOne({ _id: 'r1', _version: 1 }, { session });
        expect((await coll.deleteOne({ _id: 'r1', _version: 1 }, { session })).deletedCount).toBe(1);
        await coll.insertOne({ ...current!, ...change, _version: 2 }, { session });
      });
    } finally {
      await session.endSession();
    }
    await coll.insertOne({ _id: 'r2', email: 'ann@example.com', _deletedAt: null, _version: 1 });
    const err = await rejectionOf(coll.insertOne({ _id: 'r3', email: taken, _deletedAt: null, _version: 1 }));
    expect(err.code).toBe(11000);
    expect(await coll.findOne({ _id: 'r1' })).toMatchObject({ ...change, _version: 2 });
  });

  it('enforces a partial unique index filtered by $exists and $type', async () => {
    const coll = await fresh('unique_partial_exists');
    await coll.createIndex(
      { externalId: 1 },
      { unique: true, partialFilterExpression: { externalId: { $exists: true, $type: 'string' } } },
    );
    await coll.insertMany([
      { name: 'a' },
      { name: 'b' },
      { name: 'c', externalId: null },
      { name: 'd', externalId: null },
      { name: 'e', externalId: 'X-1' },
    ]);
    const err = await rejectionOf(coll.insertOne({ name: 'f', externalId: 'X-1' }));
    expect(err.code).toBe(11000);
    expect(err.keyValue).toEqual({ externalId: 'X-1' });
    expect(await coll.countDocuments()).toBe(5);
  });

  it('lets a sparse unique index hold many documents without the field', async () => {
    const coll = await fresh('unique_sparse');
    await coll.createIndex({ taxId: 1 }, { unique: true, sparse: true });
    await coll.insertMany([{ name: 'a' }, { name: 'b' }, { name: 'c' }, { name: 'd', taxId: 'FR1' }]);
    const err = await rejectionOf(coll.insertOne({ name: 'e', taxId: 'FR1' }));
    expect(err.code).toBe(11000);
    expect(err.keyValue).toEqual({ taxId: 'FR1' });
    expect(await coll.countDocuments({ taxId: { $exists: false } })).toBe(3);
  });

  it('treats a missing field as null in a non-sparse unique index', async () => {
    const coll = await fresh('unique_missing');
    await coll.createIndex({ taxId: 1 }, { unique: true });
    await coll.insertOne({ name: 'a' });
    const err = await rejectionOf(coll.insertOne({ name: 'b' }));
    expect(err.code).toBe(11000);
    expect(err.keyValue).toEqual({ taxId: null });
  });

  it('refuses to build a unique index over existing duplicates', async () => {
    const coll = await fresh('unique_build');
    await coll.insertMany([{ sku: 'X' }, { sku: 'Y' }, { sku: 'X' }]);
    const err = await rejectionOf(coll.createIndex({ sku: 1 }, { unique: true }));
    expect(err.code).toBe(11000);
    expect(await coll.indexExists('sku_1')).toBe(false);
  });
});

describe('index management', () => {
  const specs: IndexDescription[] = [
    { key: { email: 1 }, name: 'email_live', unique: true, partialFilterExpression: { deleted: false } },
    { key: { taxId: 1 }, name: 'taxId_1', unique: true, sparse: true },
    { key: { ownerId: 1, updatedAt: -1 }, name: 'ownerId_1_updatedAt_-1' },
  ];

  it('creates indexes idempotently and lists them with their options', async () => {
    const coll = await fresh('managed');
    expect(await coll.createIndexes(specs)).toEqual(['email_live', 'taxId_1', 'ownerId_1_updatedAt_-1']);
    expect(await coll.createIndexes(specs)).toEqual(['email_live', 'taxId_1', 'ownerId_1_updatedAt_-1']);
    expect(await coll.createIndex({ taxId: 1 }, { unique: true, sparse: true })).toBe('taxId_1');
    const listed = await coll.listIndexes().toArray();
    const byName = new Map(listed.map((ix) => [ix.name as string, ix]));
    expect([...byName.keys()].sort()).toEqual(['_id_', 'email_live', 'ownerId_1_updatedAt_-1', 'taxId_1']);
    expect(byName.get('_id_')).toMatchObject({ key: { _id: 1 } });
    expect(byName.get('email_live')).toMatchObject({ key: { email: 1 }, unique: true, partialFilterExpression: { deleted: false } });
    expect(byName.get('taxId_1')).toMatchObject({ key: { taxId: 1 }, unique: true, sparse: true });
    expect(byName.get('ownerId_1_updatedAt_-1')).toMatchObject({ key: { ownerId: 1, updatedAt: -1 } });
    expect(byName.get('ownerId_1_updatedAt_-1')?.unique).toBeUndefined();
  });

  it.each([
    ['different options', { taxId: 1 }, { name: 'taxId_1', unique: false }],
    ['a different key', { vatId: 1 }, { name: 'taxId_1' }],
  ])('refuses an index with an existing name but %s (86 IndexKeySpecsConflict)', async (_what, key, options) => {
    const coll = await fresh('conflict');
    await coll.createIndex({ taxId: 1 }, { unique: true, sparse: true });
    const err = await rejectionOf(coll.createIndex(key, options));
    expect(err.code).toBe(86);
    expect(err.codeName).toBe('IndexKeySpecsConflict');
    expect(await coll.listIndexes().toArray()).toEqual(
      expect.arrayContaining([expect.objectContaining({ name: 'taxId_1', key: { taxId: 1 }, unique: true, sparse: true })]),
    );
  });

  it('drops an index by name, which lifts its constraint', async () => {
    const coll = await fresh('dropped');
    await coll.createIndex({ code: 1 }, { unique: true });
    await coll.insertOne({ code: 'A' });
    await coll.dropIndex('code_1');
    expect((await coll.listIndexes().toArray()).map((ix) => ix.name)).toEqual(['_id_']);
    await coll.insertOne({ code: 'A' });
    expect(await coll.countDocuments({ code: 'A' })).toBe(2);
  });

  it('fails to drop an index that does not exist with 27 IndexNotFound', async () => {
    const coll = await fresh('drop_missing');
    const err = await rejectionOf(coll.dropIndex('nope_1'));
    expect(err.code).toBe(27);
    expect(err.codeName).toBe('IndexNotFound');
  });
});

describe('duplicates inside insertMany', () => {
  it('inserts the others with ordered: false and reports the failed position and index', async () => {
    const coll = await fresh('bulk_unordered');
    await coll.createIndex({ email: 1 }, { unique: true });
    await coll.insertOne({ email: 'b@example.com' });
    const err = await rejectionOf(
      coll.insertMany(
        [
          { email: 'a@example.com' },
          { email: 'b@example.com' },
          { email: 'c@example.com' },
          { email: 'a@example.com' },
          { email: 'd@example.com' },
        ],
        { ordered: false },
      ),
      MongoBulkWriteError,
    );
    expect(err.code).toBe(11000);
    const writeErrors = Array.isArray(err.writeErrors) ? err.writeErrors : [err.writeErrors];
    expect(writeErrors.map((w) => [w.index, w.code])).toEqual([
      [1, 11000],
      [3, 11000],
    ]);
    expect(writeErrors.every((w) => w.errmsg?.includes('index: email_1'))).toBe(true);
    expect(err.insertedCount).toBe(3);
    expect(Object.keys(err.insertedIds).map(Number).sort()).toEqual([0, 2, 4]);
    expect(
      (
        await coll
          .find({}, { projection: { _id: 0 } })
          .sort({ email: 1 })
          .toArray()
      ).map((d) => d.email),
    ).toEqual(['a@example.com', 'b@example.com', 'c@example.com', 'd@example.com']);
  });

  it('stops at the first duplicate with ordered: true, keeping the writes before it', async () => {
    const coll = await fresh('bulk_ordered');
    await coll.createIndex({ email: 1 }, { unique: true });
    const err = await rejectionOf(
      coll.insertMany([{ email: 'a@example.com' }, { email: 'b@example.com' }, { email: 'a@example.com' }, { email: 'c@example.com' }]),
      MongoBulkWriteError,
    );
    const writeErrors = Array.isArray(err.writeErrors) ? err.writeErrors : [err.writeErrors];
    expect(writeErrors.map((w) => [w.index, w.code])).toEqual([[2, 11000]]);
    expect(err.insertedCount).toBe(2);
    expect((await coll.find().sort({ email: 1 }).toArray()).map((d) => d.email)).toEqual(['a@example.com', 'b@example.com']);
  });
});
