import fs from 'node:fs';
import path from 'node:path';
import { MongoClient } from 'mongodb';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { totpCode } from '../../server/src/auth/totp.js';
import { ARTIFACTS_DIR, launchBrowser, requireBuiltApps, watchPageErrors } from '../helpers/browser.js';
import { testEnv } from '../helpers/env.js';
import { apiClient, signIn, type ApiClient } from '../helpers/http.js';
import { startTestPlatform, type TestPlatform } from '../helpers/platform.js';

// The sign-in screens of both apps in a real Chromium: password, the 2FA step,
// errors in both languages, sign-out, and the CSRF header on the apps' own writes.

const env = testEnv(import.meta.url);
const DESKTOP = { width: 1280, height: 800 };
const PHONE = { width: 375, height: 812 };
const PASSWORD = 'a browser password';

let platform: TestPlatform;
let admin: ApiClient;
let browser: Browser;
const contexts: BrowserContext[] = [];

beforeAll(async () => {
  requireBuiltApps();
  fs.mkdirSync(ARTIFACTS_DIR, { recursive: true });
  platform = await startTestPlatform({ mongoUrl: env.mongoUrl, redisUrl: env.redisUrl, database: env.dbName, queuePrefix: env.prefix });
  admin = apiClient(platform.url, { token: platform.adminToken });
  browser = await launchBrowser();
});
afterEach(async () => {
  await Promise.all(contexts.splice(0).map((context) => context.close()));
});
afterAll(async () => {
  await browser?.close();
  await platform?.stop();
});

let serial = 0;
async function newUser(name: string): Promise<string> {
  const email = `browser${++serial}@example.com`;
  expect((await admin.post('/api/users', { email, name, password: PASSWORD })).status).toBe(201);
  return email;
}

async function openPage(options: { locale?: string; viewport?: { width: number; height: number } } = {}) {
  const context = await browser.newContext({ locale: options.locale ?? 'en-US', viewport: options.viewport ?? DESKTOP });
  contexts.push(context);
  const page = await context.newPage();
  return { page, context, errors: watchPageErrors(page) };
}

async function screenshot(page: Page, name: string): Promise<void> {
  await page.screenshot({ path: path.join(ARTIFACTS_DIR, name), fullPage: true });
}

/** Failed requests are expected here (wrong passwords): keep only real page errors. */
const pageErrors = (errors: string[]) => errors.filter((e) => !/status of 40[13]|status of 429/.test(e));

