import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { totpCode } from '../../server/src/auth/totp.js';
import { testEnv } from '../helpers/env.js';
import { apiClient, signIn, type ApiClient } from '../helpers/http.js';
import { startTestPlatform, type TestPlatform } from '../helpers/platform.js';

// Issue #14: the 2FA policy on live credentials (item 5), deactivation revoking API
// tokens (item 12), and a password changed to itself (item 13).

const env = testEnv(import.meta.url);
let platform: TestPlatform;
let admin: ApiClient;
type ErrorAnswer = {
  error: { code: string; message: string; details?: { problems?: { pointer: string; code: string; message: string }[] } };
};

beforeAll(async () => {
  platform = await startTestPlatform({ mongoUrl: env.mongoUrl, redisUrl: env.redisUrl, database: env.dbName, queuePrefix: env.prefix });
  admin = apiClient(platform.url, { token: platform.adminToken });
});
afterAll(async () => {
  await platform?.stop();
});

let serial = 0;
const PASSWORD = 'hardening password';
/** A new user, signed in: its session client and id. */
async function newUser(roles: string[] = []): Promise<{ id: string; email: string; session: ApiClient }> {
  const email = `hard${++serial}@example.com`;
  const res = await admin.post<{ id: string }>('/api/users', { email, name: `Hard ${serial}`, password: PASSWORD, roles });
  expect(res.status).toBe(201);
  return { id: res.body.id, email, session: apiClient(platform.url, { token: (await signIn(platform.url, email, PASSWORD)).token }) };
}
async function newToken(session: ApiClient): Promise<ApiClient> {
  const res = await session.post<{ token: string }>('/api/auth/tokens', { name: 'integration' });
  expect(res.status).toBe(201);
  return apiClient(platform.url, { token: res.body.token });
}
async function enrol(session: ApiClient): Promise<void> {
  const { secret } = (await session.post<{ secret: string }>('/api/auth/2fa/setup')).body;
  expect((await session.post('/api/auth/2fa/confirm', { code: totpCode(secret) })).status).toBe(200);
}

describe('requireTwoFactorForAdmins on live credentials', () => {
  it('leaves sessions and tokens of admins without 2FA able only to enrol, from the moment it is turned on', async () => {
    const keeper = await newUser(['admin']);
    await enrol(keeper.session);
    const late = await newUser(['admin']);
    const lateToken = await newToken(late.session);
    const rep = await newUser();
    const repToken = await newToken(rep.session);
    expect((await keeper.session.patch('/api/settings/security', { requireTwoFactorForAdmins: true })).status).toBe(200);
    try {
      // The session from before the setting can no longer make a token...
      const minted = await late.session.post<ErrorAnswer>('/api/auth/tokens', { name: 'escape' });
      expect([minted.status, minted.body.error.code]).toEqual([403, 'TWO_FACTOR_SETUP_REQUIRED']);
      expect((await late.session.get<{ twoFactorSetupRequired: boolean }>('/api/auth/me')).body.twoFactorSetupRequired).toBe(true);
      // ...and the token from before it cannot turn the setting off.
      const off = await lateToken.patch<ErrorAnswer>('/api/settings/security', { requireTwoFactorForAdmins: false });
      expect([off.status, off.body.error.code]).toEqual([403, 'TWO_FACTOR_SETUP_REQUIRED']);
      expect(
        (await keeper.session.get<{ requireTwoFactorForAdmins: boolean }>('/api/settings/security')).body.requireTwoFactorForAdmins,
      ).toBe(true);
      // Users without an admin right are not concerned.
      expect((await repToken.get('/api/auth/me')).status).toBe(200);
      // Once enrolled, the same session and token work again.
      await enrol(late.session);
      expect((await late.session.post('/api/auth/tokens', { name: 'after' })).status).toBe(201);
      expect((await lateToken.get('/api/users')).status).toBe(200);
    } finally {
      await keeper.session.patch('/api/settings/security', { requireTwoFactorForAdmins: false });
    }
  });
});

describe('deactivation', () => {
  it('revokes API tokens for good: reactivating the user does not revive them', async () => {
    const user = await newUser();
    const token = await newToken(user.session);
    expect((await token.get('/api/auth/me')).status).toBe(200);
    const current = (await admin.get<{ _version: number }>(`/api/users/${user.id}`)).body;
    const off = await admin.patch<{ _version: number }>(`/api/users/${user.id}`, { active: false, _version: current._version });
    expect(off.status).toBe(200);
    expect((await token.get('/api/auth/me')).status).toBe(401);
    expect((await admin.patch(`/api/users/${user.id}`, { active: true, _version: off.body._version })).status).toBe(200);
    expect((await token.get('/api/auth/me')).status).toBe(401);
    const again = apiClient(platform.url, { token: (await signIn(platform.url, user.email, PASSWORD)).token });
    const listed = await again.get<{ tokens: { name: string; revoked: boolean }[] }>('/api/auth/tokens');
    expect(listed.body.tokens).toEqual([expect.objectContaining({ name: 'integration', revoked: true })]);
  });
});

describe('password change', () => {
  it('refuses the current password as the new one, with its pointer', async () => {
    const user = await newUser();
    const res = await user.session.post<ErrorAnswer>('/api/auth/password', { currentPassword: PASSWORD, newPassword: PASSWORD });
    expect(res.status).toBe(400);
    expect(res.body.error.details?.problems).toEqual([
      { pointer: '/newPassword', code: 'SAME_PASSWORD', message: 'must differ from the current password' },
    ]);
    expect((await user.session.post('/api/auth/password', { currentPassword: PASSWORD, newPassword: `${PASSWORD} 2` })).status).toBe(200);
  });
});
