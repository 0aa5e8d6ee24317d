import { type MongoClient, type Db } from 'mongodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { recordCollection } from '../../server/src/record-storage/record-collections.js';
import { openTestDb, openTestRedis, testEnv } from '../helpers/env.js';
import { apiClient, signIn, type ApiClient } from '../helpers/http.js';
import { TEST_ADMIN } from '../helpers/platform.js';
import { spawnPlatform, type PlatformProcess } from '../helpers/process.js';
import { waitFor } from '../helpers/wait.js';

/**
 * Scale-out on one machine, as the README's deployment runs it: two API processes and
 * two workers, real processes over one database and one Redis. What one API process
 * publishes the other serves at once; records written through both are all there
 * through either; every record event runs its workflow exactly once, whichever worker
 * takes it. (Sessions revoked through one API process: test/auth/credential-cache.test.ts.)
 */
const env = testEnv(import.meta.url);
const l = (en: string) => ({ 'zh-CN': en, en });
const RECORDS = 120;
let client: MongoClient;
let db: Db;
const processes: PlatformProcess[] = [];
let onA: ApiClient;
let onB: ApiClient;

beforeAll(async () => {
  ({ client, db } = await openTestDb(env));
  await openTestRedis(env);
  const shared = { MONGODB_URL: env.mongoUrl, REDIS_URL: env.redisUrl, MONGODB_DATABASE: env.dbName, QUEUE_PREFIX: env.prefix };
  // One after the other: the first API process creates the first admin, the others find it there.
  for (const role of ['api', 'api', 'worker', 'worker'] as const) processes.push(await spawnPlatform(role, shared));
  const [a, b] = processes;
  onA = apiClient(a!.url, { token: (await signIn(a!.url, TEST_ADMIN.email, TEST_ADMIN.password)).token });
  onB = apiClient(b!.url, { token: (await signIn(b!.url, TEST_ADMIN.email, TEST_ADMIN.password)).token });
}, 240_000);

afterAll(async () => {
  await Promise.all(processes.map((p) => p.stop()));
  await client?.close();
});

describe('two API processes and two workers on one store and one Redis', () => {
  it('serve through one API process what was published through the other, at once', async () => {
    const entities = [
      {
        key: 'job',
        label: l('Job'),
        displayField: 'name',
        fields: [
          { key: 'name', type: 'text', label: l('Name'), required: true },
          { key: 'via', type: 'text', label: l('Via') },
        ],
      },
      {
        key: 'job_log',
        label: l('Job log'),
        displayField: 'note',
        fields: [
          { key: 'note', type: 'text', label: l('Note') },
          { key: 'job', type: 'lookup', label: l('Job'), target: 'job', onDelete: 'cascade' },
        ],
      },
    ];
    for (const entity of entities) expect((await onA.put(`/api/meta/draft/entities/${entity.key}`, entity)).status).toBeLessThan(300);
    const workflow = {
      key: 'log_job',
      label: l('Log a job'),
      entity: 'job',
      trigger: { type: 'record_created' },
      start: 'log',
      steps: [
        {
          id: 'log',
          type: 'create_record',
          config: { entity: 'job_log', values: { note: { cat: ['created via ', { var: 'record.via' }] }, job: { var: 'record.id' } } },
        },
      ],
    };
    expect((await onA.put('/api/meta/draft/workflows/log_job', workflow)).status).toBeLessThan(300);
    const published = await onA.post<{ version: number }>('/api/meta/publish');
    expect(published.status, JSON.stringify(published.body)).toBe(200);

    // No wait: B must not answer from the metadata it held before the publish.
    const created = await onB.post('/api/records/job', { name: 'first', via: 'B' });
    expect(created.status, JSON.stringify(created.body)).toBe(201);
    expect((await onB.get<{ version: number }>('/api/meta')).body.version).toBe(published.body.version);
  });

  it('keep every record written through either process, readable through both, with one workflow run each', async () => {
    const names = Array.from({ length: RECORDS }, (_, i) => `job ${i}`);
    const ids: string[] = [];
    // Ten writers at a time, alternating between the two API processes.
    for (let i = 0; i < names.length; i += 10) {
      const batch = names
        .slice(i, i + 10)
        .map((name, j) =>
          ((i + j) % 2 === 0 ? onA : onB).post<{ id: string }>('/api/records/job', { name, via: (i + j) % 2 === 0 ? 'A' : 'B' }),
        );
      for (const answer of await Promise.all(batch)) {
        expect(answer.status, JSON.stringify(answer.body)).toBe(201);
        ids.push(answer.body.id);
      }
    }
    const total = RECORDS + 1; // and the one of the first test
    for (const api of [onA, onB]) {
      const list = await api.get<{ total?: number }>('/api/records/job?limit=1&count=true');
      expect(list.status).toBe(200);
      expect(list.body.total).toBe(total);
    }
    // Each record is read back through the process that did not write it.
    for (const [i, id] of ids.entries()) expect((await (i % 2 === 0 ? onB : onA).get(`/api/records/job/${id}`)).status).toBe(200);

    const runs = db.collection('workflow_runs');
    await waitFor(
      `${total} finished runs`,
      async () => ((await runs.countDocuments({ workflow: 'log_job', status: 'completed' })) >= total ? true : undefined),
      { timeoutMs: 120_000, intervalMs: 250 },
    );
    expect(await runs.countDocuments({ workflow: 'log_job' })).toBe(total);
    const perRecord = await runs
      .aggregate<{ _id: string; n: number }>([
        { $match: { workflow: 'log_job' } },
        { $group: { _id: '$trigger.recordId', n: { $sum: 1 } } },
        { $match: { n: { $gt: 1 } } },
      ])
      .toArray();
    expect(perRecord).toEqual([]);
    // The side effect happened once per record: one log entry each, never two.
    const logs = await recordCollection(db, 'job_log')
      .aggregate<{ _id: string; n: number }>([{ $match: { _deletedAt: null } }, { $group: { _id: '$job', n: { $sum: 1 } } }])
      .toArray();
    expect(logs).toHaveLength(total);
    expect(logs.every((entry) => entry.n === 1)).toBe(true);
  });
});
