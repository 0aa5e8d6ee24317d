import fs from 'node:fs';
import path from 'node:path';
import { createRequire } from 'node:module';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { expect } from 'vitest';
import { ARTIFACTS_DIR, watchPageErrors } from './browser.js';

// What the browser tests of the runtime app share: a signed-in page, screenshots,
// axe-core in the page, and the page errors that count. Code that runs in the page is
// passed as strings: the tests are compiled for Node.

export const DESKTOP = { width: 1280, height: 900 };
export const PHONE = { width: 390, height: 844 };
const AXE_SOURCE = fs.readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');

export interface PageOptions {
  locale?: string;
  viewport?: { width: number; height: number };
  user: { email: string; password: string };
}

/** A new browser context signed in as `user` (through the API, which sets the session cookie), and its page. */
export async function openSignedIn(
  browser: Browser,
  url: string,
  contexts: BrowserContext[],
  options: PageOptions,
): Promise<{ page: Page; errors: string[] }> {
  const { context, page, errors } = await openSignedInContext(browser, url, options.user, options);
  contexts.push(context);
  return { page, errors };
}

/** As openSignedIn, answering the context for the caller to close. */
export async function openSignedInContext(
  browser: Browser,
  baseUrl: string,
  user: { email: string; password: string },
  options: { locale?: string; viewport?: { width: number; height: number } } = {},
): Promise<{ context: BrowserContext; page: Page; errors: string[] }> {
  const context = await browser.newContext({ locale: options.locale ?? 'en-US', viewport: options.viewport ?? DESKTOP });
  const signedIn = await context.request.post(`${baseUrl}/api/auth/login`, { data: { email: user.email, password: user.password } });
  expect(signedIn.status()).toBe(200);
  const page = await context.newPage();
  return { context, page, errors: watchPageErrors(page) };
}

/** Waits until no CSS animation or transition runs (a drawer sliding in), so a screenshot shows the settled screen. */
export async function settled(page: Page): Promise<void> {
  // Polled from here: waitForFunction would evaluate the predicate in the page, which the CSP refuses.
  await poll(async () => await page.evaluate<boolean>('document.getAnimations().every((a) => a.playState !== "running")')).toBe(true);
}

/** A full-page screenshot in test/.artifacts (look at them), taken once the page has settled. */
export async function screenshot(page: Page, name: string): Promise<void> {
  await settled(page);
  fs.mkdirSync(ARTIFACTS_DIR, { recursive: true });
  await page.screenshot({ path: path.join(ARTIFACTS_DIR, name), fullPage: true });
}

/** axe-core's serious and critical violations on the page (evaluated through the devtools protocol, which the CSP does not govern). */
export async function axeViolations(page: Page): Promise<string[]> {
  // Colours are measured as drawn: let the transitions of controls that just appeared end first.
  await page.evaluate('Promise.all(document.getAnimations().map((a) => a.finished.catch(() => undefined)))');
  return await page.evaluate<string[]>(`(async () => {
    ${AXE_SOURCE}
    const result = await axe.run(document, { resultTypes: ['violations'] });
    return result.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical').map((v) => v.id + ': ' + v.nodes.map((n) => n.target.join(' ')).join(', '));
  })()`);
}

/**
 * The page's errors, less the Content Security Policy refusing the <style> element antd's
 * table adds to measure the scrollbar as it mounts (see runtime-ui/README.md; drawers and
 * modals no longer add one: form-widgets.test.ts fails on any refusal while they open).
 * Nothing else may be refused.
 */
export function pageErrors(errors: string[]): string[] {
  return errors.filter((e) => !e.includes('Applying inline style violates'));
}

/** Polls with a deadline that suits a shared, loaded machine. */
export const poll = <T>(fn: () => T | Promise<T>) => expect.poll(fn, { timeout: 15_000 });
