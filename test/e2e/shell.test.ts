import fs from 'node:fs';
import path from 'node:path';
import { Queue } from 'bullmq';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { ARTIFACTS_DIR, launchBrowser, requireBuiltApps, watchPageErrors } from '../helpers/browser.js';
import { openTestRedis, testEnv } from '../helpers/env.js';
import { startTestPlatform, type TestPlatform } from '../helpers/platform.js';

// The two apps in a real Chromium against the real platform: shell, status page,
// language switching, SPA fallback and the phone layout. Code that runs in the page is
// passed as strings: this file is compiled for Node, without the DOM types.

const env = testEnv(import.meta.url);
const redis = await openTestRedis(env);
const version = (JSON.parse(fs.readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string }).version;
const DESKTOP = { width: 1440, height: 900 };
const PHONE = { width: 375, height: 812 };

let platform: TestPlatform;
let browser: Browser;
const contexts: BrowserContext[] = [];

beforeAll(async () => {
  requireBuiltApps();
  fs.mkdirSync(ARTIFACTS_DIR, { recursive: true });
  platform = await startTestPlatform({ mongoUrl: env.mongoUrl, redisUrl: env.redisUrl, database: env.dbName, queuePrefix: env.prefix });
  browser = await launchBrowser();
});
afterEach(async () => {
  await Promise.all(contexts.splice(0).map((context) => context.close()));
});
afterAll(async () => {
  await browser?.close();
  await platform?.stop();
});

/**
 * A page in a fresh context (own localStorage), with its errors collected, signed in
 * as the first admin: the sign-in goes through the API with the context's own cookie
 * jar, as the sign-in page would (test/e2e/sign-in.test.ts covers that page itself).
 */
async function openPage(options: { locale?: string; viewport?: { width: number; height: number } } = {}) {
  const context = await browser.newContext({ locale: options.locale ?? 'en-US', viewport: options.viewport ?? DESKTOP });
  contexts.push(context);
  const signedIn = await context.request.post(`${platform.url}/api/auth/login`, {
    data: { email: platform.admin.email, password: platform.admin.password },
  });
  expect(signedIn.status()).toBe(200);
  const page = await context.newPage();
  return { page, errors: watchPageErrors(page) };
}

async function screenshot(page: Page, name: string): Promise<void> {
  await page.screenshot({ path: path.join(ARTIFACTS_DIR, name), fullPage: true });
}

/** Waits until the status page shows both dependencies healthy. */
async function waitForHealthy(page: Page): Promise<void> {
  await page.locator('[data-testid="database-health"][data-state="ok"]').waitFor();
  await page.locator('[data-testid="redis-health"][data-state="ok"]').waitFor();
}

