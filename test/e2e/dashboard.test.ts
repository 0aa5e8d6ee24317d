import type { Dashboard, Entity, Role, View } from '@metacrm/metadata';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { DESKTOP, PHONE, axeViolations, openSignedInContext, pageErrors, poll, screenshot } from '../helpers/app-page.js';
import { launchBrowser, requireBuiltApps } from '../helpers/browser.js';
import { openTestRedis, testEnv } from '../helpers/env.js';
import { apiClient, signIn, type ApiClient } from '../helpers/http.js';
import { startTestPlatform, type TestPlatform } from '../helpers/platform.js';

// Dashboards in a real Chromium against the real platform: every widget type drawn from
// the aggregate API (ECharts loaded on demand, under the CSP), a click on a funnel step,
// a bar and a KPI opening the list filtered to that group, the filter bar ("mine": the
// `$user` of the filter language) kept in the URL, Chinese, phone width and axe-core.

const env = testEnv(import.meta.url);
await openTestRedis(env);

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
  ],
} as Entity;
const list: View = {
  type: 'list',
  key: 'deals_all',
  entity: 'deal',
  label: l('All deals', '全部商机'),
  default: true,
  columns: [{ field: 'title' }, { field: 'stage' }, { field: 'amount' }, { field: 'close_date' }],
} as View;
const at = (x: number, y: number, w: number, h: number) => ({ x, y, w, h });
const open = { field: 'stage', op: 'nin', value: ['won', 'lost'] } as const;
const won = { field: 'stage', op: 'eq', value: 'won' } as const;
const dashboard: Dashboard = {
  key: 'sales',
  label: l('Sales', '销售看板'),
  widgets: [
    {
      key: 'open_count',
      type: 'kpi',
      title: l('Open deals', '在途商机'),
      layout: at(0, 0, 8, 3),
      entity: 'deal',
      query: { filter: open, measures: [{ fn: 'count' }] },
      view: 'deals_all',
    },
    {
      key: 'won_amount',
      type: 'kpi',
      title: l('Won this year', '今年赢单'),
      layout: at(8, 0, 8, 3),
      entity: 'deal',
      query: {
        filter: { and: [won, { field: 'close_date', op: 'relative', value: 'this_year' }] },
        measures: [{ fn: 'sum', field: 'amount' }],
      },
    },
    {
      key: 'my_deals',
      type: 'kpi',
      title: l('My deals', '我的商机'),
      layout: at(16, 0, 8, 3),
      entity: 'deal',
      query: { filter: { field: '_ownerId', op: 'eq', value: '$user' }, measures: [{ fn: 'count' }] },
    },
    {
      key: 'funnel',
      type: 'funnel',
      title: l('Pipeline funnel', '销售漏斗'),
      layout: at(0, 3, 12, 8),
      entity: 'deal',
      query: { groupBy: [{ field: 'stage' }], measures: [{ fn: 'count' }] },
      view: 'deals_all',
    },
    {
      key: 'won_by_month',
      type: 'bar',
      title: l('Won by month', '每月赢单'),
      layout: at(12, 3, 12, 8),
      entity: 'deal',
      query: { filter: won, groupBy: [{ field: 'close_date', bucket: 'month' }], measures: [{ fn: 'sum', field: 'amount' }] },
    },
    {
      key: 'by_stage',
      type: 'pie',
      title: l('Deals by stage', '各阶段商机'),
      layout: at(0, 11, 12, 8),
      entity: 'deal',
      query: { groupBy: [{ field: 'stage' }], measures: [{ fn: 'count' }] },
    },
    {
      key: 'created',
      type: 'line',
      title: l('New deals by day', '每日新商机'),
      layout: at(12, 11, 12, 8),
      entity: 'deal',
      query: { groupBy: [{ field: '_createdAt', bucket: 'day' }], measures: [{ fn: 'count' }] },
    },
    {
      key: 'stage_table',
      type: 'table',
      title: l('Amount by stage', '各阶段金额'),
      layout: at(0, 19, 24, 6),
      entity: 'deal',
      query: {
        groupBy: [{ field: 'stage' }],
        measures: [{ fn: 'count' }, { fn: 'sum', field: 'amount' }],
        sort: { by: 'measure', index: 1, direction: 'desc' },
      },
      view: 'deals_all',
    },
  ],
} as Dashboard;
const rep: Role = {
  key: 'rep',
  label: l('Rep', '销售'),
  entities: { deal: { read: true, create: true, update: true, scope: 'all' } },
} as Role;
const REP = { email: 'rep@example.com', password: 'rep password 1234' };
const today = new Date().toISOString().slice(0, 10);

