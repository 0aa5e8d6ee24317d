import { spawn } from 'node:child_process';
import { ObjectId, type Db } from 'mongodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { repoRoot } from '../../server/src/dev-services/paths.js';
import { salesBundle } from '../fixtures/sales-bundle.js';
import { openTestDb, openTestRedis, testEnv } from '../helpers/env.js';
import { apiClient } from '../helpers/http.js';
import { startTestPlatform, type TestPlatform } from '../helpers/platform.js';
import { waitFor } from '../helpers/wait.js';

const env = testEnv(import.meta.url);
let platform: TestPlatform;
let db: Db;
let api: ReturnType<typeof apiClient>;

beforeAll(async () => {
  ({ db } = await openTestDb(env));
  await openTestRedis(env);
  platform = await startTestPlatform({ mongoUrl: env.mongoUrl, redisUrl: env.redisUrl, database: env.dbName, queuePrefix: env.prefix });
  api = apiClient(platform.url, { token: platform.adminToken });
  for (const entity of salesBundle().entities) await api.put(`/api/meta/draft/entities/${entity.key}`, entity);
  expect((await api.post('/api/meta/publish')).status).toBe(200);
});
afterAll(async () => {
  await platform?.stop();
});

describe('a writer killed mid-write', () => {
  it.each([1, 2, 3])(
    'leaves every record with exactly its history, audit and events (kill %i)',
    async (round) => {
      // A fresh account each round: the killed writer's open transaction keeps its account
      // locked until the server reaps it (60 s, as mongod's transactionLifetimeLimitSeconds).
      const accountId = (await api.post<{ id: string }>('/api/records/account', { name: `Acme ${round}` })).body.id;
      const child = spawn(process.execPath, ['--import', 'tsx', 'test/fixtures/writer-process.ts'], {
        cwd: repoRoot,
        env: { ...process.env, MONGODB_URL: env.mongoUrl, MONGODB_DATABASE: env.dbName, ACCOUNT_ID: accountId },
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      let output = '';
      child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
      child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
      const target = 5 + round * 3;
      const exited = new Promise((resolve) => child.once('exit', resolve));
      try {
        await waitFor(
          `${target} writes`,
          () => (output.includes(`wrote ${target}\n`) ? true : child.exitCode !== null ? Promise.reject(new Error(output)) : undefined),
          { timeoutMs: 60_000, intervalMs: 20 },
        );
      } finally {
        child.kill('SIGKILL');
        await exited;
      }

      const records = await db
        .collection('rec_opportunity')
        .find({ account: new ObjectId(accountId) })
        .toArray();
      expect(records.length).toBeGreaterThanOrEqual(target);
      // One grouped count per trail collection, not three queries per record.
      const countBy = async (collection: string) =>
        new Map(
          (
            await db
              .collection(collection)
              .aggregate<{ _id: unknown; n: number }>([
                { $match: { entity: 'opportunity' } },
                { $group: { _id: '$recordId', n: { $sum: 1 } } },
              ])
              .toArray()
          ).map((g) => [String(g._id), g.n]),
        );
      const [revisions, audit, events] = await Promise.all([countBy('record_revisions'), countBy('audit_log'), countBy('outbox')]);
      for (const record of records) {
        const id = String(record._id);
        expect({ title: record.title, revisions: revisions.get(id), audit: audit.get(id), events: events.get(id) }).toEqual({
          title: record.title,
          revisions: record._version,
          audit: record._version,
          events: record._version,
        });
      }
      const orphans = await db
        .collection('outbox')
        .countDocuments({ entity: 'opportunity', recordId: { $nin: await db.collection('rec_opportunity').distinct('_id') } });
      expect(orphans).toBe(0);
      const account = await db.collection('rec_account').findOne({ _id: new ObjectId(accountId) });
      const total = records.reduce((sum, r) => sum + Math.round(Number(String(r.amount)) * 100), 0);
      expect(Math.round(Number(String(account?.open_amount)) * 100)).toBe(total);
    },
    150_000,
  );
});
