import fs from 'node:fs';
import path from 'node:path';
import { createRequire } from 'node:module';
import type { Entity, Form, Role, ValidationRule, View, Workflow } from '@metacrm/metadata';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { ARTIFACTS_DIR, launchBrowser, requireBuiltApps, watchPageErrors } from '../helpers/browser.js';
import { openTestRedis, testEnv } from '../helpers/env.js';
import { apiClient, type ApiClient } from '../helpers/http.js';
import { startTestPlatform, type TestPlatform } from '../helpers/platform.js';

// The runtime app users work in, driven in a real Chromium against the real platform:
// navigation from metadata, the generated form (a server problem on its field, a
// condition that shows and requires a field), the filter builder kept in the URL, the
// record drawer with a stale-version save, Chinese, phone width and axe-core.
// Code that runs in the page is passed as strings: this file is compiled for Node.

const env = testEnv(import.meta.url);
await openTestRedis(env);
const DESKTOP = { width: 1440, height: 900 };
const PHONE = { width: 390, height: 844 };
const AXE_SOURCE = fs.readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');

const l = (en: string, zh: string) => ({ en, 'zh-CN': zh });
const deal: Entity = {
  key: 'deal',
  label: l('Deal', '商机'),
  pluralLabel: l('Deals', '商机'),
  displayField: 'title',
  fields: [
    { key: 'title', type: 'text', label: l('Title', '标题'), required: true },
    {
      key: 'stage',
      type: 'single_select',
      label: l('Stage', '阶段'),
      options: [
        { key: 'new', label: l('New', '新建'), color: '#1677ff' },
        { key: 'won', label: l('Won', '赢单'), color: '#389e0d' },
        { key: 'lost', label: l('Lost', '输单'), color: '#cf1322' },
      ],
    },
    { key: 'amount', type: 'currency', label: l('Amount', '金额'), currencyCode: 'CNY' },
    { key: 'close_date', type: 'date', label: l('Close date', '结束日期') },
    { key: 'loss_reason', type: 'text', label: l('Loss reason', '输单原因') },
    { key: 'notes', type: 'long_text', label: l('Notes', '备注') },
  ],
} as Entity;
const form: Form = {
  key: 'deal_main',
  entity: 'deal',
  label: l('Deal', '商机'),
  default: true,
  layout: {
    tabs: [
      {
        key: 'main',
        label: l('Main', '主要'),
        sections: [
          { key: 'basics', columns: 2, fields: [{ field: 'title' }, { field: 'stage' }, { field: 'amount' }, { field: 'close_date' }] },
          {
            key: 'loss',
            label: l('Loss', '输单'),
            visibleWhen: { '==': [{ var: 'stage' }, 'lost'] },
            fields: [{ field: 'loss_reason', requiredWhen: true }],
          },
          { key: 'more', label: l('More', '更多'), fields: [{ field: 'notes', colSpan: 2 }] },
        ],
      },
    ],
  },
};
const view: View = {
  type: 'list',
  key: 'deals_all',
  entity: 'deal',
  label: l('All deals', '全部商机'),
  default: true,
  columns: [{ field: 'title' }, { field: 'stage' }, { field: 'amount' }, { field: 'close_date' }],
} as View;
const board: View = {
  type: 'kanban',
  key: 'deals_board',
  entity: 'deal',
  label: l('Pipeline', '销售管道'),
  groupBy: 'stage',
  cardFields: ['amount'],
} as View;
const rule: ValidationRule = {
  key: 'no_test_titles',
  entity: 'deal',
  errorWhen: { '==': [{ var: 'title' }, 'Test'] },
  message: l('A real title, please', '请填写真实标题'),
  fields: ['title'],
};

