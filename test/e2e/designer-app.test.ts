import fs from 'node:fs';
import path from 'node:path';
import { createRequire } from 'node:module';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { ARTIFACTS_DIR, launchBrowser, requireBuiltApps, watchPageErrors } from '../helpers/browser.js';
import { openTestRedis, testEnv } from '../helpers/env.js';
import { apiClient, type ApiClient } from '../helpers/http.js';
import { startTestPlatform, type TestPlatform } from '../helpers/platform.js';

// The designer in a real Chromium against the real platform, by mouse and keyboard
// only: an admin builds the entity "Project" from the palette, reads the diff and
// publishes; the runtime UI then lists Project and a user creates one. The API is used
// only to check what the steps stored. Code run in the page is passed as strings.

const env = testEnv(import.meta.url);
await openTestRedis(env);
const DESKTOP = { width: 1280, height: 900 };
const AXE_SOURCE = fs.readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');

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
  browser = await launchBrowser();
});
afterEach(async (context) => {
  // A failed step leaves a picture of where it stopped.
  if (context.task.result?.state === 'fail') {
    const pages = contexts.flatMap((c) => c.pages());
    for (const [i, page] of pages.entries())
      await page.screenshot({ path: path.join(ARTIFACTS_DIR, `designer-failed-${i}.png`), fullPage: true }).catch(() => undefined);
  }
  await Promise.all(contexts.splice(0).map((c) => c.close()));
});
afterAll(async () => {
  await browser?.close();
  await platform?.stop();
});

async function openPage(locale = 'en-US') {
  const context = await browser.newContext({ locale, viewport: DESKTOP });
  contexts.push(context);
  const signedIn = await context.request.post(`${platform.url}/api/auth/login`, {
    data: { email: platform.admin.email, password: platform.admin.password },
  });
  expect(signedIn.status()).toBe(200);
  const page = await context.newPage();
  return { page, errors: watchPageErrors(page) };
}

const shot = async (page: Page, name: string) => await page.screenshot({ path: path.join(ARTIFACTS_DIR, name), fullPage: true });

async function axeViolations(page: Page): Promise<string[]> {
  // The pointer rests off every control, so no hover colour is judged.
  await page.mouse.move(0, 0);
  return await page.evaluate<string[]>(`(async () => {
    ${AXE_SOURCE}
    const result = await axe.run(document, { resultTypes: ['violations'] });
    return result.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical').map((v) => v.id + ': ' + v.nodes.map((n) => n.target.join(' ')).join(', '));
  })()`);
}

/** Page errors less the CSP refusing the <style> antd's modal adds to lock scrolling (as in runtime-app.test.ts), and expected 4xx answers. */
const pageErrors = (errors: string[], ...expected: string[]) =>
  errors.filter((e) => !e.includes('Applying inline style violates') && !expected.some((x) => e.includes(x)));

const poll = <T>(fn: () => T | Promise<T>) => expect.poll(fn, { timeout: 20_000 });

/** Drags with the mouse from one element to another, in steps, as a person does (dnd-kit's pointer sensor needs movement). */
async function drag(page: Page, from: ReturnType<Page['locator']>, to: ReturnType<Page['locator']>): Promise<void> {
  const a = (await from.boundingBox())!;
  const b = (await to.boundingBox())!;
  await page.mouse.move(a.x + a.width / 2, a.y + a.height / 2);
  await page.mouse.down();
  await page.mouse.move(a.x + a.width / 2 + 8, a.y + a.height / 2 + 8, { steps: 3 });
  await page.mouse.move(b.x + b.width / 2, b.y + b.height / 2, { steps: 12 });
  await page.mouse.up();
}

const saved = (page: Page) => page.locator('[data-testid="save-state"][data-state="saved"]').waitFor();

type DraftEntity = { item: { fields: { key: string; type: string; label: Record<string, string> }[] } };

