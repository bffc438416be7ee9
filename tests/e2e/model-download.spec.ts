import { test, expect, type Page } from '@playwright/test';
import { execFileSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openApp, startStandInHub, type StandInHub } from './helpers';

// A stand-in for the Hub on 127.0.0.1, serving a tiny model the project generates, at the Hub's URL layout
// ({model}/resolve/main/{file}). It is the only place a download can go in these tests.
let hub: StandInHub;
let modelsRoot: string;

test.beforeAll(async () => {
  modelsRoot = mkdtempSync(join(tmpdir(), 'insight-pool-hub-'));
  execFileSync('node', ['scripts/make-tiny-model.mjs', '--out', join(modelsRoot, 'test-org', 'tiny'), '--dims', '32', '--seed', '7']);
  hub = await startStandInHub(modelsRoot);
});

test.afterAll(() => hub?.close());

async function info(page: Page) {
  return page.evaluate(() => window.insightPool.info());
}

test('a model download goes only where the user pointed it, re-embeds the pool, and works offline afterwards', async ({ page, context }) => {
  await openApp(page);
  const before = await info(page);
  expect(hub.requests).toHaveLength(0); // nothing reaches a hub until the user asks

  await page.getByRole('tab', { name: 'Settings' }).click();
  await page.getByTestId('download-id').fill('test-org/tiny');
  await page.getByTestId('download-host').fill(hub.url);
  const submit = page.getByRole('button', { name: 'Download and switch' });
  await expect(submit).toBeDisabled(); // explicit consent first
  await page.getByTestId('download-consent').check();
  await submit.click();
  await expect(page.getByTestId('current-model')).toHaveText('test-org/tiny');
  await expect(page.getByTestId('header-model')).toHaveText('test-org/tiny');

  const after = await info(page);
  expect(after).toMatchObject({ model: 'test-org/tiny', dims: 32, count: before.count });
  expect(hub.requests.some((u) => u.includes('/test-org/tiny/resolve/main/onnx/model.onnx'))).toBe(true);
  const vectors = await page.evaluate(() => window.insightPool.embed(['offline model check']));
  expect(vectors[0]).toHaveLength(32);
  const hits = await page.evaluate(() => window.insightPool.retrieve('install a missing tool', { k: 3 }));
  expect(hits).toHaveLength(3);

  // The Hub goes away; the model comes from the browser cache on reload.
  await hub.close();
  const seen = hub.requests.length;
  await context.setOffline(true);
  await page.reload().catch(() => undefined); // the page itself may not reload offline with no service worker
  await context.setOffline(false);
  await openApp(page);
  expect(await info(page)).toMatchObject({ model: 'test-org/tiny', dims: 32, count: before.count });
  const again = await page.evaluate(() => window.insightPool.embed(['offline model check']));
  expect(again[0].map((x) => x.toFixed(6))).toEqual(vectors[0].map((x) => x.toFixed(6)));
  expect(hub.requests.length).toBe(seen);
});

test('a download of a model the host does not have fails clearly and leaves the pool as it was', async ({ page }) => {
  await openApp(page);
  const before = await info(page);
  await page.getByRole('tab', { name: 'Settings' }).click();
  await page.getByTestId('download-id').fill('test-org/absent');
  await page.getByTestId('download-host').fill('http://127.0.0.1:9/');
  await page.getByTestId('download-consent').check();
  await page.getByRole('button', { name: 'Download and switch' }).click();
  await expect(page.getByTestId('settings-job-error')).toBeVisible();
  await expect(page.getByTestId('settings-job-error')).toContainText('test-org/absent');
  expect(await info(page)).toEqual(before);
});

test('a model folder imported from disk becomes the pool model', async ({ page }) => {
  const folder = join(mkdtempSync(join(tmpdir(), 'insight-pool-folder-')), 'my-tiny');
  execFileSync('node', ['scripts/make-tiny-model.mjs', '--out', folder, '--dims', '24', '--seed', '3']);
  await openApp(page);
  const before = await info(page);
  await page.getByRole('tab', { name: 'Settings' }).click();
  await page.getByTestId('model-folder').setInputFiles(folder);
  await expect(page.getByTestId('current-model')).toHaveText('local/my-tiny');
  expect(await info(page)).toMatchObject({ model: 'local/my-tiny', dims: 24, count: before.count });
  await page.reload();
  await openApp(page);
  expect(await info(page)).toMatchObject({ model: 'local/my-tiny', dims: 24, count: before.count });
});
