// The one scenario every engine runs (Chromium's own Playwright suite covers the same ground in tests/e2e): start,
// add through the UI and the JS API, retrieve, reload with the same top-3 and scores, export and import a pool file
// through the Share panel, a large pool's vectors read back exact, no request leaves the app's origin, and (last) the
// app starts again from its service worker with the server stopped. Steps share one browser session, in order.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { CrossDriver } from './driver';
import { BASE_URL, serverGone, servePreview, waitUntil } from './server';
import { LARGE_POOL, LARGE_POOL_SCRIPT } from '../fixtures/large-pool';

export interface EngineExpectations {
  /** How this engine's IndexedDB keeps vector pages (WebKit automation sessions refuse Blobs). */
  storage: 'blob' | 'arraybuffer';
  /** The client can quit the browser and start it on the same profile (WebKitWebDriver's sessions are ephemeral). */
  restart: boolean;
}

const UI_TITLE = 'Bisect a regression between two known versions';
const QUERY = 'a regression appeared in a recent release; find which change broke it';
const API_MEMORIES = [
  { title: 'Pin dependency versions before debugging flaky builds', content: 'Rule out moving dependencies first.', domain: 'terminal' },
  { title: 'Profile before optimizing', content: 'Measure where time goes before changing code.', domain: 'ml-research' },
];

type Top = { id: string; title: string; score: number }[];

const tab = (name: string) => `//button[@role='tab' and normalize-space()='${name}']`;

async function until(driver: CrossDriver, body: string, what: string, arg?: unknown, timeoutMs = 60_000) {
  await waitUntil(async () => Boolean(await driver.run<boolean>(body, arg)), what, timeoutMs);
}

// Bounded, and a hang says what the page shows (the loading screen names the file it is on).
const ready = `await Promise.race([
  window.insightPool.ready(),
  new Promise((_, fail) => setTimeout(() => fail(new Error('not ready after 90 s; the page shows: ' + document.body.innerText.slice(0, 300))), 90000)),
]);
return true;`;
const topThree = 'return (await window.insightPool.retrieve(arg, { k: 3 })).map((r) => ({ id: r.memory.id, title: r.memory.title, score: r.score }));';