// One scenario in steps, each in a fresh page: an entity from the palette, reordered and
// autosaved, a field deleted after its impact report, the publish, then the runtime UI.
describe('designer: Project from the palette to the runtime UI', () => {
  it('creates the entity from the home page', async () => {
    const { page, errors } = await openPage();
    await page.goto(`${platform.url}/designer/`);
    await page.getByRole('heading', { level: 1, name: 'Overview' }).waitFor();
    await page.getByTestId('draft-problems').getByText('No problems').waitFor();
    await shot(page, 'designer-home-empty-en.png');
    expect(await axeViolations(page)).toEqual([]);

    // A new entity: the key is suggested from the English name.
    await page.getByTestId('new-entity').first().click();
    await page.getByTestId('new-entity-zh').fill('项目');
    await page.getByTestId('new-entity-en').fill('Project');
    expect(await page.getByTestId('new-entity-key').inputValue()).toBe('project');
    await page.getByTestId('new-entity-create').click();
    await page.waitForURL(/\/designer\/entities\/project$/);
    await page.getByTestId('field-name').waitFor();

    expect(pageErrors(errors)).toEqual([]);
  });

  it('drags six field types onto it and labels them in both languages', async () => {
    const { page, errors } = await openPage();
    await page.goto(`${platform.url}/designer/entities/project`);
    await page.getByTestId('field-name').waitFor();
    // Six fields of six types, dragged from the palette onto the field list.
    const types = ['currency', 'date', 'single_select', 'email', 'boolean', 'long_text'];
    for (const type of types) {
      await drag(page, page.getByTestId(`palette-${type}`), page.getByTestId('field-drop-end'));
      await poll(() => page.locator('[data-field-row]').count()).toBe(types.indexOf(type) + 2);
    }
    expect(await page.locator('[data-field-row] code').allTextContents()).toEqual([
      'name',
      'currency',
      'date',
      'single_select',
      'email',
      'yes_no',
      'long_text',
    ]);

    // Labels in both languages; the key follows the English label until published.
    await page.getByTestId('field-currency').click();
    await page.getByTestId('field-label-zh').fill('预算');
    await page.getByTestId('field-label-en').fill('Budget');
    await poll(() => page.getByTestId('field-key').inputValue()).toBe('budget');
    await page.getByTestId('field-date').click();
    await page.getByTestId('field-label-en').fill('Start date');
    await page.getByTestId('field-label-zh').fill('开始日期');
    await page.getByTestId('field-single_select').click();
    await page.getByTestId('field-label-en').fill('Status');
    await page.getByTestId('field-label-zh').fill('状态');
    await shot(page, 'designer-entity-en.png');
    await saved(page);
    expect(pageErrors(errors)).toEqual([]);
  });

  it('reorders by keyboard, undoes and redoes, and autosaves the draft', async () => {
    const { page, errors } = await openPage();
    await page.goto(`${platform.url}/designer/entities/project`);
    await page.getByTestId('field-status').waitFor();

    // Reorder by keyboard: Status up above Start date.
    await page.getByTestId('field-status').focus();
    await page.keyboard.press('Alt+ArrowUp');
    await poll(async () => (await page.locator('[data-field-row] code').allTextContents()).slice(0, 4)).toEqual([
      'name',
      'budget',
      'status',
      'start_date',
    ]);
    // Undo puts it back, redo moves it again.
    await page.keyboard.press('Control+z');
    await poll(async () => (await page.locator('[data-field-row] code').allTextContents())[2]).toBe('start_date');
    await page.keyboard.press('Control+Shift+z');
    await poll(async () => (await page.locator('[data-field-row] code').allTextContents())[2]).toBe('status');

    // Autosave: the draft holds what the screen shows.
    await saved(page);
    await poll(async () => (await api.get<DraftEntity>('/api/meta/draft/entities/project')).body.item.fields.map((f) => f.key)).toEqual([
      'name',
      'budget',
      'status',
      'start_date',
      'email',
      'yes_no',
      'long_text',
    ]);
    expect(await axeViolations(page)).toEqual([]);
    expect(pageErrors(errors)).toEqual([]);
  });

  it('deletes a field after its impact report', async () => {
    const { page, errors } = await openPage();
    await page.goto(`${platform.url}/designer/entities/project`);
    await page.getByTestId('field-status').waitFor();

    // A field added by a click, then deleted after its impact report.
    await page.getByTestId('palette-url').click();
    await saved(page);
    await page.getByTestId('delete-url').click();
    await page.getByTestId('impact-records').waitFor();
    expect(await page.getByTestId('delete-impact').textContent()).toContain('No record holds a value');
    await shot(page, 'designer-delete-field-en.png');
    await page.getByTestId('delete-confirm').click();
    await poll(() => page.getByTestId('field-url').count()).toBe(0);
    await saved(page);
    expect(pageErrors(errors)).toEqual([]);
  });

  it('publishes after showing the diff and the migrations', async () => {
    const { page, errors } = await openPage();
    await page.goto(`${platform.url}/designer/entities/project`);
    await page.getByTestId('field-status').waitFor();

    // Publish: the diff first, then the publish.
    await page.getByTestId('entity-publish').click();
    await page.getByRole('heading', { level: 1, name: 'Publish' }).waitFor();
    await page.getByTestId('diff').getByText('project').waitFor();
    await page.getByTestId('migration-create_entity').waitFor();
    await shot(page, 'designer-publish-en.png');
    expect(await axeViolations(page)).toEqual([]);
    await page.getByTestId('publish-message').fill('Projects');
    await page.getByTestId('publish-go').click();
    await page.getByTestId('publish-done').waitFor();
    expect(
      (await api.get<{ version: number; bundle: { entities: { key: string }[] } }>('/api/meta')).body.bundle.entities.map((e) => e.key),
    ).toContain('project');
    expect(pageErrors(errors)).toEqual([]);
  });

  it('lists Project in the runtime UI, where a user creates one', async () => {
    const { page, errors } = await openPage();

    // The runtime UI lists Project, and a user creates one through the generated form.
    await page.goto(`${platform.url}/`);
    await page.getByTestId('app-nav').getByText('Project').click();
    await page.getByRole('heading', { level: 1, name: 'Project' }).waitFor();
    await page.getByTestId('new-record').click();
    const drawer = page.getByTestId('record-drawer');
    await drawer.getByLabel('Name').fill('Apollo');
    await drawer.getByLabel('Budget').fill('250000');
    await drawer.getByLabel('Long text').fill('Moon first');
    await drawer.getByTestId('form-save').click();
    await page.waitForURL(/open=[0-9a-f]{24}/);
    await poll(async () => (await api.get<{ records: { name: string; budget: string }[] }>('/api/records/project')).body.records).toEqual([
      expect.objectContaining({ name: 'Apollo', budget: '250000.00', long_text: 'Moon first' }),
    ]);
    await shot(page, 'designer-runtime-project-en.png');
    expect(pageErrors(errors)).toEqual([]);
  });
});

