import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { salesBundle } from '../fixtures/sales-bundle.js';
import { openTestDb, openTestRedis, testEnv } from '../helpers/env.js';
import { apiClient, type ApiClient } from '../helpers/http.js';
import { startTestPlatform, type TestPlatform } from '../helpers/platform.js';

/**
 * A unique field is unique among live records: a record in the recycle bin, or one
 * whose value changed, no longer holds the value. secantusd-rs keeps a unique index's
 * entry for a value an update moved away from, so the engine rewrites such documents
 * (record-writer.ts); these tests fail on it without that.
 */
const env = testEnv(import.meta.url);
let platform: TestPlatform;
let api: ApiClient;
type Rec = Record<string, unknown> & { id: string; _version: number };
type Err = { error: { code: string; details: { field?: string } } };

beforeAll(async () => {
  await openTestDb(env);
  await openTestRedis(env);
  platform = await startTestPlatform({ mongoUrl: env.mongoUrl, redisUrl: env.redisUrl, database: env.dbName, queuePrefix: env.prefix });
  api = apiClient(platform.url, { token: platform.adminToken });
  const bundle = salesBundle();
  for (const kind of ['entities', 'rules'] as const)
    for (const item of bundle[kind]) await api.put(`/api/meta/draft/${kind}/${item.key}`, item);
  expect((await api.post('/api/meta/publish')).status).toBe(200);
});
afterAll(async () => {
  await platform?.stop();
});

const create = (name: string, code: string) => api.post<Rec & Err>('/api/records/account', { name, code });

describe('unique among live records', () => {
  it('frees the value of a record moved to the recycle bin, and refuses its restore while the value is taken', async () => {
    const first = (await create('First', 'U-1')).body;
    expect((await create('Twin', 'U-1')).status).toBe(409);
    expect((await api.delete(`/api/records/account/${first.id}`)).status).toBe(204);

    const second = await create('Second', 'U-1');
    expect(second.status).toBe(201);
    const restore = await api.post<Err>(`/api/records/account/${first.id}/restore`);
    expect(restore.status).toBe(409);
    expect(restore.body.error).toMatchObject({ code: 'RECORD_UNIQUE_VIOLATION', details: { field: 'code' } });

    expect((await api.delete(`/api/records/account/${second.body.id}`)).status).toBe(204);
    expect((await api.post(`/api/records/account/${first.id}/restore`)).status).toBe(200);
    expect((await create('Third', 'U-1')).status).toBe(409);
  });

  it('frees a value changed away or cleared, and still refuses the new value twice', async () => {
    const rec = (await create('Mover', 'U-2')).body;
    const moved = await api.patch<Rec>(`/api/records/account/${rec.id}`, { _version: rec._version, code: 'U-3' });
    expect(moved.status).toBe(200);
    expect((await create('Taker', 'U-2')).status).toBe(201);
    expect((await create('Clash', 'U-3')).status).toBe(409);

    const cleared = await api.patch<Rec>(`/api/records/account/${rec.id}`, { _version: moved.body._version, code: null });
    expect(cleared.status).toBe(200);
    expect((await create('Reuser', 'U-3')).status).toBe(201);
  });
});