describe('sign-in page', () => {
  it('shows the sign-in page first, refuses a wrong password, signs in and out', async () => {
    const email = await newUser('Li Lei');
    const { page, errors } = await openPage();
    await page.goto(`${platform.url}/`);
    await page.getByRole('heading', { level: 1, name: 'Sign in' }).waitFor();
    expect(await page.title()).toBe('Sign in · metacrm');
    await screenshot(page, 'sign-in-en.png');

    await page.getByLabel('Email').fill(email);
    await page.getByLabel('Password').fill('not the password');
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByTestId('sign-in-error').waitFor();
    expect(await page.getByTestId('sign-in-error').textContent()).toBe('The email or password is not correct.');
    expect(await page.getByTestId('sign-in-error').getAttribute('data-code')).toBe('AUTH_INVALID_CREDENTIALS');
    await screenshot(page, 'sign-in-error-en.png');

    await page.getByLabel('Password').fill(PASSWORD);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('heading', { level: 1, name: 'System status' }).waitFor();
    expect(await page.getByTestId('account-name').textContent()).toBe('Li Lei');
    const cookies = await page.context().cookies();
    expect(cookies.find((c) => c.name === 'mc_session')).toMatchObject({ httpOnly: true, sameSite: 'Lax' });
    expect(await page.evaluate<string>('document.cookie')).not.toContain('mc_session');
    await screenshot(page, 'signed-in-en.png');

    // The session survives a reload, and the designer shares it.
    await page.goto(`${platform.url}/designer/`);
    await page.getByRole('heading', { level: 1, name: 'Overview' }).waitFor();

    await page.getByTestId('sign-out').click();
    await page.getByRole('heading', { level: 1, name: 'Sign in' }).waitFor();
    await page.reload();
    await page.getByRole('heading', { level: 1, name: 'Sign in' }).waitFor();
    expect(pageErrors(errors)).toEqual([]);
  });

  it('sends the CSRF header on its writes: signing out ends the session on the server', async () => {
    const email = await newUser('Han Meimei');
    const { page, context } = await openPage();
    await page.goto(`${platform.url}/`);
    await page.getByLabel('Email').fill(email);
    await page.getByLabel('Password').fill(PASSWORD);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('heading', { level: 1, name: 'System status' }).waitFor();
    const session = (await context.cookies()).find((c) => c.name === 'mc_session')!.value;
    const logout = page.waitForResponse((res) => res.url().endsWith('/api/auth/logout'));
    await page.getByTestId('sign-out').click();
    const answered = await logout;
    expect(answered.status()).toBe(204);
    expect(answered.request().headers()['x-csrf-token']).toMatch(/^csrf_/);
    // The old session token no longer works anywhere.
    expect((await apiClient(platform.url, { token: session }).get('/api/auth/me')).status).toBe(401);
  });

  it('goes back to the sign-in page when the session ends elsewhere', async () => {
    const email = await newUser('Wang Fang');
    const { page } = await openPage();
    await page.goto(`${platform.url}/`);
    await page.getByLabel('Email').fill(email);
    await page.getByLabel('Password').fill(PASSWORD);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('heading', { level: 1, name: 'System status' }).waitFor();
    const id = (await admin.get<{ users: { id: string; email: string }[] }>(`/api/users?q=${encodeURIComponent(email)}`)).body.users[0]!.id;
    expect((await admin.patch(`/api/users/${id}`, { active: false })).status).toBe(200);
    // The next status poll (every 5 s) answers 401: the app shows the sign-in page.
    await page.getByRole('heading', { level: 1, name: 'Sign in' }).waitFor({ timeout: 15_000 });
  });

  it('asks for the authenticator code of a user with 2FA, in Chinese', async () => {
    const email = await newUser('Zhang Wei');
    const session = apiClient(platform.url, { token: (await signIn(platform.url, email, PASSWORD)).token });
    const { secret } = (await session.post<{ secret: string }>('/api/auth/2fa/setup')).body;
    expect((await session.post('/api/auth/2fa/confirm', { code: totpCode(secret) })).status).toBe(200);

    const { page, errors } = await openPage({ locale: 'zh-CN' });
    await page.goto(`${platform.url}/`);
    await page.getByRole('heading', { level: 1, name: '登录' }).waitFor();
    await screenshot(page, 'sign-in-zh-CN.png');
    await page.getByLabel('邮箱').fill(email);
    await page.getByLabel('密码').fill(PASSWORD);
    await page.getByRole('button', { name: '登录' }).click();
    await page.getByRole('heading', { level: 1, name: '两步验证' }).waitFor();
    await page.getByLabel('验证码').fill('000000' === totpCode(secret) ? '111111' : '000000');
    await page.getByRole('button', { name: '验证' }).click();
    await page.getByTestId('sign-in-error').waitFor();
    expect(await page.getByTestId('sign-in-error').textContent()).toBe('验证码不正确或已被使用。');
    await screenshot(page, 'sign-in-2fa-zh-CN.png');
    await page.getByLabel('验证码').fill(totpCode(secret, Date.now() + 30_000));
    await page.getByRole('button', { name: '验证' }).click();
    await page.getByRole('heading', { level: 1, name: '系统状态' }).waitFor();
    expect(await page.getByTestId('sign-out').textContent()).toBe('退出登录');
    expect(pageErrors(errors)).toEqual([]);
  });

  it('makes an admin enrol in 2FA first when the workspace requires it', async () => {
    const email = `admin${++serial}@example.com`;
    expect((await admin.post('/api/users', { email, name: 'Second admin', password: PASSWORD, roles: ['admin'] })).status).toBe(201);
    expect((await admin.patch('/api/settings/security', { requireTwoFactorForAdmins: true })).status).toBe(200);
    try {
      const { page, errors } = await openPage();
      await page.goto(`${platform.url}/designer/`);
      await page.getByLabel('Email').fill(email);
      await page.getByLabel('Password').fill(PASSWORD);
      await page.getByRole('button', { name: 'Sign in' }).click();
      await page.getByRole('heading', { level: 1, name: 'Set up two-step verification' }).waitFor();
      await page.locator('[data-testid="totp-secret"]', { hasText: /^[A-Z2-7]{4} / }).waitFor();
      const secret = (await page.getByTestId('totp-secret').textContent())!.replace(/\s+/g, '');
      await screenshot(page, 'enrol-2fa-en.png');
      await page.getByLabel('Verification code').fill(totpCode(secret));
      await page.getByRole('button', { name: 'Turn on' }).click();
      await page.getByRole('heading', { level: 1, name: 'Save your recovery codes' }).waitFor();
      expect(await page.locator('[data-testid="recovery-codes"] li').count()).toBe(10);
      await screenshot(page, 'enrol-2fa-codes-en.png');
      await page.getByRole('button', { name: 'I have saved them' }).click();
      await page.getByRole('heading', { level: 1, name: 'Overview' }).waitFor();
      expect(pageErrors(errors)).toEqual([]);
    } finally {
      // The setting now binds the test admin too (no 2FA), so it is turned off in the database.
      const client = await new MongoClient(env.mongoUrl).connect();
      await client
        .db(env.dbName)
        .collection('settings')
        .updateOne({ _id: 'security' as never }, { $set: { requireTwoFactorForAdmins: false } });
      await client.close();
    }
  });

  it('fits a phone', async () => {
    const { page } = await openPage({ viewport: PHONE, locale: 'zh-CN' });
    await page.goto(`${platform.url}/designer/`);
    await page.getByRole('heading', { level: 1, name: '登录' }).waitFor();
    const overflow = await page.evaluate<{ scrollWidth: number; clientWidth: number }>(
      '({ scrollWidth: document.documentElement.scrollWidth, clientWidth: document.documentElement.clientWidth })',
    );
    expect(overflow.scrollWidth).toBeLessThanOrEqual(overflow.clientWidth);
    await screenshot(page, 'sign-in-designer-mobile-zh-CN.png');
  });
});
