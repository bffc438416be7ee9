import { test, expect, type Page } from '@playwright/test';
import { openApp } from './helpers';

// Pools saved by earlier versions must open in this one with every memory, and be searchable: the upgrade converts
// them inside its own transaction. Schema 2 kept one record per memory (vector inside); schema 3 kept pages whose
// vectors were one Float32Array; schema 4 keeps those vectors as a Blob.

const PINNED = 'Pin the interpreter version before reinstalling dependencies';

/** 600 memories as older versions stored them, made by a model this browser no longer has (the pool re-embeds them). */
function oldMemories(content: string) {
  return Array.from({ length: 600 }, (_, i) => {
    const title = i === 417 ? PINNED : `Old memory number ${i} about flaky network retries`;
    return {
      id: `old-${i}`, level: 'insight', title, description: '', content, domain: 'terminal',
      sourceModel: 'old-agent', outcome: 'success', scope: 'task-agnostic', tags: [], createdAt: '2026-10-01T00:00:00.000Z',
      provenance: { distiller: 'manual' }, hash: `h${i}`, embedding: { model: 'old/model', dims: 3, key: title },
    };
  });
}

/**
 * Creates the database at `version` with `stores`, then writes `records` ([store, value, key?]) and the pool's meta
 * records, from any same-origin page that is not the app (so the old database exists before the app first opens it).
 */
async function seedOldDatabase(page: Page, version: number, stores: { name: string; keyPath?: string; indexes?: string[] }[], records: [string, unknown, unknown?][]) {
  await page.goto('/models/insight-pool/use-lite/config.json');
  await page.evaluate(
    ({ version, stores, records }) =>
      new Promise<void>((resolve, reject) => {
        const open = indexedDB.open('insight-pool', version);
        open.onupgradeneeded = () => {
          for (const s of stores) {
            const store = open.result.createObjectStore(s.name, s.keyPath ? { keyPath: s.keyPath } : undefined);
            for (const index of s.indexes ?? []) store.createIndex(index, index);
          }
        };
        open.onerror = () => reject(open.error);
        open.onsuccess = () => {
          const db = open.result;
          const tx = db.transaction([...new Set(records.map(([store]) => store)), 'meta'], 'readwrite');
          for (const [store, value, key] of records) {
            // Vectors cross from Node as plain arrays; the old schema stored them as Float32Array.
            const revived = revive(value);
            if (key === undefined) tx.objectStore(store).put(revived);
            else tx.objectStore(store).put(revived, key as IDBValidKey);
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
        function revive(v: unknown): unknown {
          if (Array.isArray(v)) return v.map(revive);
          if (v && typeof v === 'object') {
            const o = v as Record<string, unknown>;
            if (o.f32 !== undefined) return new Float32Array(o.f32 as number[]);
            return Object.fromEntries(Object.entries(o).map(([k, x]) => [k, revive(x)]));
          }
          return v;
        }
      }),
    { version, stores, records },
  );
}

async function expectSearchable(page: Page) {
  await openApp(page);
  expect(await page.evaluate(() => window.insightPool.count())).toBe(600);
  const [top] = await page.evaluate(() => window.insightPool.retrieve('which python version to pin before reinstalling packages', { k: 3 }));
  expect(top.memory.id).toBe('old-417');
}

/** The schema version and, per vector page, whether its vectors are stored as a Blob. */
function storedLayout(page: Page) {
  return page.evaluate(
    () =>
      new Promise<{ version: number; stores: string[]; blobs: boolean[] }>((resolve, reject) => {
        const open = indexedDB.open('insight-pool');
        open.onerror = () => reject(open.error);
        open.onsuccess = () => {
          const db = open.result;
          const req = db.transaction('vectors').objectStore('vectors').getAll();
          req.onsuccess = () => {
            resolve({ version: db.version, stores: [...db.objectStoreNames].sort(), blobs: req.result.map((v: { data: unknown }) => v.data instanceof Blob) });
            db.close();
          };
        };
      }),
  );
}

test('a pool saved with schema 2 (one record per memory) opens with its memories, searchable', async ({ page }) => {
  const memories = oldMemories('From schema 2.').map((m) => ({ ...m, embedding: { ...m.embedding, vector: { f32: [1, 0, 0] } } }));
  await seedOldDatabase(
    page,
    2,
    [{ name: 'memories', keyPath: 'id', indexes: ['level', 'domain', 'createdAt', 'hash'] }, { name: 'meta' }, { name: 'indexSnapshots' }],
    memories.map((m) => ['memories', m]),
  );
  await expectSearchable(page);
  const layout = await storedLayout(page);
  expect(layout.version).toBe(4);
  expect(layout.stores).toEqual(['indexSnapshots', 'meta', 'pages', 'vectors']);
  expect(layout.blobs).toEqual([true]);
});

test('a pool saved with schema 3 (Float32Array vector pages) opens with its memories, searchable', async ({ page }) => {
  const memories = oldMemories('From schema 3.');
  // Two pages of 300 rows, each with its vectors packed in one Float32Array.
  const records: [string, unknown, unknown][] = [];
  for (const [p, rows] of [memories.slice(0, 300), memories.slice(300)].entries()) {
    records.push(['pages', { ids: rows.map((m) => m.id), rows: JSON.stringify(rows) }, p]);
    records.push(['vectors', { lengths: rows.map(() => 3), data: { f32: rows.flatMap(() => [0.5, 0.5, 0.5]) } }, p]);
  }
  await seedOldDatabase(page, 3, ['meta', 'indexSnapshots', 'pages', 'vectors'].map((name) => ({ name })), records);
  await expectSearchable(page);
  const layout = await storedLayout(page);
  expect(layout.version).toBe(4);
  expect(layout.blobs).toEqual([true, true]);
});
