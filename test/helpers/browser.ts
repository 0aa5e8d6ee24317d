import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium, type Browser, type Page } from 'playwright-core';

/** Debian's Chromium (setup installs it). Browser tests never download a browser. */
export const CHROMIUM_PATH = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

const repoRoot = fileURLToPath(new URL('../../', import.meta.url));

/** Where browser tests leave screenshots (git-ignored). */
export const ARTIFACTS_DIR = path.join(repoRoot, 'test', '.artifacts');

/** Launches headless Chromium with nothing that reaches out to the network on its own. */
export async function launchBrowser(): Promise<Browser> {
  if (!fs.existsSync(CHROMIUM_PATH)) {
    throw new Error(`Chromium is not at ${CHROMIUM_PATH}. Run \`npm run setup\` (it installs Debian's chromium) or set CHROMIUM_PATH.`);
  }
  return await chromium.launch({
    executablePath: CHROMIUM_PATH,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
}

/**
 * Fails, with what to do, when an app the platform serves has not been built or its
 * build is older than its sources: a browser test would otherwise pass or fail against
 * yesterday's UI. The apps are built by `npm run setup` and `npm run build`.
 */
export function requireBuiltApps(apps: readonly string[] = ['runtime-ui', 'designer']): void {
  // Both apps build the UI kit (@metacrm/ui-kit) in, so its sources date them too.
  const sources = [...apps, 'runtime-ui/kit'];
  const newestSource = Math.max(
    ...sources.flatMap((app) => sourceFiles(path.join(repoRoot, app)).map((file) => fs.statSync(file).mtimeMs)),
  );
  for (const app of apps) {
    const index = path.join(repoRoot, app, 'dist', 'index.html');
    if (!fs.existsSync(index)) {
      throw new Error(`${app}/dist/index.html is missing: the browser tests need the built apps. Run \`npm run build\` first.`);
    }
    if (fs.statSync(index).mtimeMs < newestSource) {
      throw new Error(`${app}/dist is older than the app sources. Run \`npm run build\` to rebuild the apps before the browser tests.`);
    }
  }
}

function sourceFiles(appDir: string): string[] {
  const files = ['index.html', 'vite.config.ts'].map((name) => path.join(appDir, name)).filter((file) => fs.existsSync(file));
  const walk = (dir: string): void => {
    for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
      const full = path.join(dir, entry.name);
      if (entry.isDirectory()) walk(full);
      else files.push(full);
    }
  };
  walk(path.join(appDir, 'src'));
  return files;
}

/**
 * Records what the page reports as broken: uncaught exceptions and console errors.
 * Tests assert the list is empty, so a React warning or a failed request is not missed.
 */
export function watchPageErrors(page: Page): string[] {
  const errors: string[] = [];
  page.on('pageerror', (err) => errors.push(`pageerror: ${err.message}`));
  page.on('console', (message) => {
    if (message.type() === 'error') errors.push(`console: ${message.text()}`);
  });
  return errors;
}
