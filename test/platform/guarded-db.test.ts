import { MongoClient, MongoServerError, type CommandStartedEvent, type Db } from 'mongodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { guardDb, runDbWork } from '../../server/src/storage/guarded-db.js';
import { testEnv } from '../helpers/env.js';

// The API's database handle: maxTimeMS on every read, and no read sent for a request
// whose client has gone (unless it has begun writing). Checked on the wire.
const env = testEnv(import.meta.url);
let client: MongoClient;
let db: Db;
const started: CommandStartedEvent[] = [];

beforeAll(async () => {
  client = new MongoClient(env.mongoUrl, { monitorCommands: true, serverSelectionTimeoutMS: 10_000 });
  await client.connect();
  client.on('commandStarted', (event) => started.push(event));
  db = client.db(env.dbName);
  await db.dropDatabase();
  await db.collection('deals').insertMany(Array.from({ length: 3000 }, (_, i) => ({ n: i, name: `deal ${i}`, tag: i % 7 })));
});
afterAll(async () => {
  await client?.close();
});

/** The commands `work` sent, by name, with their maxTimeMS. */
async function sent(work: () => Promise<unknown>): Promise<{ command: string; maxTimeMS: unknown }[]> {
  started.length = 0;
  await work();
  return started.filter((e) => e.databaseName === env.dbName).map((e) => ({ command: e.commandName, maxTimeMS: e.command.maxTimeMS }));
}

describe('the guarded database handle', () => {
  it('puts maxTimeMS on every read, keeping one the caller set', async () => {
    const deals = guardDb(db, { maxTimeMS: 43_210 }).collection('deals');
    expect(
      await sent(async () => {
        await deals.find({ tag: 1 }).limit(3).toArray();
        await deals.findOne({ n: 5 });
        await deals.aggregate([{ $match: { tag: 2 } }, { $count: 'n' }]).toArray();
        await deals.countDocuments({ tag: 3 });
        await deals.distinct('tag', { n: { $lt: 10 } });
        await deals.findOne({ n: 6 }, { maxTimeMS: 99_000 });
      }),
    ).toEqual([
      { command: 'find', maxTimeMS: 43_210 },
      { command: 'find', maxTimeMS: 43_210 },
      { command: 'aggregate', maxTimeMS: 43_210 },
      { command: 'aggregate', maxTimeMS: 43_210 },
      { command: 'distinct', maxTimeMS: 43_210 },
      { command: 'find', maxTimeMS: 99_000 },
    ]);
  });

  it('lets the server stop a read that outruns it', async () => {
    const deals = guardDb(db, { maxTimeMS: 1 }).collection('deals');
    const err = await deals
      .find({ name: { $regex: 'no such deal' } })
      .toArray()
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(MongoServerError);
    expect((err as MongoServerError).code).toBe(50);
  });

  it('sends no read for a request whose client has gone, unless it has begun writing', async () => {
    const guarded = guardDb(db, { maxTimeMS: 5000 });
    const gone = new AbortController();
    gone.abort();
    expect(
      await sent(async () => {
        await runDbWork({ signal: gone.signal, wrote: false }, async () => {
          await expect(guarded.collection('deals').findOne({ n: 1 })).rejects.toMatchObject({ code: 'CLIENT_CLOSED_REQUEST', status: 499 });
          expect(() => guarded.collection('deals').find({})).toThrow(expect.objectContaining({ code: 'CLIENT_CLOSED_REQUEST' }));
        });
      }),
    ).toEqual([]);
    expect(
      await sent(async () => {
        await runDbWork({ signal: gone.signal, wrote: false }, async () => {
          await guarded.collection('notes').insertOne({ text: 'begun' });
          await guarded.collection('notes').findOne({ text: 'begun' });
        });
      }),
    ).toEqual([
      { command: 'insert', maxTimeMS: undefined },
      { command: 'find', maxTimeMS: 5000 },
    ]);
    // Outside any request (a worker), reads simply go.
    expect(await guarded.collection('deals').findOne({ n: 2 })).toMatchObject({ n: 2 });
  });
});
