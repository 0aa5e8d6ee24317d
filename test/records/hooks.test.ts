import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { MetacrmPlugin } from '../../server/src/plugins/plugin.js';
import type { AfterWrite } from '../../server/src/records/record-hooks.js';
import { RecordInvalid } from '../../server/src/records/records.errors.js';
import { salesBundle } from '../fixtures/sales-bundle.js';
import { openTestDb, openTestRedis, testEnv } from '../helpers/env.js';
import { apiClient, type ApiClient } from '../helpers/http.js';
import { startTestPlatform, type TestPlatform } from '../helpers/platform.js';

const env = testEnv(import.meta.url);
const seen: AfterWrite[] = [];
const hooksPlugin: MetacrmPlugin = {
  name: 'title-hooks',
  load(api) {
    api.recordHooks.register('shout', {
      entity: 'opportunity',
      before(write) {
        if (write.input.title === 'forbidden')
          throw RecordInvalid('That title is not allowed', { problems: [{ pointer: '/title', code: 'INVALID', message: 'not allowed' }] });
        if (typeof write.input.title === 'string') write.input.title = write.input.title.toUpperCase();
      },
    });
    api.recordHooks.register('watch', { entity: '*', after: (write) => void seen.push(write) });
    api.recordHooks.register('broken', {
      entity: '*',
      after: () => {
        throw new Error('observer failed');
      },
    });
  },
};
let platform: TestPlatform;
let api: ApiClient;

beforeAll(async () => {
  await openTestDb(env);
  await openTestRedis(env);
  platform = await startTestPlatform({
    mongoUrl: env.mongoUrl,
    redisUrl: env.redisUrl,
    database: env.dbName,
    queuePrefix: env.prefix,
    plugins: [hooksPlugin],
  });
  api = apiClient(platform.url, { token: platform.adminToken });
  for (const entity of salesBundle().entities) await api.put(`/api/meta/draft/entities/${entity.key}`, entity);
  expect((await api.post('/api/meta/publish')).status).toBe(200);
});
afterAll(async () => {
  await platform?.stop();
});

describe('record hooks', () => {
  it('let a before-hook change the payload, and after-hooks observe the committed write', async () => {
    const created = await api.post<{ id: string; title: string }>('/api/records/opportunity', { title: 'quiet deal' });
    expect(created.status).toBe(201);
    expect(created.body.title).toBe('QUIET DEAL');
    const patched = await api.patch<{ title: string }>(`/api/records/opportunity/${created.body.id}`, { title: 'still quiet' });
    expect(patched.body.title).toBe('STILL QUIET');
    expect(seen.map((w) => [w.entity, w.op, w.version])).toEqual([
      ['opportunity', 'create', 1],
      ['opportunity', 'update', 2],
    ]);
    expect(seen[1]?.changes).toEqual([{ field: 'title', from: 'QUIET DEAL', to: 'STILL QUIET' }]);
  });

  it('let a before-hook refuse a write, which then writes nothing', async () => {
    const before = (await api.get<{ records: unknown[] }>('/api/records/opportunity')).body.records.length;
    const res = await api.post<{ error: { code: string } }>('/api/records/opportunity', { title: 'forbidden' });
    expect(res.status).toBe(422);
    expect(res.body.error.code).toBe('RECORD_INVALID');
    expect((await api.get<{ records: unknown[] }>('/api/records/opportunity')).body.records.length).toBe(before);
  });

  it('apply only to their entity', async () => {
    const account = await api.post<{ name: string }>('/api/records/account', { name: 'lower case' });
    expect(account.body.name).toBe('lower case');
    expect(seen.at(-1)).toMatchObject({ entity: 'account', op: 'create' });
  });
});