describe('runtime UI', () => {
  it('shows the live system status on its home page', async () => {
    const { page, errors } = await openPage();
    await page.goto(`${platform.url}/`);
    await page.getByRole('heading', { level: 1, name: 'System status' }).waitFor();
    await waitForHealthy(page);

    expect(await page.getByTestId('version').textContent()).toBe(version);
    expect(await page.getByTestId('uptime').textContent()).toMatch(/sec|min/);
    expect(await page.getByTestId('database-health').textContent()).toMatch(/^Healthy[\d.]+\s?ms$/);
    expect(await page.getByTestId('redis-health').textContent()).toMatch(/^Healthy[\d.]+\s?ms$/);
    for (const [queue, label] of [
      ['events', 'Events'],
      ['workflows', 'Workflows'],
      ['jobs', 'Jobs'],
    ] as const) {
      const row = page.getByTestId(`queue-${queue}`);
      expect(await row.getByTestId('queue-label').textContent()).toBe(label);
      expect(await row.locator('.mc-queue__depth').textContent()).toBe('0 queued');
    }
    expect(await page.locator('html').getAttribute('lang')).toBe('en');
    expect(await page.title()).toBe('System status · metacrm');
    expect(await page.getByTestId('app-switch').getAttribute('href')).toBe('/designer/');
    await screenshot(page, 'desktop-en.png');
    expect(errors).toEqual([]);
  });

  it('shows a skeleton first, then the code and message of a 503, and recovers on the next poll', async () => {
    const { page } = await openPage();
    // The shared database and Redis cannot go down for one test, so the browser gets
    // the platform's own 503 answer for the first poll; later polls reach the real API.
    let release!: () => void;
    const released = new Promise<void>((resolve) => (release = resolve));
    let calls = 0;
    await page.route('**/api/system/status', async (route) => {
      if (calls++ > 0) return await route.continue();
      await released;
      await route.fulfill({
        status: 503,
        contentType: 'application/json',
        headers: { 'x-request-id': 'e2e-request-1' },
        body: JSON.stringify({
          error: { code: 'REDIS_UNAVAILABLE', message: 'Redis is unavailable; try again shortly', requestId: 'e2e-request-1' },
        }),
      });
    });
    await page.goto(`${platform.url}/`);
    await page.locator('[data-testid="loading"] .mc-skeleton').first().waitFor();
    await screenshot(page, 'desktop-loading-en.png');
    release();

    await page.getByTestId('error-state').waitFor();
    expect(await page.getByTestId('error-code').textContent()).toBe('REDIS_UNAVAILABLE');
    expect(await page.getByTestId('error-message').textContent()).toBe('Redis is unavailable; try again shortly');
    expect(await page.getByTestId('error-state').textContent()).toContain('Request ID: e2e-request-1');
    expect(await page.getByTestId('loading').count()).toBe(0);
    await screenshot(page, 'desktop-error-en.png');

    // Recovery needs the 5-second poll, not a reload.
    await page.locator('[data-testid="database-health"][data-state="ok"]').waitFor({ timeout: 15_000 });
    await page.getByTestId('error-state').waitFor({ state: 'detached' });
    expect(calls).toBeGreaterThanOrEqual(2);
  });

  it('switches to 中文, keeps the choice across a reload and shares it with the designer', async () => {
    const { page, errors } = await openPage();
    await page.goto(`${platform.url}/`);
    await waitForHealthy(page);

    await page.getByRole('button', { name: '中文' }).click();
    await page.getByRole('heading', { level: 1, name: '系统状态' }).waitFor();
    expect(await page.getByTestId('database-health').textContent()).toMatch(/^正常/);
    expect(await page.getByTestId('queue-events').getByTestId('queue-label').textContent()).toBe('事件');
    expect(await page.getByTestId('queue-workflows').getByTestId('queue-label').textContent()).toBe('工作流');
    expect(await page.getByTestId('queue-jobs').locator('.mc-queue__depth').textContent()).toBe('排队 0 个');
    expect(await page.getByTestId('app-switch').textContent()).toBe('打开设计器');
    expect(await page.getByRole('button', { name: '中文' }).getAttribute('aria-pressed')).toBe('true');
    expect(await page.locator('html').getAttribute('lang')).toBe('zh-CN');
    expect(await page.title()).toBe('系统状态 · metacrm');

    await page.reload();
    await page.getByRole('heading', { level: 1, name: '系统状态' }).waitFor();
    await waitForHealthy(page);
    expect(await page.evaluate<string[]>("[document.documentElement.lang, localStorage.getItem('metacrm.locale')]")).toEqual([
      'zh-CN',
      'zh-CN',
    ]);
    await screenshot(page, 'desktop-zh-CN.png');

    await page.goto(`${platform.url}/designer/`);
    await page.getByRole('heading', { level: 1, name: '概览' }).waitFor();
    expect(await page.getByTestId('brand').textContent()).toBe('metacrm 设计器');
    expect(await page.getByTestId('empty-state').textContent()).toContain('还没有自定义实体');

    await page.getByRole('button', { name: 'EN' }).click();
    await page.getByRole('heading', { level: 1, name: 'Overview' }).waitFor();
    expect(await page.evaluate<string | null>("localStorage.getItem('metacrm.locale')")).toBe('en');
    expect(errors).toEqual([]);
  });

  it('starts in Chinese when the browser prefers Chinese and nothing was chosen', async () => {
    const { page } = await openPage({ locale: 'zh-TW' });
    await page.goto(`${platform.url}/`);
    await page.getByRole('heading', { level: 1, name: '系统状态' }).waitFor();
    expect(await page.locator('html').getAttribute('lang')).toBe('zh-CN');
  });
});

