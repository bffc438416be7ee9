import { test, expect, type Page } from '@playwright/test';
import { openApp } from './helpers';
import { LARGE_POOL, LARGE_POOL_SCRIPT } from '../fixtures/large-pool';

// A large pool's vectors are read by a worker at reload (src/adapters/read-blobs.ts): they must come back exact, and a
// worker that cannot load must not cost the pool, the page then reads them itself.

const run = <T>(page: Page, call: string) => page.evaluate(`(async () => { ${LARGE_POOL_SCRIPT} ${call} })()`) as Promise<T>;

/** Writes the pool (tests/fixtures/large-pool.ts) from a same-origin page that is not the app, before it first opens. */
async function seedLargePool(page: Page) {
  await page.goto('/models/insight-pool/use-lite/config.json');
  await run(page, `await seed(${JSON.stringify({ pages: LARGE_POOL.pages, blob: true, keyMode: 'title' })}); return true;`);
}

async function expectVectorsExact(page: Page) {
  expect(await run<string[]>(page, `return await check(${LARGE_POOL.count});`)).toEqual([]);
}

async function expectSearchable(page: Page) {
  expect(await page.evaluate(() => window.insightPool.count())).toBe(LARGE_POOL.count);
  const top = await page.evaluate((id) => window.insightPool.retrieve(`zq${id}`, { k: 1, record: false }), LARGE_POOL.count - 7);
  expect(top[0].memory.id).toBe(`big-${LARGE_POOL.count - 7}`);
}

test('a large pool reloads with every vector exact, read by a worker', async ({ page }) => {
  test.setTimeout(120_000);
  await seedLargePool(page);
  const workers: string[] = [];
  page.on('worker', (w) => workers.push(w.url()));
  await openApp(page);
  expect(workers.filter((u) => u.includes('read-blobs'))).toHaveLength(1);
  await expectVectorsExact(page);
  await expectSearchable(page);
});

test('a large pool still opens, vectors exact, when the reading worker cannot load', async ({ page }) => {
  test.setTimeout(120_000);
  await seedLargePool(page);
  let blocked = 0;
  await page.route(/read-blobs/, (route) => (blocked++, route.abort()));
  await openApp(page);
  expect(blocked).toBeGreaterThan(0);
  await expectVectorsExact(page);
  await expectSearchable(page);
});
