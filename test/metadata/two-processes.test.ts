import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { salesBundle } from '../fixtures/sales-bundle.js';
import { openTestDb, openTestRedis, testEnv } from '../helpers/env.js';
import { apiClient, signIn } from '../helpers/http.js';
import { TEST_ADMIN } from '../helpers/platform.js';
import { spawnPlatform, type PlatformProcess } from '../helpers/process.js';
import { timed, waitFor } from '../helpers/wait.js';

const env = testEnv(import.meta.url);
let a: PlatformProcess;
let b: PlatformProcess;

beforeAll(async () => {
  await openTestDb(env);
  await openTestRedis(env);
  const vars = { MONGODB_URL: env.mongoUrl, REDIS_URL: env.redisUrl, MONGODB_DATABASE: env.dbName, QUEUE_PREFIX: env.prefix };
  [a, b] = await Promise.all([spawnPlatform('api', vars), spawnPlatform('api', vars)]);
});
afterAll(async () => {
  await Promise.all([a?.stop(), b?.stop()]);
});

describe('two API processes', () => {
  it('serve a publish made on one from both within 1 s', async () => {
    // Both processes bootstrap the same first admin; exactly one of them creates it.
    const apiA = apiClient(a.url, { token: (await signIn(a.url, TEST_ADMIN.email, TEST_ADMIN.password)).token });
    const apiB = apiClient(b.url, { token: (await signIn(b.url, TEST_ADMIN.email, TEST_ADMIN.password)).token });
    // B has version 0 cached before the publish.
    expect((await apiB.get<{ version: number }>('/api/meta')).body.version).toBe(0);
    for (const entity of salesBundle().entities)
      expect((await apiA.put(`/api/meta/draft/entities/${entity.key}`, entity)).status).toBe(200);
    expect((await apiA.post('/api/meta/publish')).status).toBe(200);

    const { ms } = await timed(() =>
      waitFor(
        'process B to serve version 1',
        async () => ((await apiB.get<{ version: number }>('/api/meta')).body.version === 1 ? true : undefined),
        { timeoutMs: 5000, intervalMs: 20 },
      ),
    );
    expect(ms).toBeLessThan(1000);
    const onB = await apiB.get<{ bundle: { entities: { key: string }[] } }>('/api/meta');
    expect(onB.body.bundle.entities.map((e) => e.key)).toEqual(['account', 'opportunity']);
  });

  it('stop gracefully on SIGTERM', async () => {
    expect(await b.stop()).toBe(0);
  });
});