export function crossScenario(open: () => Promise<CrossDriver>, expected: EngineExpectations): void {
  let driver: CrossDriver;
  let server: { stop: () => void; owned: boolean } = { stop: () => {}, owned: false };
  let before: Top;
  let exported = '';

  beforeAll(async () => {
    server = await servePreview();
    driver = await open();
  });
  afterAll(async () => {
    await driver?.close();
    server.stop();
  });

  describe('the app in this engine', () => {
    it('starts: the embedded model loads, the demo pool opens, Settings says what runs here', async () => {
      await driver.goto('/');
      await until(driver, `return Boolean(window.insightPool);`, 'window.insightPool');
      await driver.run(ready);
      const info = await driver.run<Record<string, unknown>>('return { ...(await window.insightPool.info()), isolated: self.crossOriginIsolated === true, sharedArrayBuffer: typeof SharedArrayBuffer === "function", userAgent: navigator.userAgent };');
      expect(info.runtime).toBe('USE-lite wasm engine');
      expect(info.count as number).toBeGreaterThan(10);
      expect(info.storage).toBe(expected.storage);
      // Threads only where the page is cross-origin isolated (SharedArrayBuffer): the fallback is one thread.
      expect(info.threads as number).toBe(info.isolated ? info.threads : 1);
      if (!info.sharedArrayBuffer) expect(info.threads).toBe(1);
      mkdirSync('reports', { recursive: true });
      writeFileSync(`reports/cross-${driver.engine}-info.json`, JSON.stringify(info, null, 2));
      await driver.click(tab('Settings'));
      await until(driver, `return document.querySelector('[data-testid=storage-mode]')?.textContent.includes(arg);`, 'the storage mode in Settings', expected.storage === 'blob' ? 'Blob pages' : 'ArrayBuffer pages');
      await until(driver, `return document.querySelector('[data-testid=index-kernel]')?.textContent.includes(arg);`, 'the index kernel in Settings', String(info.kernel));
      // Whether the browser may clear the pool, and how much room it uses, as each engine answers (see storage.ts).
      await until(driver, `return /Kept|may clear|does not say/.test(document.querySelector('[data-testid=storage-state]')?.textContent ?? '');`, 'the persistence state in Settings');
      const storageState = await driver.run<string>(`return document.querySelector('[data-testid=storage-state]').textContent.replace(/\\s+/g, ' ').trim();`);
      writeFileSync(`reports/cross-${driver.engine}-info.json`, JSON.stringify({ ...info, storageState }, null, 2));
    });

    it('adds a memory through the UI form', async () => {
      await driver.click(tab('Memories'));
      const form = "form[aria-label='Add memory']";
      await driver.type(`${form} input[name=title]`, UI_TITLE);
      await driver.type(`${form} textarea[name=content]`, 'When something used to work, binary-search the history for the change that broke it.');
      await driver.type(`${form} input[name=domain]`, 'swe');
      await driver.click(`${form} button[type=submit]`);
      await until(driver, `return [...document.querySelectorAll('[data-testid=memory]')].some((m) => m.textContent.includes(arg));`, 'the new memory in the list', UI_TITLE);
    });

    it('adds memories through the JS API', async () => {
      const added = await driver.run<{ id: string }[]>('return await window.insightPool.add(arg);', API_MEMORIES);
      expect(added).toHaveLength(2);
      expect(await driver.run<number>(`return (await window.insightPool.list()).filter((m) => arg.includes(m.title)).length;`, [UI_TITLE, ...API_MEMORIES.map((m) => m.title)])).toBe(3);
    });

    it('retrieves through the UI and the JS API: the right lesson first, scores in order', async () => {
      await driver.click(tab('Retrieve'));
      await driver.type('textarea#query', QUERY);
      await driver.click(`//button[@type='submit' and normalize-space()='Retrieve']`);
      await until(driver, `return document.querySelectorAll('[data-testid=result]').length === 3;`, 'three results');
      const shown = await driver.run<string[]>(`return [...document.querySelectorAll('[data-testid=score]')].map((s) => s.textContent);`);
      const scores = shown.map(Number);
      expect([...scores].sort((a, b) => b - a)).toEqual(scores);
      before = await driver.run<Top>(topThree, QUERY);
      expect(before).toHaveLength(3);
      expect(before[0].title).toBe(UI_TITLE);
      expect(scores[0]).toBeCloseTo(before[0].score, 3);
    });

    it('keeps the memories across a reload: same top-3, same scores', async () => {
      await driver.reload();
      await until(driver, `return Boolean(window.insightPool);`, 'window.insightPool');
      await driver.run(ready);
      expect(await driver.run<Top>(topThree, QUERY)).toEqual(before);
    });

    it('exports a pool file through the Share panel', async () => {
      // The file's bytes are taken where the app hands them to the browser's download (URL.createObjectURL): the two
      // clients handle downloads differently, and the bytes are what a teammate would receive.
      await driver.run(`const create = URL.createObjectURL; URL.createObjectURL = (blob) => { window.__exported = blob; return create.call(URL, blob); }; return true;`);
      await driver.click(tab('Share'));
      await driver.click('[data-testid=export]');
      await until(driver, `return document.querySelector('[data-testid=exported]')?.textContent.startsWith('Exported');`, 'the export to finish');
      exported = await driver.run<string>('return await window.__exported.text();');
      const [header, ...lines] = exported.trim().split('\n').map((l) => JSON.parse(l));
      expect(header.model.id).toBe('insight-pool/use-lite');
      const titles = lines.map((l) => l.title);
      for (const t of [UI_TITLE, ...API_MEMORIES.map((m) => m.title)]) expect(titles).toContain(t);
    });

    it('imports that pool file through the Share panel into a pool that lost those memories: the same top-3 and scores again', async () => {
      const ids = before.map((r) => r.id);
      await driver.run('return await window.insightPool.remove(arg);', ids);
      expect(await driver.run<number>('return (await Promise.all(arg.map((id) => window.insightPool.get(id)))).filter(Boolean).length;', ids)).toBe(0);
      const dir = mkdtempSync(join(tmpdir(), 'insight-pool-cross-'));
      const file = join(dir, 'team-pool.jsonl');
      writeFileSync(file, exported);
      await driver.setFile('[data-testid=import-file]', file);
      await until(driver, `return Boolean(document.querySelector('[data-testid=plan-new]'));`, 'the import plan');
      expect(await driver.run<string>(`return document.querySelector('[data-testid=plan-new]').textContent;`)).toBe('3 new');
      await driver.click('[data-testid=import-apply]');
      await until(driver, `return document.querySelector('[data-testid=imported]')?.textContent.startsWith('Imported 3 memories');`, 'the import to finish');
      const after = await driver.run<Top>(topThree, QUERY);
      expect(after.map((r) => r.title)).toEqual(before.map((r) => r.title));
      after.forEach((r, i) => expect(r.score).toBeCloseTo(before[i].score, 6));
    });

    it.runIf(expected.restart)('keeps the pool across a browser restart: same count, same top-3 and scores', async () => {
      const count = await driver.run<number>('return await window.insightPool.count();');
      await driver.restart!();
      await driver.goto('/');
      await until(driver, `return Boolean(window.insightPool);`, 'window.insightPool');
      await driver.run(ready);
      expect(await driver.run<number>('return await window.insightPool.count();')).toBe(count);
      const after = await driver.run<Top>(topThree, QUERY);
      expect(after.map((r) => r.title)).toEqual(before.map((r) => r.title));
      after.forEach((r, i) => expect(r.score).toBeCloseTo(before[i].score, 6));
    });

    it('reads a large pool back after a reload, every vector exact (Blob pages are read by a worker), then drops it again', async () => {
      const count = await driver.run<number>('return await window.insightPool.count();');
      // Written straight into the store, as another tab's writes would land (tests/fixtures/large-pool.ts).
      const { keyMode } = await driver.run<{ keyMode: string }>('return await window.insightPool.info();');
      await driver.run(`${LARGE_POOL_SCRIPT} await seed(arg); return true;`, { pages: LARGE_POOL.pages, blob: expected.storage === 'blob', keyMode });
      await driver.reload();
      await until(driver, `return Boolean(window.insightPool);`, 'window.insightPool');
      await driver.run(ready);
      expect(await driver.run<number>('return await window.insightPool.count();')).toBe(count + LARGE_POOL.count);
      expect(await driver.run<string[]>(`${LARGE_POOL_SCRIPT} return await check(arg);`, LARGE_POOL.count)).toEqual([]);
      // Where the client sees requests: the reading worker's script was fetched exactly when pages are Blobs.
      const seen = driver.requests();
      if (seen) expect(seen.some((u) => u.includes('read-blobs'))).toBe(expected.storage === 'blob');
      const top = await driver.run<Top>('return (await window.insightPool.retrieve(arg, { k: 1, record: false })).map((r) => ({ id: r.memory.id }));', 'zq17000');
      expect(top[0].id).toBe('big-17000');
      await driver.run(`${LARGE_POOL_SCRIPT} await drop(arg); return true;`, LARGE_POOL.pages);
      await driver.reload();
      await until(driver, `return Boolean(window.insightPool);`, 'window.insightPool');
      await driver.run(ready);
      expect(await driver.run<number>('return await window.insightPool.count();')).toBe(count);
      expect(await driver.run<Top>(topThree, QUERY)).toEqual(before);
    });

    it('makes no request outside its own origin', async () => {
      const origin = new URL(BASE_URL).origin;
      // What the page itself loaded (every engine reports this); workers' own fetches only show to a client that sees the network.
      const loaded = await driver.run<string[]>('return performance.getEntriesByType("resource").map((e) => e.name);');
      const seen = driver.requests();
      const all = [...loaded, ...(seen ?? [])];
      expect(all.length).toBeGreaterThan(0);
      expect(all.filter((u) => !u.startsWith(origin) && !u.startsWith('blob:') && !u.startsWith('data:'))).toEqual([]);
      if (seen) expect(seen.some((u) => u.includes('/models/'))).toBe(true);
    });

    it('starts again with its server stopped, from the service worker, and answers the same top-3', async (ctx) => {
      // Only a server this run started may be stopped (a reused one belongs to someone else).
      if (!server.owned) ctx.skip();
      expect(await driver.run<string>('await navigator.serviceWorker.ready; return "active";')).toBe('active');
      server.stop();
      await serverGone();
      await driver.goto('/');
      await until(driver, `return Boolean(window.insightPool);`, 'window.insightPool (offline)');
      await driver.run(ready);
      expect(await driver.run<boolean>('return navigator.serviceWorker.controller !== null;')).toBe(true);
      const offline = await driver.run<Top>(topThree, QUERY);
      expect(offline.map((r) => r.title)).toEqual(before.map((r) => r.title));
      offline.forEach((r, i) => expect(r.score).toBeCloseTo(before[i].score, 6));
    });
  });
}