describe('designer: draft and versions', () => {
  it('shows two admins editing one entity a conflict instead of overwriting each other', async () => {
    const mine = await openPage();
    const theirs = await openPage();
    for (const { page } of [mine, theirs]) {
      await page.goto(`${platform.url}/designer/entities/project`);
      await page.getByTestId('field-budget').click();
    }
    await theirs.page.getByTestId('field-label-en').fill('Budget (CNY)');
    await saved(theirs.page);
    await mine.page.getByTestId('field-label-en').fill('Planned budget');
    await mine.page.getByTestId('conflict').waitFor();
    await shot(mine.page, 'designer-conflict-en.png');
    // Nothing was overwritten: the draft holds their label until a choice is made.
    expect(
      (await api.get<DraftEntity>('/api/meta/draft/entities/project')).body.item.fields.find((f) => f.key === 'budget')!.label.en,
    ).toBe('Budget (CNY)');
    await mine.page.getByTestId('conflict-reload').click();
    await poll(() => mine.page.getByTestId('field-label-en').inputValue()).toBe('Budget (CNY)');
    await saved(mine.page);
    expect(pageErrors(mine.errors, '409')).toEqual([]);
    expect(pageErrors(theirs.errors)).toEqual([]);
  });

  it('publishes a change that removes values only with the explicit choice, then compares versions and rolls back', async () => {
    const { page, errors } = await openPage();
    // Deleting a field that holds a value: the impact names the record, publish asks to accept the loss.
    await page.goto(`${platform.url}/designer/entities/project`);
    await page.getByTestId('delete-long_text').click();
    await poll(async () => await page.getByTestId('impact-records').textContent()).toContain('1 records hold a value');
    await page.getByTestId('delete-confirm').click();
    await saved(page);
    await page.getByTestId('entity-publish').click();
    await page.getByTestId('migration-unset_field').waitFor();
    expect(await page.getByTestId('publish-go').isDisabled()).toBe(true);
    await shot(page, 'designer-publish-accept-loss-en.png');
    await page.getByTestId('accept-loss').check();
    await page.getByTestId('publish-go').click();
    await page.getByTestId('publish-done').waitFor();

    // Versions: the latest publish's diff, then a rollback to version 1 (which brings the field back).
    await page.getByTestId('designer-nav').getByText('Versions').click();
    await page.getByRole('heading', { level: 1, name: 'Version history' }).waitFor();
    await poll(() => page.getByTestId('versions').locator('tbody tr').count()).toBe(2);
    await page.getByTestId('versions-diff').getByText('project').waitFor();
    await shot(page, 'designer-versions-en.png');
    expect(await axeViolations(page)).toEqual([]);
    await page.getByTestId('rollback-1').click();
    await page.getByTestId('rollback-diff').waitFor();
    await page.getByTestId('rollback-go').click();
    await page.getByTestId('rollback-done').waitFor();
    const current = (await api.get<{ version: number; bundle: { entities: { key: string; fields: { key: string }[] }[] } }>('/api/meta'))
      .body;
    expect(current.version).toBe(3);
    expect(current.bundle.entities.find((e) => e.key === 'project')!.fields.map((f) => f.key)).toContain('long_text');
    expect(pageErrors(errors)).toEqual([]);
  });

  it.each(['zh-CN', 'en-US'])('shows every designer page in %s at 1280 px without serious axe violations', async (locale) => {
    const { page, errors } = await openPage(locale);
    const lang = locale === 'zh-CN' ? 'zh-CN' : 'en';
    const pages = [
      ['/designer/', 'home', 'designer-home'],
      ['/designer/entities/project', 'entity', 'entity-designer'],
      ['/designer/publish', 'publish', 'publish-page'],
      ['/designer/versions', 'versions', 'versions-page'],
    ] as const;
    for (const [url, name, testId] of pages) {
      await page.goto(`${platform.url}${url}`);
      await page.getByTestId(testId).waitFor();
      if (name === 'entity') await page.getByTestId('field-status').click();
      if (name === 'home') await page.getByTestId('list-entities').waitFor();
      if (name === 'publish') await page.getByTestId('publish-refresh').isEnabled();
      if (name === 'versions') await page.getByTestId('versions-diff').waitFor();
      await shot(page, `designer-${name}-${lang}.png`);
      expect(await axeViolations(page), name).toEqual([]);
    }
    expect(pageErrors(errors)).toEqual([]);
  });
});
