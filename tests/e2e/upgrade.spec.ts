import { test, expect } from '@playwright/test';
import { openApp } from './helpers';

// A pool saved by the previous version (IndexedDB schema 2: one record per memory, vector inside) must open in this
// version with every memory, and be searchable: the upgrade moves the records into pages in one transaction.
test('a pool saved by the previous version (schema 2) opens with its memories, searchable', async ({ page }) => {
  // Any same-origin page that is not the app, so the old database exists before the app first opens it.
  await page.goto('/models/insight-pool/use-lite/config.json');
  await page.evaluate(
    () =>
      new Promise<void>((resolve, reject) => {
        const open = indexedDB.open('insight-pool', 2);
        open.onupgradeneeded = () => {
          const db = open.result;
          const memories = db.createObjectStore('memories', { keyPath: 'id' });
          for (const index of ['level', 'domain', 'createdAt', 'hash']) memories.createIndex(index, index);
          db.createObjectStore('meta');
          db.createObjectStore('indexSnapshots');
        };
        open.onerror = () => reject(open.error);
        open.onsuccess = () => {
          const db = open.result;
          const tx = db.transaction(['memories', 'meta'], 'readwrite');
          const store = tx.objectStore('memories');
          for (let i = 0; i < 600; i++) {
            const title = i === 417 ? 'Pin the interpreter version before reinstalling dependencies' : `Old memory number ${i} about flaky network retries`;
            store.put({
              id: `old-${i}`, level: 'insight', title, description: '', content: 'From the previous version.', domain: 'terminal',
              sourceModel: 'old-agent', outcome: 'success', scope: 'task-agnostic', tags: [], createdAt: '2026-10-01T00:00:00.000Z',
              provenance: { distiller: 'manual' }, hash: `h${i}`,
              // Made by a model this browser no longer has: the pool re-embeds on open.
              embedding: { model: 'old/model', dims: 3, key: title, vector: new Float32Array([1, 0, 0]) },
            });
          }
          tx.objectStore('meta').put({ model: 'insight-pool/use-lite', keyMode: 'title' }, 'settings');
          tx.objectStore('meta').put({ seeded: true }, 'seeded');
          tx.objectStore('meta').put({ revision: 7 }, 'revision');
          tx.oncomplete = () => {
            db.close();
            resolve();
          };
          tx.onerror = () => reject(tx.error);
        };
      }),
  );

  await openApp(page);
  expect(await page.evaluate(() => window.insightPool.count())).toBe(600);
  const [top] = await page.evaluate(() => window.insightPool.retrieve('which python version to pin before reinstalling packages', { k: 3 }));
  expect(top.memory.id).toBe('old-417');
  const stores = await page.evaluate(
    () =>
      new Promise<string[]>((resolve) => {
        const open = indexedDB.open('insight-pool');
        open.onsuccess = () => {
          resolve([...open.result.objectStoreNames].sort());
          open.result.close();
        };
      }),
  );
  expect(stores).toEqual(['indexSnapshots', 'meta', 'pages', 'vectors']);
});

// Schema 3 kept each page's vectors as one Float32Array; schema 4 keeps them as a Blob (read off the main thread).
test('a pool saved with schema 3 (Float32Array vector pages) opens with its memories, searchable', async ({ page }) => {
  await page.goto('/models/insight-pool/use-lite/config.json');
  await page.evaluate(
    () =>
      new Promise<void>((resolve, reject) => {
        const open = indexedDB.open('insight-pool', 3);
        open.onupgradeneeded = () => {
          for (const name of ['meta', 'indexSnapshots', 'pages', 'vectors']) open.result.createObjectStore(name);
        };
        open.onerror = () => reject(open.error);
        open.onsuccess = () => {
          const db = open.result;
          const tx = db.transaction(['pages', 'vectors', 'meta'], 'readwrite');
          // Two pages of 300; made by a model this browser no longer has, so the pool re-embeds them on open.
          for (let p = 0; p < 2; p++) {
            const ids: string[] = [];
            const rows: unknown[] = [];
            for (let i = p * 300; i < (p + 1) * 300; i++) {
              const title = i === 417 ? 'Pin the interpreter version before reinstalling dependencies' : `Old memory number ${i} about flaky network retries`;
              ids.push(`old-${i}`);
              rows.push({
                id: `old-${i}`, level: 'insight', title, description: '', content: 'From schema 3.', domain: 'terminal',
                sourceModel: 'old-agent', outcome: 'success', scope: 'task-agnostic', tags: [], createdAt: '2026-11-01T00:00:00.000Z',
                provenance: { distiller: 'manual' }, hash: `h${i}`, embedding: { model: 'old/model', dims: 3, key: title },
              });
            }
            tx.objectStore('pages').put({ ids, rows: JSON.stringify(rows) }, p);
            tx.objectStore('vectors').put({ lengths: ids.map(() => 3), data: new Float32Array(ids.length * 3).fill(0.5) }, p);
          }
          tx.objectStore('meta').put({ model: 'insight-pool/use-lite', keyMode: 'title' }, 'settings');
          tx.objectStore('meta').put({ seeded: true }, 'seeded');
          tx.objectStore('meta').put({ revision: 9 }, 'revision');
          tx.oncomplete = () => {
            db.close();
            resolve();
          };
          tx.onerror = () => reject(tx.error);
        };
      }),
  );

  await openApp(page);
  expect(await page.evaluate(() => window.insightPool.count())).toBe(600);
  const [top] = await page.evaluate(() => window.insightPool.retrieve('which python version to pin before reinstalling packages', { k: 3 }));
  expect(top.memory.id).toBe('old-417');
  const stored = await page.evaluate(
    () =>
      new Promise<{ version: number; blobs: boolean[] }>((resolve, reject) => {
        const open = indexedDB.open('insight-pool');
        open.onerror = () => reject(open.error);
        open.onsuccess = () => {
          const db = open.result;
          const req = db.transaction('vectors').objectStore('vectors').getAll();
          req.onsuccess = () => {
            resolve({ version: db.version, blobs: req.result.map((v: { data: unknown }) => v.data instanceof Blob) });
            db.close();
          };
        };
      }),
  );
  expect(stored.version).toBe(4);
  expect(stored.blobs).toEqual([true, true]);
});
