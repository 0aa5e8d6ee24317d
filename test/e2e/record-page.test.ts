import fs from 'node:fs';
import type { Entity, Form, Role, ValidationRule, View, Workflow } from '@metacrm/metadata';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { axeViolations, DESKTOP, openSignedIn, PHONE, poll, screenshot, settled } from '../helpers/app-page.js';
import { ARTIFACTS_DIR, launchBrowser, requireBuiltApps } from '../helpers/browser.js';
import { openTestRedis, testEnv } from '../helpers/env.js';
import { apiClient, signIn, type ApiClient } from '../helpers/http.js';
import { startTestPlatform, type TestPlatform } from '../helpers/platform.js';

// The record page of the runtime app in a real Chromium against the real platform: the
// highlights header and its actions (manual workflow, approve, share, change owner), each
// offered only to the roles that allow it, the approvals inbox, and the record page in
// both languages at desktop and phone width with axe-core.

const env = testEnv(import.meta.url);
await openTestRedis(env);

const l = (en: string, zh: string) => ({ en, 'zh-CN': zh });
const account: Entity = {
  key: 'account',
  label: l('Account', '客户'),
  pluralLabel: l('Accounts', '客户'),
  displayField: 'name',
  fields: [
    { key: 'name', type: 'text', label: l('Name', '名称'), required: true },
    { key: 'city', type: 'text', label: l('City', '城市') },
  ],
} as Entity;
const deal: Entity = {
  key: 'deal',
  label: l('Deal', '商机'),
  pluralLabel: l('Deals', '商机'),
  displayField: 'title',
  highlightFields: ['stage', 'amount', 'account'],
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
    { key: 'account', type: 'lookup', label: l('Account', '客户'), target: 'account' },
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
          {
            key: 'basics',
            columns: 2,
            fields: [{ field: 'title' }, { field: 'stage' }, { field: 'amount' }, { field: 'account' }, { field: 'notes', colSpan: 2 }],
          },
        ],
      },
    ],
  },
};
const views: View[] = [
  {
    type: 'list',
    key: 'deals_all',
    entity: 'deal',
    label: l('All deals', '全部商机'),
    default: true,
    columns: [{ field: 'title' }, { field: 'stage' }, { field: 'amount' }],
  } as View,
  {
    type: 'list',
    key: 'accounts_all',
    entity: 'account',
    label: l('All accounts', '全部客户'),
    default: true,
    columns: [{ field: 'name' }, { field: 'city' }],
  } as View,
];
/** A viewer reads every deal and changes none; a rep works on their own deals. */
const roles: Role[] = [
  {
    key: 'viewer',
    label: l('Viewer', '只读'),
    entities: { deal: { read: true, scope: 'all' }, account: { read: true, scope: 'all' } },
  } as Role,
  {
    key: 'rep',
    label: l('Rep', '销售'),
    entities: { deal: { read: true, create: true, update: true, scope: 'own' }, account: { read: true, scope: 'all' } },
  } as Role,
];
/** Refuses to lose a big deal: a bulk edit to "Lost" fails on the big one only. */
const rule: ValidationRule = {
  key: 'big_not_lost',
  entity: 'deal',
  errorWhen: { and: [{ '==': [{ var: 'stage' }, 'lost'] }, { '>': [{ var: 'amount' }, 50000] }] },
  message: l('A big deal is not lost lightly', '大单不能轻易输掉'),
  fields: ['stage'],
};
const VIEWER = { email: 'viewer@example.com', password: 'viewer password 123' };
const REP = { email: 'rep@example.com', password: 'rep password 123' };