const workflow: Workflow = {
  key: 'set_stage',
  label: l('Set stage', '设置阶段'),
  entity: 'deal',
  start: 'set',
  trigger: {
    type: 'manual',
    inputSchema: { type: 'object', properties: { stage: { type: 'string', enum: ['new', 'won', 'lost'] } }, required: ['stage'] },
  },
  steps: [{ id: 'set', type: 'update_record', config: { values: { stage: { var: 'input.stage' } } } }],
} as Workflow;
/** A narrower role: reads deals without their amount, creates nothing. */
const viewer: Role = {
  key: 'viewer',
  label: l('Viewer', '只读'),
  entities: { deal: { read: true, scope: 'all', fields: { amount: { read: false } } } },
} as Role;
const VIEWER = { email: 'viewer@example.com', password: 'viewer password 123' };

let platform: TestPlatform;
let api: ApiClient;
let browser: Browser;
const contexts: BrowserContext[] = [];

beforeAll(async () => {
  requireBuiltApps(['runtime-ui']);
  fs.mkdirSync(ARTIFACTS_DIR, { recursive: true });
  platform = await startTestPlatform({
    role: 'all',
    mongoUrl: env.mongoUrl,
    redisUrl: env.redisUrl,
    database: env.dbName,
    queuePrefix: env.prefix,
  });
  api = apiClient(platform.url, { token: platform.adminToken });
  for (const [kind, item] of [
    ['entities', deal],
    ['forms', form],
    ['views', view],
    ['views', board],
    ['rules', rule],
    ['workflows', workflow],
    ['roles', viewer],
  ] as const) {
    const put = await api.put(`/api/meta/draft/${kind}/${item.key}`, item);
    expect(put.status, JSON.stringify(put.body)).toBe(200);
  }
  const published = await api.post('/api/meta/publish');
  expect(published.status, JSON.stringify(published.body)).toBe(200);
  for (const [title, stage, amount] of [
    ['Acme renewal', 'new', '1200.00'],
    ['Globex pilot', 'won', '56000.50'],
    ['Initech upgrade', 'lost', '300.00'],
  ] as const) {
    expect(
      (await api.post('/api/records/deal', { title, stage, amount, ...(stage === 'lost' ? { loss_reason: 'Price' } : {}) })).status,
    ).toBe(201);
  }
  expect((await api.post('/api/users', { email: VIEWER.email, name: 'Viewer', password: VIEWER.password, roles: ['viewer'] })).status).toBe(
    201,
  );
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
  options: { locale?: string; viewport?: { width: number; height: number }; user?: { email: string; password: string } } = {},
) {
  const context = await browser.newContext({ locale: options.locale ?? 'en-US', viewport: options.viewport ?? DESKTOP });
  contexts.push(context);
  const user = options.user ?? platform.admin;
  const signedIn = await context.request.post(`${platform.url}/api/auth/login`, { data: { email: user.email, password: user.password } });
  expect(signedIn.status()).toBe(200);
  const page = await context.newPage();
  return { page, errors: watchPageErrors(page) };
}

async function screenshot(page: Page, name: string): Promise<void> {
  await page.screenshot({ path: path.join(ARTIFACTS_DIR, name), fullPage: true });
}

/** axe-core's serious and critical violations on the page (evaluated through the devtools protocol, which the CSP does not govern). */
async function axeViolations(page: Page): Promise<string[]> {
  return await page.evaluate<string[]>(`(async () => {
    ${AXE_SOURCE}
    const result = await axe.run(document, { resultTypes: ['violations'] });
    return result.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical').map((v) => v.id + ': ' + v.nodes.map((n) => n.target.join(' ')).join(', '));
  })()`);
}

/**
 * The page's errors, less the Content Security Policy refusing the <style> elements that
 * antd's drawer and modal add to lock the page's scrolling (rc-component's scroll
 * locker, and its scrollbar measurement). Nothing else may be refused: the app itself
 * injects no style (antd runs zero-runtime from its static CSS).
 */
function pageErrors(errors: string[]): string[] {
  return errors.filter((e) => !e.includes('Applying inline style violates'));
}

/** Polls with a deadline that suits a shared, loaded machine (vitest's default is 1 s). */
const poll = <T>(fn: () => T | Promise<T>) => expect.poll(fn, { timeout: 15_000 });

const rows = (page: Page) => page.locator('.ant-table-tbody tr[data-row-key]');

describe('runtime app', () => {
  it('lists an entity from the navigation, with its view columns, and passes axe', async () => {
    const { page, errors } = await openPage();
    await page.goto(`${platform.url}/`);
    await page.getByTestId('app-nav').getByText('Deals').click();
    await page.getByRole('heading', { level: 1, name: 'Deals' }).waitFor();
    await poll(() => rows(page).count()).toBe(3);
    expect(new URL(page.url()).pathname).toBe('/e/deal');
    const headers = await page.locator('.ant-table-thead th').allTextContents();
    expect(headers.filter(Boolean)).toEqual(['Title', 'Stage', 'Amount', 'Close date']);
    expect(await rows(page).filter({ hasText: 'Globex pilot' }).textContent()).toContain('CN¥56,000.50');
    await screenshot(page, 'app-list-desktop-en.png');
    expect(await axeViolations(page)).toEqual([]);
    expect(pageErrors(errors)).toEqual([]);
  });

  it('creates a record through the generated form, with a condition and a server problem on its field', async () => {
    const { page, errors } = await openPage();
    await page.goto(`${platform.url}/e/deal`);
    await page.getByTestId('new-record').click();
    const drawer = page.getByTestId('record-drawer');
    await drawer.getByTestId('record-form').waitFor();
    expect(await drawer.getByLabel('Loss reason').count()).toBe(0);

    // Choosing "Lost" shows the reason, and makes it required (client side, same function as the server).
    await drawer.getByLabel('Stage').click();
    await page.locator('.ant-select-item-option').filter({ hasText: 'Lost' }).click();
    await drawer.getByLabel('Loss reason').waitFor();
    await drawer.getByLabel('Title').fill('Test');
    await drawer.getByTestId('form-save').click();
    await drawer.getByText('Required').waitFor();
    await screenshot(page, 'app-form-required-en.png');
    await drawer.getByLabel('Loss reason').fill('Budget cut');

    // The server's rule refuses the title: its message lands on the title field.
    await drawer.getByTestId('form-save').click();
    await drawer.getByText('A real title, please').waitFor();
    expect(await drawer.getByTestId('form-error').textContent()).toContain('RECORD_INVALID');
    await screenshot(page, 'app-form-server-problem-en.png');
    await drawer.getByLabel('Title').fill('Umbrella expansion');
    await drawer.getByTestId('form-save').click();
    await page.waitForURL(/open=[0-9a-f]{24}/);
    await poll(async () => await drawer.getByTestId('record-title').textContent()).toBe('Umbrella expansion');
    const id = new URL(page.url()).searchParams.get('open')!;
    const stored = (await api.get<Record<string, unknown>>(`/api/records/deal/${id}`)).body;
    expect(stored).toMatchObject({ title: 'Umbrella expansion', stage: 'lost', loss_reason: 'Budget cut' });
    expect(pageErrors(errors).filter((e) => !e.includes('422'))).toEqual([]);
  });

  it('filters with the filter builder, and a reload keeps the filter from the URL', async () => {
    const { page, errors } = await openPage();
    await page.goto(`${platform.url}/e/deal`);
    await poll(() => rows(page).count()).toBeGreaterThanOrEqual(3);
    await page.getByTestId('filter-button').click();
    await page.getByTestId('filter-add').click();
    await page.getByTestId('filter-row-0').getByLabel('Field').click();
    await page
      .locator('.ant-select-item-option')
      .filter({ hasText: /^Stage$/ })
      .click();
    await page.getByTestId('filter-row-0').getByLabel('Value').click();
    await page.locator('.ant-select-item-option').filter({ hasText: 'Won' }).last().click();
    await screenshot(page, 'app-filter-builder-en.png');
    await page.getByTestId('filter-apply').click();
    await poll(() => rows(page).count()).toBe(1);
    expect(JSON.parse(new URL(page.url()).searchParams.get('filter')!)).toEqual({ and: [{ field: 'stage', op: 'eq', value: 'won' }] });

    await page.reload();
    await poll(async () => (await rows(page).allTextContents()).join('|')).toContain('Globex pilot');
    expect(await rows(page).count()).toBe(1);
    await page.goBack();
    await poll(() => rows(page).count()).toBeGreaterThanOrEqual(3);
    expect(pageErrors(errors)).toEqual([]);
  });

  it('opens a record beside the list, and a stale save offers keep editing without losing the typing', async () => {
    const { page, errors } = await openPage();
    await page.goto(`${platform.url}/e/deal?sort=title`);
    await rows(page).filter({ hasText: 'Acme renewal' }).click();
    const drawer = page.getByTestId('record-drawer');
    await poll(async () => await drawer.getByTestId('record-title').textContent()).toBe('Acme renewal');
    expect(new URL(page.url()).searchParams.get('sort')).toBe('title');
    const id = new URL(page.url()).searchParams.get('open')!;

    // Someone else saves the record while it is being edited here (a form being edited
    // keeps the typing when the newer version arrives live).
    await drawer.getByLabel('Amount').fill('1500.25');
    expect((await api.patch(`/api/records/deal/${id}`, { notes: 'changed elsewhere' })).status).toBe(200);
    await drawer.getByTestId('form-save').click();
    await page.getByTestId('conflict-keep').click();
    expect(await drawer.getByLabel('Amount').inputValue()).toBe('1500.25');
    await drawer.getByTestId('form-save').click();
    await poll(async () => (await api.get<Record<string, unknown>>(`/api/records/deal/${id}`)).body.amount).toBe('1500.25');
    expect((await api.get<Record<string, unknown>>(`/api/records/deal/${id}`)).body.notes).toBe('changed elsewhere');
    await screenshot(page, 'app-record-drawer-en.png');
    await page.keyboard.press('Escape');
    await poll(() => new URL(page.url()).searchParams.get('open')).toBe(null);
    expect(pageErrors(errors).filter((e) => !e.includes('409'))).toEqual([]);
  });

  it('opens the command menu with Ctrl+K and goes to an entity by keyboard', async () => {
    const { page, errors } = await openPage();
    await page.goto(`${platform.url}/`);
    await page.getByRole('heading', { level: 1, name: 'System status' }).waitFor();
    await page.keyboard.press('Control+k');
    await page.getByTestId('command-input').fill('deal');
    await page.keyboard.press('Enter');
    await page.getByRole('heading', { level: 1, name: 'Deals' }).waitFor();
    expect(pageErrors(errors)).toEqual([]);
  });

  it.each([
    { locale: 'zh-CN', viewport: DESKTOP, shot: 'app-list-desktop-zh-CN.png', heading: '商机' },
    { locale: 'en-US', viewport: PHONE, shot: 'app-list-phone-en.png', heading: 'Deals' },
    { locale: 'zh-CN', viewport: PHONE, shot: 'app-list-phone-zh-CN.png', heading: '商机' },
  ])('shows the list in $locale at $viewport.width px', async ({ locale, viewport, shot, heading }) => {
    const { page, errors } = await openPage({ locale, viewport });
    await page.goto(`${platform.url}/e/deal`);
    await page.getByRole('heading', { level: 1, name: heading }).waitFor();
    if (viewport === PHONE) {
      await page.getByTestId('record-cards').locator('.mc-record-card').first().waitFor();
      const overflow = await page.evaluate<number>('document.documentElement.scrollWidth - document.documentElement.clientWidth');
      expect(overflow).toBeLessThanOrEqual(0);
      await page.getByTestId('nav-open').click();
      await page.getByTestId('nav-drawer').waitFor();
      await screenshot(page, shot.replace('.png', '-nav.png'));
      await page.keyboard.press('Escape');
      await page.getByTestId('record-cards').locator('.mc-record-card').first().click();
      await page.getByTestId('record-form').waitFor();
      await screenshot(page, shot.replace('.png', '-record.png'));
      await page.keyboard.press('Escape');
    } else {
      await poll(() => rows(page).count()).toBeGreaterThanOrEqual(3);
    }
    await screenshot(page, shot);
    expect(await axeViolations(page)).toEqual([]);
    expect(pageErrors(errors)).toEqual([]);
  });

  it('switches to Chinese from the language switcher', async () => {
    const { page, errors } = await openPage();
    await page.goto(`${platform.url}/e/deal`);
    await page.getByRole('heading', { level: 1, name: 'Deals' }).waitFor();
    await page.getByRole('button', { name: '中文' }).click();
    await page.getByRole('heading', { level: 1, name: '商机' }).waitFor();
    expect(await page.getByTestId('new-record').textContent()).toContain('新建');
    const headers = await page.locator('.ant-table-thead th').allTextContents();
    expect(headers.filter(Boolean)).toEqual(['标题', '阶段', '金额', '结束日期']);
    expect(pageErrors(errors)).toEqual([]);
  });

  it('edits a cell in place, through the same validation', async () => {
    const { page, errors } = await openPage();
    await page.goto(`${platform.url}/e/deal?sort=title`);
    const row = rows(page).filter({ hasText: 'Globex pilot' });
    await row.hover();
    await row.getByTestId('edit-amount').click();
    const editor = page.locator('.mc-cell-editor');
    await editor.getByLabel('Amount').fill('12.345');
    await editor.getByTestId('form-save').click();
    // The client words it from the shared catalogue, as the server would (BAD_FORMAT).
    await editor.getByText('does not have the expected format').waitFor();
    await screenshot(page, 'app-inline-edit-en.png');
    await editor.getByLabel('Amount').fill('60000');
    await editor.getByTestId('form-save').click();
    await poll(async () => await row.textContent()).toContain('CN¥60,000.00');
    expect(pageErrors(errors)).toEqual([]);
  });

  it('shows a change made elsewhere live, in the list and in the open record', async () => {
    const { page, errors } = await openPage();
    await page.goto(`${platform.url}/e/deal?sort=title`);
    await rows(page).filter({ hasText: 'Initech upgrade' }).click();
    const drawer = page.getByTestId('record-drawer');
    await poll(async () => await drawer.getByTestId('record-title').textContent()).toBe('Initech upgrade');
    const id = new URL(page.url()).searchParams.get('open')!;

    // A second browser (another session) renames the record through its own page.
    const other = await openPage();
    await other.page.goto(`${platform.url}/e/deal/${id}`);
    const otherDrawer = other.page.getByTestId('record-drawer');
    await otherDrawer.getByLabel('Title').fill('Initech renewal');
    await otherDrawer.getByTestId('form-save').click();

    await poll(async () => await drawer.getByTestId('record-title').textContent()).toBe('Initech renewal');
    await poll(async () => await rows(page).filter({ hasText: 'Initech renewal' }).count()).toBe(1);
    expect(await drawer.getByLabel('Title').inputValue()).toBe('Initech renewal');
    expect(pageErrors(errors)).toEqual([]);
    expect(pageErrors(other.errors)).toEqual([]);
  });

  it('runs a manual workflow on a selection, with its input form', async () => {
    const { page, errors } = await openPage();
    await page.goto(`${platform.url}/e/deal?sort=title`);
    const targets = ['Acme renewal', 'Umbrella expansion'];
    for (const title of targets) await rows(page).filter({ hasText: title }).locator('.ant-checkbox-input').check();
    await page.getByTestId('bulk-bar').waitFor();
    await page.getByTestId('bulk-run').click();
    await page.getByRole('menuitem', { name: 'Set stage' }).click();
    await page.getByRole('dialog').getByLabel('stage').click();
    await page.locator('.ant-select-item-option').filter({ hasText: /^won$/ }).click();
    await screenshot(page, 'app-run-workflow-en.png');
    await page.getByTestId('run-start').click();
    for (const title of targets) await poll(async () => await rows(page).filter({ hasText: title }).textContent()).toContain('Won');
    expect(pageErrors(errors)).toEqual([]);
  });

  it('shows a narrower role no hidden field and no denied action', async () => {
    const { page, errors } = await openPage({ user: VIEWER });
    await page.goto(`${platform.url}/e/deal`);
    await page.getByRole('heading', { level: 1, name: 'Deals' }).waitFor();
    await poll(() => rows(page).count()).toBeGreaterThanOrEqual(3);
    const headers = (await page.locator('.ant-table-thead th').allTextContents()).filter(Boolean);
    expect(headers).toEqual(['Title', 'Stage', 'Close date']);
    expect(await page.getByTestId('new-record').count()).toBe(0);
    await rows(page).first().click();
    const drawer = page.getByTestId('record-drawer');
    await drawer.getByTestId('record-form').waitFor();
    expect(await drawer.getByLabel('Amount').count()).toBe(0);
    expect((await drawer.getByLabel('Title').isDisabled()) || (await drawer.getByLabel('Title').getAttribute('readonly')) !== null).toBe(
      true,
    );
    await screenshot(page, 'app-viewer-record-en.png');
    expect(pageErrors(errors)).toEqual([]);
  });

  it('moves a card across kanban columns, and a refused move springs back with the error', async () => {
    const { page, errors } = await openPage();
    await page.goto(`${platform.url}/e/deal?view=deals_board`);
    const column = (stage: string) => page.getByTestId(`kanban-column-${stage}`);
    const card = (title: string) => page.getByTestId('kanban-card').filter({ hasText: title });
    await column('won').getByText('Globex pilot').waitFor();
    const drag = async (title: string, stage: string) => {
      const from = (await card(title).boundingBox())!;
      const to = (await column(stage).boundingBox())!;
      await page.mouse.move(from.x + from.width / 2, from.y + from.height / 2);
      await page.mouse.down();
      await page.mouse.move(from.x + from.width / 2 + 10, from.y + from.height / 2, { steps: 3 });
      await page.mouse.move(to.x + to.width / 2, to.y + 60, { steps: 12 });
      await page.mouse.up();
    };
    const id = (
      await api.get<{ records: { id: string }[] }>(
        `/api/records/deal?filter=${encodeURIComponent(JSON.stringify({ field: 'title', op: 'eq', value: 'Globex pilot' }))}`,
      )
    ).body.records[0]!.id;

    await drag('Globex pilot', 'new');
    await column('new').getByText('Globex pilot').waitFor();
    await poll(async () => (await api.get<Record<string, unknown>>(`/api/records/deal/${id}`)).body.stage).toBe('new');
    await poll(
      async () =>
        (await column('new').getByTestId('kanban-count').textContent()) === String(await column('new').getByTestId('kanban-card').count()),
    ).toBe(true);

    // Lost needs a loss reason (the form's condition, checked by the server): refused, the card goes back.
    await drag('Globex pilot', 'lost');
    await page
      .locator('.ant-message')
      .getByText(/RECORD_INVALID/)
      .waitFor();
    await column('new').getByText('Globex pilot').waitFor();
    expect(await column('lost').getByText('Globex pilot').count()).toBe(0);
    expect((await api.get<Record<string, unknown>>(`/api/records/deal/${id}`)).body.stage).toBe('new');
    await screenshot(page, 'app-kanban-refused-en.png');
    expect(await axeViolations(page)).toEqual([]);
    expect(pageErrors(errors).filter((e) => !e.includes('422'))).toEqual([]);
  });
});
