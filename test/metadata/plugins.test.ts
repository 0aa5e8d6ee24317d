import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { MetacrmPlugin } from '../../server/src/plugins/plugin.js';
import { openTestDb, openTestRedis, testEnv } from '../helpers/env.js';
import { apiClient, type ApiClient } from '../helpers/http.js';
import { startTestPlatform, type TestPlatform } from '../helpers/platform.js';

const env = testEnv(import.meta.url);
const label = { 'zh-CN': '评分', en: 'Rating' };

/** A plugin adding a field type with settings of its own and a json-logic operation. */
const ratingPlugin: MetacrmPlugin = {
  name: 'rating',
  load(api) {
    api.fieldTypes.register('rating', {
      type: 'rating',
      value: 'integer',
      operators: ['eq', 'gte', 'lte'],
      computed: false,
      ordered: true,
      numeric: true,
      groupable: true,
      settingsSchema: { type: 'object', properties: { max: { type: 'integer', minimum: 1, maximum: 10 } }, required: ['max'] },
    });
    api.operations.register('clamp', {
      name: 'clamp',
      minArgs: 3,
      maxArgs: 3,
      apply: (v, lo, hi) => Math.min(Math.max(Number(v), Number(lo)), Number(hi)),
    });
  },
};

const entity = (field: Record<string, unknown>, formula?: unknown) => ({
  key: 'review',
  label,
  displayField: 'title',
  fields: [
    { key: 'title', type: 'text', label },
    { key: 'stars', label, ...field },
    ...(formula === undefined ? [] : [{ key: 'score', type: 'formula', label, resultType: 'integer', expression: formula }]),
  ],
});

let withPlugin: TestPlatform;
let without: TestPlatform;
let api: ApiClient;
let plain: ApiClient;

beforeAll(async () => {
  const { client } = await openTestDb(env);
  await client.db(`${env.dbName}_p`).dropDatabase();
  await openTestRedis(env);
  withPlugin = await startTestPlatform({
    mongoUrl: env.mongoUrl,
    redisUrl: env.redisUrl,
    database: env.dbName,
    queuePrefix: env.prefix,
    plugins: [ratingPlugin],
  });
  without = await startTestPlatform({
    mongoUrl: env.mongoUrl,
    redisUrl: env.redisUrl,
    database: `${env.dbName}_p`,
    queuePrefix: `${env.prefix}_p`,
  });
  api = apiClient(withPlugin.url, { token: withPlugin.adminToken });
  plain = apiClient(without.url, { token: without.adminToken });
});
afterAll(async () => {
  await withPlugin?.stop();
  await without?.stop();
});

type Problems = { error: { details: { problems: { pointer: string; code: string }[] } } };

describe('plugins', () => {
  it('add a field type that validates and publishes like a built-in one', async () => {
    expect(
      (await api.put('/api/meta/draft/entities/review', entity({ type: 'rating', max: 5 }, { clamp: [{ var: 'stars' }, 0, 5] }))).status,
    ).toBe(200);
    expect((await api.post<{ version: number }>('/api/meta/publish')).body.version).toBe(1);
  });

  it("check the plugin type's own settings", async () => {
    const res = await api.put<Problems>('/api/meta/draft/entities/review', entity({ type: 'rating', max: 50 }));
    expect(res.status).toBe(422);
    expect(res.body.error.details.problems).toContainEqual(expect.objectContaining({ pointer: '/fields/stars/max', code: 'OUT_OF_RANGE' }));
    const missing = await api.put<Problems>('/api/meta/draft/entities/review', entity({ type: 'rating' }));
    expect(missing.body.error.details.problems).toContainEqual(expect.objectContaining({ pointer: '/fields/stars/max', code: 'REQUIRED' }));
  });

  it('are needed: without the plugin the type and the operation are refused', async () => {
    const res = await plain.put<Problems>('/api/meta/draft/entities/review', entity({ type: 'rating', max: 5 }));
    expect(res.status).toBe(422);
    expect(res.body.error.details.problems).toContainEqual(
      expect.objectContaining({ pointer: '/fields/stars/type', code: 'UNKNOWN_VARIANT' }),
    );
    expect(
      (await plain.put('/api/meta/draft/entities/review', entity({ type: 'integer' }, { clamp: [{ var: 'stars' }, 0, 5] }))).status,
    ).toBe(200);
    const publish = await plain.post<Problems>('/api/meta/publish');
    expect(publish.body.error.details.problems).toContainEqual(
      expect.objectContaining({ pointer: '/entities/review/fields/score/expression/clamp', code: 'LOGIC_NOT_ALLOWED' }),
    );
  });

  it('may not register a key twice', async () => {
    await expect(
      startTestPlatform({
        mongoUrl: env.mongoUrl,
        redisUrl: env.redisUrl,
        database: env.dbName,
        queuePrefix: env.prefix,
        plugins: [ratingPlugin, { ...ratingPlugin, name: 'rating-copy' }],
      }),
    ).rejects.toThrow('Plugin "rating-copy" failed to load: field type "rating" is already registered');
  });
});
