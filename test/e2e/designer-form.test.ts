import fs from 'node:fs';
import path from 'node:path';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import type { Entity, Form, Role } from '@metacrm/metadata';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { ARTIFACTS_DIR, launchBrowser, requireBuiltApps } from '../helpers/browser.js';
import { DESKTOP, PHONE, axeViolations, openSignedIn, pageErrors, poll, screenshot } from '../helpers/app-page.js';
import { openTestRedis, testEnv } from '../helpers/env.js';
import { apiClient, type ApiClient } from '../helpers/http.js';
import { startTestPlatform, type TestPlatform } from '../helpers/platform.js';

// The form layout designer in a real Chromium, by mouse and keyboard only: an admin lays
// out a two-column form with a second section whose field appears only when the budget
// is over 100,000 (a condition made with the condition builder), previews it as a role
// at phone width, publishes; a sales user then creates a Project in the runtime UI and
// sees the field appear when the condition holds. The entity and the role it starts
// from are put in the draft through the API (the entity designer has its own test);
// the API is otherwise used only to check what the steps stored.

const env = testEnv(import.meta.url);
await openTestRedis(env);
const l = (en: string, zh: string) => ({ en, 'zh-CN': zh });
const project = {
  key: 'project',
  label: l('Project', '项目'),
  pluralLabel: l('Projects', '项目'),
  displayField: 'name',
  fields: [
    { key: 'name', type: 'text', label: l('Name', '名称'), required: true },
    { key: 'budget', type: 'currency', label: l('Budget', '预算'), currencyCode: 'CNY' },
    {
      key: 'status',
      type: 'single_select',
      label: l('Status', '状态'),
      options: [
        { key: 'planned', label: l('Planned', '计划中') },
        { key: 'active', label: l('Active', '进行中') },
      ],
    },
    { key: 'risk', type: 'long_text', label: l('Risk notes', '风险说明') },
    { key: 'code', type: 'text', label: l('Internal code', '内部编号') },
  ],
} as Entity;
// Sales may create and read projects, but not see the internal code: the preview must leave it out.
const sales = {
  key: 'sales',
  label: l('Sales', '销售'),
  entities: { project: { create: true, read: true, update: true, scope: 'all', fields: { code: { read: false } } } },
} as unknown as Role;
const SALES = { email: 'sales@example.com', password: 'sales password 123' };
const CONDITION = { '>': [{ var: 'budget' }, 100000] };

let platform: TestPlatform;
let api: ApiClient;
let browser: Browser;
const contexts: BrowserContext[] = [];

beforeAll(async () => {
  requireBuiltApps(['designer', 'runtime-ui']);
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
    ['entities', project],
    ['roles', sales],
  ] as const) {
    const put = await api.put(`/api/meta/draft/${kind}/${item.key}`, item);
    expect(put.status, JSON.stringify(put.body)).toBe(200);
  }
  browser = await launchBrowser();
});
afterEach(async (context) => {
  // A failed step leaves a picture of where it stopped.
  if (context.task.result?.state === 'fail') {
    const pages = contexts.flatMap((c) => c.pages());
    for (const [i, page] of pages.entries())
      await page.screenshot({ path: path.join(ARTIFACTS_DIR, `designer-form-failed-${i}.png`), fullPage: true }).catch(() => undefined);
  }
  await Promise.all(contexts.splice(0).map((c) => c.close()));
});
afterAll(async () => {
  await browser?.close();
  await platform?.stop();
});

const admin = (options: { locale?: string; viewport?: { width: number; height: number } } = {}) =>
  openSignedIn(browser, platform.url, contexts, { user: platform.admin, ...options });
const saved = (page: Page) => page.locator('[data-testid="save-state"][data-state="saved"]').waitFor();
const draftForm = async () => (await api.get<{ item: Form }>('/api/meta/draft/forms/project_form')).body.item;
const canvasOrder = async (page: Page, section: string) =>
  await page
    .getByTestId(`canvas-section-${section}`)
    .locator('[data-testid^="cell-"]')
    .evaluateAll((cells) => cells.map((c) => c.getAttribute('data-testid')!.slice('cell-'.length)));

/** Drags with the mouse in steps, as a person does (dnd-kit's pointer sensor needs movement). */
async function drag(page: Page, from: ReturnType<Page['locator']>, to: ReturnType<Page['locator']>): Promise<void> {
  await from.scrollIntoViewIfNeeded();
  const a = (await from.boundingBox())!;
  await page.mouse.move(a.x + a.width / 2, a.y + a.height / 2);
  await page.mouse.down();
  await page.mouse.move(a.x + a.width / 2 + 8, a.y + a.height / 2 + 8, { steps: 3 });
  await to.scrollIntoViewIfNeeded();
  const b = (await to.boundingBox())!;
  await page.mouse.move(b.x + b.width / 2, b.y + b.height / 2, { steps: 12 });
  await page.mouse.up();
}

