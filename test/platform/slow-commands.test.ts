import { Writable } from 'node:stream';
import type { MongoClient } from 'mongodb';
import { afterEach, describe, expect, it } from 'vitest';
import { createLogger } from '../../server/src/observability/logger.js';
import { connectMongo } from '../../server/src/storage/mongo.js';
import { testEnv } from '../helpers/env.js';

/** DB_SLOW_MS: slow commands are logged by name and collection, never with the data they carry. */
const env = testEnv(import.meta.url);
let client: MongoClient | undefined;
afterEach(async () => {
  await client?.close();
  client = undefined;
});

/** Connects with the slow command log on (or off), its lines kept in `lines`. */
async function connect(slowCommandMs: number | undefined): Promise<{ client: MongoClient; lines: string[] }> {
  const lines: string[] = [];
  const sink = new Writable({ write: (chunk: Buffer, _encoding, done) => (lines.push(chunk.toString()), done()) });
  client = await connectMongo(env.mongoUrl, { slowCommandMs, logger: createLogger('info', {}, sink) });
  return { client, lines };
}

async function logged(slowCommandMs: number | undefined): Promise<Record<string, unknown>[]> {
  const { client, lines } = await connect(slowCommandMs);
  const probe = client.db(env.dbName).collection('probe');
  await probe.deleteMany({});
  await probe.insertOne({ email: 'secret@example.com' });
  expect(await probe.countDocuments({ email: 'secret@example.com' })).toBe(1);
  await probe.findOne({ email: 'secret@example.com' });
  expect(lines.join('')).not.toContain('secret@example.com');
  return lines.map((line) => JSON.parse(line) as Record<string, unknown>);
}

describe('the slow command log', () => {
  it('logs the commands over the threshold with their name, collection and time, and not their filters or documents', async () => {
    const entries = await logged(0);
    expect(entries).toEqual(
      expect.arrayContaining([
        expect.objectContaining({
          msg: 'slow database command',
          command: 'insert',
          collection: 'probe',
          database: env.dbName,
          ms: expect.any(Number),
        }),
        expect.objectContaining({ msg: 'slow database command', command: 'find', collection: 'probe' }),
      ]),
    );
  });

  it("names a cursor's getMore by its collection, and leaves out a change stream's getMore, which waits by design", async () => {
    const { client, lines } = await connect(0);
    const db = client.db(env.dbName);
    const stream = db.collection('watched').watch();
    await stream.tryNext();
    await stream.tryNext();
    await stream.close();
    await db.collection('probe').deleteMany({});
    await db.collection('probe').insertMany([{ n: 1 }, { n: 2 }, { n: 3 }]);
    expect(await db.collection('probe').find({}, { batchSize: 1 }).toArray()).toHaveLength(3);
    const entries = lines.map((line) => JSON.parse(line) as Record<string, unknown>);
    expect(entries).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ command: 'aggregate', collection: 'watched' }),
        expect.objectContaining({ command: 'getMore', collection: 'probe' }),
      ]),
    );
    expect(entries.filter((e) => e.command === 'getMore' && e.collection === 'watched')).toEqual([]);
  });

  it('logs nothing under the threshold, and nothing when it is off', async () => {
    expect(await logged(60_000)).toEqual([]);
    await client?.close();
    expect(await logged(undefined)).toEqual([]);
  });
});