let platform: TestPlatform;
let api: ApiClient;
let browser: Browser;
const contexts: BrowserContext[] = [];
const ids: Record<string, string> = {};

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
  // Approvals go to the admin; "Close as won" asks them first.
  const approve: Workflow = {
    key: 'close_won',
    label: l('Close as won', '赢单关闭'),
    entity: 'deal',
    start: 'ask',
    trigger: { type: 'manual' },
    steps: [
      {
        id: 'ask',
        type: 'approval',
        config: { approvers: { type: 'user', id: platform.admin.id }, title: 'Close the deal as won' },
        branches: [{ when: { '==': [{ var: 'steps.ask.decision' }, 'approved'] }, next: 'win' }],
        next: 'lose',
      },
      { id: 'win', type: 'update_record', config: { values: { stage: 'won' } } },
      { id: 'lose', type: 'update_record', config: { values: { stage: 'lost' } } },
    ],
  } as Workflow;
  const items = [
    ['entities', account],
    ['entities', deal],
    ['forms', form],
    ...views.map((v) => ['views', v] as const),
    ...roles.map((r) => ['roles', r] as const),
    ['workflows', approve],
    ['rules', rule],
  ] as const;
  for (const [kind, item] of items) {
    const put = await api.put(`/api/meta/draft/${kind}/${item.key}`, item);
    expect(put.status, JSON.stringify(put.body)).toBe(200);
  }
  const published = await api.post('/api/meta/publish');
  expect(published.status, JSON.stringify(published.body)).toBe(200);
  for (const [key, user, role] of [
    ['viewer', VIEWER, 'viewer'],
    ['rep', REP, 'rep'],
    ['bob', { email: 'bob@example.com', password: 'bob password 1234' }, 'rep'],
  ] as const) {
    const created = await api.post<{ id: string }>('/api/users', {
      email: user.email,
      name: key === 'bob' ? 'Bob Builder' : key,
      password: user.password,
      roles: [role],
    });
    expect(created.status).toBe(201);
    ids[key] = created.body.id;
  }
  const acme = await api.post<{ id: string }>('/api/records/account', { name: 'Acme Corp', city: 'Shanghai' });
  ids.acme = acme.body.id;
  const deals = [
    ['renewal', 'Acme renewal', '1200.00'],
    ['pilot', 'Globex pilot', '56000.50'],
    ['upgrade', 'Initech upgrade', '300.00'],
    ['bulkSmall', 'Bulk small', '100.00'],
    ['bulkBig', 'Bulk big', '90000.00'],
  ] as const;
  for (const [key, title, amount] of deals) {
    const created = await api.post<{ id: string }>('/api/records/deal', { title, stage: 'new', amount, account: ids.acme });
    expect(created.status).toBe(201);
    ids[key] = created.body.id;
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

const openPage = (
  options: { locale?: string; viewport?: { width: number; height: number }; user?: { email: string; password: string } } = {},
) => openSignedIn(browser, platform.url, contexts, { ...options, user: options.user ?? platform.admin });

/** The page's errors, less the CSP refusing antd's scroll-lock <style> (see runtime-app.test.ts). */
const pageErrors = (errors: string[]) => errors.filter((e) => !e.includes('Applying inline style violates'));

async function openRecord(page: Page, id: string, title: string) {
  await page.goto(`${platform.url}/e/deal/${id}`);
  const drawer = page.getByTestId('record-drawer');
  await poll(async () => await drawer.getByTestId('record-title').textContent()).toBe(title);
  await drawer.getByTestId('record-header').waitFor();
  return drawer;
}

/** Picks an option of the antd select labelled `name` after typing `search` into it. */
async function pick(page: Page, scope: ReturnType<Page['getByTestId']>, name: string, search: string, option: string | RegExp) {
  await scope.getByLabel(name).click();
  await scope.getByLabel(name).fill(search);
  await page.locator('.ant-select-item-option').filter({ hasText: option }).first().click();
}

async function triggerApproval(id: string) {
  const answer = await api.post('/api/workflows/close_won/trigger', { records: [id] });
  expect(answer.status, JSON.stringify(answer.body)).toBeLessThan(300);
  await poll(async () =>
    (await api.get<{ approvals: { recordId?: string }[] }>('/api/approvals')).body.approvals.some((a) => a.recordId === id),
  ).toBe(true);
}

describe('record page', () => {
  it('shows the key fields in the header, and passes axe', async () => {
    const { page, errors } = await openPage();
    const drawer = await openRecord(page, ids.pilot!, 'Globex pilot');
    expect(await drawer.getByTestId('highlight-amount').textContent()).toContain('CN¥56,000.50');
    expect(await drawer.getByTestId('highlight-stage').textContent()).toContain('New');
    await poll(async () => await drawer.getByTestId('highlight-account').textContent()).toContain('Acme Corp');
    for (const action of ['header-run', 'header-share', 'header-owner']) expect(await drawer.getByTestId(action).count()).toBe(1);
    await screenshot(page, 'record-header-desktop-en.png');
    expect(await axeViolations(page)).toEqual([]);
    expect(pageErrors(errors)).toEqual([]);
  });

  it('changes the owner from the header', async () => {
    const { page, errors } = await openPage();
    const drawer = await openRecord(page, ids.upgrade!, 'Initech upgrade');
    await drawer.getByTestId('header-owner').click();
    const dialog = page.getByRole('dialog', { name: 'Change owner' });
    await pick(page, dialog as never, 'New owner', 'Bob', 'Bob Builder');
    await screenshot(page, 'record-change-owner-en.png');
    await dialog.getByTestId('owner-save').click();
    await page.locator('.ant-message').getByText('Owner changed').waitFor();
    await poll(async () => (await api.get<Record<string, unknown>>(`/api/records/deal/${ids.upgrade}`)).body._ownerId).toBe(ids.bob);
    expect(pageErrors(errors)).toEqual([]);
  });

  it('shares the record with a user, read-write, and stops sharing', async () => {
    const { page, errors } = await openPage();
    const drawer = await openRecord(page, ids.renewal!, 'Acme renewal');
    await drawer.getByTestId('header-share').click();
    const dialog = page.getByTestId('share-dialog');
    await dialog.getByText('Not shared with anyone yet').waitFor();
    await pick(page, dialog, 'User', 'rep', /^rep </);
    await dialog.getByText('Can edit').click();
    await dialog.getByTestId('share-add').click();
    await dialog.getByTestId('share-list').getByText('rep · Can edit').waitFor();
    await screenshot(page, 'record-share-en.png');
    const shares = (await api.get<{ shares: { principal: { id: string }; access: string }[] }>(`/api/records/deal/${ids.renewal}/shares`))
      .body.shares;
    expect(shares.map((s) => [s.principal.id, s.access])).toEqual([[ids.rep, 'write']]);
    expect(await axeViolations(page)).toEqual([]);

    await dialog.getByRole('button', { name: 'Stop sharing with rep' }).click();
    await dialog.getByText('Not shared with anyone yet').waitFor();
    expect((await api.get<{ shares: unknown[] }>(`/api/records/deal/${ids.renewal}/shares`)).body.shares).toEqual([]);
    expect(pageErrors(errors)).toEqual([]);
  });

  it('runs a manual workflow on the record from the header', async () => {
    const { page, errors } = await openPage();
    const drawer = await openRecord(page, ids.pilot!, 'Globex pilot');
    await drawer.getByTestId('header-run').click();
    await page.getByRole('menuitem', { name: 'Close as won' }).click();
    await page.getByTestId('run-start').click();
    await page.locator('.ant-message').getByText('Started on 1 records').waitFor();
    await poll(async () =>
      (await api.get<{ approvals: { recordId?: string }[] }>('/api/approvals')).body.approvals.some((a) => a.recordId === ids.pilot),
    ).toBe(true);
    expect(pageErrors(errors)).toEqual([]);
  });

  it('approves a pending approval from the record header', async () => {
    await triggerApproval(ids.upgrade!);
    const { page, errors } = await openPage();
    const drawer = await openRecord(page, ids.upgrade!, 'Initech upgrade');
    await drawer.getByTestId('record-approval').getByText('Close the deal as won').waitFor();
    await screenshot(page, 'record-approval-en.png');
    await drawer.getByLabel('Comment (optional)').fill('Good margin');
    await drawer.getByTestId('header-approve').click();
    await poll(async () => (await api.get<Record<string, unknown>>(`/api/records/deal/${ids.upgrade}`)).body.stage).toBe('won');
    await poll(() => drawer.getByTestId('record-approval').count()).toBe(0);
    expect(pageErrors(errors)).toEqual([]);
  });

  it('approves a pending approval from the inbox', async () => {
    await triggerApproval(ids.renewal!);
    const { page, errors } = await openPage();
    await page.goto(`${platform.url}/approvals`);
    // The one on this record (another test left one on a second record).
    const card = page.getByTestId('approval').filter({ has: page.locator(`a[href*="${ids.renewal}"]`) });
    await card.first().waitFor();
    await screenshot(page, 'approvals-inbox-en.png');
    expect(await axeViolations(page)).toEqual([]);
    await card.first().getByRole('button', { name: 'Approve' }).click();
    await poll(async () => (await api.get<Record<string, unknown>>(`/api/records/deal/${ids.renewal}`)).body.stage).toBe('won');
    expect(pageErrors(errors)).toEqual([]);
  });

  it('offers a narrower role none of the actions it is denied', async () => {
    const { page, errors } = await openPage({ user: VIEWER });
    const drawer = await openRecord(page, ids.pilot!, 'Globex pilot');
    await drawer.getByTestId('highlight-amount').waitFor();
    for (const action of ['header-share', 'header-owner']) expect(await drawer.getByTestId(action).count()).toBe(0);
    await screenshot(page, 'record-viewer-en.png');
    expect(pageErrors(errors)).toEqual([]);
  });

  it('offers a rep share on the deals they own, and no change of owner', async () => {
    const asRep = apiClient(platform.url, { token: (await signIn(platform.url, REP.email, REP.password)).token });
    const mine = await asRep.post<{ id: string }>('/api/records/deal', { title: 'Rep deal', stage: 'new' });
    const rep = await openPage({ user: REP });
    const repDrawer = await openRecord(rep.page, mine.body.id, 'Rep deal');
    expect(await repDrawer.getByTestId('header-share').count()).toBe(1);
    expect(await repDrawer.getByTestId('header-owner').count()).toBe(0);
    expect(pageErrors(rep.errors)).toEqual([]);
  });

  it('edits one field of a selection, and lists the records that refused it', async () => {
    const { page, errors } = await openPage();
    await page.goto(`${platform.url}/e/deal?sort=title&q=Bulk`);
    const rows = page.locator('.ant-table-tbody tr[data-row-key]');
    await poll(() => rows.count()).toBe(2);
    for (const title of ['Bulk small', 'Bulk big']) await rows.filter({ hasText: title }).locator('.ant-checkbox-input').check();
    await page.getByTestId('bulk-edit-open').click();
    const dialog = page.getByTestId('bulk-edit');
    await dialog.getByLabel('Field').click();
    await page
      .locator('.ant-select-item-option')
      .filter({ hasText: /^Stage$/ })
      .click();
    await dialog.getByLabel('Stage').click();
    await page.locator('.ant-select-item-option').filter({ hasText: 'Lost' }).last().click();
    await dialog.getByTestId('form-save').click();
    await dialog.getByTestId('bulk-edit-failures').getByText('Bulk big').waitFor();
    expect(await dialog.getByTestId('bulk-edit-failures').textContent()).toContain('A big deal is not lost lightly');
    await screenshot(page, 'list-bulk-edit-en.png');
    expect(await axeViolations(page)).toEqual([]);
    expect((await api.get<Record<string, unknown>>(`/api/records/deal/${ids.bulkSmall}`)).body.stage).toBe('lost');
    expect((await api.get<Record<string, unknown>>(`/api/records/deal/${ids.bulkBig}`)).body.stage).toBe('new');
    expect(pageErrors(errors)).toEqual([]);
  });

  it.each([
    { locale: 'zh-CN', viewport: DESKTOP, shot: 'record-page-desktop-zh-CN.png', title: '阶段' },
    { locale: 'en-US', viewport: PHONE, shot: 'record-page-phone-en.png', title: 'Stage' },
    { locale: 'zh-CN', viewport: PHONE, shot: 'record-page-phone-zh-CN.png', title: '阶段' },
  ])('shows the record page in $locale at $viewport.width px, and passes axe', async ({ locale, viewport, shot, title }) => {
    const { page, errors } = await openPage({ locale, viewport });
    const drawer = await openRecord(page, ids.pilot!, 'Globex pilot');
    expect(await drawer.getByTestId('highlight-stage').locator('dt').textContent()).toBe(title);
    await settled(page);
    const overflow = await page.evaluate<number>('document.documentElement.scrollWidth - document.documentElement.clientWidth');
    expect(overflow).toBeLessThanOrEqual(0);
    await screenshot(page, shot);
    expect(await axeViolations(page)).toEqual([]);
    expect(pageErrors(errors)).toEqual([]);
  });
});
