import { test, expect, type Page } from '@playwright/test';
import { openApp } from './helpers';

// A large pool's vectors are read by a worker at reload (src/adapters/read-blobs.ts): they must come back exact, and a
// worker that cannot load must not cost the pool, the page then reads them itself.

/** 17 full pages of 512-dimension vectors: 35.7 MB, above the size from which a worker reads them. */
const PAGES = 17;
const ROWS = 1024;
const N = PAGES * ROWS;

/** Writes a pool of N memories in the store's current layout (schema 4, vectors as Blobs) before the app first opens. */
async function seedLargePool(page: Page) {
  await page.goto('/models/insight-pool/use-lite/config.json');
  await page.evaluate(
    ({ PAGES, ROWS }) =>
      new Promise<void>((resolve, reject) => {
        const open = indexedDB.open('insight-pool', 4);
        open.onupgradeneeded = () => {
          for (const name of ['meta', 'indexSnapshots', 'pages', 'vectors']) open.result.createObjectStore(name);
        };
        open.onerror = () => reject(open.error);
        open.onsuccess = () => {
          const db = open.result;
          const tx = db.transaction(['pages', 'vectors', 'meta'], 'readwrite');
          for (let p = 0; p < PAGES; p++) {
            const rows = [];
            const data = new Float32Array(ROWS * 512);
            for (let r = 0; r < ROWS; r++) {
              const i = p * ROWS + r;
              const title = `Lesson ${i} marker zq${i}`;
              rows.push({
                id: `big-${i}`, level: 'insight', title, description: '', content: `Content of lesson ${i}.`, domain: 'terminal',
                sourceModel: 'seed', outcome: 'success', scope: 'task-agnostic', tags: [], createdAt: '2026-10-01T00:00:00.000Z',
                provenance: { distiller: 'manual' }, hash: `h${i}`, embedding: { model: 'insight-pool/use-lite', dims: 512, key: title },
              });
              let norm = 0;
              for (let j = 0; j < 512; j++) norm += Math.sin(i * 0.7 + j * 0.37) ** 2;
              for (let j = 0; j < 512; j++) data[r * 512 + j] = Math.sin(i * 0.7 + j * 0.37) / Math.sqrt(norm);
            }
            tx.objectStore('pages').put({ ids: rows.map((m) => m.id), rows: JSON.stringify(rows) }, p);
            tx.objectStore('vectors').put({ lengths: rows.map(() => 512), data: new Blob([data]) }, p);
          }
          tx.objectStore('meta').put({ model: 'insight-pool/use-lite', keyMode: 'title' }, 'settings');
          tx.objectStore('meta').put({ seeded: true }, 'seeded');
          tx.objectStore('meta').put({ revision: 3 }, 'revision');
          tx.objectStore('meta').put({ revision: 3 }, 'content');
          tx.oncomplete = () => (db.close(), resolve());
          tx.onerror = () => reject(tx.error);
        };
      }),
    { PAGES, ROWS },
  );
}

/** Compares some memories' vectors, as the app loaded them, with the seeded ones (float32, bit for bit). */
async function expectVectorsExact(page: Page) {
  const mismatches = await page.evaluate(async (N) => {
    const bad: string[] = [];
    for (const i of [0, 1, 1023, 1024, 8191, 12_345, N - 1]) {
      const m = await window.insightPool.get(`big-${i}`);
      const v = m?.embedding?.vector;
      if (!v || v.length !== 512) {
        bad.push(`big-${i}: ${v ? v.length : 'no'} dims`);
        continue;
      }
      const want = new Float32Array(512);
      let norm = 0;
      for (let j = 0; j < 512; j++) norm += Math.sin(i * 0.7 + j * 0.37) ** 2;
      for (let j = 0; j < 512; j++) want[j] = Math.sin(i * 0.7 + j * 0.37) / Math.sqrt(norm);
      if (want.some((x, j) => x !== v[j])) bad.push(`big-${i}: vector differs`);
    }
    return bad;
  }, N);
  expect(mismatches).toEqual([]);
}

async function expectSearchable(page: Page) {
  expect(await page.evaluate(() => window.insightPool.count())).toBe(N);
  const top = await page.evaluate((id) => window.insightPool.retrieve(`zq${id}`, { k: 1, record: false }), N - 7);
  expect(top[0].memory.id).toBe(`big-${N - 7}`);
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
