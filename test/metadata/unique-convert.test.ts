import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Entity } from '@metacrm/metadata';
import { openTestDb, openTestRedis, testEnv } from '../helpers/env.js';
import { apiClient, type ApiClient } from '../helpers/http.js';
import { startTestPlatform, type TestPlatform } from '../helpers/platform.js';

/**
 * A conversion of a unique field whose index stays (a narrower range removes values)
 * frees the values it removes. secantusd-rs keeps a unique index's entry for a value an
 * update took away, so the publish writes such records as a delete and an insert
 * (migration-records.ts); this test fails on it without that.
 */
const env = testEnv(import.meta.url);
let platform: TestPlatform;
let api: ApiClient;
type Rec = Record<string, unknown> & { id: string; _version: number };
type Err = { error: { code: string; details: { field?: string } } };

const l = (en: string) => ({ 'zh-CN': en, en });
const item = (max: number): Entity =>
  ({
    key: 'item',
    label: l('Item'),
    displayField: 'name',
    fields: [
      { key: 'name', type: 'text', label: l('Name'), required: true },
      { key: 'num', type: 'integer', label: l('Number'), unique: true, max },
    ],
  }) as unknown as Entity;

async function publish(entity: Entity, body: Record<string, unknown> = {}): Promise<void> {
  expect((await api.put('/api/meta/draft/entities/item', entity)).status).toBe(200);
  const res = await api.post('/api/meta/publish', body);
  expect(res.status, JSON.stringify(res.body)).toBe(200);
}

beforeAll(async () => {
  await openTestDb(env);
  await openTestRedis(env);
  platform = await startTestPlatform({ mongoUrl: env.mongoUrl, redisUrl: env.redisUrl, database: env.dbName, queuePrefix: env.prefix });
  api = apiClient(platform.url, { token: platform.adminToken });
  await publish(item(1000));
});
afterAll(async () => {
  await platform?.stop();
});

const create = (name: string, num: number) => api.post<Rec & Err>('/api/records/item', { name, num });

describe('converting a unique field', () => {
  it('frees the values a conversion removes, and keeps the others unique', async () => {
    const big = (await create('Big', 500)).body;
    expect((await create('Small', 50)).status).toBe(201);
    await publish(item(100), { acceptDataLoss: true });

    const after = await api.get<Rec>(`/api/records/item/${big.id}`);
    expect(after.body.num ?? null).toBeNull();
    expect(after.body._version).toBe(big._version + 1);
    const narrower = await create('Too big', 500);
    expect(narrower.status).toBe(422);
    await publish(item(1000));
    expect((await create('Big again', 500)).status).toBe(201);
    const clash = await create('Small twin', 50);
    expect(clash.status).toBe(409);
    expect(clash.body.error).toMatchObject({ code: 'RECORD_UNIQUE_VIOLATION', details: { field: 'num' } });
  });
});
