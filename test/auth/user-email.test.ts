import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openTestDb, openTestRedis, testEnv } from '../helpers/env.js';
import { apiClient, signIn, type ApiClient } from '../helpers/http.js';
import { startTestPlatform, type TestPlatform } from '../helpers/platform.js';

/**
 * An email is unique among users: an address a user changed away from is free again.
 * secantusd-rs keeps a unique index's entry for a value an update moved away from, so
 * the engine writes an email change as a delete and an insert (users.service.ts); the
 * first test fails on it without that (E11000 taken for the old address).
 */
const env = testEnv(import.meta.url);
let platform: TestPlatform;
let admin: ApiClient;
interface User {
  id: string;
  email: string;
  _version: number;
}
type Err = { error: { code: string; details: { field?: string } } };

beforeAll(async () => {
  await openTestDb(env);
  await openTestRedis(env);
  platform = await startTestPlatform({ mongoUrl: env.mongoUrl, redisUrl: env.redisUrl, database: env.dbName, queuePrefix: env.prefix });
  admin = apiClient(platform.url, { token: platform.adminToken });
});
afterAll(async () => {
  await platform?.stop();
});

const create = (email: string, password?: string) =>
  admin.post<User & Err>('/api/users', { email, name: email.split('@')[0], ...(password ? { password } : {}) });
const change = (user: Pick<User, 'id' | '_version'>, email: string) =>
  admin.patch<User & Err>(`/api/users/${user.id}`, { email, _version: user._version });

describe("a user's email change", () => {
  it('frees the old address for another user, and still refuses a taken one', async () => {
    const password = 'correct horse battery';
    const mover = (await create('mover@example.com', password)).body;
    const session = apiClient(platform.url, { token: (await signIn(platform.url, mover.email, password)).token });
    const moved = await change(mover, 'moved@example.com');
    expect(moved.status).toBe(200);
    expect(moved.body).toMatchObject({ id: mover.id, email: 'moved@example.com', _version: mover._version + 1 });

    expect((await create('mover@example.com')).status).toBe(201);
    const clash = await create('moved@example.com');
    expect(clash.status).toBe(409);
    expect(clash.body.error).toMatchObject({ code: 'USER_EMAIL_TAKEN', details: { field: 'email' } });

    // The same user, same id: its session still works, and it signs in with the new address only.
    expect((await session.get<{ user: { id: string; email: string } }>('/api/auth/me')).body.user).toMatchObject({
      id: mover.id,
      email: 'moved@example.com',
    });
    expect((await apiClient(platform.url).post('/api/auth/login', { email: 'mover@example.com', password })).status).toBe(401);
    await signIn(platform.url, 'moved@example.com', password);
  });

  it('lets two users swap addresses through a third, and refuses a stale version or a taken address', async () => {
    let a = (await create('a@example.com')).body;
    let b = (await create('b@example.com')).body;
    const taken = await change(a, 'b@example.com');
    expect(taken.status).toBe(409);
    expect(taken.body.error.code).toBe('USER_EMAIL_TAKEN');

    a = (await change(a, 'swap@example.com')).body;
    b = (await change(b, 'a@example.com')).body;
    a = (await change(a, 'b@example.com')).body;
    expect([a.email, b.email]).toEqual(['b@example.com', 'a@example.com']);
    expect((await create('swap@example.com')).status).toBe(201);

    const stale = await change({ id: a.id, _version: a._version - 1 }, 'c@example.com');
    expect(stale.status).toBe(409);
    expect(stale.body.error.code).toBe('USER_VERSION_CONFLICT');
    expect((await admin.get<User>(`/api/users/${a.id}`)).body).toMatchObject({ email: 'b@example.com', _version: a._version });
  });
});
