import type { Entity, Role, View } from '@metacrm/metadata';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { DESKTOP, PHONE, axeViolations, openSignedInContext, pageErrors, poll, screenshot } from '../helpers/app-page.js';
import { launchBrowser, requireBuiltApps } from '../helpers/browser.js';
import { openTestRedis, testEnv } from '../helpers/env.js';
import { apiClient, signIn, type ApiClient } from '../helpers/http.js';
import { startTestPlatform, type TestPlatform } from '../helpers/platform.js';

// The list's personal parts in a real Chromium against the real platform: a view of the
// user's own (saved, kept on reload, renamed, deleted; nobody else sees it), columns
// resized and moved and kept per user, user fields shown by name, a kanban grouped by a
// user field with a drag between two users; Chinese, phone width and axe-core.

const env = testEnv(import.meta.url);
await openTestRedis(env);

const l = (en: string, zh: string) => ({ en, 'zh-CN': zh });
const lead: Entity = {
  key: 'lead',
  label: l('Lead', '线索'),
  pluralLabel: l('Leads', '线索'),
  displayField: 'title',
  fields: [
    { key: 'title', type: 'text', label: l('Title', '标题'), required: true },
    {
      key: 'status',
      type: 'single_select',
      label: l('Status', '状态'),
      options: [
        { key: 'open', label: l('Open', '跟进中') },
        { key: 'closed', label: l('Closed', '已关闭') },
      ],
    },
    { key: 'rep', type: 'user', label: l('Sales rep', '销售') },
    { key: 'value', type: 'currency', label: l('Value', '金额'), currencyCode: 'CNY' },
    { key: 'company', type: 'lookup', label: l('Company', '公司'), target: 'company' },
  ],
} as Entity;
const company: Entity = {
  key: 'company',
  label: l('Company', '公司'),
  pluralLabel: l('Companies', '公司'),
  displayField: 'name',
  fields: [{ key: 'name', type: 'text', label: l('Company name', '公司名称'), required: true }],
} as Entity;
const list: View = {
  type: 'list',
  key: 'leads_all',
  entity: 'lead',
  label: l('All leads', '全部线索'),
  default: true,
  columns: [{ field: 'title' }, { field: 'status' }, { field: 'rep' }, { field: 'value' }],
} as View;
const board: View = {
  type: 'kanban',
  key: 'leads_by_rep',
  entity: 'lead',
  label: l('By rep', '按销售'),
  groupBy: 'rep',
  cardFields: ['value'],
} as View;
const seller: Role = {
  key: 'seller',
  label: l('Seller', '销售'),
  entities: { lead: { read: true, create: true, update: true, scope: 'all' }, company: { read: true, create: true, scope: 'all' } },
} as Role;
const ANN = { email: 'ann@example.com', password: 'ann password 123', name: 'Ann Archer' };
const BOB = { email: 'bob@example.com', password: 'bob password 123', name: 'Bob Baker' };

let platform: TestPlatform;
let api: ApiClient;
let ann: ApiClient;
let bob: ApiClient;
const userIds: Record<string, string> = {};
let browser: Browser;
const contexts: BrowserContext[] = [];

beforeAll(async () => {
  requireBuiltApps(['runtime-ui']);
  platform = await startTestPlatform({
    role: 'all',
    mongoUrl: env.mongoUrl,
    redisUrl: env.redisUrl,
    database: env.dbName,
    queuePrefix: env.prefix,
  });
  api = apiClient(platform.url, { token: platform.adminToken });
  for (const [kind, item] of [
    ['entities', company],
    ['entities', lead],
    ['views', list],
    ['views', board],
    ['roles', seller],
  ] as const) {
    const put = await api.put(`/api/meta/draft/${kind}/${item.key}`, item);
    expect(put.status, JSON.stringify(put.body)).toBe(200);
  }
  const published = await api.post('/api/meta/publish');
  expect(published.status, JSON.stringify(published.body)).toBe(200);
  for (const user of [ANN, BOB]) {
    const created = await api.post<{ id: string }>('/api/users', {
      email: user.email,
      name: user.name,
      password: user.password,
      roles: ['seller'],
    });
    expect(created.status).toBe(201);
    userIds[user.email] = created.body.id;
  }
  ann = apiClient(platform.url, { token: (await signIn(platform.url, ANN.email, ANN.password)).token });
  bob = apiClient(platform.url, { token: (await signIn(platform.url, BOB.email, BOB.password)).token });
  for (const [title, status, rep, value] of [
    ['Acme expansion', 'open', ANN, '1200.00'],
    ['Globex trial', 'open', ANN, '800.00'],
    ['Initech renewal', 'closed', BOB, '300.00'],
  ] as const) {
    expect((await api.post('/api/records/lead', { title, status, rep: userIds[rep.email], value })).status).toBe(201);
  }
  browser = await launchBrowser();
});
afterEach(async () => {
  await Promise.all(contexts.splice(0).map((context) => context.close()));
});
afterAll(async () => {
  await browser?.close();
  await platform?.stop();
});

