import { MongoClient, type Collection, type Db } from 'mongodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openTestDb, testEnv } from '../helpers/env.js';

/**
 * Atomic single-document updates under concurrency: auto-numbers come from `$inc` on a
 * counter document, and every record update is guarded by its `_version`.
 */

interface Counter {
  _id: string;
  seq: number;
}
interface Versioned {
  _id: string;
  _version: number;
  counter: number;
  writer?: string;
}

const env = testEnv(import.meta.url);
let client: MongoClient;
let db: Db;
let counters: Collection<Counter>;
let records: Collection<Versioned>;

beforeAll(async () => {
  ({ client, db } = await openTestDb(env));
  counters = db.collection<Counter>('counters');
  records = db.collection<Versioned>('records');
});

const range = (n: number): number[] => Array.from({ length: n }, (_, i) => i + 1);

describe('atomic counters', () => {
  it('hands out 50 distinct numbers to 50 concurrent findOneAndUpdate $inc calls', async () => {
    await counters.insertOne({ _id: 'invoice', seq: 0 });
    const docs = await Promise.all(
      range(50).map(() => counters.findOneAndUpdate({ _id: 'invoice' }, { $inc: { seq: 1 } }, { returnDocument: 'after' })),
    );
    const numbers = docs.map((doc) => doc?.seq ?? -1).sort((a, b) => a - b);
    expect(numbers).toEqual(range(50));
    expect(await counters.findOne({ _id: 'invoice' })).toEqual({ _id: 'invoice', seq: 50 });
  });

  it('creates a missing counter with upsert and returns the new document', async () => {
    const doc = await counters.findOneAndUpdate({ _id: 'quote' }, { $inc: { seq: 1 } }, { upsert: true, returnDocument: 'after' });
    expect(doc).toEqual({ _id: 'quote', seq: 1 });
    expect(await counters.findOne({ _id: 'quote' })).toEqual({ _id: 'quote', seq: 1 });
  });

  it('returns the document before the update with returnDocument before, and null for a missing one', async () => {
    await counters.insertOne({ _id: 'order', seq: 7 });
    expect(await counters.findOneAndUpdate({ _id: 'order' }, { $inc: { seq: 1 } }, { returnDocument: 'before' })).toEqual({
      _id: 'order',
      seq: 7,
    });
    expect(await counters.findOneAndUpdate({ _id: 'nothing' }, { $inc: { seq: 1 } })).toBeNull();
    expect(await counters.countDocuments({ _id: 'nothing' })).toBe(0);
  });

  // The auto-number path: make sure the counter exists with an updateOne upsert (races
  // correctly everywhere), then $inc it with findOneAndUpdate without upsert. A racing
  // findOneAndUpdate *upsert* on a missing counter is not relied on: SecantusDB 0.7.0b3
  // can answer some of those callers with no document (test/compat/README.md).
  it('hands every one of 20 racers per counter its own number when missing counters are created first', async () => {
    const names = range(5).map((k) => `ticket-${k}`);
    const racers = names.flatMap((name) =>
      range(20).map(() => ({
        name,
        doc: counters
          .updateOne({ _id: name }, { $setOnInsert: { seq: 0 } }, { upsert: true })
          .catch((err: { code?: number }) => {
            if (err.code !== 11000) throw err;
          })
          .then(() => counters.findOneAndUpdate({ _id: name }, { $inc: { seq: 1 } }, { returnDocument: 'after' })),
      })),
    );
    const docs = await Promise.all(racers.map(async ({ name, doc }) => ({ name, seq: (await doc)?.seq ?? null })));
    for (const name of names) {
      const numbers = docs.filter((d) => d.name === name).map((d) => d.seq);
      expect(
        numbers.sort((a, b) => (a ?? -1) - (b ?? -1)),
        name,
      ).toEqual(range(20));
    }
    expect(
      await counters
        .find({ _id: { $in: names } })
        .sort({ _id: 1 })
        .toArray(),
    ).toEqual(names.map((_id) => ({ _id, seq: 20 })));
  });

  it('creates each key once when 20 updateOne upserts race for each of 5 keys', async () => {
    const runs = db.collection<{ _id: string; seq: number; firstBy?: number }>('runs');
    const keys = range(5).map((k) => `run:e${k}:w1`);
    const racers = keys.flatMap((key) =>
      range(20).map((i) => ({
        key,
        result: runs.updateOne({ _id: key }, { $inc: { seq: 1 }, $setOnInsert: { firstBy: i } }, { upsert: true }),
      })),
    );
    const outcomes = await Promise.all(racers.map(async ({ key, result }) => ({ key, ...(await result) })));
    for (const key of keys) {
      const mine = outcomes.filter((o) => o.key === key);
      expect({
        key,
        upserted: mine.filter((o) => o.upsertedCount === 1).length,
        matched: mine.filter((o) => o.matchedCount === 1).length,
      }).toEqual({ key, upserted: 1, matched: 19 });
    }
    expect(
      (
        await runs
          .find({ _id: { $in: keys } })
          .sort({ _id: 1 })
          .toArray()
      ).map((d) => [d._id, d.seq]),
    ).toEqual(keys.map((key) => [key, 20]));
  });

  it('applies every one of 50 concurrent updateOne $inc calls', async () => {
    await counters.insertOne({ _id: 'hits', seq: 0 });
    const results = await Promise.all(range(50).map(() => counters.updateOne({ _id: 'hits' }, { $inc: { seq: 1 } })));
    expect(results.every((r) => r.modifiedCount === 1)).toBe(true);
    expect(await counters.findOne({ _id: 'hits' })).toEqual({ _id: 'hits', seq: 50 });
  });
});