let platform: TestPlatform;
let api: ApiClient;
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
    ['entities', deal],
    ['views', list],
    ['dashboards', dashboard],
    ['roles', rep],
  ] as const) {
    const put = await api.put(`/api/meta/draft/${kind}/${item.key}`, item);
    expect(put.status, JSON.stringify(put.body)).toBe(200);
  }
  const published = await api.post('/api/meta/publish');
  expect(published.status, JSON.stringify(published.body)).toBe(200);
  const deals = [
    ['Acme renewal', 'new', '1200.00'],
    ['Hooli trial', 'new', '800.00'],
    ['Globex pilot', 'won', '56000.50'],
    ['Soylent deal', 'won', '4000.00'],
    ['Initech upgrade', 'lost', '300.00'],
  ] as const;
  for (const [title, stage, amount] of deals) {
    expect((await api.post('/api/records/deal', { title, stage, amount, close_date: today })).status).toBe(201);
  }
  expect((await api.post('/api/users', { email: REP.email, name: 'Rep', password: REP.password, roles: ['rep'] })).status).toBe(201);
  const repApi = apiClient(platform.url, { token: (await signIn(platform.url, REP.email, REP.password)).token });
  expect((await repApi.post('/api/records/deal', { title: 'Rep prospect', stage: 'new', amount: '50.00' })).status).toBe(201);
  browser = await launchBrowser();
});
afterEach(async () => {
  await Promise.all(contexts.splice(0).map((context) => context.close()));
});
afterAll(async () => {
  await browser?.close();
  await platform?.stop();
});

async function openPage(options: { locale?: string; viewport?: { width: number; height: number } } = {}) {
  const opened = await openSignedInContext(browser, platform.url, platform.admin, options);
  contexts.push(opened.context);
  return opened;
}

const widget = (page: Page, key: string) => page.getByTestId(`widget-${key}`);
const rows = (page: Page) => page.locator('.ant-table-tbody tr[data-row-key]');

/** Waits until every chart has drawn (ECharts loads on demand). */
async function chartsDrawn(page: Page, count: number): Promise<void> {
  await poll(() => page.locator('[data-testid="widget-chart"][data-rendered="true"]').count()).toBe(count);
}

/** The filter the list's URL holds. */
const urlFilter = (page: Page) => JSON.parse(new URL(page.url()).searchParams.get('filter') ?? 'null') as unknown;