async function openPage(
  user: { email: string; password: string },
  options: { locale?: string; viewport?: { width: number; height: number } } = {},
) {
  const opened = await openSignedInContext(browser, platform.url, user, options);
  contexts.push(opened.context);
  return opened;
}

const headerOrder = async (page: Page) =>
  await page
    .locator('thead th[data-testid^="column-"]')
    .evaluateAll((ths) => ths.map((th) => th.getAttribute('data-testid')!.replace('column-', '')));
const widthOf = async (page: Page, field: string) => Math.round((await page.getByTestId(`column-${field}`).boundingBox())!.width);

/** Drags with the mouse in small steps, as a person would (dnd-kit starts after 5 px). */
async function drag(
  page: Page,
  from: { x: number; y: number; width: number; height: number },
  to: { x: number; y: number; width: number; height: number },
) {
  await page.mouse.move(from.x + from.width / 2, from.y + from.height / 2);
  await page.mouse.down();
  await page.mouse.move(from.x + from.width / 2 + 10, from.y + from.height / 2, { steps: 3 });
  await page.mouse.move(to.x + to.width / 2, to.y + to.height / 2, { steps: 12 });
  await page.mouse.up();
}

describe('personal views', () => {
  /** The view Ann saves, which the next tests rename, look for as Bob, and delete. */
  let key = '';

  it("saves the screen as a view of the user's own and keeps it on reload", async () => {
    const { page, errors } = await openPage(ANN);
    const open = encodeURIComponent(JSON.stringify({ field: 'status', op: 'eq', value: 'open' }));
    await page.goto(`${platform.url}/e/lead?filter=${open}&sort=-value`);
    await page.getByTestId('record-row').first().waitFor();
    expect(await page.getByTestId('record-row').count()).toBe(2);
    // User fields by name, from the directory a plain user may read.
    await page.getByTestId('record-row').first().getByText(ANN.name).waitFor();

    await page.getByTestId('view-actions').click();
    await page.getByTestId('view-save-as').click();
    await page.getByTestId('view-name').fill('My open leads');
    await page.getByTestId('view-name-ok').click();
    await poll(() => new URL(page.url()).searchParams.get('view')?.startsWith('p_')).toBe(true);
    key = new URL(page.url()).searchParams.get('view')!;
    expect(new URL(page.url()).searchParams.get('filter')).toBeNull();
    const saved = (await ann.get<{ views: { view: View & { filter: unknown; sort: unknown } }[] }>('/api/me/views?entity=lead')).body.views;
    expect(saved.map((v) => [v.view.key, v.view.label.en, v.view.filter, v.view.sort])).toEqual([
      [key, 'My open leads', { field: 'status', op: 'eq', value: 'open' }, [{ field: 'value', direction: 'desc' }]],
    ]);

    await page.reload();
    await page.getByTestId('view-select').getByText('My open leads').waitFor();
    await poll(async () => await page.getByTestId('record-row').count()).toBe(2);
    await screenshot(page, 'list-views-personal-desktop-en.png');
    expect(await axeViolations(page)).toEqual([]);
    expect(pageErrors(errors)).toEqual([]);
  });

  it('renames it; another user has the published views only', async () => {
    const { page, errors } = await openPage(ANN);
    await page.goto(`${platform.url}/e/lead?view=${key}`);
    await page.getByTestId('view-select').getByText('My open leads').waitFor();
    await page.getByTestId('view-actions').click();
    await page.getByTestId('view-rename').click();
    await page.getByTestId('view-name').fill('Hot leads');
    await page.getByTestId('view-name-ok').click();
    await page.getByTestId('view-select').getByText('Hot leads').waitFor();

    // Bob has the published views only.
    expect((await bob.get<{ views: unknown[] }>('/api/me/views?entity=lead')).body.views).toEqual([]);
    const other = await openPage(BOB);
    await other.page.goto(`${platform.url}/e/lead?view=${key}`);
    await other.page.getByTestId('record-row').first().waitFor();
    await other.page.getByTestId('view-select').getByText('All leads').waitFor();
    await other.page.getByTestId('view-select').click();
    await other.page.getByRole('option', { name: 'By rep' }).waitFor();
    expect(await other.page.getByRole('option', { name: 'Hot leads' }).count()).toBe(0);
    expect(pageErrors(other.errors)).toEqual([]);
    expect(pageErrors(errors)).toEqual([]);
  });

  it('deletes it, back to the default view', async () => {
    const { page, errors } = await openPage(ANN);
    await page.goto(`${platform.url}/e/lead?view=${key}`);
    await page.getByTestId('view-select').getByText('Hot leads').waitFor();
    await page.getByTestId('view-actions').click();
    await page.getByTestId('view-delete').click();
    await page.locator('.ant-modal-confirm').getByRole('button', { name: 'Delete' }).click();
    await poll(() => new URL(page.url()).searchParams.get('view')).toBe('leads_all');
    await poll(async () => await page.getByTestId('record-row').count()).toBe(3);
    expect((await ann.get<{ views: unknown[] }>('/api/me/views?entity=lead')).body.views).toEqual([]);
    expect(pageErrors(errors)).toEqual([]);
  });

  const prefs = async () =>
    (await ann.get<{ columns: { field: string; width?: number }[] }>('/api/me/views/leads_all/columns')).body.columns;

  it('keeps a resized and a moved column per user across a reload', async () => {
    const { page, errors } = await openPage(ANN);
    await page.goto(`${platform.url}/e/lead`);
    await page.getByTestId('record-row').first().waitFor();
    expect(await headerOrder(page)).toEqual(['title', 'status', 'rep', 'value']);
    const before = await widthOf(page, 'title');

    const edge = (await page.getByTestId('column-resize-title').boundingBox())!;
    await page.mouse.move(edge.x + edge.width / 2, edge.y + edge.height / 2);
    await page.mouse.down();
    await page.mouse.move(edge.x + edge.width / 2 + 120, edge.y + edge.height / 2, { steps: 10 });
    await page.mouse.up();
    // A header dragged by the pointer onto another takes its place.
    await drag(page, (await page.getByTestId('column-value').boundingBox())!, (await page.getByTestId('column-title').boundingBox())!);
    await poll(async () => await headerOrder(page)).toEqual(['value', 'title', 'status', 'rep']);
    await poll(async () => (await prefs()).map((c) => c.field)).toEqual(['value', 'title', 'status', 'rep']);
    const width = (await prefs()).find((c) => c.field === 'title')?.width;
    expect(width).toBeGreaterThan(before + 60);

    await page.reload();
    await page.getByTestId('record-row').first().waitFor();
    expect(await headerOrder(page)).toEqual(['value', 'title', 'status', 'rep']);
    expect(Math.abs((await widthOf(page, 'title')) - width!)).toBeLessThanOrEqual(2);
    await screenshot(page, 'list-views-columns-desktop-en.png');
    expect(await axeViolations(page)).toEqual([]);
    expect(pageErrors(errors)).toEqual([]);
  });

  it('resizes by keyboard, keeps the arrangement apart from other users, and resets it', async () => {
    const { page, errors } = await openPage(ANN);
    await page.goto(`${platform.url}/e/lead`);
    await page.getByTestId('record-row').first().waitFor();
    expect(await headerOrder(page)).toEqual(['value', 'title', 'status', 'rep']);
    // The keyboard resizes too: the focused edge takes arrow keys.
    await page.getByTestId('column-resize-status').focus();
    const status = await widthOf(page, 'status');
    await page.keyboard.press('ArrowRight');
    await poll(async () => (await prefs()).find((c) => c.field === 'status')?.width).toBe(status + 16);

    // Bob's columns are his own.
    expect((await bob.get<{ columns: unknown[] }>('/api/me/views/leads_all/columns')).body.columns).toEqual([]);

    await page.getByTestId('view-actions').click();
    await page.getByTestId('view-reset-columns').click();
    await poll(async () => await headerOrder(page)).toEqual(['title', 'status', 'rep', 'value']);
    expect(await prefs()).toEqual([]);
    expect(pageErrors(errors)).toEqual([]);
  });
});

