import { Writable } from 'node:stream';
import { ObjectId } from 'mongodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CredentialCache } from '../../server/src/auth/credential-cache.js';
import { UsersService } from '../../server/src/auth/users.service.js';
import { createLogger } from '../../server/src/observability/logger.js';
import { openTestDb, testEnv } from '../helpers/env.js';
import { apiClient, signIn, type ApiClient } from '../helpers/http.js';
import { startTestPlatform, type TestPlatform } from '../helpers/platform.js';

// Sign-in, sessions (Bearer and cookie with CSRF), API tokens, password changes,
// deactivation, user and department administration, the audit log and the security
// headers, against the real platform, database and Redis.

const env = testEnv(import.meta.url);
const { db } = await openTestDb(env);
let platform: TestPlatform;
let admin: ApiClient;
const logLines: string[] = [];

interface ErrorAnswer {
  error: { code: string; message: string; details?: unknown };
}
interface User {
  id: string;
  email: string;
  roles: string[];
  active: boolean;
  _version: number;
}

beforeAll(async () => {
  // Logs at debug level go to memory, so the test can look for secrets in them.
  const sink = new Writable({ write: (chunk: Buffer, _enc, done) => (logLines.push(chunk.toString()), done()) });
  platform = await startTestPlatform({
    mongoUrl: env.mongoUrl,
    redisUrl: env.redisUrl,
    database: env.dbName,
    queuePrefix: env.prefix,
    logger: createLogger('debug', {}, sink),
  });
  admin = apiClient(platform.url, { token: platform.adminToken });
  for (const key of ['sales', 'support']) {
    expect((await admin.put(`/api/meta/draft/roles/${key}`, { label: { 'zh-CN': key, en: key } })).status).toBe(200);
  }
  expect((await admin.post('/api/meta/publish', { message: 'roles' })).status).toBe(200);
});
afterAll(async () => {
  await platform?.stop();
});

let serial = 0;
/** A new active user with a password, created through the admin API. */
async function newUser(roles: string[] = [], password = 'correct horse battery'): Promise<User & { password: string }> {
  const res = await admin.post<User>('/api/users', { email: `user${++serial}@example.com`, name: `User ${serial}`, password, roles });
  expect(res.status).toBe(201);
  return { ...res.body, password };
}

/** Cookies from Set-Cookie lines, as a Cookie header value. */
function cookieHeader(setCookies: string[]): string {
  return setCookies.map((line) => line.split(';')[0]).join('; ');
}

