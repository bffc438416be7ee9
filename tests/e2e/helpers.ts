import { chromium, expect, type BrowserContext, type Page } from '@playwright/test';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CHROMIUM_ARGS } from '../../playwright.config';

export const BASE_URL = `http://127.0.0.1:${process.env.E2E_PORT ?? 4174}`;

/** A browser with a profile on disk, so a test can close it and start it again on the same data. */
export async function launchPersistent(userDataDir = mkdtempSync(join(tmpdir(), 'insight-pool-profile-'))) {
  const context = await chromium.launchPersistentContext(userDataDir, {
    executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
    args: CHROMIUM_ARGS,
    baseURL: BASE_URL,
  });
  return { context, userDataDir };
}

/** Records every request the pages and workers of a context make. */
export function recordRequests(context: BrowserContext): string[] {
  const urls: string[] = [];
  context.on('request', (request) => urls.push(request.url()));
  return urls;
}

export async function openApp(page: Page, path = '/') {
  await page.goto(path);
  await page.evaluate(() => window.insightPool.ready());
  await expect(page.getByTestId('pool-status')).toBeVisible();
}