describe('queue chart', () => {
  it('draws each queue depth as a bar on one shared scale', async () => {
    // An API-only platform runs no workers, so these jobs stay where they are put.
    const jobs = new Queue('jobs', { connection: redis, prefix: env.prefix });
    const events = new Queue('events', { connection: redis, prefix: env.prefix });
    try {
      await jobs.addBulk([1, 2, 3].map((n) => ({ name: 'e2e', data: { n } })));
      await events.add('e2e', {}, { delay: 3_600_000 });
      const { page, errors } = await openPage();
      await page.goto(`${platform.url}/`);
      await page.getByTestId('queue-jobs').locator('.mc-queue__segment--waiting').waitFor();

      expect(await page.getByTestId('queue-jobs').locator('.mc-queue__depth').textContent()).toBe('3 queued');
      expect(await page.getByTestId('queue-jobs').locator('.mc-queue__segment--waiting').getAttribute('style')).toContain('width: 30%');
      expect(await page.getByTestId('queue-events').locator('.mc-queue__segment--delayed').getAttribute('style')).toContain('width: 10%');
      expect(await page.getByTestId('queue-workflows').locator('.mc-queue__segment').count()).toBe(0);
      expect(await page.getByTestId('queues-card').locator('.mc-card__meta').textContent()).toBe('4 queued');
      await screenshot(page, 'desktop-queues-en.png');
      expect(errors).toEqual([]);
    } finally {
      await jobs.obliterate({ force: true });
      await events.obliterate({ force: true });
      await Promise.all([jobs.close(), events.close()]);
    }
  });
});

describe('designer', () => {
  it('renders its shell with the draft, the platform status and no custom entities', async () => {
    const { page, errors } = await openPage();
    await page.goto(`${platform.url}/designer/`);
    await page.getByRole('heading', { level: 1, name: 'Overview' }).waitFor();
    expect(await page.getByTestId('brand').textContent()).toBe('metacrm designer');
    expect(await page.title()).toBe('metacrm designer');
    await page.locator('[data-testid="status-summary"] [data-testid="database-health"][data-state="ok"]').waitFor();
    await page.locator('[data-testid="status-summary"] [data-testid="redis-health"][data-state="ok"]').waitFor();
    expect(await page.getByTestId('status-summary').textContent()).toContain(version);
    expect(await page.getByTestId('empty-state').textContent()).toContain('No custom entities yet');
    expect(await page.getByTestId('app-switch').getAttribute('href')).toBe('/');
    await screenshot(page, 'designer-desktop-en.png');
    expect(errors).toEqual([]);
  });
});

describe('client-side routes', () => {
  it.each([
    { deepLink: '/designer/some/path', brand: 'metacrm designer', home: '/designer/', homeHeading: 'Overview' },
    { deepLink: '/records/lead/42', brand: 'metacrm', home: '/', homeHeading: 'System status' },
  ])('loads the app at $deepLink and navigates home without a reload', async ({ deepLink, brand, home, homeHeading }) => {
    const { page, errors } = await openPage();
    const response = await page.goto(`${platform.url}${deepLink}`);
    expect(response?.status()).toBe(200);
    await page.getByTestId('not-found').waitFor();
    expect(await page.getByTestId('brand').textContent()).toBe(brand);
    expect(await page.getByTestId('not-found').textContent()).toContain(`There is no page at ${deepLink}.`);

    await page.evaluate('window.marker = 42');
    await page.getByRole('link', { name: 'Go to the home page' }).click();
    await page.getByRole('heading', { level: 1, name: homeHeading }).waitFor();
    expect(new URL(page.url()).pathname).toBe(home);
    expect(await page.evaluate<number | undefined>('window.marker')).toBe(42);
    expect(errors).toEqual([]);
  });
});

describe('phone layout', () => {
  it.each([
    { app: '/', locale: 'en-US', shot: 'mobile.png' },
    { app: '/', locale: 'zh-CN', shot: 'mobile-zh-CN.png' },
    { app: '/designer/', locale: 'en-US', shot: 'designer-mobile-en.png' },
    { app: '/designer/', locale: 'zh-CN', shot: 'designer-mobile-zh-CN.png' },
  ])('fits $app in 375 px ($locale) without horizontal scrolling', async ({ app, locale, shot }) => {
    const { page, errors } = await openPage({ locale, viewport: PHONE });
    await page.goto(`${platform.url}${app}`);
    await page.locator('[data-testid="database-health"][data-state="ok"]').waitFor();

    const overflow = await page.evaluate<{ scrollWidth: number; clientWidth: number }>(
      '({ scrollWidth: document.documentElement.scrollWidth, clientWidth: document.documentElement.clientWidth })',
    );
    expect(overflow.scrollWidth).toBeLessThanOrEqual(overflow.clientWidth);
    for (const testId of ['brand', 'app-switch']) {
      const box = await page.getByTestId(testId).boundingBox();
      expect(box!.x + box!.width).toBeLessThanOrEqual(PHONE.width);
    }
    const switcher = await page.getByRole('group', { name: locale === 'zh-CN' ? '语言' : 'Language' }).boundingBox();
    expect(switcher!.x + switcher!.width).toBeLessThanOrEqual(PHONE.width);
    await screenshot(page, shot);
    expect(errors).toEqual([]);
  });
});