describe('sign-in', () => {
  it('signs in, answers who is signed in, and signs out', async () => {
    const user = await newUser(['sales']);
    const res = await apiClient(platform.url).post<{ token: string; csrfToken: string; user: User & { passwordHash?: unknown } }>(
      '/api/auth/login',
      { email: user.email.toUpperCase(), password: user.password },
    );
    expect(res.status).toBe(200);
    expect(res.body.token).toMatch(/^mcs_[A-Za-z0-9_-]{43}$/);
    expect(res.body.user).toMatchObject({ id: user.id, email: user.email, roles: ['sales'] });
    expect(JSON.stringify(res.body.user)).not.toMatch(/passwordHash|scrypt|totp|recovery/);
    const cookies = res.headers.getSetCookie();
    expect(cookies.find((c) => c.startsWith('mc_session='))).toMatch(/httponly/i);
    expect(cookies.find((c) => c.startsWith('mc_session='))).toMatch(/samesite=lax/i);
    expect(cookies.find((c) => c.startsWith('mc_csrf='))).not.toMatch(/httponly/i);

    const me = apiClient(platform.url, { token: res.body.token });
    const who = await me.get<{ user: User; roles: string[]; adminRights: Record<string, boolean> }>('/api/auth/me');
    expect(who.status).toBe(200);
    expect(who.body).toMatchObject({ user: { id: user.id }, roles: ['sales'], adminRights: { metadata: false, users: false } });

    expect((await me.post('/api/auth/logout')).status).toBe(204);
    const after = await me.get<ErrorAnswer>('/api/auth/me');
    expect(after.status).toBe(401);
    expect(after.body.error.code).toBe('AUTH_REQUIRED');
    expect(await db.collection('sessions').countDocuments({ userId: new ObjectId(user.id) })).toBe(0);
    expect(await db.collection('audit_log').countDocuments({ action: 'auth.logout', 'actor.id': user.id })).toBe(1);
  });

  it.each([
    ['a wrong password', 'user-wrong', 'not the password'],
    ['an unknown email', 'nobody', 'correct horse battery'],
  ])('refuses %s with one message that does not say which', async (_what, who, password) => {
    const user = await newUser();
    const email = who === 'nobody' ? 'nobody@example.com' : user.email;
    const res = await apiClient(platform.url).post<ErrorAnswer>('/api/auth/login', { email, password });
    expect(res.status).toBe(401);
    expect(res.body.error).toMatchObject({ code: 'AUTH_INVALID_CREDENTIALS', message: 'The email or password is not correct' });
  });

  it('refuses a malformed sign-in naming the fields', async () => {
    const res = await apiClient(platform.url).post<ErrorAnswer>('/api/auth/login', { email: 42 });
    expect(res.status).toBe(400);
    expect(res.body.error.details).toEqual({
      problems: [
        expect.objectContaining({ pointer: '/email', code: 'REQUIRED' }),
        expect.objectContaining({ pointer: '/password', code: 'REQUIRED' }),
      ],
    });
  });

  it.each([
    ['no credential', {}],
    ['an unknown session token', { Authorization: 'Bearer mcs_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA' }],
    ['an unknown API token', { Authorization: 'Bearer mct_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA' }],
    ['a malformed header', { Authorization: 'Basic YWRtaW46YWRtaW4=' }],
    ['an unknown cookie', { Cookie: 'mc_session=mcs_nothing' }],
  ])('answers 401 AUTH_REQUIRED to %s on every API route, but not on probes', async (_what, headers) => {
    for (const path of ['/api/system/status', '/api/records/account', '/api/meta', '/api/users', '/api/openapi.json']) {
      const res = await fetch(`${platform.url}${path}`, { headers });
      expect(res.status).toBe(401);
      expect(((await res.json()) as ErrorAnswer).error.code).toBe('AUTH_REQUIRED');
    }
    expect((await fetch(`${platform.url}/healthz`, { headers })).status).toBe(200);
    expect((await fetch(`${platform.url}/readyz`, { headers })).status).toBe(200);
  });
});

describe('cookie sessions and CSRF', () => {
  it('needs the CSRF header on a cookie-authenticated write, not on a read or a Bearer write', async () => {
    const user = await newUser();
    const session = await signIn(platform.url, user.email, user.password);
    const cookie = cookieHeader(session.cookies);
    const csrf = /mc_csrf=([^;]+)/.exec(cookie)![1]!;
    expect(csrf).toBe(session.csrfToken);
    const body = JSON.stringify({ name: 'read-only' });
    const post = (headers: Record<string, string>) =>
      fetch(`${platform.url}/api/auth/tokens`, { method: 'POST', headers: { 'Content-Type': 'application/json', ...headers }, body });

    expect((await fetch(`${platform.url}/api/auth/me`, { headers: { Cookie: cookie } })).status).toBe(200);
    const without = await post({ Cookie: cookie });
    expect(without.status).toBe(403);
    expect(((await without.json()) as ErrorAnswer).error.code).toBe('CSRF_INVALID');
    const wrong = await post({ Cookie: cookie, 'X-CSRF-Token': 'csrf_forged' });
    expect(wrong.status).toBe(403);
    expect((await post({ Cookie: cookie, 'X-CSRF-Token': csrf })).status).toBe(201);
    expect((await post({ Authorization: `Bearer ${session.token}` })).status).toBe(201);
  });
});

