import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { totpCode } from '../../server/src/auth/totp.js';
import { openTestDb, testEnv } from '../helpers/env.js';
import { apiClient, signIn, type ApiClient } from '../helpers/http.js';
import { startTestPlatform, type TestPlatform } from '../helpers/platform.js';

// Two-factor sign-in with TOTP: enrolment, the second step, replay refusal, recovery
// codes used once, and the setting that makes it compulsory for admins.

const env = testEnv(import.meta.url);
const { db } = await openTestDb(env);
let platform: TestPlatform;
let admin: ApiClient;

interface ErrorAnswer {
  error: { code: string; message: string; details?: unknown };
}
interface LoginAnswer {
  token?: string;
  twoFactorRequired?: boolean;
  challenge?: string;
  twoFactorSetupRequired?: boolean;
}

beforeAll(async () => {
  // Wrong codes are sign-in failures: throttling is tested in throttle.test.ts, not here.
  const loginThrottle = {
    delayAfter: 100,
    addressDelayAfter: 100,
    blockAfter: 100,
    addressBlockAfter: 100,
    windowSeconds: 60,
    baseDelayMs: 1,
    maxDelayMs: 1,
  };
  platform = await startTestPlatform({
    mongoUrl: env.mongoUrl,
    redisUrl: env.redisUrl,
    database: env.dbName,
    queuePrefix: env.prefix,
    loginThrottle,
  });
  admin = apiClient(platform.url, { token: platform.adminToken });
});
afterAll(async () => {
  await platform?.stop();
});

let serial = 0;
async function newUser(roles: string[] = []): Promise<{ id: string; email: string; password: string }> {
  const password = 'two factor password';
  const res = await admin.post<{ id: string; email: string }>('/api/users', {
    email: `tf${++serial}@example.com`,
    name: `TF ${serial}`,
    password,
    roles,
  });
  expect(res.status).toBe(201);
  return { ...res.body, password };
}

/** Enrols a signed-in user; answers the secret and the recovery codes. */
async function enrol(api: ApiClient): Promise<{ secret: string; recoveryCodes: string[] }> {
  const setup = await api.post<{ secret: string; otpauthUri: string }>('/api/auth/2fa/setup');
  expect(setup.status).toBe(200);
  expect(setup.body.otpauthUri).toMatch(/^otpauth:\/\/totp\/metacrm%3A.+\?secret=[A-Z2-7]+&issuer=metacrm/);
  expect(
    (await api.post<ErrorAnswer>('/api/auth/2fa/confirm', { code: '000000' === totpCode(setup.body.secret) ? '111111' : '000000' })).body
      .error.code,
  ).toBe('TWO_FACTOR_INVALID');
  const confirmed = await api.post<{ recoveryCodes: string[] }>('/api/auth/2fa/confirm', { code: totpCode(setup.body.secret) });
  expect(confirmed.status).toBe(200);
  return { secret: setup.body.secret, recoveryCodes: confirmed.body.recoveryCodes };
}

const anonymous = () => apiClient(platform.url);

