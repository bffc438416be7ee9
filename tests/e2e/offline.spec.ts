import { test, expect, chromium, type BrowserContext, type Page } from '@playwright/test';
import { spawn, type ChildProcess } from 'node:child_process';
import { cpSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { createHash } from 'node:crypto';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CHROMIUM_ARGS } from '../../playwright.config';
import { poolReady } from './helpers';

// The installed, offline-first app: the production build served by a plain static file server (Python's, which sends
// no COOP/COEP headers), visited once, then the server is stopped. The service worker must start the app, answer a
// retrieval and add cross-origin isolation itself. A new build on the server must show the update prompt.

const STATIC_PORT = Number(process.env.E2E_PORT ?? 4174) + 10;
const ORIGIN = `http://127.0.0.1:${STATIC_PORT}`;
const QUERY = 'The solution times out on large inputs';

async function serve(dir: string): Promise<ChildProcess> {
  const server = spawn('python3', ['-m', 'http.server', String(STATIC_PORT), '--bind', '127.0.0.1', '--directory', dir], { stdio: 'ignore' });
  for (let i = 0; i < 100; i++) {
    if (await fetch(`${ORIGIN}/`).then((r) => r.ok, () => false)) return server;
    await new Promise((r) => setTimeout(r, 100));
  }
  server.kill();
  throw new Error(`static server on ${STATIC_PORT} did not start`);
}

async function stop(server: ChildProcess): Promise<void> {
  if (server.exitCode !== null || server.signalCode !== null) return;
  const exited = new Promise((r) => server.once('exit', r));
  server.kill();
  await exited;
}

const topThree = (page: Page) =>
  page.evaluate(async (q) => (await window.insightPool.retrieve(q, { k: 3 })).map((r) => ({ title: r.memory.title, score: r.score })), QUERY);

let context: BrowserContext;
let server: ChildProcess | undefined;

test.beforeEach(async () => {
  context = await chromium.launchPersistentContext(mkdtempSync(join(tmpdir(), 'insight-pool-offline-')), {
    executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
    args: CHROMIUM_ARGS,
    serviceWorkers: 'allow',
  });
});
test.afterEach(async () => {
  await context.close();
  if (server) await stop(server);
});

/** A copy of dist/, so a rebuild or an edit below never touches the build under test. */
function copyOfBuild(): string {
  const dir = mkdtempSync(join(tmpdir(), 'insight-pool-dist-'));
  cpSync('dist', dir, { recursive: true });
  return dir;
}

test('after one visit the app starts with its server stopped, retrieves, and is cross-origin isolated by its service worker', async () => {
  server = await serve(copyOfBuild());
  const page = await context.newPage();
  await page.goto(`${ORIGIN}/`);
  await poolReady(page);
  // The plain server sends no COOP/COEP: the first visit runs without isolation. The service worker installing
  // meanwhile must not disturb the model download (a claim mid-load once sent the app to its ONNX Runtime fallback).
  expect(await page.evaluate(() => crossOriginIsolated)).toBe(false);
  expect((await page.evaluate(() => window.insightPool.info())).runtime).toBe('USE-lite wasm engine');
  // Active means installed, and installing means every precached file is in the cache.
  await page.evaluate(() => navigator.serviceWorker.ready.then(() => undefined));
  const online = await topThree(page);
  expect(online).toHaveLength(3);

  await stop(server);
  expect(await fetch(`${ORIGIN}/`).then(() => 'up', () => 'down')).toBe('down');
  await page.reload();
  await poolReady(page);
  expect(await topThree(page)).toEqual(online);
  const info = await page.evaluate(() => window.insightPool.info());
  expect(info.runtime).toBe('USE-lite wasm engine');
  // Served by the service worker, with the headers it adds: isolated, so the engine has its threads.
  expect(await page.evaluate(() => crossOriginIsolated)).toBe(true);

  // A new tab, a fresh start of the app with no network at all.
  const second = await context.newPage();
  await second.goto(`${ORIGIN}/?index=flat`);
  await poolReady(second);
  expect((await topThree(second)).map((r) => r.title)).toEqual(online.map((r) => r.title));
  expect(await second.evaluate(() => window.insightPool.info().then((i) => i.index))).toBe('flat');
});

test('a new build on the server shows the "new version available" prompt, and Reload brings it in', async () => {
  const first = copyOfBuild();
  server = await serve(first);
  const page = await context.newPage();
  await page.goto(`${ORIGIN}/`);
  await poolReady(page);
  await page.evaluate(() => navigator.serviceWorker.ready.then(() => undefined));
  await expect(page.getByTestId('update-prompt')).toHaveCount(0);

  // The next build: its index.html changed, so its service worker's precache list names a new revision of it.
  const next = copyOfBuild();
  const html = readFileSync(join(next, 'index.html'), 'utf8').replace('<title>Insight Pool</title>', '<title>Insight Pool</title><meta name="build" content="next" />');
  writeFileSync(join(next, 'index.html'), html);
  const sw = readFileSync(join(next, 'sw.js'), 'utf8');
  const revision = createHash('md5').update(html).digest('hex');
  const updated = sw.replace(/("revision":")[0-9a-f]+(","url":"index\.html")/, `$1${revision}$2`);
  expect(updated).not.toBe(sw);
  writeFileSync(join(next, 'sw.js'), updated);
  await stop(server);
  server = await serve(next);

  // The browser checks for a new service worker on navigation; the old one keeps serving until the user says so.
  await page.reload();
  await poolReady(page);
  await expect(page.getByTestId('update-prompt')).toBeVisible({ timeout: 60_000 });
  await expect(page.getByTestId('update-prompt')).toContainText('A new version of Insight Pool is available');
  expect(await page.locator('meta[name=build]').count()).toBe(0);

  await page.getByTestId('update-prompt').getByRole('button', { name: 'Reload' }).click();
  await page.waitForFunction(() => document.querySelector('meta[name=build]')?.getAttribute('content') === 'next', null, { timeout: 60_000 });
  await poolReady(page);
  await expect(page.getByTestId('update-prompt')).toHaveCount(0);
});