describe('API tokens', () => {
  it('creates a token shown once, acts as its user with narrower roles, and stops working when revoked', async () => {
    const user = await newUser(['sales', 'support']);
    const session = apiClient(platform.url, { token: (await signIn(platform.url, user.email, user.password)).token });
    const created = await session.post<{ id: string; token: string; roles: string[]; prefix: string }>('/api/auth/tokens', {
      name: 'ERP sync',
      roles: ['sales'],
    });
    expect(created.status).toBe(201);
    expect(created.body.token).toMatch(/^mct_/);
    expect(created.body.token.startsWith(created.body.prefix)).toBe(true);
    const listed = await session.get<{ tokens: Record<string, unknown>[] }>('/api/auth/tokens');
    expect(listed.body.tokens).toEqual([
      expect.objectContaining({ id: created.body.id, name: 'ERP sync', roles: ['sales'], revoked: false }),
    ]);
    expect(JSON.stringify(listed.body)).not.toContain(created.body.token);
    const stored = await db.collection('api_tokens').findOne({});
    expect(JSON.stringify(stored)).not.toContain(created.body.token);

    const asToken = apiClient(platform.url, { token: created.body.token });
    const me = await asToken.get<{ user: User; roles: string[]; via: string }>('/api/auth/me');
    expect(me.body).toMatchObject({ user: { id: user.id }, roles: ['sales'], via: 'token' });
    const all = await session.post<{ token: string }>('/api/auth/tokens', { name: 'all roles' });
    expect((await apiClient(platform.url, { token: all.body.token }).get<{ roles: string[] }>('/api/auth/me')).body.roles).toEqual([
      'sales',
      'support',
    ]);

    // Taking a role from the user takes it from the token that named it.
    expect((await admin.patch(`/api/users/${user.id}`, { roles: ['support'] })).status).toBe(200);
    expect((await asToken.get<{ roles: string[] }>('/api/auth/me')).body.roles).toEqual([]);

    const refused = await asToken.post<ErrorAnswer>('/api/auth/tokens', { name: 'from a token' });
    expect(refused.status).toBe(403);
    expect((await session.delete(`/api/auth/tokens/${created.body.id}`)).status).toBe(204);
    expect((await asToken.get<ErrorAnswer>('/api/auth/me')).body.error.code).toBe('AUTH_REQUIRED');
    // Another user cannot revoke it (it is not theirs): 404, not a leak of its existence.
    expect((await admin.delete<ErrorAnswer>(`/api/auth/tokens/${created.body.id}`)).body.error.code).toBe('TOKEN_NOT_FOUND');
  });

  it('refuses a token naming a role its user does not hold, or a bad expiry, with pointers', async () => {
    const user = await newUser(['sales']);
    const session = apiClient(platform.url, { token: (await signIn(platform.url, user.email, user.password)).token });
    const res = await session.post<ErrorAnswer>('/api/auth/tokens', {
      name: '',
      roles: ['sales', 'admin'],
      expiresAt: '2001-01-01T00:00:00Z',
      scope: 'x',
    });
    expect(res.status).toBe(400);
    const pointers = (res.body.error.details as { problems: { pointer: string }[] }).problems.map((p) => p.pointer).sort();
    expect(pointers).toEqual(['/expiresAt', '/name', '/roles/1', '/scope']);
    expect(await db.collection('api_tokens').countDocuments({ name: '' })).toBe(0);
  });
});

