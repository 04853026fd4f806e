// Debian's Chromium driven by playwright-core, for end-to-end tests on the headless host.
// Locally, tests skip with a clear reason when no Chromium is installed; under CI they fail
// instead, because CI installs it (.ci/run) and a silent skip would hide a broken pipeline.
import { existsSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { resolve } from 'node:path';
import { chromium } from 'playwright-core';
import type { Browser, Page } from 'playwright-core';
import { isCi, repoRoot } from './shared-data';

export const chromiumPath = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
export const chromiumAvailable = existsSync(chromiumPath);

/** Why browser tests skip here, or null when they run (always null under CI: they fail there instead). */
export const browserSkipReason: string | null =
  chromiumAvailable || isCi ? null : `Chromium not found at ${chromiumPath} (install chromium or set CHROMIUM_PATH); browser tests skipped`;
if (browserSkipReason) console.warn(browserSkipReason);

/** Screenshots and traces go here (git-ignored). */
export const testResultsDir = resolve(repoRoot, 'test-results');

export async function launchChromium(): Promise<Browser> {
  if (!chromiumAvailable) {
    throw new Error(`Chromium is required under CI but was not found at ${chromiumPath} (apt-get install chromium, or set CHROMIUM_PATH)`);
  }
  return chromium.launch({
    executablePath: chromiumPath,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-dev-shm-usage',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--no-first-run',
    ],
  });
}

/** Saves a full-page screenshot as test-results/<name>.png and returns its path. */
export async function screenshot(page: Page, name: string): Promise<string> {
  await mkdir(testResultsDir, { recursive: true });
  const path = resolve(testResultsDir, `${name}.png`);
  await page.screenshot({ path, fullPage: true });
  return path;
}

/** Collects console errors and uncaught page errors, so a test can assert the page ran cleanly. */
export function collectPageErrors(page: Page): string[] {
  const errors: string[] = [];
  page.on('pageerror', (error) => errors.push(`pageerror: ${error.message}`));
  page.on('console', (message) => {
    if (message.type() === 'error') errors.push(`console: ${message.text()}`);
  });
  return errors;
}
