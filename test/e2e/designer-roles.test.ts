import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { launchBrowser, requireBuiltApps } from '../helpers/browser.js';
import { axeViolations, openSignedIn, pageErrors, PHONE, poll, screenshot } from '../helpers/app-page.js';
import { openTestRedis, testEnv } from '../helpers/env.js';
import { apiClient, type ApiClient } from '../helpers/http.js';
import { startTestPlatform, type TestPlatform } from '../helpers/platform.js';
import { accessBundle } from '../access/access-bundle.js';

// The roles editor (issue #17) in a real Chromium, by mouse and keyboard: an admin
// creates a role, ticks its matrix, hides a field and masks another in the field grid,
// undoes and redoes, publishes after the diff, then previews the runtime UI as the role
// (read-only, the hidden field absent). The API only seeds the entities and checks
// what the steps stored.

const env = testEnv(import.meta.url);
await openTestRedis(env);
let platform: TestPlatform;
let api: ApiClient;
let browser: Browser;
const contexts: BrowserContext[] = [];

beforeAll(async () => {
  requireBuiltApps(['designer', 'runtime-ui']);
  platform = await startTestPlatform({
    role: 'all',
    mongoUrl: env.mongoUrl,
    redisUrl: env.redisUrl,
    database: env.dbName,
    queuePrefix: env.prefix,
  });
  api = apiClient(platform.url, { token: platform.adminToken });
  for (const entity of accessBundle().entities)
    expect((await api.put(`/api/meta/draft/entities/${entity.key}`, entity)).status).toBeLessThan(300);
  expect((await api.post('/api/meta/publish')).status).toBe(200);
  expect(
    (await api.post('/api/records/deal', { title: 'Mine', amount: '10.00', phone: '13812341234', note: 'top secret', region: 'south' }))
      .status,
  ).toBe(201);
  browser = await launchBrowser();
});
afterEach(async (context) => {
  // A failed step leaves a picture of where it stopped.
  if (context.task.result?.state === 'fail')
    for (const [i, page] of contexts.flatMap((c) => c.pages()).entries())
      await screenshot(page, `designer-roles-failed-${i}.png`).catch(() => undefined);
  await Promise.all(contexts.splice(0).map((c) => c.close()));
});
afterAll(async () => {
  await browser?.close();
  await platform?.stop();
});

const open = async (locale = 'en-US') => await openSignedIn(browser, platform.url, contexts, { locale, user: platform.admin });
const saved = async (page: Page) => await poll(async () => await page.getByTestId('save-state').getAttribute('data-state')).toBe('saved');

describe('roles editor', () => {
  it('creates a role, edits its matrix and field grid with undo, and publishes it', async () => {
    const { page, errors } = await open();
    await page.goto(`${platform.url}/designer/`);
    await page.getByRole('tab', { name: /Roles/ }).click();
    await page.getByTestId('new-role').click();
    await page.getByTestId('new-role-zh').fill('客服');
    await page.getByTestId('new-role-en').fill('Support');
    expect(await page.getByTestId('new-role-key').inputValue()).toBe('support');
    await page.keyboard.press('Enter');
    await page.getByTestId('role-designer').waitFor();

    // Read on deals (own records), then the field grid: the note hidden, the phone masked.
    await page.getByLabel('Deal: Read').check();
    await page.getByTestId('fields-deal').click();
    await page.getByLabel('Note: Read').uncheck();
    await page.getByLabel('Phone: Mask').check();
    expect(await page.getByLabel('Phone: Write').isChecked()).toBe(false);
    // Undo takes the mask away, redo brings it back.
    await page.keyboard.press('Control+z');
    expect(await page.getByLabel('Phone: Mask').isChecked()).toBe(false);
    await page.keyboard.press('Control+Shift+z');
    expect(await page.getByLabel('Phone: Mask').isChecked()).toBe(true);
    await saved(page);
    await page.evaluate('window.scrollTo(0, 0)');
    const stored = await api.get<{ item: { entities: Record<string, unknown> } }>('/api/meta/draft/roles/support');
    expect(stored.body.item.entities).toEqual({
      deal: { read: true, fields: { note: { read: false }, phone: { mask: { keepStart: 3, keepEnd: 4 } } } },
    });
    await screenshot(page, 'designer-roles-en.png');
    expect(await axeViolations(page)).toEqual([]);

    // Publish after reading the diff.
    await page.getByTestId('role-publish').click();
    await page.getByTestId('diff').getByText('support').waitFor();
    await page.getByTestId('publish-go').click();
    await page.getByTestId('publish-done').waitFor();
    expect((await api.get<{ bundle: { roles: { key: string }[] } }>('/api/meta')).body.bundle.roles.map((r) => r.key)).toContain('support');
    expect(pageErrors(errors)).toEqual([]);
  });

  it('previews the runtime UI as the role: read-only, the hidden field absent, the mask applied', async () => {
    const { page, errors } = await open();
    await page.goto(`${platform.url}/designer/roles/support`);
    await page.getByTestId('role-designer').waitFor();
    const [preview] = await Promise.all([page.context().waitForEvent('page'), page.getByTestId('role-preview').click()]);
    await preview.getByTestId('preview-banner').waitFor();
    expect(await preview.getByTestId('preview-banner').textContent()).toContain('support');
    await preview.goto(`${platform.url}/e/deal`);
    await preview.getByText('Mine').first().waitFor();
    await preview.getByTestId('preview-banner').waitFor();
    expect(await preview.getByText('top secret').count()).toBe(0);
    expect(await preview.getByRole('columnheader', { name: 'Note' }).count()).toBe(0);
    expect(await preview.getByText('138****1234').count()).toBeGreaterThan(0);
    expect(await preview.getByTestId('new-record').count()).toBe(0);
    await screenshot(preview, 'designer-roles-preview-en.png');
    expect(await axeViolations(preview)).toEqual([]);
    expect(pageErrors(errors)).toEqual([]);
  });

  it('shows the roles editor in Chinese, with the access explainer', async () => {
    const { page, errors } = await open('zh-CN');
    await page.goto(`${platform.url}/designer/roles/support`);
    await page.getByTestId('role-designer').waitFor();
    await page.getByRole('heading', { level: 1, name: /角色：客服/ }).waitFor();
    await page.getByTestId('access-explainer').waitFor();
    await screenshot(page, 'designer-roles-zh-CN.png');
    expect(await axeViolations(page)).toEqual([]);
    // At phone width the matrix and the grid scroll sideways inside their cards.
    await page.setViewportSize(PHONE);
    await screenshot(page, 'designer-roles-zh-CN-390.png');
    expect(pageErrors(errors)).toEqual([]);
  });
});
