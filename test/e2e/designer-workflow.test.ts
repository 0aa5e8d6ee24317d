import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { startSmtpReceiver, type SmtpReceiver } from '../fixtures/smtp-receiver.js';
import { DESKTOP, PHONE, axeViolations, openSignedIn, pageErrors, poll, screenshot } from '../helpers/app-page.js';
import { launchBrowser, requireBuiltApps } from '../helpers/browser.js';
import { openTestRedis, testEnv } from '../helpers/env.js';
import { apiClient, type ApiClient } from '../helpers/http.js';
import { startTestPlatform, type TestPlatform } from '../helpers/platform.js';

// The workflow designer in a real Chromium against the real platform, by mouse and
// keyboard only: on an entity "Project" (published through the API beforehand, as the
// designer's entity test builds one), an admin builds "on create, if budget > 100000,
// send an email" on the canvas, dry-runs it against a sample, publishes it; a record
// created through the API then sends the email to the test SMTP receiver, and the run
// shows in the run history. The API is used only for the entity and to check results.

const env = testEnv(import.meta.url);
await openTestRedis(env);
const KEY = 'big_project_alert';

let platform: TestPlatform;
let api: ApiClient;
let browser: Browser;
let smtp: SmtpReceiver;
const contexts: BrowserContext[] = [];

const project = {
  key: 'project',
  label: { 'zh-CN': '项目', en: 'Project' },
  pluralLabel: { 'zh-CN': '项目', en: 'Projects' },
  displayField: 'name',
  fields: [
    { key: 'name', type: 'text', label: { 'zh-CN': '名称', en: 'Name' }, required: true },
    { key: 'budget', type: 'currency', label: { 'zh-CN': '预算', en: 'Budget' }, currencyCode: 'CNY', scale: 2 },
  ],
};

beforeAll(async () => {
  requireBuiltApps(['designer']);
  smtp = await startSmtpReceiver();
  platform = await startTestPlatform({
    role: 'all',
    mongoUrl: env.mongoUrl,
    redisUrl: env.redisUrl,
    database: env.dbName,
    queuePrefix: env.prefix,
    config: { mail: { smtpUrl: smtp.url, from: 'metacrm <crm@example.com>' } },
  });
  api = apiClient(platform.url, { token: platform.adminToken });
  expect((await api.put('/api/meta/draft/entities/project', project)).status).toBe(200);
  expect((await api.post('/api/meta/publish')).status).toBe(200);
  browser = await launchBrowser();
});
afterEach(async (context) => {
  if (context.task.result?.state === 'fail') {
    for (const [i, page] of contexts.flatMap((c) => c.pages()).entries())
      await page.screenshot({ path: `test/.artifacts/designer-workflow-failed-${i}.png`, fullPage: true }).catch(() => undefined);
  }
  await Promise.all(contexts.splice(0).map((c) => c.close()));
});
afterAll(async () => {
  await browser?.close();
  await platform?.stop();
  await smtp?.close();
});

const open = (locale = 'en-US', viewport = DESKTOP) =>
  openSignedIn(browser, platform.url, contexts, { locale, viewport, user: platform.admin });
const saved = (page: Page) => page.locator('[data-testid="save-state"][data-state="saved"]').waitFor();
type Draft = {
  item: {
    start?: string;
    trigger: { type: string };
    steps: { id: string; type: string; next?: string; config: Record<string, unknown>; branches?: { when: unknown; next: string }[] }[];
  };
};

/** Presses a button by keyboard: focus, Enter. */
async function press(page: Page, testId: string): Promise<void> {
  await page.getByTestId(testId).focus();
  await page.keyboard.press('Enter');
}

/** Picks an option of an antd select or auto-complete by keyboard: focus, type to filter, Enter. */
async function choose(page: Page, input: ReturnType<Page['locator']>, text: string): Promise<void> {
  await input.focus();
  await page.keyboard.type(text);
  // This input's own list (another select's may still be closing): the popup holding the listbox it controls.
  const list = await input.getAttribute('aria-controls');
  await page.locator(`.ant-select-dropdown:has([id="${list}"]) .ant-select-item-option-active`).waitFor();
  await page.keyboard.press('Enter');
}

