import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testEnv } from '../helpers/env.js';
import { apiClient, signIn, type ApiClient } from '../helpers/http.js';
import { startTestPlatform, type TestPlatform } from '../helpers/platform.js';
import type { OpenApiDocument } from '../../server/src/openapi/openapi.js';
import { ComponentValidator } from '../../server/src/openapi/openapi.fixture.js';
import { initialsOf } from '../../server/src/auth/user-directory.js';

/** The read-only user directory (`GET /api/directory/users`) that user fields are shown with, as a plain user and as a user admin. */
const env = testEnv(import.meta.url);
let platform: TestPlatform;
let admin: ApiClient;
let plain: ApiClient;
const ids: Record<string, string> = {};

type Directory = { users: { id: string; name: string; initials: string; active: boolean; email?: string }[] };

beforeAll(async () => {
  platform = await startTestPlatform({ mongoUrl: env.mongoUrl, redisUrl: env.redisUrl, database: env.dbName, queuePrefix: env.prefix });
  admin = apiClient(platform.url, { token: platform.adminToken });
  for (const [key, name, active] of [
    ['ada', 'Ada Lovelace', true],
    ['wang', '王小明', true],
    ['gone', 'Grace Gone', false],
    ['plain', 'Pat Plain', true],
  ] as const) {
    const created = await admin.post<{ id: string }>('/api/users', {
      email: `${key}@example.com`,
      name,
      password: `${key} password 123`,
      roles: [],
    });
    expect(created.status).toBe(201);
    ids[key] = created.body.id;
    if (!active) expect((await admin.patch(`/api/users/${created.body.id}`, { active: false, _version: 1 })).status).toBe(200);
  }
  plain = apiClient(platform.url, { token: (await signIn(platform.url, 'plain@example.com', 'plain password 123')).token });
});
afterAll(async () => {
  await platform?.stop();
});

describe('GET /api/directory/users', () => {
  it('names the users asked for, inactive ones too, in the order asked, without emails for a plain user', async () => {
    expect((await plain.get('/api/users')).status).toBe(403);
    const answer = await plain.get<Directory>(
      `/api/directory/users?ids=${ids.gone},${ids.ada},ffffffffffffffffffffffff,not-an-id,${ids.ada}`,
    );
    expect(answer.status).toBe(200);
    expect(answer.body.users).toEqual([
      { id: ids.gone, name: 'Grace Gone', initials: 'GG', active: false },
      { id: ids.ada, name: 'Ada Lovelace', initials: 'AL', active: true },
    ]);
    const doc = (await admin.get<OpenApiDocument>('/api/openapi.json')).body;
    expect(new ComponentValidator(doc).errors('DirectoryUser', answer.body.users[0])).toBeNull();
  });

  it('finds active users by name; emails only for a user admin, who may also search by email', async () => {
    // "ce" is in Grace Gone's name too, who is inactive.
    expect((await plain.get<Directory>('/api/directory/users?q=ce')).body.users.map((u) => u.name)).toEqual(['Ada Lovelace']);
    expect((await plain.get<Directory>('/api/directory/users?q=la')).body.users.map((u) => u.name)).toEqual(['Ada Lovelace', 'Pat Plain']);
    expect((await plain.get<Directory>('/api/directory/users?q=ada@')).body.users).toEqual([]);
    expect((await plain.get<Directory>('/api/directory/users?q=小明')).body.users).toEqual([
      { id: ids.wang, name: '王小明', initials: '小明', active: true },
    ]);
    const byAdmin = await admin.get<Directory>('/api/directory/users?q=ada@');
    expect(byAdmin.body.users).toEqual([expect.objectContaining({ id: ids.ada, email: 'ada@example.com' })]);
  });

  it.each([
    ['a limit out of range', '/api/directory/users?q=a&limit=51', '/query/limit'],
    [
      'too many ids',
      `/api/directory/users?ids=${Array.from({ length: 201 }, (_, i) => i.toString(16).padStart(24, '0')).join(',')}`,
      '/query/ids',
    ],
  ])('refuses %s with a pointer', async (_name, path, pointer) => {
    const answer = await plain.get<{ error: { code: string; details: { pointer: string }[] } }>(path);
    expect(answer.status).toBe(400);
    expect(answer.body.error.code).toBe('BAD_REQUEST');
    expect(JSON.stringify(answer.body.error.details)).toContain(pointer);
  });

  it.each([
    ['Ada Lovelace', 'AL'],
    ['ada', 'A'],
    ['王小明', '小明'],
    ['李四', '李四'],
    ['  ', '?'],
  ])('initials of %j are %j', (name, initials) => {
    expect(initialsOf(name)).toBe(initials);
  });
});