describe('ending sessions', () => {
  it("a password change ends the user's other sessions at once, and only the new password works", async () => {
    const user = await newUser();
    const first = apiClient(platform.url, { token: (await signIn(platform.url, user.email, user.password)).token });
    const second = apiClient(platform.url, { token: (await signIn(platform.url, user.email, user.password)).token });
    const wrong = await first.post<ErrorAnswer>('/api/auth/password', {
      currentPassword: 'not it at all',
      newPassword: 'a new long password',
    });
    expect(wrong.body.error.code).toBe('PASSWORD_INCORRECT');
    const short = await first.post<ErrorAnswer>('/api/auth/password', { currentPassword: user.password, newPassword: 'short' });
    expect(short.body.error.details).toEqual({ problems: [expect.objectContaining({ pointer: '/newPassword', code: 'TOO_SHORT' })] });

    const changed = await first.post<{ endedSessions: number }>('/api/auth/password', {
      currentPassword: user.password,
      newPassword: 'a new long password',
    });
    expect(changed.body).toEqual({ endedSessions: 1 });
    expect((await second.get('/api/auth/me')).status).toBe(401);
    expect((await first.get('/api/auth/me')).status).toBe(200);
    expect((await apiClient(platform.url).post('/api/auth/login', { email: user.email, password: user.password })).status).toBe(401);
    await signIn(platform.url, user.email, 'a new long password');
  });

  it("a deactivated user's live session and token fail on their next request, and sign-in is refused", async () => {
    const user = await newUser(['sales']);
    const session = apiClient(platform.url, { token: (await signIn(platform.url, user.email, user.password)).token });
    const token = apiClient(platform.url, {
      token: (await session.post<{ token: string }>('/api/auth/tokens', { name: 'bot' })).body.token,
    });
    expect((await session.get('/api/system/status')).status).toBe(200);
    expect((await token.get('/api/system/status')).status).toBe(200);

    const deactivated = await admin.patch<User>(`/api/users/${user.id}`, { active: false, _version: user._version });
    expect(deactivated.status).toBe(200);
    expect(deactivated.body.active).toBe(false);
    for (const client of [session, token]) {
      const res = await client.get<ErrorAnswer>('/api/system/status');
      expect(res.status).toBe(401);
      expect(res.body.error.code).toBe('AUTH_REQUIRED');
    }
    expect((await apiClient(platform.url).post('/api/auth/login', { email: user.email, password: user.password })).status).toBe(401);
  });

  it("an admin password reset ends the user's sessions and answers a generated password once", async () => {
    const user = await newUser();
    const session = apiClient(platform.url, { token: (await signIn(platform.url, user.email, user.password)).token });
    const reset = await admin.post<{ generatedPassword: string }>(`/api/users/${user.id}/reset-password`);
    expect(reset.status).toBe(200);
    expect(reset.body.generatedPassword).toMatch(/^[A-Za-z0-9]{16}$/);
    expect((await session.get('/api/auth/me')).status).toBe(401);
    await signIn(platform.url, user.email, reset.body.generatedPassword);
  });
});

describe('user administration', () => {
  it('refuses invalid users with every problem and its pointer, writing nothing', async () => {
    const before = await db.collection('users').countDocuments();
    const res = await admin.post<ErrorAnswer>('/api/users', {
      email: 'not-an-email',
      password: 'short',
      locale: 'fr',
      roles: ['sales', 'ghost'],
      managerId: '0123456789abcdef01234567',
      departmentId: 'x',
      shoeSize: 44,
    });
    expect(res.status).toBe(400);
    expect(res.body.error.code).toBe('USER_INVALID');
    const problems = (res.body.error.details as { problems: { pointer: string; code: string }[] }).problems;
    expect(problems.map((p) => `${p.pointer} ${p.code}`).sort()).toEqual([
      '/departmentId BAD_FORMAT',
      '/email BAD_FORMAT',
      '/locale NOT_ALLOWED_VALUE',
      '/managerId UNKNOWN_USER',
      '/name REQUIRED',
      '/password TOO_SHORT',
      '/roles/1 UNKNOWN_ROLE',
      '/shoeSize UNKNOWN_PROPERTY',
    ]);
    expect(await db.collection('users').countDocuments()).toBe(before);
  });

  it('answers 409 naming the field for a taken email, in any letter case', async () => {
    const user = await newUser();
    const res = await admin.post<ErrorAnswer>('/api/users', { email: user.email.toUpperCase(), name: 'Twin' });
    expect(res.status).toBe(409);
    expect(res.body.error).toMatchObject({
      code: 'USER_EMAIL_TAKEN',
      details: { field: 'email', problems: [expect.objectContaining({ pointer: '/email' })] },
    });
  });

  it('refuses a manager cycle and a stale version', async () => {
    const boss = await newUser();
    const lead = (await admin.post<User>('/api/users', { email: `lead${++serial}@example.com`, name: 'Lead', managerId: boss.id })).body;
    const rep = (await admin.post<User>('/api/users', { email: `rep${++serial}@example.com`, name: 'Rep', managerId: lead.id })).body;
    const cycle = await admin.patch<ErrorAnswer>(`/api/users/${boss.id}`, { managerId: rep.id });
    expect(cycle.status).toBe(400);
    expect(cycle.body.error.details).toEqual({ problems: [expect.objectContaining({ pointer: '/managerId', code: 'MANAGER_CYCLE' })] });
    const self = await admin.patch<ErrorAnswer>(`/api/users/${boss.id}`, { managerId: boss.id });
    expect(self.body.error.details).toEqual({ problems: [expect.objectContaining({ pointer: '/managerId', code: 'MANAGER_CYCLE' })] });

    expect((await admin.patch(`/api/users/${rep.id}`, { phone: '+86 138 0000 0000', _version: 1 })).status).toBe(200);
    const stale = await admin.patch<ErrorAnswer>(`/api/users/${rep.id}`, { phone: '+86 139 0000 0000' }, { 'If-Match': '"1"' });
    expect(stale.status).toBe(409);
    expect(stale.body.error).toMatchObject({ code: 'USER_VERSION_CONFLICT', details: { currentVersion: 2 } });
    const listed = await admin.get<{ users: User[] }>(`/api/users?q=${encodeURIComponent('rep')}`);
    expect(listed.body.users.map((u) => u.id)).toContain(rep.id);
  });

  it('lets a user administrator manage users but not grant or touch the admin role', async () => {
    expect(
      (await admin.put('/api/meta/draft/roles/user_admin', { label: { 'zh-CN': '用户管理员', en: 'User admin' }, admin: { users: true } }))
        .status,
    ).toBe(200);
    expect((await admin.post('/api/meta/publish')).status).toBe(200);
    const manager = await newUser(['user_admin']);
    const api = apiClient(platform.url, { token: (await signIn(platform.url, manager.email, manager.password)).token });
    const created = await api.post<User>('/api/users', { email: `made${++serial}@example.com`, name: 'Made', roles: ['sales'] });
    expect(created.status).toBe(201);
    for (const attempt of [
      () => api.patch<ErrorAnswer>(`/api/users/${manager.id}`, { roles: ['user_admin', 'admin'] }),
      () => api.post<ErrorAnswer>('/api/users', { email: `evil${++serial}@example.com`, name: 'Evil', roles: ['admin'] }),
      () => api.post<ErrorAnswer>(`/api/users/${platform.admin.id}/reset-password`),
    ]) {
      const res = await attempt();
      expect(res.status).toBe(403);
      expect(res.body.error).toMatchObject({ code: 'FORBIDDEN', details: { right: 'admin' } });
    }
    expect((await api.get('/api/meta')).status).toBe(403);
  });
});

