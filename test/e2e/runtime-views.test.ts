import type { Entity, Role, ValidationRule, View } from '@metacrm/metadata';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { DESKTOP, PHONE, axeViolations, openSignedInContext, pageErrors, poll, screenshot } from '../helpers/app-page.js';
import { launchBrowser, requireBuiltApps } from '../helpers/browser.js';
import { openTestRedis, testEnv } from '../helpers/env.js';
import { apiClient, type ApiClient } from '../helpers/http.js';
import { startTestPlatform, type TestPlatform } from '../helpers/platform.js';

// The runtime app's other views in a real Chromium against the real platform: the
// calendar (month, week, agenda; a drag changes the date through the record pipeline,
// a refused one springs back with the error), the import wizard (a CSV of 300 rows:
// suggested mapping, dry-run report, progress, result), Chinese, phone width and axe-core.

const env = testEnv(import.meta.url);
await openTestRedis(env);

const l = (en: string, zh: string) => ({ en, 'zh-CN': zh });
const task: Entity = {
  key: 'task',
  label: l('Task', '任务'),
  pluralLabel: l('Tasks', '任务'),
  displayField: 'title',
  fields: [
    { key: 'title', type: 'text', label: l('Title', '标题'), required: true },
    { key: 'due', type: 'date', label: l('Due', '截止日期') },
    {
      key: 'status',
      type: 'single_select',
      label: l('Status', '状态'),
      options: [
        { key: 'open', label: l('Open', '进行中') },
        { key: 'done', label: l('Done', '已完成') },
      ],
    },
    { key: 'hours', type: 'decimal', label: l('Hours', '工时'), scale: 1 },
  ],
} as Entity;
const list: View = {
  type: 'list',
  key: 'tasks_all',
  entity: 'task',
  label: l('All tasks', '全部任务'),
  default: true,
  columns: [{ field: 'title' }, { field: 'due' }, { field: 'status' }],
} as View;
const calendar: View = {
  type: 'calendar',
  key: 'tasks_calendar',
  entity: 'task',
  label: l('Calendar', '日历'),
  dateField: 'due',
  titleField: 'title',
} as View;
const now = new Date();
const month = `${now.getFullYear()}-${String(now.getMonth() + 1).padStart(2, '0')}`;
const day = (d: number) => `${month}-${String(d).padStart(2, '0')}`;
/** A day that refuses deadlines (a validation rule), so a drag there springs back. */
const HOLIDAY = day(20);
const rule: ValidationRule = {
  key: 'no_holiday',
  entity: 'task',
  errorWhen: { '==': [{ var: 'due' }, HOLIDAY] },
  message: l('No deadlines on the holiday', '假日不能设截止日期'),
  fields: ['due'],
};
const worker: Role = {
  key: 'worker',
  label: l('Worker', '员工'),
  entities: { task: { read: true, create: true, update: true, scope: 'all' } },
} as Role;

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
    ['entities', task],
    ['views', list],
    ['views', calendar],
    ['rules', rule],
    ['roles', worker],
  ] as const) {
    const put = await api.put(`/api/meta/draft/${kind}/${item.key}`, item);
    expect(put.status, JSON.stringify(put.body)).toBe(200);
  }
  const published = await api.post('/api/meta/publish');
  expect(published.status, JSON.stringify(published.body)).toBe(200);
  for (const [title, due, status, hours] of [
    ['Write proposal', day(10), 'open', '3.5'],
    ['Call Acme', day(10), 'open', '1'],
    ['Ship release', day(15), 'done', '8'],
  ] as const) {
    expect((await api.post('/api/records/task', { title, due, status, hours })).status).toBe(201);
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

async function openPage(options: { locale?: string; viewport?: { width: number; height: number } } = {}) {
  const opened = await openSignedInContext(browser, platform.url, platform.admin, options);
  contexts.push(opened.context);
  return opened;
}

const dueOf = async (title: string) =>
  (
    await api.get<{ records: { due: string }[] }>(
      `/api/records/task?filter=${encodeURIComponent(JSON.stringify({ field: 'title', op: 'eq', value: title }))}`,
    )
  ).body.records[0]!.due;

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

describe('calendar view', () => {
  it('shows entries on their days, moves one by drag, and springs back a refused move with the error', async () => {
    const { page, errors } = await openPage();
    await page.goto(`${platform.url}/e/task?view=tasks_calendar`);
    const cell = (d: string) => page.getByTestId(`calendar-day-${d}`);
    const entry = (title: string) => page.getByTestId('calendar-entry').filter({ hasText: title });
    await cell(day(10)).getByText('Write proposal').waitFor();
    expect(await cell(day(10)).getByTestId('calendar-entry').count()).toBe(2);
    expect(await cell(day(15)).getByText('Ship release').count()).toBe(1);
    await screenshot(page, 'calendar-month-desktop-en.png');
    expect(await axeViolations(page)).toEqual([]);

    await drag(page, (await entry('Call Acme').boundingBox())!, (await cell(day(12)).boundingBox())!);
    await cell(day(12)).getByText('Call Acme').waitFor();
    await poll(() => dueOf('Call Acme')).toBe(day(12));

    await drag(page, (await entry('Write proposal').boundingBox())!, (await cell(HOLIDAY).boundingBox())!);
    await page
      .locator('.ant-message')
      .getByText(/No deadlines on the holiday/)
      .waitFor();
    await cell(day(10)).getByText('Write proposal').waitFor();
    expect(await cell(HOLIDAY).getByText('Write proposal').count()).toBe(0);
    expect(await dueOf('Write proposal')).toBe(day(10));
    await screenshot(page, 'calendar-refused-en.png');

    // A click opens the record in the side panel, the calendar stays behind it.
    await entry('Ship release').click();
    await page.getByTestId('record-drawer').waitFor();
    expect(new URL(page.url()).searchParams.get('view')).toBe('tasks_calendar');
    expect(pageErrors(errors).filter((e) => !e.includes('422'))).toEqual([]);
  });

  it('switches to a week and to the agenda, keeping the mode and the day in the URL', async () => {
    const { page, errors } = await openPage();
    await page.goto(`${platform.url}/e/task?view=tasks_calendar&date=${day(15)}`);
    await page.getByTestId('calendar-mode').getByText('Week').click();
    await page
      .getByTestId(`calendar-day-${day(15)}`)
      .getByText('Ship release')
      .waitFor();
    expect(await page.locator('[data-testid^="calendar-day-"]').count()).toBe(7);
    expect(new URL(page.url()).searchParams.get('cal')).toBe('week');
    await page.getByTestId('calendar-mode').getByText('Agenda').click();
    await page.getByTestId('calendar-agenda').getByText('Ship release').waitFor();
    await page.reload();
    await page.getByTestId('calendar-agenda').getByText('Ship release').waitFor();
    await screenshot(page, 'calendar-agenda-desktop-en.png');
    expect(await axeViolations(page)).toEqual([]);
    expect(pageErrors(errors)).toEqual([]);
  });

  it.each([
    ['zh-CN', 'phone', PHONE],
    ['zh-CN', 'desktop', DESKTOP],
    ['en', 'phone', PHONE],
  ] as const)('reads in %s at %s width', async (locale, width, viewport) => {
    const { page, errors } = await openPage({ locale: locale === 'en' ? 'en-US' : locale, viewport });
    await page.goto(`${platform.url}/e/task?view=tasks_calendar&date=${day(15)}`);
    await page
      .getByTestId(`calendar-day-${day(15)}`)
      .getByText('Ship release')
      .waitFor();
    if (locale === 'zh-CN') expect(await page.getByTestId('calendar-mode').textContent()).toBe('月周日程');
    const overflow = await page.evaluate('document.documentElement.scrollWidth - document.documentElement.clientWidth');
    expect(overflow).toBe(0);
    await screenshot(page, `calendar-${width}-${locale}.png`);
    expect(await axeViolations(page)).toEqual([]);
    expect(pageErrors(errors)).toEqual([]);
  });
});

/** A CSV of `count` tasks due before the holiday; every 100th has hours that are not a number. */
function tasksCsv(count: number): Buffer {
  const rows = Array.from({ length: count }, (_, i) => [
    `Imported task ${i}`,
    day(1 + (i % 18)),
    i % 2 === 0 ? 'Open' : '已完成',
    i % 100 === 50 ? 'lots' : String(i % 9),
    'ignored',
  ]);
  return Buffer.from(['Title,due,状态,Hours,Notes', ...rows.map((r) => r.join(','))].join('\r\n'));
}

/** Two imports of 300 rows through the record pipeline (a dry run, then the real one), as test/records/import.test.ts allows them. */
const IMPORT_TIME = 180_000;

describe('import wizard', () => {
  it(
    'imports a CSV of 300 rows: suggested mapping, dry-run report, progress and result',
    async () => {
      const { page, errors } = await openPage();
      await page.goto(`${platform.url}/e/task`);
      await page.getByTestId('import-open').click();
      await page.getByRole('heading', { level: 1, name: 'Import Tasks' }).waitFor();
      expect(await axeViolations(page)).toEqual([]);
      await page.locator('input[type=file]').setInputFiles({ name: 'tasks.csv', mimeType: 'text/csv', buffer: tasksCsv(300) });

      // Headers match field keys and labels in either language; the rest is left out.
      await page.getByText('300 rows').waitFor();
      const mapped = async (header: string) =>
        (
          await page.getByTestId(`import-map-${header}`).locator('.ant-select-content, .ant-select-selection-item').first().textContent()
        )?.trim();
      expect(await mapped('Title')).toBe('Title');
      expect(await mapped('due')).toBe('Due');
      expect(await mapped('状态')).toBe('Status');
      expect(await mapped('Hours')).toBe('Hours');
      expect(await mapped('Notes')).toBe('Do not import');
      await screenshot(page, 'import-mapping-desktop-en.png');
      expect(await axeViolations(page)).toEqual([]);

      await page.getByTestId('import-dry-run').click();
      await expect
        .poll(
          async () =>
            await page
              .getByTestId('import-summary')
              .textContent()
              .catch(() => ''),
          { timeout: IMPORT_TIME },
        )
        .toBe('297 rows can be imported · 3 rows have problems');
      expect(await page.getByTestId('import-errors').locator('tbody tr').count()).toBe(3);
      expect((await api.get<{ total: number }>('/api/records/task?count=true&limit=1')).body.total).toBe(3);
      await screenshot(page, 'import-dry-run-desktop-en.png');
      expect(await axeViolations(page)).toEqual([]);

      await page.getByTestId('import-start').click();
      await expect
        .poll(
          async () =>
            await page
              .getByTestId('import-summary')
              .textContent()
              .catch(() => ''),
          { timeout: IMPORT_TIME },
        )
        .toBe('Import finished · Created: 297 · Updated: 0 · Refused: 3');
      expect(await page.getByTestId('import-progress').getAttribute('aria-valuenow')).toBe('100');
      expect((await api.get<{ total: number }>('/api/records/task?count=true&limit=1')).body.total).toBe(300);
      // The pointer still rests where "Import" was, now over "Import another file": measure the page, not a hover.
      await page.mouse.move(0, 0);
      await screenshot(page, 'import-result-desktop-en.png');
      expect(await axeViolations(page)).toEqual([]);
      await page.getByTestId('import-open-list').click();
      await page.getByRole('heading', { level: 1, name: 'Tasks' }).waitFor();
      expect(pageErrors(errors)).toEqual([]);
    },
    IMPORT_TIME,
  );

  it('reads in Chinese at phone width', async () => {
    const { page, errors } = await openPage({ locale: 'zh-CN', viewport: PHONE });
    await page.goto(`${platform.url}/e/task/import`);
    await page.getByRole('heading', { level: 1, name: '导入任务' }).waitFor();
    await page.locator('input[type=file]').setInputFiles({ name: 'tasks.csv', mimeType: 'text/csv', buffer: tasksCsv(10) });
    await page.getByText('10 行').waitFor();
    const overflow = await page.evaluate('document.documentElement.scrollWidth - document.documentElement.clientWidth');
    expect(overflow).toBe(0);
    await screenshot(page, 'import-mapping-phone-zh-CN.png');
    expect(await axeViolations(page)).toEqual([]);
    expect(pageErrors(errors)).toEqual([]);
  });
});
