import { chromium, expect, type BrowserContext, type Page } from '@playwright/test';
import { createServer, type Server } from 'node:http';
import { existsSync, mkdtempSync, readFileSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, normalize } from 'node:path';
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

/**
 * Waits until the page's pool is ready, or fails with the reason it did not get there. Not `page.evaluate(() =>
 * window.insightPool.ready())`: the DevTools protocol holds an awaited promise by a weak handle, and Chromium 150
 * collected it while still pending ("Resulting promise was garbage collected", at the first load of two tests in four
 * full runs, never reproduced alone). Here nothing crosses the protocol as a promise: a flag set when the pool is ready
 * is polled.
 */
type ReadyFlag = { poolReadyForTest?: string };

export async function poolReady(page: Page, timeout = 60_000) {
  await page.waitForFunction(() => window.insightPool !== undefined, null, { timeout });
  await page.evaluate(() => {
    const flag = window as unknown as ReadyFlag;
    flag.poolReadyForTest = undefined;
    window.insightPool.ready().then(
      () => (flag.poolReadyForTest = 'ready'),
      (error: unknown) => (flag.poolReadyForTest = String(error instanceof Error ? error.message : error)),
    );
  });
  const state = await (await page.waitForFunction(() => (window as unknown as ReadyFlag).poolReadyForTest, null, { timeout })).jsonValue();
  if (state !== 'ready') throw new Error(`the pool did not become ready: ${state}`);
}

export async function openApp(page: Page, path = '/') {
  await page.goto(path);
  await poolReady(page);
  await expect(page.getByTestId('pool-status')).toBeVisible();
}

/** Asks the Retrieve panel as a user does from the keyboard (`/` focuses the box, Ctrl+Enter searches); the result cards. */
export async function askFromKeyboard(page: Page, query: string) {
  await page.keyboard.press('/');
  await page.keyboard.type(query);
  await page.keyboard.press('Control+Enter');
  return page.getByTestId('result');
}

export interface StandInHub {
  /** Base URL to type into the app's download host field, ending in `/`. */
  url: string;
  /** Every path requested so far. */
  requests: string[];
  close(): Promise<void>;
}

/**
 * A stand-in for the Hub on 127.0.0.1, serving model folders under `root` at the Hub's URL layout
 * ({owner}/{name}/resolve/main/{file}), with CORS. The only place a download can go in these tests.
 */
export async function startStandInHub(root: string): Promise<StandInHub> {
  const requests: string[] = [];
  const server: Server = createServer((req, res) => {
    requests.push(req.url ?? '');
    const match = /^\/([\w.-]+\/[\w.-]+)\/resolve\/main\/(.+)$/.exec(req.url ?? '');
    const file = match && normalize(join(root, match[1], decodeURIComponent(match[2])));
    res.setHeader('Access-Control-Allow-Origin', '*');
    if (!file || !file.startsWith(root) || !existsSync(file) || !statSync(file).isFile()) {
      res.writeHead(404).end('not found');
      return;
    }
    res.writeHead(200, { 'content-type': 'application/octet-stream' }).end(readFileSync(file));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  return {
    url: `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}/`,
    requests,
    close: () => new Promise<void>((resolve) => (server.listening ? server.close(() => resolve()) : resolve())),
  };
}