describe('the last administrator', () => {
  it('cannot be demoted or deactivated, even by two admins demoting each other at once', async () => {
    const other = await newUser(['admin']);
    const otherApi = apiClient(platform.url, { token: (await signIn(platform.url, other.email, other.password)).token });
    // Each takes the other's admin role away at the same instant: one must be refused.
    const answers = await Promise.all([
      admin.patch<ErrorAnswer>(`/api/users/${other.id}`, { roles: [] }),
      otherApi.patch<ErrorAnswer>(`/api/users/${platform.admin.id}`, { roles: [] }),
    ]);
    // Refused as the last admin, or (when the other change committed before this request
    // was authorised) because its sender is no admin any more.
    expect(answers.map((a) => a.status).sort()).toEqual([200, expect.any(Number)]);
    const refused = answers.find((a) => a.status !== 200)!;
    expect([
      ['USER_INVALID', 400],
      ['FORBIDDEN', 403],
    ]).toContainEqual([refused.body.error.code, refused.status]);
    const admins = await db.collection('users').find({ active: true, roles: 'admin' }).toArray();
    expect(admins).toHaveLength(1);

    // The one left cannot lose the role, by a change of roles or by deactivation.
    const [survivor, survivorApi] = String(admins[0]!._id) === platform.admin.id ? [platform.admin.id, admin] : [other.id, otherApi];
    const demote = await survivorApi.patch<ErrorAnswer>(`/api/users/${survivor}`, { roles: ['sales'] });
    expect(demote.body.error).toMatchObject({ code: 'USER_INVALID', details: { problems: [{ pointer: '/roles', code: 'LAST_ADMIN' }] } });
    expect(await db.collection('users').countDocuments({ active: true, roles: 'admin' })).toBe(1);
    // The file's admin holds the role again for the tests that follow.
    if (survivor !== platform.admin.id)
      expect((await survivorApi.patch(`/api/users/${platform.admin.id}`, { roles: ['admin'] })).status).toBe(200);
    expect((await admin.patch(`/api/users/${other.id}`, { active: false })).status).toBe(200);
  });

  it("stays when two admins, both authorised, take each other's role in concurrent transactions", async () => {
    for (let round = 0; round < 3; round++) {
      const [a, b] = [await newUser(['admin']), await newUser(['admin'])];
      // Only these two hold the role, so that the count the guard reads is theirs.
      await db
        .collection('users')
        .updateMany({ _id: { $nin: [new ObjectId(a.id), new ObjectId(b.id)] }, roles: 'admin' }, { $set: { roles: ['sales'] } });
      const service = (actor: { id: string; email: string }) =>
        new UsersService({
          db,
          credentials: new CredentialCache(),
          actor: { kind: 'user', id: actor.id, name: actor.email, roles: ['admin'], departmentId: null, locale: 'en' },
          roleKeys: new Set(['sales', 'support', 'admin']),
        });
      const results = await Promise.allSettled([service(a).update(b.id, { roles: [] }), service(b).update(a.id, { roles: [] })]);
      expect(results.map((r) => r.status).sort()).toEqual(['fulfilled', 'rejected']);
      const reason = (results.find((r) => r.status === 'rejected') as PromiseRejectedResult).reason as { code: string; details: unknown };
      expect(reason).toMatchObject({ code: 'USER_INVALID', details: { problems: [{ pointer: '/roles', code: 'LAST_ADMIN' }] } });
      expect(await db.collection('users').countDocuments({ active: true, roles: 'admin' })).toBe(1);
      await db.collection('users').updateOne({ _id: new ObjectId(platform.admin.id) }, { $set: { roles: ['admin'] } });
    }
  });
});

