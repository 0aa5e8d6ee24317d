import type { Browser, BrowserContext, Locator, Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { View } from '@metacrm/metadata';
import { salesBundle } from '../fixtures/sales-bundle.js';
import { ARTIFACTS_DIR, launchBrowser, requireBuiltApps } from '../helpers/browser.js';
import { axeViolations, openSignedIn, pageErrors, screenshot } from '../helpers/app-page.js';
import { openTestRedis, testEnv } from '../helpers/env.js';
import { apiClient, type ApiClient } from '../helpers/http.js';
import { startTestPlatform, type TestPlatform } from '../helpers/platform.js';

// The view designer in a real Chromium against the real platform, by mouse and keyboard
// only: on a published entity, an admin makes a list view (columns dragged, a default
// filter through the runtime's filter builder, a sort) and a kanban view, reading the
// index hint; publishes; the runtime UI shows both. The API seeds the entity and checks
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
  browser = await launchBrowser();
  // Seed: the sales bundle's entities published, with a few opportunities.
  const bundle = salesBundle();
  for (const kind of ['entities', 'forms'] as const) {
    for (const item of bundle[kind] as { key: string }[])
      expect((await api.put(`/api/meta/draft/${kind}/${item.key}`, item)).status).toBe(200);
  }
  expect((await api.post('/api/meta/publish')).status).toBe(200);
  for (const [title, amount, stage] of [
    ['Alpha', '5000', 'new'],
    ['Beta', '250', 'new'],
    ['Gamma', '9000', 'won'],
  ] as const) {
    const created = await api.post('/api/records/opportunity', { title, amount, stage, close_date: '2027-01-15' });
    expect(created.status, JSON.stringify(created.body)).toBe(201);
  }
});
afterEach(async (context) => {
  if (context.task.result?.state === 'fail') {
    for (const [i, page] of contexts.flatMap((c) => c.pages()).entries())
      await page
        .screenshot({
          path: `${ARTIFACTS_DIR}/designer-views-failed-${context.task.name.slice(0, 20).replace(/\W+/g, '-')}-${i}.png`,
          fullPage: true,
        })
        .catch(() => undefined);
  }
  await Promise.all(contexts.splice(0).map((c) => c.close()));
});
afterAll(async () => {
  await browser?.close();
  await platform?.stop();
});

const admin = () => ({ email: platform.admin.email, password: platform.admin.password });
const open = async (locale = 'en-US') => await openSignedIn(browser, platform.url, contexts, { user: admin(), locale });
const saved = (page: Page) => page.locator('[data-testid="save-state"][data-state="saved"]').waitFor();
const draftView = async (key: string) => (await api.get<{ item: View }>(`/api/meta/draft/views/${key}`)).body.item;

/** Drags with the mouse, in steps, as a person does (dnd-kit's pointer sensor needs movement). */
async function drag(page: Page, from: Locator, to: Locator): Promise<void> {
  await to.scrollIntoViewIfNeeded();
  const a = (await from.boundingBox())!;
  const b = (await to.boundingBox())!;
  await page.mouse.move(a.x + a.width / 2, a.y + a.height / 2);
  await page.mouse.down();
  await page.mouse.move(a.x + a.width / 2 + 8, a.y + a.height / 2 + 8, { steps: 3 });
  await page.mouse.move(b.x + b.width / 2, b.y + b.height / 2, { steps: 12 });
  await page.mouse.up();
}

/** Opens an antd select with the mouse and clicks the option that reads `text`. */
async function choose(page: Page, select: Locator, text: string): Promise<void> {
  await select.click();
  await page
    .locator('.ant-select-dropdown:not(.ant-select-dropdown-hidden) .ant-select-item-option')
    .filter({ hasText: new RegExp(`^${text}$`) })
    .first()
    .click();
}

async function newView(page: Page, zh: string, en: string, type?: 'Kanban'): Promise<void> {
  await page.goto(`${platform.url}/designer/entities/opportunity`);
  await page.getByTestId('entity-views').click();
  await page.getByTestId('new-view').click();
  await page.getByTestId('new-view-zh').fill(zh);
  await page.getByTestId('new-view-en').fill(en);
  if (type) await page.getByTestId('new-view-type').getByText(type).click();
  await page.getByTestId('new-view-create').click();
  await page.getByTestId('view-designer').waitFor();
}