/** Picks an option of an antd select by its text, by mouse. */
async function choose(page: Page, select: ReturnType<Page['locator']>, option: string): Promise<void> {
  await select.click();
  await page.locator(`.ant-select-dropdown:not(.ant-select-dropdown-hidden) .ant-select-item-option[title="${option}"]`).click();
}

describe('form layout designer', () => {
  it('lays out a two-column form with a section and a conditional field', async () => {
    const { page, errors } = await admin();
    await page.goto(`${platform.url}/designer/entities/project`);
    await page.getByTestId('entity-forms').click();
    await page.getByTestId('new-form').click();
    await page.waitForURL(/\/designer\/entities\/project\/forms\/project_form$/);
    await page.getByTestId('form-canvas').waitFor();
    await saved(page);

    // Three fields dragged from the palette into the first (two-column) section.
    for (const field of ['name', 'budget', 'status']) {
      await drag(page, page.getByTestId(`palette-field-${field}`), page.getByTestId('drop-section_1'));
    }
    await poll(() => canvasOrder(page, 'section_1')).toEqual(['name', 'budget', 'status']);
    expect(await page.getByTestId('canvas-field-name').getByLabel('Name', { exact: true }).count()).toBe(1);

    // The keyboard: Shift+→ widens a field to the whole row, Shift+← narrows it again; ← moves it earlier; Ctrl+Z undoes.
    await page.getByTestId('cell-name').focus();
    await page.keyboard.press('Shift+ArrowRight');
    await poll(() => page.getByTestId('canvas-field-name').getAttribute('data-span')).toBe('24');
    await page.keyboard.press('Shift+ArrowLeft');
    await poll(() => page.getByTestId('canvas-field-name').getAttribute('data-span')).toBe('12');
    await page.getByTestId('cell-status').focus();
    await page.keyboard.press('ArrowLeft');
    await poll(() => canvasOrder(page, 'section_1')).toEqual(['name', 'status', 'budget']);
    await page.keyboard.press('Control+z');
    await poll(() => canvasOrder(page, 'section_1')).toEqual(['name', 'budget', 'status']);

    // A second section from the palette, labelled in both languages, one column wide.
    await page.getByTestId('palette-section').click();
    await page.getByTestId('section-label-zh').fill('风险');
    await page.getByTestId('section-label-en').fill('Risk');
    await page.getByTestId('section-columns').getByText('1', { exact: true }).click();
    await drag(page, page.getByTestId('palette-field-risk'), page.getByTestId('drop-section_2'));
    await poll(() => canvasOrder(page, 'section_2')).toEqual(['risk']);

    // Risk notes are visible only when the budget is over 100,000: built with the condition builder.
    await page.getByTestId('cell-risk').click();
    const builder = page.getByTestId('visibleWhen-builder');
    await page.getByTestId('visibleWhen-add-rule').click();
    await choose(page, builder.getByRole('combobox', { name: 'Field' }), 'Budget');
    await choose(page, builder.getByRole('combobox', { name: 'Operator' }), 'is greater than');
    await builder.getByRole('spinbutton', { name: 'Value' }).fill('100000');
    await builder.getByRole('spinbutton', { name: 'Value' }).press('Tab');
    await poll(async () => (await draftForm().catch(() => undefined))?.layout.tabs[0]!.sections[1]!.fields[0]!.visibleWhen).toEqual(
      CONDITION,
    );
    await saved(page);

    // The JSON view shows the same json-logic; the canvas marks the field as conditional.
    await page.getByTestId('visibleWhen-mode').getByText('JSON').click();
    expect(JSON.parse(await page.getByTestId('visibleWhen-json').inputValue())).toEqual(CONDITION);
    await page.getByTestId('visibleWhen-mode').getByText('Builder').click();
    await page.getByTestId('canvas-field-risk').getByText('Has conditions').waitFor();

    const form = await draftForm();
    expect(form).toMatchObject({ entity: 'project', default: true });
    expect(
      form.layout.tabs[0]!.sections.map((s) => ({ label: s.label, columns: s.columns, fields: s.fields.map((p) => p.field) })),
    ).toEqual([
      { label: l('Basics', '基本信息'), columns: 2, fields: ['name', 'budget', 'status'] },
      { label: l('Risk', '风险'), columns: 1, fields: ['risk'] },
    ]);
    await screenshot(page, 'designer-form-en.png');
    expect(await axeViolations(page)).toEqual([]);
    expect(pageErrors(errors)).toEqual([]);
  });

  it('previews the form as a role at phone width, with the condition live', async () => {
    const { page, errors } = await admin();
    await page.goto(`${platform.url}/designer/entities/project/forms/project_form`);
    await page.getByTestId('cell-risk').waitFor();
    await page.getByTestId('form-preview').click();
    const dialog = page.getByTestId('preview-dialog');
    await choose(page, dialog.getByRole('combobox', { name: 'As role' }), 'Sales');
    await dialog.getByTestId('preview-width').getByText('Phone').click();
    const frame = dialog.getByTestId('preview-frame');
    await frame.getByLabel('Budget').fill('50000');
    await poll(() => frame.getByLabel('Risk notes').count()).toBe(0);
    await frame.getByLabel('Budget').fill('250000');
    await frame.getByLabel('Risk notes').waitFor();
    // The role cannot read the internal code (not on this form either way) and the form draws one column.
    expect(await frame.getByLabel('Internal code').count()).toBe(0);
    await screenshot(page, 'designer-form-preview-390-en.png');
    expect(await axeViolations(page)).toEqual([]);
    expect(pageErrors(errors)).toEqual([]);
  });

  it.each(['zh-CN', 'en-US'])('shows the form designer in %s at 1280 px without serious axe violations', async (locale) => {
    const { page, errors } = await admin({ locale, viewport: DESKTOP });
    await page.goto(`${platform.url}/designer/entities/project/forms/project_form`);
    await page.getByTestId('cell-risk').click();
    await page.getByTestId('visibleWhen-builder').getByRole('spinbutton').waitFor();
    await screenshot(page, `designer-form-selected-${locale === 'zh-CN' ? 'zh-CN' : 'en'}.png`);
    expect(await axeViolations(page)).toEqual([]);
    expect(pageErrors(errors)).toEqual([]);
  });

  it('publishes, and a sales user sees the conditional field appear in the runtime UI', async () => {
    const { page, errors } = await admin();
    await page.goto(`${platform.url}/designer/publish`);
    await page.getByTestId('diff').getByText('project_form').waitFor();
    await page.getByTestId('publish-go').click();
    await page.getByTestId('publish-done').waitFor();
    // The user of the role just published (users name published roles only).
    const created = await api.post('/api/users', { email: SALES.email, name: 'Sally Sales', password: SALES.password, roles: ['sales'] });
    expect(created.status, JSON.stringify(created.body)).toBe(201);

    const user = await openSignedIn(browser, platform.url, contexts, { user: SALES, viewport: PHONE });
    await user.page.goto(`${platform.url}/e/project`);
    await user.page.getByTestId('new-record').click();
    const drawer = user.page.getByTestId('record-drawer');
    await drawer.getByLabel('Name').fill('Apollo');
    await drawer.getByLabel('Budget').fill('90000');
    await poll(() => drawer.getByLabel('Risk notes').count()).toBe(0);
    await drawer.getByLabel('Budget').fill('150000');
    await drawer.getByLabel('Risk notes').fill('Launch window');
    await screenshot(user.page, 'designer-form-runtime-390-en.png');
    await drawer.getByTestId('form-save').click();
    await poll(async () => (await api.get<{ records: Record<string, unknown>[] }>('/api/records/project')).body.records).toEqual([
      expect.objectContaining({ name: 'Apollo', budget: '150000.00', risk: 'Launch window' }),
    ]);
    expect(pageErrors(errors)).toEqual([]);
    expect(pageErrors(user.errors)).toEqual([]);
  });

  it('builds a formula with the expression builder, evaluated at once on a sample record', async () => {
    const { page, errors } = await admin();
    await page.goto(`${platform.url}/designer/entities/project`);
    await page.getByTestId('field-budget').waitFor();
    await page.getByTestId('palette-formula').click();
    const builder = page.locator('[data-testid$="-expression"]');
    await builder.waitFor();
    // A function from the registry's list, then a field from the picker, inserted at the cursor.
    const text = builder.locator('textarea[data-testid$="-text"]');
    // The new formula's starting expression selected, so the inserted function replaces it.
    await text.selectText();
    await choose(page, builder.getByRole('combobox', { name: 'Insert a function' }), 'round(a1, [a2])');
    await poll(() => text.inputValue()).toBe('{"round":[null]}');
    await text.fill('{"round": [{"*": [, 1.1]}, 2]}');
    await text.press('Home');
    for (let i = 0; i < '{"round": [{"*": ['.length; i++) await text.press('ArrowRight');
    await choose(page, builder.getByRole('combobox', { name: 'Insert a field' }), 'Budget (budget)');
    await poll(() => text.inputValue()).toBe('{"round": [{"*": [{"var":"budget"}, 1.1]}, 2]}');
    // The sample record's budget is 1200.50: the value shows at once; a bad operation shows its error.
    await poll(() => builder.locator('[data-testid$="-result"] [data-state="value"]').textContent()).toBe('"1320.55"');
    await screenshot(page, 'designer-expression-en.png');
    expect(await axeViolations(page)).toEqual([]);
    await text.fill('{"method": [{"var": "name"}, "toString"]}');
    await builder.locator('[data-testid$="-problems"]').getByText('LOGIC_NOT_ALLOWED').waitFor();
    expect(pageErrors(errors)).toEqual([]);
  });
});