describe('departments', () => {
  it('keeps a tree: no cycles, and no deleting one with members or sub-departments', async () => {
    const create = async (name: string, parentId: string | null = null) =>
      (await admin.post<{ id: string }>('/api/departments', { name, parentId })).body.id;
    const sales = await create('Sales');
    const east = await create('Sales East', sales);
    const shanghai = await create('Shanghai', east);

    const cycle = await admin.patch<ErrorAnswer>(`/api/departments/${sales}`, { parentId: shanghai });
    expect(cycle.status).toBe(400);
    expect(cycle.body.error).toMatchObject({
      code: 'DEPARTMENT_INVALID',
      details: { problems: [expect.objectContaining({ pointer: '/parentId', code: 'PARENT_CYCLE' })] },
    });
    const missing = await admin.post<ErrorAnswer>('/api/departments', { name: 'Orphan', parentId: '0123456789abcdef01234567' });
    expect(missing.body.error.details).toEqual({
      problems: [expect.objectContaining({ pointer: '/parentId', code: 'UNKNOWN_DEPARTMENT' })],
    });

    const member = (
      await admin.post<User>('/api/users', { email: `sh${++serial}@example.com`, name: 'Shanghai rep', departmentId: shanghai })
    ).body;
    for (const id of [east, shanghai]) {
      const res = await admin.delete<ErrorAnswer>(`/api/departments/${id}`);
      expect(res.status).toBe(409);
      expect(res.body.error.code).toBe('DEPARTMENT_IN_USE');
    }
    expect((await admin.patch(`/api/users/${member.id}`, { departmentId: null })).status).toBe(200);
    expect((await admin.delete(`/api/departments/${shanghai}`)).status).toBe(204);
    expect((await admin.delete(`/api/departments/${east}`)).status).toBe(204);
    const left = await admin.get<{ departments: { id: string; name: string }[] }>('/api/departments');
    expect(left.body.departments.map((d) => d.id)).toContain(sales);
    expect(left.body.departments.map((d) => d.id)).not.toContain(east);
  });
});

