import {
  Long,
  MongoClient,
  MongoServerError,
  ObjectId,
  type CommandStartedEvent,
  type CommandSucceededEvent,
  type Collection,
  type Db,
  type Filter,
} from 'mongodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openTestDb, testEnv } from '../helpers/env.js';

/**
 * List views page with a keyset (cursor) filter on (sort key, _id); exports stream
 * through a driver cursor batch by batch.
 */

interface Scored {
  _id: ObjectId;
  score: number;
  n: number;
}
interface Item {
  _id: number;
  seq: number;
}

const env = testEnv(import.meta.url);
let db: Db;
let scored: Collection<Scored>;
let items: Collection<Item>;
let monitored: MongoClient;
const started: CommandStartedEvent[] = [];
const succeeded: CommandSucceededEvent[] = [];

beforeAll(async () => {
  ({ db } = await openTestDb(env));
  scored = db.collection<Scored>('scored');
  // 500 documents over 37 distinct scores, so most pages cut through a run of equal scores.
  await scored.insertMany(Array.from({ length: 500 }, (_, n) => ({ _id: new ObjectId(), score: (n * 7919) % 37, n })));
  await db.collection<Item>('items').insertMany(Array.from({ length: 1000 }, (_, seq) => ({ _id: seq, seq })));
  monitored = new MongoClient(env.mongoUrl, { monitorCommands: true, serverSelectionTimeoutMS: 10_000 });
  await monitored.connect();
  monitored.on('commandStarted', (e) => started.push(e));
  monitored.on('commandSucceeded', (e) => succeeded.push(e));
  items = monitored.db(env.dbName).collection<Item>('items');
});
afterAll(async () => {
  await monitored?.close();
});

/** The keyset filter for "after this row" in (score desc, _id asc) order. */
const after = (row: Scored): Filter<Scored> => ({ $or: [{ score: { $lt: row.score } }, { score: row.score, _id: { $gt: row._id } }] });

describe('keyset pagination', () => {
  it('returns every document exactly once, in order, 50 at a time', async () => {
    const all = await scored.find().toArray();
    const expected = all.sort((a, b) => b.score - a.score || a._id.toHexString().localeCompare(b._id.toHexString())).map((d) => d.n);
    const seen: number[] = [];
    const pageSizes: number[] = [];
    let filter: Filter<Scored> = {};
    for (;;) {
      const page = await scored.find(filter).sort({ score: -1, _id: 1 }).limit(50).toArray();
      const last = page.at(-1);
      if (!last) break;
      pageSizes.push(page.length);
      seen.push(...page.map((d) => d.n));
      filter = after(last);
    }
    expect(pageSizes).toEqual(Array.from({ length: 10 }, () => 50));
    expect(seen).toEqual(expected);
    expect(new Set(seen).size).toBe(500);
  });

  it('counts the documents after a keyset position with countDocuments', async () => {
    const page = await scored.find({}, { sort: { score: -1, _id: 1 }, skip: 149, limit: 1 }).toArray();
    const row = page[0];
    if (!row) throw new Error('no row 150');
    expect(await scored.countDocuments(after(row))).toBe(350);
    expect(await scored.countDocuments({ score: { $gte: 30 } })).toBe(91);
    expect(await scored.countDocuments({ score: 0 })).toBe(14);
  });

  it('estimates the collection size', async () => {
    expect(await scored.estimatedDocumentCount()).toBe(500);
  });
});

describe('cursors', () => {
  const cursorIdOf = (e: CommandSucceededEvent): string => String((e.reply as { cursor?: { id?: Long } }).cursor?.id);

  /** A getMore on a released cursor fails with 43 CursorNotFound. */
  async function expectCursorGone(id: string): Promise<void> {
    const err = await db.command({ getMore: Long.fromString(id), collection: 'items' }).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(MongoServerError);
    expect((err as MongoServerError).code).toBe(43);
  }

  it('streams 1,000 documents through getMore batches no larger than batchSize', async () => {
    started.length = 0;
    succeeded.length = 0;
    const seqs: number[] = [];
    for await (const doc of items.find({}, { batchSize: 100 }).sort({ seq: 1 })) seqs.push(doc.seq);
    expect(seqs).toEqual(Array.from({ length: 1000 }, (_, i) => i));
    expect(started.filter((e) => e.commandName === 'find')).toHaveLength(1);
    const batches = succeeded
      .filter((e) => e.commandName === 'find' || e.commandName === 'getMore')
      .map((e) => {
        const cursor = (e.reply as { cursor: { firstBatch?: unknown[]; nextBatch?: unknown[] } }).cursor;
        return (cursor.firstBatch ?? cursor.nextBatch ?? []).length;
      });
    expect(batches.slice(0, 10)).toEqual(Array.from({ length: 10 }, () => 100));
    expect(batches.slice(10).every((n) => n === 0)).toBe(true);
  });

  it('releases the server cursor when iteration stops early', async () => {
    started.length = 0;
    succeeded.length = 0;
    const cursor = items.find({}, { batchSize: 100 }).sort({ seq: 1 });
    let n = 0;
    for await (const doc of cursor) {
      n += 1;
      if (doc.seq === 149) break;
    }
    expect(n).toBe(150);
    expect(cursor.killed).toBe(true);
    const found = succeeded.find((e) => e.commandName === 'find');
    if (!found) throw new Error('no find');
    const id = cursorIdOf(found);
    expect(id).not.toBe('0');
    const killed = succeeded.find((e) => e.commandName === 'killCursors');
    expect((killed?.reply as { cursorsKilled?: Long[] } | undefined)?.cursorsKilled?.map(String)).toEqual([id]);
    await expectCursorGone(id);
  });

  it('closes a cursor explicitly after the first batch without error', async () => {
    const cursor = items.find({ seq: { $gte: 500 } }, { batchSize: 10 }).sort({ seq: 1 });
    const first = await cursor.next();
    expect(first).toEqual({ _id: 500, seq: 500 });
    const id = String(cursor.id);
    expect(id).not.toBe('0');
    await expect(cursor.close()).resolves.toBeUndefined();
    expect(cursor.killed).toBe(true);
    await expectCursorGone(id);
  });

  it('returns only limit documents with a limit larger than the batch size', async () => {
    const docs = await items
      .find({ seq: { $gte: 100 } }, { batchSize: 7 })
      .sort({ seq: -1 })
      .limit(25)
      .toArray();
    expect(docs.map((d) => d.seq)).toEqual(Array.from({ length: 25 }, (_, i) => 999 - i));
  });
});
