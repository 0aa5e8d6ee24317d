import fs from 'node:fs';
import type { Entity, Form, View } from '@metacrm/metadata';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { axeViolations, DESKTOP, openSignedIn, pageErrors, PHONE, poll, screenshot, settled } from '../helpers/app-page.js';
import { ARTIFACTS_DIR, launchBrowser, requireBuiltApps } from '../helpers/browser.js';
import { openTestRedis, testEnv } from '../helpers/env.js';
import { apiClient, type ApiClient } from '../helpers/http.js';
import { startTestPlatform, type TestPlatform } from '../helpers/platform.js';

// Form widgets of the runtime app in a real Chromium against the real platform (issue
// #15): the attachment widget (upload with progress, download, remove, a refused file)
// and the record page's Attachments tab; a drawer and a modal opening with no Content
// Security Policy violation while the page behind them stays locked. Both languages at
// desktop and phone width, with axe-core.

const env = testEnv(import.meta.url);
await openTestRedis(env);

const l = (en: string, zh: string) => ({ en, 'zh-CN': zh });
const claim: Entity = {
  key: 'claim',
  label: l('Claim', '理赔'),
  pluralLabel: l('Claims', '理赔'),
  displayField: 'title',
  fields: [
    { key: 'title', type: 'text', label: l('Title', '标题'), required: true },
    { key: 'docs', type: 'attachment', label: l('Documents', '文件') },
  ],
} as Entity;
const form: Form = {
  key: 'claim_main',
  entity: 'claim',
  label: l('Claim', '理赔'),
  default: true,
  layout: {
    tabs: [{ key: 'main', label: l('Main', '主要'), sections: [{ key: 'basics', fields: [{ field: 'title' }, { field: 'docs' }] }] }],
  },
};
const view: View = {
  type: 'list',
  key: 'claims_all',
  entity: 'claim',
  label: l('All claims', '全部理赔'),
  default: true,
  columns: [{ field: 'title' }, { field: 'docs' }],
} as View;
const MAX_BYTES = 200 * 1024;
const PDF = Buffer.from('%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n');

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
    config: { attachments: { maxBytes: MAX_BYTES, orphanTtlMs: 3_600_000 } },
  });
  api = apiClient(platform.url, { token: platform.adminToken });
  for (const [kind, item] of [
    ['entities', claim],
    ['forms', form],
    ['views', view],
  ] as const) {
    const put = await api.put(`/api/meta/draft/${kind}/${item.key}`, item);
    expect(put.status, JSON.stringify(put.body)).toBe(200);
  }
  expect((await api.post('/api/meta/publish')).status).toBe(200);
  browser = await launchBrowser();
});
afterEach(async () => {
  await Promise.all(contexts.splice(0).map((context) => context.close()));
});
afterAll(async () => {
  await browser?.close();
  await platform?.stop();
});

const openPage = (options: { locale?: string; viewport?: { width: number; height: number } } = {}) =>
  openSignedIn(browser, platform.url, contexts, { ...options, user: platform.admin });
/** Every console message in which the browser refused something under the CSP. */
function cspViolations(page: Page): string[] {
  const found: string[] = [];
  page.on('console', (m) => /Content Security Policy|violates/i.test(m.text()) && found.push(m.text()));
  return found;
}
const bodyOverflow = (page: Page) => page.evaluate<string>('getComputedStyle(document.body).overflowY');