describe('audit log', () => {
  it('records sign-ins, failures, user administration, role changes and publishes, with no secret anywhere', async () => {
    const secretPassword = 'Very-Secret-Password-42';
    const user = await newUser(['sales'], secretPassword);
    await apiClient(platform.url).post('/api/auth/login', { email: user.email, password: 'Wrong-Password-For-Audit' });
    const session = await signIn(platform.url, user.email, secretPassword);
    const token = (await apiClient(platform.url, { token: session.token }).post<{ token: string }>('/api/auth/tokens', { name: 'audit' }))
      .body.token;
    await admin.patch(`/api/users/${user.id}`, { roles: ['support'] });
    await admin.patch(`/api/users/${user.id}`, { active: false });
    expect((await admin.put('/api/meta/draft/roles/auditor', { label: { 'zh-CN': '审计', en: 'Auditor' } })).status).toBe(200);
    expect((await admin.post('/api/meta/publish', { message: 'auditor role' })).status).toBe(200);

    const entries = (
      await admin.get<{
        entries: { action: string; target: Record<string, unknown>; data: Record<string, unknown>; actor: { id: string } | null }[];
      }>('/api/audit?limit=200')
    ).body.entries;
    const about = (action: string) =>
      entries.filter((e) => e.action === action && (e.target?.id === user.id || e.target?.email === user.email));
    expect(about('user.create')).toHaveLength(1);
    expect(about('auth.login_failed')).toEqual([expect.objectContaining({ data: { reason: 'wrong_password' }, actor: null })]);
    expect(about('auth.login')).toHaveLength(1);
    expect(about('user.deactivate')).toHaveLength(1);
    expect(about('role.change').map((e) => e.data)).toEqual([
      { from: ['sales'], to: ['support'] },
      { from: [], to: ['sales'] },
    ]);
    expect(entries.find((e) => e.action === 'role.change' && e.target.key === 'auditor')).toMatchObject({ data: { change: 'added' } });
    expect(entries.find((e) => e.action === 'meta.publish')).toMatchObject({
      data: { message: 'auditor role' },
      actor: { id: platform.admin.id },
    });
    expect(entries.find((e) => e.action === 'token.create')).toBeDefined();

    const stored = JSON.stringify(await db.collection('audit_log').find({}).toArray());
    const logs = logLines.join('');
    for (const secret of [
      secretPassword,
      'Wrong-Password-For-Audit',
      session.token,
      session.csrfToken,
      token,
      platform.adminToken,
      platform.admin.password,
    ]) {
      expect(stored).not.toContain(secret);
      expect(logs).not.toContain(secret);
    }
    expect(logs).toContain('"path":"/api/auth/login"'); // the sink did capture the requests
  });

  it('filters by action family and actor, and pages with a cursor', async () => {
    const first = await admin.get<{ entries: { id: string; action: string }[]; nextCursor: string }>(`/api/audit?action=auth.&limit=2`);
    expect(first.body.entries).toHaveLength(2);
    expect(first.body.entries.every((e) => e.action.startsWith('auth.'))).toBe(true);
    const second = await admin.get<{ entries: { id: string }[] }>(`/api/audit?action=auth.&limit=2&cursor=${first.body.nextCursor}`);
    expect(second.body.entries[0]!.id < first.body.entries[1]!.id).toBe(true);
    const mine = await admin.get<{ entries: { actor: { id: string } }[] }>(`/api/audit?actorId=${platform.admin.id}`);
    expect(mine.body.entries.length).toBeGreaterThan(0);
    expect(mine.body.entries.every((e) => e.actor.id === platform.admin.id)).toBe(true);
    const bad = await admin.get<ErrorAnswer>('/api/audit?from=yesterday');
    expect(bad.body.error).toMatchObject({
      code: 'AUDIT_QUERY_INVALID',
      details: { problems: [{ pointer: '/query/from', code: 'BAD_FORMAT' }] },
    });
  });
});

describe('security headers', () => {
  it.each(['/api/auth/me', '/api/does-not-exist', '/healthz', '/'])('are on %s', async (path) => {
    const res = await fetch(`${platform.url}${path}`, { headers: { Authorization: `Bearer ${platform.adminToken}` } });
    expect(res.headers.get('content-security-policy')).toContain("default-src 'self'");
    expect(res.headers.get('content-security-policy')).toContain("frame-ancestors 'none'");
    expect(res.headers.get('x-content-type-options')).toBe('nosniff');
    expect(res.headers.get('x-frame-options')).toBe('DENY');
    expect(res.headers.get('referrer-policy')).toBe('no-referrer');
  });

  it('refuses an oversized sign-in body before reading it', async () => {
    const res = await apiClient(platform.url).post<ErrorAnswer>('/api/auth/login', { email: 'a@b.co', password: 'x'.repeat(20_000) });
    expect(res.status).toBe(413);
    expect(res.body.error.code).toBe('PAYLOAD_TOO_LARGE');
  });
});