describe('dashboards', () => {
  it('draws every widget type from the aggregate API, under the CSP, and passes axe', async () => {
    const { page, errors } = await openPage();
    await page.goto(`${platform.url}/`);
    await page.getByTestId('app-nav').getByText('Sales').click();
    await page.getByRole('heading', { level: 1, name: 'Sales' }).waitFor();
    expect(new URL(page.url()).pathname).toBe('/d/sales');
    await chartsDrawn(page, 4);
    await poll(async () => await widget(page, 'open_count').getByTestId('widget-kpi').textContent()).toBe('3');
    expect(await widget(page, 'won_amount').getByTestId('widget-kpi').textContent()).toBe('CN¥60,000.50');
    expect(await widget(page, 'my_deals').getByTestId('widget-kpi').textContent()).toBe('5');
    const table = widget(page, 'stage_table').getByTestId('widget-row');
    expect(await table.allTextContents()).toEqual(['Won2CN¥60,000.50', 'New3CN¥2,050.00', 'Lost1CN¥300.00']);
    await screenshot(page, 'dashboard-desktop-en.png');
    expect(await axeViolations(page)).toEqual([]);
    expect(pageErrors(errors)).toEqual([]);
  });

  it('opens the list filtered to a clicked funnel step, bar or KPI', async () => {
    const { page, errors } = await openPage();
    await page.goto(`${platform.url}/d/sales`);
    await chartsDrawn(page, 4);

    // The funnel's steps stack from the top of its box (60 px margins), in the answer's order.
    const steps = await widget(page, 'funnel').locator('details').getByTestId('widget-row').allTextContents();
    const step = steps.findIndex((text) => text.startsWith('Won'));
    const funnel = (await widget(page, 'funnel').getByTestId('widget-chart').boundingBox())!;
    const band = (funnel.height - 120) / steps.length;
    await page.mouse.click(funnel.x + funnel.width / 2, funnel.y + 60 + band * (step + 0.5));
    await page.getByRole('heading', { level: 1, name: 'Deals' }).waitFor();
    expect(new URL(page.url()).searchParams.get('view')).toBe('deals_all');
    expect(urlFilter(page)).toEqual({ field: 'stage', op: 'eq', value: 'won' });
    await poll(() => rows(page).count()).toBe(2);
    await page.reload();
    await poll(() => rows(page).count()).toBe(2);

    // One month holds every won deal: the bar fills the plot's width; click low in it.
    await page.goBack();
    await chartsDrawn(page, 4);
    const bar = (await widget(page, 'won_by_month').getByTestId('widget-chart').boundingBox())!;
    await page.mouse.click(bar.x + bar.width / 2, bar.y + bar.height - 90);
    await page.getByRole('heading', { level: 1, name: 'Deals' }).waitFor();
    const month = today.slice(0, 7);
    const next = new Date(Date.UTC(Number(month.slice(0, 4)), Number(month.slice(5, 7)), 1)).toISOString().slice(0, 10);
    expect(urlFilter(page)).toEqual({
      and: [
        won,
        {
          and: [
            { field: 'close_date', op: 'gte', value: `${month}-01` },
            { field: 'close_date', op: 'lt', value: next },
          ],
        },
      ],
    });
    await poll(() => rows(page).count()).toBe(2);

    await page.goto(`${platform.url}/d/sales`);
    await widget(page, 'open_count').getByTestId('widget-kpi').click();
    await page.getByRole('heading', { level: 1, name: 'Deals' }).waitFor();
    expect(urlFilter(page)).toEqual(open);
    await poll(() => rows(page).count()).toBe(3);
    expect(pageErrors(errors)).toEqual([]);
  });

  it('applies the filter bar ("mine") to every widget, keeps it in the URL and in the click-through', async () => {
    const { page, errors } = await openPage();
    await page.goto(`${platform.url}/d/sales`);
    await poll(async () => await widget(page, 'open_count').getByTestId('widget-kpi').textContent()).toBe('3');
    await page.getByTestId('dashboard-mine').getByText('Mine').click();
    await poll(async () => await widget(page, 'open_count').getByTestId('widget-kpi').textContent()).toBe('2');
    expect(new URL(page.url()).searchParams.get('mine')).toBe('1');
    await page.reload();
    await poll(async () => await widget(page, 'open_count').getByTestId('widget-kpi').textContent()).toBe('2');
    await widget(page, 'open_count').getByTestId('widget-kpi').click();
    await page.getByRole('heading', { level: 1, name: 'Deals' }).waitFor();
    expect(urlFilter(page)).toEqual({ and: [open, { field: '_ownerId', op: 'eq', value: '$user' }] });
    await poll(() => rows(page).count()).toBe(2);
    expect(pageErrors(errors)).toEqual([]);
  });

  it.each([
    ['zh-CN', 'phone', PHONE],
    ['zh-CN', 'desktop', DESKTOP],
    ['en', 'phone', PHONE],
  ] as const)('reads in %s at %s width', async (locale, width, viewport) => {
    const { page, errors } = await openPage({ locale: locale === 'en' ? 'en-US' : locale, viewport });
    await page.goto(`${platform.url}/d/sales`);
    await page.getByRole('heading', { level: 1, name: locale === 'en' ? 'Sales' : '销售看板' }).waitFor();
    await chartsDrawn(page, 4);
    if (locale === 'zh-CN') {
      expect(await widget(page, 'funnel').getByRole('heading').textContent()).toBe('销售漏斗');
      expect(await widget(page, 'won_amount').getByTestId('widget-kpi').textContent()).toBe('¥60,000.50');
    }
    // One column at phone width: no widget sticks out of the page.
    const overflow = await page.evaluate('document.documentElement.scrollWidth - document.documentElement.clientWidth');
    expect(overflow).toBe(0);
    await screenshot(page, `dashboard-${width}-${locale}.png`);
    expect(await axeViolations(page)).toEqual([]);
    expect(pageErrors(errors)).toEqual([]);
  });
});