describe('kanban by a user field', () => {
  it('draws a column per user by name with counts and sums, and a drag moves the card to the other user', async () => {
    const { page, errors } = await openPage(ANN);
    await page.goto(`${platform.url}/e/lead?view=leads_by_rep`);
    const column = (email: string) => page.getByTestId(`kanban-column-${userIds[email]}`);
    const card = (title: string) => page.getByTestId('kanban-card').filter({ hasText: title });
    await column(ANN.email).getByText(ANN.name).waitFor();
    await column(BOB.email).getByText(BOB.name).waitFor();
    await page.getByTestId('kanban-column-__none').waitFor();
    expect(await column(ANN.email).getByTestId('kanban-count').textContent()).toBe('2');
    expect(await column(BOB.email).getByTestId('kanban-count').textContent()).toBe('1');
    expect(await column(ANN.email).locator('.mc-kanban__sum').textContent()).toContain('2,000.00');
    await screenshot(page, 'list-views-kanban-desktop-en.png');
    expect(await axeViolations(page)).toEqual([]);

    await drag(page, (await card('Globex trial').boundingBox())!, (await column(BOB.email).boundingBox())!);
    await column(BOB.email).getByText('Globex trial').waitFor();
    const repOf = async (title: string) =>
      (
        await api.get<{ records: { rep: string }[] }>(
          `/api/records/lead?filter=${encodeURIComponent(JSON.stringify({ field: 'title', op: 'eq', value: title }))}`,
        )
      ).body.records[0]!.rep;
    await poll(() => repOf('Globex trial')).toBe(userIds[BOB.email]);
    await poll(async () => await column(BOB.email).getByTestId('kanban-count').textContent()).toBe('2');
    await poll(async () => await column(ANN.email).getByTestId('kanban-count').textContent()).toBe('1');
    expect(pageErrors(errors)).toEqual([]);
  });
});