describe('version-guarded updates', () => {
  it('lets exactly one of 20 concurrent writers holding the same version win', async () => {
    await records.insertOne({ _id: 'race', _version: 1, counter: 0 });
    const results = await Promise.all(
      range(20).map((i) =>
        records.updateOne({ _id: 'race', _version: 1 }, { $set: { writer: `w${i}`, counter: i }, $inc: { _version: 1 } }),
      ),
    );
    const matched = results.map((r) => r.matchedCount);
    expect(matched.filter((n) => n === 1)).toHaveLength(1);
    expect(matched.filter((n) => n === 0)).toHaveLength(19);
    const winner = matched.indexOf(1) + 1;
    expect(await records.findOne({ _id: 'race' })).toEqual({ _id: 'race', _version: 2, counter: winner, writer: `w${winner}` });
  });

  it('lets exactly one of 10 concurrent guarded-update transactions commit; the others see the new version', async () => {
    await records.insertOne({ _id: 'tx-race', _version: 1, counter: 0 });
    const audit = db.collection<{ _id: string; writer: string }>('audit');
    await db.createCollection('audit');
    const outcomes = await Promise.all(
      range(10).map(async (i) => {
        const session = client.startSession();
        try {
          await session.withTransaction(async () => {
            const res = await records.updateOne(
              { _id: 'tx-race', _version: 1 },
              { $set: { writer: `w${i}` }, $inc: { _version: 1, counter: 1 } },
              { session },
            );
            if (res.matchedCount === 0) throw new Error('version conflict');
            await audit.insertOne({ _id: 'tx-race:2', writer: `w${i}` }, { session });
          });
          return 'committed';
        } catch (err) {
          return (err as Error).message;
        } finally {
          await session.endSession();
        }
      }),
    );
    expect(outcomes.filter((o) => o === 'committed')).toHaveLength(1);
    expect(outcomes.filter((o) => o === 'version conflict')).toHaveLength(9);
    const winner = `w${outcomes.indexOf('committed') + 1}`;
    expect(await records.findOne({ _id: 'tx-race' })).toEqual({ _id: 'tx-race', _version: 2, counter: 1, writer: winner });
    expect(await audit.find().toArray()).toEqual([{ _id: 'tx-race:2', writer: winner }]);
  });

  describe('with 10 clients each making 20 read-then-guarded-update attempts', () => {
    const clients: MongoClient[] = [];

    beforeAll(async () => {
      for (let i = 0; i < 10; i += 1) {
        const client = new MongoClient(env.mongoUrl, { serverSelectionTimeoutMS: 10_000 });
        await client.connect();
        clients.push(client);
      }
    });
    afterAll(async () => {
      await Promise.all(clients.map((c) => c.close()));
    });

    /** Reads the document, then writes a value computed from that read, guarded by its version. */
    async function attempt(coll: Collection<Versioned>, rounds: number): Promise<number> {
      let won = 0;
      for (let i = 0; i < rounds; i += 1) {
        const current = await coll.findOne({ _id: 'loop' });
        if (!current) throw new Error('document missing');
        const res = await coll.updateOne(
          { _id: 'loop', _version: current._version },
          { $set: { counter: current.counter + 1, _version: current._version + 1 } },
        );
        won += res.modifiedCount;
      }
      return won;
    }

    it('loses no update: the counter equals the number of successful updates', async () => {
      await records.insertOne({ _id: 'loop', _version: 1, counter: 0 });
      const wins = await Promise.all(clients.map((c) => attempt(c.db(env.dbName).collection<Versioned>('records'), 20)));
      const total = wins.reduce((a, b) => a + b, 0);
      expect(total).toBeGreaterThan(0);
      expect(await records.findOne({ _id: 'loop' })).toEqual({ _id: 'loop', _version: total + 1, counter: total });
    });
  });
});
