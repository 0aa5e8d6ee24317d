import { MongoClient, type Db } from 'mongodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SYSTEM_ACTOR } from '../../server/src/actor/actor.js';
import { MetadataCache } from '../../server/src/metadata/metadata-cache.js';
import { metadataToolkit } from '../../server/src/metadata/metadata-toolkit.js';
import { createRegistries } from '../../server/src/runtime/registries.js';
import { RecordService } from '../../server/src/records/record.service.js';
import { salesBundle } from '../fixtures/sales-bundle.js';
import { openTestDb, openTestRedis, testEnv } from '../helpers/env.js';
import { apiClient } from '../helpers/http.js';
import { startTestPlatform, type TestPlatform } from '../helpers/platform.js';

/**
 * Fails the record transaction at each of its steps with the server's failCommand fail
 * point (scoped to this file's own client by appName), and checks that the record, its
 * revision, audit entry, outbox event and the parent's roll-up are all there or none.
 */
const env = testEnv(import.meta.url);
const appName = `atomic-${env.prefix}`.slice(0, 60);
let platform: TestPlatform;
let admin: MongoClient;
let victim: MongoClient;
let db: Db;
let service: RecordService;
let accountId: string;

beforeAll(async () => {
  if (!env.embedded)
    throw new Error('this test needs fail points: run it against the embedded server, or a mongod started with enableTestCommands');
  ({ client: admin, db } = await openTestDb(env));
  await openTestRedis(env);
  platform = await startTestPlatform({ mongoUrl: env.mongoUrl, redisUrl: env.redisUrl, database: env.dbName, queuePrefix: env.prefix });
  const api = apiClient(platform.url, { token: platform.adminToken });
  for (const entity of salesBundle().entities) await api.put(`/api/meta/draft/entities/${entity.key}`, entity);
  expect((await api.post('/api/meta/publish')).status).toBe(200);
  accountId = (await api.post<{ id: string }>('/api/records/account', { name: 'Acme' })).body.id;

  victim = new MongoClient(env.mongoUrl, { appName });
  const victimDb = victim.db(env.dbName);
  service = new RecordService({
    db: victimDb,
    snapshot: await new MetadataCache(victimDb).current(),
    registries: metadataToolkit(createRegistries()).registries,
    actor: SYSTEM_ACTOR,
  });
});
afterAll(async () => {
  await admin?.db('admin').command({ configureFailPoint: 'failCommand', mode: 'off' });
  await victim?.close();
  await platform?.stop();
});

async function failPoint(command: string, skip: number): Promise<void> {
  await admin
    .db('admin')
    .command({ configureFailPoint: 'failCommand', mode: { skip }, data: { failCommands: [command], errorCode: 2, appName } });
}

async function snapshotCounts(): Promise<Record<string, unknown>> {
  const [records, revisions, audit, outbox, account] = await Promise.all([
    db
      .collection('rec_opportunity')
      .find({}, { projection: { _version: 1, title: 1 } })
      .sort({ _id: 1 })
      .toArray(),
    db.collection('record_revisions').countDocuments({}),
    db.collection('audit_log').countDocuments({}),
    db.collection('outbox').countDocuments({}),
    db.collection('rec_account').findOne({}, { projection: { open_amount: 1, _version: 1 } }),
  ]);
  return { records, revisions, audit, outbox, rollup: String(account?.open_amount) };
}

// The create transaction runs: insert record, update parent roll-up, insert revision,
// insert audit entry, insert outbox event, commit.
const steps: [string, string, number][] = [
  ['the record insert', 'insert', 0],
  ['the roll-up update', 'update', 0],
  ['the revision insert', 'insert', 1],
  ['the audit insert', 'insert', 2],
  ['the outbox insert', 'insert', 3],
  ['the commit', 'commitTransaction', 0],
];

describe('a record write is all or nothing', () => {
  it.each(steps)('create: failing %s leaves nothing behind', async (_step, command, skip) => {
    const before = await snapshotCounts();
    await failPoint(command, skip);
    await expect(service.create('opportunity', { title: 'Doomed', account: accountId, amount: '10.00' })).rejects.toThrow(/failCommand/);
    await admin.db('admin').command({ configureFailPoint: 'failCommand', mode: 'off' });
    expect(await snapshotCounts()).toEqual(before);
  });

  it('create: with no fail point everything is written together', async () => {
    const before = (await snapshotCounts()) as { revisions: number; audit: number; outbox: number };
    await service.create('opportunity', { title: 'Lives', account: accountId, amount: '10.00' });
    const after = (await snapshotCounts()) as { revisions: number; audit: number; outbox: number; rollup: string };
    expect([after.revisions - before.revisions, after.audit - before.audit, after.outbox - before.outbox]).toEqual([1, 1, 1]);
    expect(after.rollup).toBe('10.00');
  });

  // The update transaction runs: guarded update, parent roll-up update, revision,
  // audit entry, outbox event, commit.
  it.each<[string, string, number]>([
    ['the guarded update', 'update', 0],
    ['the roll-up update', 'update', 1],
    ['the revision insert', 'insert', 0],
    ['the audit insert', 'insert', 1],
    ['the outbox insert', 'insert', 2],
    ['the commit', 'commitTransaction', 0],
  ])('update: failing %s changes nothing', async (_step, command, skip) => {
    const [record] = (await service.list('opportunity', { q: 'Lives' })).records;
    const before = await snapshotCounts();
    await failPoint(command, skip);
    await expect(service.update('opportunity', record!.id, { amount: '99.00' }, record!._version)).rejects.toThrow(/failCommand/);
    await admin.db('admin').command({ configureFailPoint: 'failCommand', mode: 'off' });
    expect(await snapshotCounts()).toEqual(before);
  });
});