describe('form widgets', () => {
  it('uploads files with progress, saves, downloads and removes them, and lists them on the record page', async () => {
    const { page, errors } = await openPage();
    await page.goto(`${platform.url}/e/claim?new=1`);
    const drawer = page.getByTestId('record-drawer');
    await drawer.getByTestId('record-form').waitFor();
    await drawer.getByLabel('Title').fill('Water damage');
    const widget = drawer.getByTestId('attachments-docs');
    await drawer.getByTestId('attachments-docs-input').setInputFiles([
      { name: 'estimate.pdf', mimeType: 'application/pdf', buffer: PDF },
      { name: 'notes.txt', mimeType: 'text/plain', buffer: Buffer.from('Pipe burst on the 3rd floor.\n') },
    ]);
    await widget.getByRole('link', { name: 'estimate.pdf' }).waitFor();
    await widget.getByRole('link', { name: 'notes.txt' }).waitFor();
    // A file over the limit is refused by the server, with its code, beside the field.
    await drawer
      .getByTestId('attachments-docs-input')
      .setInputFiles([{ name: 'huge.pdf', mimeType: 'application/pdf', buffer: Buffer.concat([PDF, Buffer.alloc(MAX_BYTES)]) }]);
    await poll(async () => await widget.getByRole('alert').textContent()).toContain('ATTACHMENT_TOO_LARGE');
    await widget.getByRole('button', { name: 'Remove notes.txt' }).click();
    await screenshot(page, 'widgets-attachments-form-desktop-en.png');
    expect(await axeViolations(page)).toEqual([]);
    await drawer.getByTestId('form-save').click();
    const created = await poll(async () =>
      (await api.get<{ records: { id: string; docs?: { name: string }[] }[] }>('/api/records/claim')).body.records.map((r) =>
        r.docs?.map((d) => d.name),
      ),
    ).toEqual([['estimate.pdf']]);
    void created;
    const [record] = (await api.get<{ records: { id: string }[] }>('/api/records/claim')).body.records;
    await page.goto(`${platform.url}/e/claim/${record!.id}`);
    await page.getByTestId('record-drawer').getByRole('tab', { name: 'Files (1)' }).click();
    const tab = page.getByTestId('record-attachments');
    const [download] = await Promise.all([page.waitForEvent('download'), tab.getByRole('link', { name: 'estimate.pdf' }).click()]);
    expect(download.suggestedFilename()).toBe('estimate.pdf');
    expect(fs.readFileSync((await download.path())!).equals(PDF)).toBe(true);
    await screenshot(page, 'widgets-attachments-tab-desktop-en.png');
    expect(await axeViolations(page)).toEqual([]);
    expect(pageErrors(errors).filter((e) => !e.includes('413'))).toEqual([]);
  });

  it('opens a drawer and a modal with no CSP violation, and locks the page behind them', async () => {
    const { page, errors } = await openPage();
    const csp = cspViolations(page);
    await api.post('/api/records/claim', { title: 'Hail' });
    await page.goto(`${platform.url}/e/claim`);
    const row = page.locator('.ant-table-tbody tr[data-row-key]').filter({ hasText: 'Hail' });
    await row.waitFor();
    await settled(page);
    expect(await bodyOverflow(page)).not.toBe('hidden');
    // Every <style> element the page adds from here on (read through the devtools
    // protocol, which the CSP does not govern), to tell what each refusal was.
    await page.evaluate(
      "window.__styles = []; new MutationObserver((ms) => ms.forEach((m) => m.addedNodes.forEach((n) => n.nodeName === 'STYLE' && window.__styles.push(n.textContent)))).observe(document.documentElement, { childList: true, subtree: true })",
    );
    csp.splice(0);
    await row.click();
    const drawer = page.getByTestId('record-drawer');
    await drawer.getByTestId('record-header').waitFor();
    await settled(page);
    expect(await bodyOverflow(page)).toBe('hidden');
    await drawer.getByTestId('header-owner').click();
    const modal = page.getByRole('dialog', { name: 'Change owner' });
    await modal.waitFor();
    await settled(page);
    expect(await bodyOverflow(page)).toBe('hidden');
    await screenshot(page, 'widgets-modal-over-drawer-desktop-en.png');
    await page.keyboard.press('Escape');
    await modal.waitFor({ state: 'hidden' });
    // Opening the drawer and the modal injected nothing; the only refusals allowed are
    // antd's table measuring the scrollbar of the list behind, should it render again.
    const styles = await page.evaluate<string[]>('window.__styles');
    const measures = styles.filter((text) => text.includes('rc-scrollbar-measure'));
    expect(styles.filter((text) => !text.includes('rc-scrollbar-measure'))).toEqual([]);
    expect(csp.length).toBe(measures.length);
    await page.keyboard.press('Escape');
    await poll(() => new URL(page.url()).pathname).toBe('/e/claim');
    await poll(() => bodyOverflow(page)).not.toBe('hidden');
    expect(pageErrors(errors)).toEqual([]);
  });

  it.each([
    ['zh-CN', DESKTOP, 'desktop'],
    ['zh-CN', PHONE, 'phone'],
    ['en', PHONE, 'phone'],
  ] as const)('shows the attachment widget and tab in %s at %s width', async (locale, viewport, width) => {
    const { page, errors } = await openPage({ locale, viewport });
    const upload = await fetch(`${platform.url}/api/attachments/claim/docs?name=${encodeURIComponent('报价单 2026 年第四季度.pdf')}`, {
      method: 'POST',
      headers: { ...api.authHeaders(), 'Content-Type': 'application/pdf' },
      body: PDF,
    });
    const ref = await upload.json();
    const made = await api.post<{ id: string }>('/api/records/claim', { title: `${locale} ${width}`, docs: [ref] });
    expect(made.status).toBe(201);
    await page.goto(`${platform.url}/e/claim/${made.body.id}`);
    const drawer = page.getByTestId('record-drawer');
    await drawer.getByTestId('attachments-docs').getByRole('link', { name: '报价单 2026 年第四季度.pdf' }).waitFor();
    await screenshot(page, `widgets-attachments-form-${width}-${locale}.png`);
    expect(await axeViolations(page)).toEqual([]);
    await drawer.getByRole('tab', { name: locale === 'en' ? 'Files (1)' : '附件（1）' }).click();
    await page.getByTestId('record-attachments').waitFor();
    await screenshot(page, `widgets-attachments-tab-${width}-${locale}.png`);
    expect(await axeViolations(page)).toEqual([]);
    expect(pageErrors(errors)).toEqual([]);
  });
});
