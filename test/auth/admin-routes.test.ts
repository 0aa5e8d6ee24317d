import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testEnv } from '../helpers/env.js';
import { apiClient, signIn, type ApiClient } from '../helpers/http.js';
import { startTestPlatform, type TestPlatform } from '../helpers/platform.js';

// Every route the app mounts, read from the routers themselves (platform.routes), is
// either in the short list below of routes for any signed-in user, or must answer an
// ordinary user 403 FORBIDDEN. A new route cannot be forgotten: it fails this test
// until it is guarded or deliberately listed here.

const env = testEnv(import.meta.url);
let platform: TestPlatform;
let admin: ApiClient;

/** Routes open to any signed-in user (or to anyone: probes and sign-in). Record routes are guarded per entity by roles. */
const OPEN = [
  /^\/healthz$/,
  /^\/readyz$/,
  /^\/metrics$/,
  /^\/api\/system\/status$/,
  /^\/api\/auth\//,
  /^\/api\/records\//,
  /^\/api\/openapi\.json$/,
  /^\/api\/workflows\/:key\/trigger$/,
  /^\/api\/approvals/,
  /^\/api\/hooks\//,
  /^\/api\/notifications/,
  /^\/api\/me\//,
  /^\/api\/events$/,
  /^\/api\/search$/,
  /^\/api\/directory\/users$/,
  // A file is reached through its record: the engine checks the record and field rights (test/records/attachments.test.ts).
  /^\/api\/attachments\//,
];

interface ErrorAnswer {
  error: { code: string; details?: { right?: string } };
}

beforeAll(async () => {
  platform = await startTestPlatform({ mongoUrl: env.mongoUrl, redisUrl: env.redisUrl, database: env.dbName, queuePrefix: env.prefix });
  admin = apiClient(platform.url, { token: platform.adminToken });
  const roles = {
    sales: { label: { 'zh-CN': '销售', en: 'Sales' } },
    designer: { label: { 'zh-CN': '设计', en: 'Designer' }, admin: { metadata: true } },
    people: { label: { 'zh-CN': '人事', en: 'People' }, admin: { users: true } },
  };
  for (const [key, role] of Object.entries(roles)) expect((await admin.put(`/api/meta/draft/roles/${key}`, role)).status).toBe(200);
  expect((await admin.post('/api/meta/publish')).status).toBe(200);
});
afterAll(async () => {
  await platform?.stop();
});

/** A signed-in user with these roles. */
async function userWith(roles: string[]): Promise<ApiClient> {
  const email = `${roles.join('-') || 'plain'}-${Math.random().toString(36).slice(2, 8)}@example.com`;
  expect((await admin.post('/api/users', { email, name: email, password: 'ordinary password', roles })).status).toBe(201);
  return apiClient(platform.url, { token: (await signIn(platform.url, email, 'ordinary password')).token });
}

/** A concrete path for a route pattern: each parameter gets a plausible value. */
function concrete(pattern: string): string {
  const values: Record<string, string> = {
    kind: 'entities',
    key: 'account',
    version: '1',
    a: '0',
    b: '1',
    id: '0123456789abcdef01234567',
    entity: 'account',
  };
  return pattern.replace(/:(\w+)/g, (_m, name: string) => values[name] ?? 'x');
}

function call(api: ApiClient, method: string, path: string) {
  switch (method) {
    case 'GET':
      return api.get<ErrorAnswer>(path);
    case 'DELETE':
      return api.delete<ErrorAnswer>(path);
    case 'POST':
      return api.post<ErrorAnswer>(path, {});
    case 'PUT':
      return api.put<ErrorAnswer>(path, {});
    case 'PATCH':
      return api.patch<ErrorAnswer>(path, {});
    default:
      throw new Error(`no test call for ${method}`);
  }
}

const guarded = () => platform.routes.filter((r) => !OPEN.some((open) => open.test(r.path)));

describe('admin routes', () => {
  it('finds the metadata, user, department, settings and audit routes in the routers', () => {
    const paths = new Set(guarded().map((r) => `${r.method} ${r.path}`));
    for (const route of [
      'GET /api/meta',
      'PUT /api/meta/draft/:kind/:key',
      'POST /api/meta/publish',
      'GET /api/users',
      'PATCH /api/users/:id',
      'POST /api/users/:id/reset-password',
      'DELETE /api/departments/:id',
      'PATCH /api/settings/security',
      'GET /api/audit',
    ]) {
      expect(paths).toContain(route);
    }
    expect(paths.size).toBeGreaterThanOrEqual(25);
  });

  it('answers an ordinary user 403 FORBIDDEN on every one of them, and writes nothing', async () => {
    const ordinary = await userWith(['sales']);
    const unguarded: string[] = [];
    for (const { method, path } of guarded()) {
      const res = await call(ordinary, method, concrete(path));
      if (res.status !== 403 || res.body.error.code !== 'FORBIDDEN' || !['metadata', 'users'].includes(res.body.error.details?.right ?? ''))
        unguarded.push(`${method} ${path} → ${res.status} ${JSON.stringify(res.body)}`);
    }
    expect(unguarded).toEqual([]);
    // Nothing was written meanwhile: the draft still holds only the three roles.
    const draft = await admin.get<{ bundle: { roles: { key: string }[]; entities: unknown[] } }>('/api/meta/draft');
    expect(draft.body.bundle.roles.map((r) => r.key).sort()).toEqual(['designer', 'people', 'sales']);
    expect(draft.body.bundle.entities).toEqual([]);
  });

  it('gives a role with admin.metadata the metadata routes only, and one with admin.users the user routes only', async () => {
    const designer = await userWith(['designer']);
    const people = await userWith(['people']);
    expect((await designer.get('/api/meta/draft')).status).toBe(200);
    expect((await designer.get<ErrorAnswer>('/api/users')).body.error).toMatchObject({ code: 'FORBIDDEN', details: { right: 'users' } });
    expect((await people.get('/api/users')).status).toBe(200);
    expect((await people.get('/api/audit')).status).toBe(200);
    expect((await people.get<ErrorAnswer>('/api/meta')).body.error).toMatchObject({ code: 'FORBIDDEN', details: { right: 'metadata' } });
  });

  it('refuses "admin" as a metadata role key when the draft is saved', async () => {
    const res = await admin.put<{ error: { code: string; details: { problems: { pointer: string; code: string }[] } } }>(
      '/api/meta/draft/roles/admin',
      { label: { 'zh-CN': '管理员', en: 'Admin' } },
    );
    expect(res.status).toBe(422);
    expect(res.body.error.code).toBe('METADATA_INVALID');
    expect(res.body.error.details.problems).toEqual([expect.objectContaining({ pointer: '/key', code: 'RESERVED_KEY' })]);
  });
});
