import { ObjectId, type Db } from 'mongodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Entity } from '@metacrm/metadata';
import { salesBundle } from '../fixtures/sales-bundle.js';
import { openTestDb, openTestRedis, testEnv } from '../helpers/env.js';
import { apiClient, type ApiClient } from '../helpers/http.js';
import { startTestPlatform, type TestPlatform } from '../helpers/platform.js';

/**
 * Rollbacks and the record migrations they imply (issue #20 item 6): a rollback that
 * would take stored values stops until the loss is accepted, as a publish does; every
 * record a migration changes has a history entry naming the publish; a removed field's
 * values are kept aside and come back with the field.
 */
const env = testEnv(import.meta.url);
let platform: TestPlatform;
let api: ApiClient;
let db: Db;
const l = (en: string) => ({ 'zh-CN': en, en });

type Migration = { type: string; field?: string; preview: { records: number; blocking: boolean; keptAside?: boolean } };
type History = {
  entries: { version: number; op: string; field: string; from: unknown; to: unknown; metadataVersion?: number; actor: { id: string } }[];
};

const withPriority = (): Entity => {
  const opportunity = salesBundle().entities[1]!;
  opportunity.fields.push({
    key: 'priority',
    type: 'single_select',
    label: l('Priority'),
    default: 'normal',
    options: [
      { key: 'normal', label: l('Normal') },
      { key: 'high', label: l('High') },
    ],
  } as Entity['fields'][number]);
  return opportunity;
};

beforeAll(async () => {
  ({ db } = await openTestDb(env));
  await openTestRedis(env);
  platform = await startTestPlatform({ mongoUrl: env.mongoUrl, redisUrl: env.redisUrl, database: env.dbName, queuePrefix: env.prefix });
  api = apiClient(platform.url, { token: platform.adminToken });
  for (const entity of salesBundle().entities) expect((await api.put(`/api/meta/draft/entities/${entity.key}`, entity)).status).toBe(200);
  expect((await api.post('/api/meta/publish')).status).toBe(200);
  expect((await api.put('/api/meta/draft/entities/opportunity', withPriority())).status).toBe(200);
  expect((await api.post('/api/meta/publish')).status).toBe(200);
});
afterAll(async () => {
  await platform?.stop();
});

describe('a rollback', () => {
  let high: string;
  let plain: string;

  it('stops while it would take stored values, until the loss is accepted', async () => {
    high = (await api.post<{ id: string }>('/api/records/opportunity', { title: 'Urgent', priority: 'high' })).body.id;
    plain = (await api.post<{ id: string }>('/api/records/opportunity', { title: 'Calm' })).body.id;
    const dry = await api.post<{ migrations: Migration[] }>('/api/meta/rollback?dryRun=true', { version: 1 });
    expect(dry.body.migrations.find((m) => m.type === 'unset_field')).toMatchObject({
      field: 'priority',
      preview: { records: 2, blocking: true, keptAside: true },
    });
    const blocked = await api.post<{ error: { code: string } }>('/api/meta/rollback', { version: 1 });
    expect([blocked.status, blocked.body.error.code]).toEqual([409, 'METADATA_MIGRATION_BLOCKED']);
    expect((await api.get<{ version: number }>('/api/meta')).body.version).toBe(2);
    expect((await api.get(`/api/records/opportunity/${high}`)).body).toMatchObject({ priority: 'high', _version: 1 });
  });

  it('once accepted, takes the values out of the records with a history entry for the publish', async () => {
    const rolled = await api.post<{ version: number }>('/api/meta/rollback', { version: 1, acceptDataLoss: true });
    expect([rolled.status, rolled.body.version]).toEqual([200, 3]);
    const record = (await api.get<Record<string, unknown>>(`/api/records/opportunity/${high}`)).body;
    expect(record).not.toHaveProperty('priority');
    expect(record).not.toHaveProperty('_removed');
    expect(record._version).toBe(2);
    const history = (await api.get<History>(`/api/records/opportunity/${high}/history`)).body.entries;
    expect(history[0]).toMatchObject({
      version: 2,
      op: 'migrate',
      field: 'priority',
      from: 'high',
      to: null,
      metadataVersion: 3,
      actor: { id: platform.admin.id },
    });
    // Kept aside in the record, where the API does not show it.
    expect((await db.collection('rec_opportunity').findOne({ _id: new ObjectId(high) }))?._removed).toEqual({
      priority: { value: 'high', version: 2 },
    });
  });

  it('brings a removed field back with its values when it is added again, and backfills the rest', async () => {
    const fresh = (await api.post<{ id: string }>('/api/records/opportunity', { title: 'Later' })).body.id;
    const forward = await api.post<{ version: number; migrations: Migration[] }>('/api/meta/rollback', { version: 2 });
    expect(forward.status, JSON.stringify(forward.body)).toBe(200);
    expect(forward.body.migrations.filter((m) => m.field === 'priority').map((m) => [m.type, m.preview.records])).toEqual([
      ['restore_field', 2],
      ['backfill_default', 3],
    ]);
    expect((await api.get(`/api/records/opportunity/${high}`)).body).toMatchObject({ priority: 'high', _version: 3 });
    expect((await api.get(`/api/records/opportunity/${plain}`)).body).toMatchObject({ priority: 'normal', _version: 3 });
    expect((await api.get(`/api/records/opportunity/${fresh}`)).body).toMatchObject({ priority: 'normal', _version: 2 });
    const history = (await api.get<History>(`/api/records/opportunity/${high}/history`)).body.entries;
    expect(history.map((e) => [e.version, e.op, e.from, e.to, e.metadataVersion ?? null])).toEqual([
      [3, 'migrate', null, 'high', 4],
      [2, 'migrate', 'high', null, 3],
      ...history.slice(2).map((e) => [e.version, 'create', e.from, e.to, null]),
    ]);
    expect((await api.get<History>(`/api/records/opportunity/${fresh}/history`)).body.entries[0]).toMatchObject({
      version: 2,
      op: 'migrate',
      field: 'priority',
      from: null,
      to: 'normal',
      metadataVersion: 4,
    });
    expect((await db.collection('rec_opportunity').findOne({ _id: new ObjectId(high) }))?._removed).toEqual({});
  });
});
