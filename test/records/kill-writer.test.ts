import { spawn } from 'node:child_process';
import type { Db } from 'mongodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { repoRoot } from '../../server/src/dev-services/paths.js';
import type { Platform } from '../../server/src/runtime/platform.js';
import { salesBundle } from '../fixtures/sales-bundle.js';
import { openTestDb, openTestRedis, testEnv } from '../helpers/env.js';
import { apiClient } from '../helpers/http.js';
import { startTestPlatform } from '../helpers/platform.js';
import { waitFor } from '../helpers/wait.js';

const env = testEnv(import.meta.url);
let platform: Platform & { url: string };
let db: Db;
let accountId: string;

beforeAll(async () => {
  ({ db } = await openTestDb(env));
  await openTestRedis(env);
  platform = await startTestPlatform({ mongoUrl: env.mongoUrl, redisUrl: env.redisUrl, database: env.dbName, queuePrefix: env.prefix });
  const api = apiClient(platform.url);
  for (const entity of salesBundle().entities) await api.put(`/api/meta/draft/entities/${entity.key}`, entity);
  expect((await api.post('/api/meta/publish')).status).toBe(200);
  accountId = (await api.post<{ id: string }>('/api/records/account', { name: 'Acme' })).body.id;
});
afterAll(async () => {
  await platform?.stop();
});

describe('a writer killed mid-write', () => {
  it.each([1, 2, 3])('leaves every record with exactly its history, audit and events (kill %i)', async (round) => {
    const child = spawn(process.execPath, ['--import', 'tsx', 'test/fixtures/writer-process.ts'], {
      cwd: repoRoot,
      env: { ...process.env, MONGODB_URL: env.mongoUrl, MONGODB_DATABASE: env.dbName, ACCOUNT_ID: accountId },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    const target = 5 + round * 3;
    await waitFor(`${target} writes`, () => (output.includes(`wrote ${target}\n`) ? true : child.exitCode !== null ? Promise.reject(new Error(output)) : undefined), { timeoutMs: 60_000, intervalMs: 20 });
    const exited = new Promise((resolve) => child.once('exit', resolve));
    child.kill('SIGKILL');
    await exited;

    const records = await db.collection('rec_opportunity').find({}).toArray();
    expect(records.length).toBeGreaterThanOrEqual(target);
    for (const record of records) {
      const [revisions, audit, events] = await Promise.all([
        db.collection('record_revisions').countDocuments({ recordId: record._id }),
        db.collection('audit_log').countDocuments({ recordId: record._id }),
        db.collection('outbox').countDocuments({ recordId: record._id }),
      ]);
      expect({ title: record.title, revisions, audit, events }).toEqual({ title: record.title, revisions: record._version, audit: record._version, events: record._version });
    }
    const orphans = await db.collection('outbox').countDocuments({ entity: 'opportunity', recordId: { $nin: records.map((r) => r._id) } });
    expect(orphans).toBe(0);
    const account = await db.collection('rec_account').findOne({});
    const total = records.reduce((sum, r) => sum + Math.round(Number(String(r.amount)) * 100), 0);
    expect(Math.round(Number(String(account?.open_amount)) * 100)).toBe(total);
  });
});