describe('view designer', () => {
  it('makes a list view with its columns dragged from the fields', async () => {
    const { page, errors } = await open();
    await newView(page, '大单', 'Big deals');
    expect(page.url()).toMatch(/\/designer\/entities\/opportunity\/views\/opportunity_big_deals$/);
    await page.getByTestId('column-title').waitFor();

    // Columns: amount dragged to the end, stage dragged before title; the preview follows with the runtime's cells.
    await drag(page, page.getByTestId('source-amount'), page.getByTestId('column-drop-end'));
    await page.getByTestId('column-amount').waitFor();
    await drag(page, page.getByTestId('source-stage'), page.getByTestId('column-title'));
    await expect.poll(() => page.getByTestId('view-columns').locator('code').allTextContents()).toEqual(['stage', 'title', 'amount']);
    await page.getByTestId('preview-table').getByText('Gamma').waitFor();
    // Keyboard: Alt+↓ moves the focused column right.
    await page.getByTestId('column-stage').focus();
    await page.keyboard.press('Alt+ArrowDown');
    await expect.poll(() => page.getByTestId('view-columns').locator('code').allTextContents()).toEqual(['title', 'stage', 'amount']);

    await saved(page);
    expect(pageErrors(errors)).toEqual([]);
  });

  it('gives the list view a default filter and a sort, and shows the index it gets', async () => {
    const { page, errors } = await open();
    await page.goto(`${platform.url}/designer/entities/opportunity/views/opportunity_big_deals`);
    await page.getByTestId('preview-table').getByText('Gamma').waitFor();
    // A default filter with the runtime's filter builder: amount ≥ 1000.
    const filter = page.getByTestId('view-filter');
    await filter.getByTestId('filter-add').click();
    await choose(page, filter.getByTestId('filter-field'), 'Amount');
    await choose(page, filter.getByTestId('filter-op'), 'at least');
    await filter.getByRole('textbox', { name: 'Value' }).fill('1000');
    await filter.getByTestId('filter-apply').click();
    // The preview shows only what the filter lets through.
    await expect.poll(() => page.getByTestId('preview-table').locator('tbody tr.ant-table-row').count()).toBe(2);

    // A sort on amount, descending.
    await page.getByTestId('sort-add').click();
    await choose(page, page.getByTestId('sort-field'), 'Amount');
    await choose(page, page.getByTestId('sort-direction'), 'Descending');
    await saved(page);
    const view = await draftView('opportunity_big_deals');
    expect(view).toMatchObject({
      type: 'list',
      columns: [{ field: 'title' }, { field: 'stage' }, { field: 'amount' }],
      filter: { and: [{ field: 'amount', op: 'gte', value: expect.anything() }] },
      sort: [{ field: 'amount', direction: 'desc' }],
    });

    // The index hint: the index publish creates, serving the whole query.
    const hint = page.getByTestId('index-plan');
    await hint.getByText('Publishing creates the index view_').waitFor();
    await expect.poll(() => hint.getAttribute('data-usable')).toBe('true');
    await expect.poll(() => hint.locator('li').allTextContents()).toEqual(['_deletedAt ↑', 'amount ↓', '_id ↓']);
    await screenshot(page, 'designer-view-list-en.png');
    expect(await axeViolations(page)).toEqual([]);

    // Undo takes the last step back (the direction), redo restores it.
    const direction = page.getByTestId('sort-direction');
    await page.keyboard.press('Control+z');
    await direction.getByText('Ascending').waitFor();
    await page.keyboard.press('Control+Shift+z');
    await direction.getByText('Descending').waitFor();
    await saved(page);
    expect(pageErrors(errors)).toEqual([]);
  });

  it('warns when the filter cannot use the index', async () => {
    const { page, errors } = await open();
    await page.goto(`${platform.url}/designer/entities/opportunity/views/opportunity_big_deals`);
    const filter = page.getByTestId('view-filter');
    await filter.getByTestId('filter-add').click();
    await choose(page, filter.getByTestId('filter-field').nth(1), 'Title');
    await choose(page, filter.getByTestId('filter-op').nth(1), 'contains');
    await filter.getByRole('textbox', { name: 'Value' }).last().fill('a');
    await filter.getByTestId('filter-apply').click();
    await page.getByTestId('index-warning').getByText('"title" contains').waitFor();
    await screenshot(page, 'designer-view-warning-en.png');
    // Undone: the index serves the whole query again.
    await page.keyboard.press('Control+z');
    await expect.poll(() => page.getByTestId('index-plan').getAttribute('data-usable')).toBe('true');
    await saved(page);
    expect(pageErrors(errors)).toEqual([]);
  });

  it('makes a kanban view in Chinese: columns by stage, card fields dragged', async () => {
    const { page, errors } = await open('zh-CN');
    await newView(page, '阶段看板', 'Stage board');
    await page.getByTestId('view-type').getByText('看板').click();
    await page.getByTestId('preview-board').waitFor();
    await drag(page, page.getByTestId('source-amount'), page.getByTestId('column-drop-end'));
    await page.getByTestId('kanban-sum').getByText('金额').waitFor();
    await saved(page);
    expect(await draftView('opportunity_stage_board')).toMatchObject({ type: 'kanban', groupBy: 'stage', cardFields: ['title', 'amount'] });
    await page.getByTestId('index-plan').getByText('发布时将创建索引').waitFor();
    await screenshot(page, 'designer-view-kanban-zh.png');
    expect(await axeViolations(page)).toEqual([]);
    expect(pageErrors(errors)).toEqual([]);
  });

  it('publishes, and the runtime UI shows both views', async () => {
    const { page, errors } = await open();
    await page.goto(`${platform.url}/designer/publish`);
    await page.getByTestId('diff').getByText('opportunity_big_deals').waitFor();
    await page.getByTestId('publish-message').fill('Views');
    await page.getByTestId('publish-go').click();
    await page.getByTestId('publish-done').waitFor();

    await page.goto(`${platform.url}/e/opportunity?view=opportunity_big_deals`);
    await page
      .getByTestId('record-row')
      .first()
      .waitFor()
      .catch(() => {
        throw new Error(`no rows; page errors: ${errors.join(' | ')}`);
      });
    await expect.poll(() => page.locator('thead th').allTextContents()).toEqual(expect.arrayContaining(['Title', 'Stage', 'Amount']));
    await expect.poll(() => page.getByTestId('record-row').count()).toBe(2);
    await expect.poll(() => page.getByTestId('record-row').first().textContent()).toContain('Gamma');
    await page.goto(`${platform.url}/e/opportunity?view=opportunity_stage_board`);
    await page.getByTestId('kanban').waitFor();
    await expect.poll(() => page.getByTestId('kanban-card').count()).toBe(3);
    await screenshot(page, 'designer-view-runtime-kanban-en.png');
    expect(pageErrors(errors)).toEqual([]);
  });
});