describe('workflow designer: on create, if budget > 100000, send an email', () => {
  it('builds the workflow on the canvas', async () => {
    const { page, errors } = await open();
    await page.goto(`${platform.url}/designer/`);
    await page.getByRole('tab', { name: /Workflows/ }).click();
    await page.getByTestId('new-workflow').click();
    await page.locator('#new-wf-zh').fill('大项目提醒');
    await page.locator('#new-wf-en').fill('Big project alert');
    expect(await page.locator('#new-wf-key').inputValue()).toBe(KEY);
    await page.getByTestId('new-workflow-create').click();
    await page.waitForURL(new RegExp(`/designer/workflows/${KEY}$`));
    await page.getByTestId('node-trigger').waitFor();

    // "+" under the trigger, then a condition from the palette: its path is open until it holds a step.
    await page.getByTestId('add-main-0').click();
    await page.getByTestId('pick-condition').click();
    await page.getByTestId('node-condition').waitFor();
    await page.getByTestId('node-condition').getByText('2 problems').waitFor();
    // budget is greater than 100000, picked and typed with the keyboard.
    await choose(page, page.locator('#branch-condition-0-var-0'), 'record.budget');
    await choose(page, page.getByTestId('branch-condition-0-op-0').locator('input'), 'greater');
    await page.getByTestId('branch-condition-0-value-0').fill('100000');

    // In its first path, an email to the project office with the record's name in the subject.
    await page.getByTestId('add-0.0-0').click();
    await page.getByTestId('pick-send_email').click();
    await page.getByTestId('step-settings').waitFor();
    await page.locator('#config-send_email_to').fill('pmo@example.com');
    await page.locator('#config-send_email_subject').fill('Big project: ');
    await choose(page, page.getByTestId('config-send_email_subject-insert').locator('input'), 'record.name');
    expect(await page.locator('#config-send_email_subject').inputValue()).toBe('Big project: {{record.name}}');
    await page.locator('#config-send_email_text').fill('Budget {{record.budget}}');
    await saved(page);
    await page.getByTestId('problem-summary').getByText('No problems').waitFor();

    const draft = (await api.get<Draft>(`/api/meta/draft/workflows/${KEY}`)).body.item;
    expect(draft.trigger.type).toBe('record_created');
    expect(draft.start).toBe('condition');
    expect(draft.steps.map((s) => s.id)).toEqual(['condition', 'send_email']);
    expect(draft.steps[0]).toMatchObject({
      type: 'set_variables',
      label: { en: 'Condition' },
      branches: [{ when: { '>': [{ var: 'record.budget' }, 100000] }, next: 'send_email' }],
    });
    expect(draft.steps[0]!.next).toBeUndefined();
    expect(draft.steps[1]!.config).toEqual({
      to: 'pmo@example.com',
      subject: 'Big project: {{record.name}}',
      text: 'Budget {{record.budget}}',
    });

    expect(pageErrors(errors)).toEqual([]);
  });

  it('removes a step by keyboard, and undoes and redoes it', async () => {
    const { page, errors } = await open();
    await page.goto(`${platform.url}/designer/workflows/${KEY}`);
    await page.getByTestId('node-send_email').waitFor();
    // A step added after the condition, then removed by keyboard (Delete on its node); Ctrl+Z brings it back, Ctrl+Shift+Z removes it again.
    await page.getByTestId('add-main-1').click();
    await page.getByTestId('pick-delay').click();
    await page.getByTestId('node-delay').focus();
    await page.keyboard.press('Delete');
    await page.getByTestId('node-delay').waitFor({ state: 'detached' });
    await page.keyboard.press('Control+z');
    await page.getByTestId('node-delay').waitFor();
    await page.keyboard.press('Control+Shift+z');
    await page.getByTestId('node-delay').waitFor({ state: 'detached' });
    await saved(page);
    expect((await api.get<Draft>(`/api/meta/draft/workflows/${KEY}`)).body.item.steps.map((s) => s.id)).toEqual([
      'condition',
      'send_email',
    ]);

    await page.getByTestId('node-condition').click();
    await page.evaluate('window.scrollTo(0, 0)');
    await screenshot(page, 'designer-workflow-canvas-en.png');
    expect(await axeViolations(page)).toEqual([]);
    expect(pageErrors(errors)).toEqual([]);
  });

  it('dry-runs it against a sample record, drawn on the canvas step by step', async () => {
    const { page, errors } = await open();
    await page.goto(`${platform.url}/designer/workflows/${KEY}`);
    await page.getByTestId('node-send_email').waitFor();
    // Buttons pressed with the keyboard (antd's click wave would keep the page animating for the screenshot).
    await press(page, 'open-dry-run');
    await page.locator('#sample_name').fill('Apollo');
    await page.locator('#sample_budget').fill('250000.00');
    await press(page, 'dry-run-start');
    await page.locator('[data-testid="dry-result"][data-status="completed"]').waitFor();
    await page.getByTestId('dry-step-send_email').getByText('pmo@example.com').waitFor();
    expect(await page.getByTestId('node-condition').getAttribute('data-dry')).toBe('completed');
    expect(await page.getByTestId('node-send_email').getAttribute('data-dry')).toBe('completed');
    await screenshot(page, 'designer-workflow-dry-run-en.png');
    expect(await axeViolations(page)).toEqual([]);

    // A small budget: the condition runs, the email does not.
    await page.locator('#sample_budget').fill('5000.00');
    await press(page, 'dry-run-start');
    await poll(async () => await page.getByTestId('node-send_email').getAttribute('data-dry')).toBe(null);
    expect(await page.getByTestId('node-condition').getAttribute('data-dry')).toBe('completed');
    expect(smtp.messages).toHaveLength(0);
    expect(pageErrors(errors)).toEqual([]);
  });

  it('publishes it; a record created with a large budget sends the email, and the run shows in the history', async () => {
    const { page, errors } = await open();
    await page.goto(`${platform.url}/designer/workflows/${KEY}`);
    await page.getByTestId('node-send_email').waitFor();
    await saved(page);
    await page.getByTestId('workflow-publish').click();
    await page.getByRole('heading', { level: 1, name: 'Publish' }).waitFor();
    await page.getByTestId('diff').getByText(KEY).waitFor();
    await page.getByTestId('publish-message').fill('Big project alert');
    await page.getByTestId('publish-go').click();
    await page.getByTestId('publish-done').waitFor();

    expect((await api.post('/api/records/project', { name: 'Small', budget: '900.00' })).status).toBe(201);
    expect((await api.post('/api/records/project', { name: 'Apollo', budget: '250000.00' })).status).toBe(201);
    await poll(() => smtp.messages.length).toBe(1);
    expect(smtp.messages[0]!.parsed.subject).toBe('Big project: Apollo');
    expect(smtp.messages[0]!.rcptTo).toEqual(['pmo@example.com']);

    await page.goto(`${platform.url}/designer/workflows/${KEY}/runs`);
    await poll(async () => {
      await page.getByTestId('runs-refresh').click();
      return await page.getByTestId('run-status').allTextContents();
    }).toEqual(['Completed', 'Completed']);
    await page.getByTestId('run-open').first().click();
    await page.getByTestId('run-log').getByTestId('log-send_email').waitFor();
    await screenshot(page, 'designer-workflow-runs-en.png');
    expect(await axeViolations(page)).toEqual([]);
    expect(pageErrors(errors)).toEqual([]);
  });

  it.each([
    ['zh-CN', DESKTOP, '1280'],
    ['en-US', PHONE, '390'],
    ['zh-CN', PHONE, '390'],
  ] as const)('shows the canvas and the run history in %s at %s', async (locale, viewport, width) => {
    const { page, errors } = await open(locale, viewport);
    const lang = locale === 'en-US' ? 'en' : 'zh';
    await page.goto(`${platform.url}/designer/workflows/${KEY}`);
    await page.getByTestId('node-send_email').waitFor();
    await page.getByTestId('node-send_email').click();
    await page.getByTestId('step-settings').waitFor();
    await screenshot(page, `designer-workflow-canvas-${lang}-${width}.png`);
    expect(await axeViolations(page)).toEqual([]);
    await page.getByTestId('tab-runs').click();
    await page.getByTestId('run-status').first().waitFor();
    await screenshot(page, `designer-workflow-runs-${lang}-${width}.png`);
    expect(await axeViolations(page)).toEqual([]);
    expect(pageErrors(errors)).toEqual([]);
  });
});