describe('TOTP', () => {
  it('enrols, then asks for a code at sign-in, refusing a replayed one', async () => {
    const user = await newUser();
    const session = apiClient(platform.url, { token: (await signIn(platform.url, user.email, user.password)).token });
    const { secret, recoveryCodes } = await enrol(session);
    expect(recoveryCodes).toHaveLength(10);
    expect(new Set(recoveryCodes).size).toBe(10);
    expect((await session.get<{ user: { twoFactorEnabled: boolean } }>('/api/auth/me')).body.user.twoFactorEnabled).toBe(true);
    const stored = await db.collection('users').findOne({ email: user.email });
    expect(JSON.stringify(stored)).not.toContain(recoveryCodes[0]);
    expect((await session.post<ErrorAnswer>('/api/auth/2fa/setup')).body.error.code).toBe('TWO_FACTOR_CONFLICT');

    const first = await anonymous().post<LoginAnswer>('/api/auth/login', { email: user.email, password: user.password });
    expect(first.body).toEqual({ twoFactorRequired: true, challenge: expect.stringMatching(/^mcc_/) });
    expect(first.headers.getSetCookie()).toEqual([]);
    const wrong = await anonymous().post<ErrorAnswer>('/api/auth/login/2fa', { challenge: first.body.challenge, code: '12345' });
    expect(wrong.body.error.code).toBe('TWO_FACTOR_INVALID');
    // The next step's code: the enrolment already used the current one.
    const code = totpCode(secret, Date.now() + 30_000);
    const second = await anonymous().post<LoginAnswer>('/api/auth/login/2fa', { challenge: first.body.challenge, code });
    expect(second.status).toBe(200);
    expect(second.body.token).toMatch(/^mcs_/);
    expect((await apiClient(platform.url, { token: second.body.token! }).get('/api/auth/me')).status).toBe(200);
    // A challenge works once.
    expect((await anonymous().post<ErrorAnswer>('/api/auth/login/2fa', { challenge: first.body.challenge, code })).body.error.code).toBe(
      'AUTH_CHALLENGE_INVALID',
    );

    const again = await anonymous().post<LoginAnswer>('/api/auth/login', { email: user.email, password: user.password });
    const replay = await anonymous().post<ErrorAnswer>('/api/auth/login/2fa', { challenge: again.body.challenge, code });
    expect(replay.status).toBe(401);
    expect(replay.body.error.code).toBe('TWO_FACTOR_INVALID');
  });

  it('accepts each recovery code once', async () => {
    const user = await newUser();
    const session = apiClient(platform.url, { token: (await signIn(platform.url, user.email, user.password)).token });
    const { recoveryCodes } = await enrol(session);
    const challenge = async () =>
      (await anonymous().post<LoginAnswer>('/api/auth/login', { email: user.email, password: user.password })).body.challenge;

    const used = await anonymous().post<LoginAnswer>('/api/auth/login/2fa', {
      challenge: await challenge(),
      recoveryCode: ` ${recoveryCodes[3]!.toUpperCase()} `,
    });
    expect(used.status).toBe(200);
    expect(used.body.token).toMatch(/^mcs_/);
    const reused = await anonymous().post<ErrorAnswer>('/api/auth/login/2fa', {
      challenge: await challenge(),
      recoveryCode: recoveryCodes[3],
    });
    expect(reused.status).toBe(401);
    expect(reused.body.error.code).toBe('TWO_FACTOR_INVALID');
    expect(((await db.collection('users').findOne({ email: user.email }))!.recoveryCodes as string[]).length).toBe(9);
    const audit = await db.collection('audit_log').find({ action: 'auth.recovery_code_used', 'target.id': user.id }).toArray();
    expect(audit).toHaveLength(1);
    expect(JSON.stringify(audit)).not.toContain(recoveryCodes[3]);
  });

  it('gives up a challenge after five wrong codes', async () => {
    const user = await newUser();
    const session = apiClient(platform.url, { token: (await signIn(platform.url, user.email, user.password)).token });
    const { secret } = await enrol(session);
    const { challenge } = (await anonymous().post<LoginAnswer>('/api/auth/login', { email: user.email, password: user.password })).body;
    for (let i = 0; i < 5; i++)
      expect((await anonymous().post<ErrorAnswer>('/api/auth/login/2fa', { challenge, code: '000000' })).body.error.code).toMatch(
        /TWO_FACTOR_INVALID/,
      );
    const late = await anonymous().post<ErrorAnswer>('/api/auth/login/2fa', { challenge, code: totpCode(secret, Date.now() + 30_000) });
    expect(late.body.error.code).toBe('AUTH_CHALLENGE_INVALID');
  });

  it('turns off only with the password', async () => {
    const user = await newUser();
    const session = apiClient(platform.url, { token: (await signIn(platform.url, user.email, user.password)).token });
    await enrol(session);
    expect((await session.post<ErrorAnswer>('/api/auth/2fa/disable', { password: 'wrong password!' })).body.error.code).toBe(
      'PASSWORD_INCORRECT',
    );
    expect((await session.post('/api/auth/2fa/disable', { password: user.password })).status).toBe(204);
    const login = await anonymous().post<LoginAnswer>('/api/auth/login', { email: user.email, password: user.password });
    expect(login.body.token).toMatch(/^mcs_/);
  });
});

describe('requireTwoFactorForAdmins', () => {
  it('lets an admin without 2FA do nothing but enrol, then everything', async () => {
    const other = await newUser(['admin']);
    const plain = await newUser();
    const invalid = await admin.patch<ErrorAnswer>('/api/settings/security', { requireTwoFactorForAdmins: 'yes', other: 1 });
    expect(invalid.body.error).toMatchObject({
      code: 'SETTINGS_INVALID',
      details: {
        problems: [expect.objectContaining({ pointer: '/requireTwoFactorForAdmins' }), expect.objectContaining({ pointer: '/other' })],
      },
    });
    const set = await admin.patch<{ requireTwoFactorForAdmins: boolean }>('/api/settings/security', { requireTwoFactorForAdmins: true });
    expect(set.body).toEqual({ requireTwoFactorForAdmins: true });
    try {
      // A user with no admin right is not concerned.
      expect(
        (await anonymous().post<LoginAnswer>('/api/auth/login', { email: plain.email, password: plain.password })).body
          .twoFactorSetupRequired,
      ).toBe(false);

      const login = await anonymous().post<LoginAnswer>('/api/auth/login', { email: other.email, password: other.password });
      expect(login.body.twoFactorSetupRequired).toBe(true);
      const restricted = apiClient(platform.url, { token: login.body.token! });
      const blocked = await restricted.get<ErrorAnswer>('/api/users');
      expect(blocked.status).toBe(403);
      expect(blocked.body.error.code).toBe('TWO_FACTOR_SETUP_REQUIRED');
      expect((await restricted.get<ErrorAnswer>('/api/system/status')).body.error.code).toBe('TWO_FACTOR_SETUP_REQUIRED');
      expect((await restricted.get<{ twoFactorSetupRequired: boolean }>('/api/auth/me')).body.twoFactorSetupRequired).toBe(true);

      const { secret } = await enrol(restricted);
      expect((await restricted.get('/api/users')).status).toBe(200);
      const kept = await restricted.post<ErrorAnswer>('/api/auth/2fa/disable', { password: other.password });
      expect(kept.body.error.code).toBe('TWO_FACTOR_CONFLICT');
      // Later sign-ins take the second step and open a full session.
      const next = await anonymous().post<LoginAnswer>('/api/auth/login', { email: other.email, password: other.password });
      const done = await anonymous().post<LoginAnswer>('/api/auth/login/2fa', {
        challenge: next.body.challenge,
        code: totpCode(secret, Date.now() + 30_000),
      });
      expect(done.body.twoFactorSetupRequired).toBe(false);
      // The test admin has no 2FA, so from now on only the enrolled admin may change settings.
      expect((await restricted.patch('/api/settings/security', { requireTwoFactorForAdmins: false })).status).toBe(200);
    } finally {
      await db.collection('settings').updateOne({ _id: 'security' as never }, { $set: { requireTwoFactorForAdmins: false } });
    }
  });
});