describe('lookup create-new', () => {
  it('creates the target record from the lookup in a drawer over the form, and selects it', async () => {
    const { page, errors } = await openPage(ANN);
    await page.goto(`${platform.url}/e/lead?new=1`);
    const drawer = page.getByTestId('record-drawer');
    await drawer.getByTestId('record-form').waitFor();
    await drawer.getByLabel('Title', { exact: true }).fill('Umbrella pilot');
    await drawer.getByLabel('Company', { exact: true }).click();
    await page.getByTestId('lookup-new').click();
    const nested = page.locator('.mc-lookup-create');
    await nested.getByLabel('Company name').fill('Umbrella Corp');
    await screenshot(page, 'list-views-lookup-create-desktop-en.png');
    await nested.getByTestId('form-save').click();
    await drawer.locator('.ant-select').filter({ hasText: 'Umbrella Corp' }).waitFor();
    await drawer.getByTestId('form-save').click();
    await page.waitForURL(/open=[0-9a-f]{24}/);
    const id = new URL(page.url()).searchParams.get('open')!;
    const created = (await api.get<{ company: string }>(`/api/records/lead/${id}`)).body;
    const target = (await api.get<{ name: string }>(`/api/records/company/${created.company}`)).body;
    expect(target.name).toBe('Umbrella Corp');
    expect(pageErrors(errors)).toEqual([]);
  });
});

describe('languages and widths', () => {
  it.each([
    ['zh-CN', 'desktop', DESKTOP],
    ['zh-CN', 'phone', PHONE],
    ['en', 'phone', PHONE],
  ] as const)('the list and the board read in %s at %s width', async (locale, width, viewport) => {
    const { page, errors } = await openPage(ANN, { locale: locale === 'en' ? 'en-US' : locale, viewport });
    await page.goto(`${platform.url}/e/lead`);
    await page.getByText('Acme expansion').first().waitFor();
    await page.getByTestId('user-name').filter({ hasText: ANN.name }).first().waitFor();
    const overflow = await page.evaluate('document.documentElement.scrollWidth - document.documentElement.clientWidth');
    expect(overflow).toBe(0);
    await screenshot(page, `list-views-list-${width}-${locale}.png`);
    expect(await axeViolations(page)).toEqual([]);
    await page.goto(`${platform.url}/e/lead?view=leads_by_rep`);
    await page.getByTestId(`kanban-column-${userIds[BOB.email]}`).getByText(BOB.name).waitFor();
    if (locale === 'zh-CN') await page.getByTestId('kanban-column-__none').getByText('未分配').waitFor();
    await screenshot(page, `list-views-kanban-${width}-${locale}.png`);
    expect(await axeViolations(page)).toEqual([]);
    expect(pageErrors(errors)).toEqual([]);
  });
});
