// Usage in the app's pool (IndexedDB): retrieve counts unless `record: false`; feedback counts helped / hurt; counts
// persist, add up across two tabs, survive an edit, and an import adds a teammate's counts; `excludeHarmful`.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { InsightPool, type PoolChange } from '../../src/adapters/insight-pool';
import { MemoryStore } from '../../src/adapters/store';
import { createIndex } from '../../src/adapters/index/choose';
import { encodePoolFile, planMerge, readPoolFile, resolveMerge } from '../../src/core/pool-file';
import { wordEmbedder } from './helpers/word-embedder';

let dbName: string;
let stores: MemoryStore[] = [];

async function openPool() {
  const store = await MemoryStore.open(dbName);
  stores.push(store);
  const pool = new InsightPool({ store, embedder: wordEmbedder(), createIndex: (kind, dims, size) => createIndex(kind, dims, size), index: 'flat' });
  await pool.ready();
  return pool;
}

const insights = [
  { title: 'Reproduce the failing test first', content: 'Write a reproduction before fixing.', domain: 'swe' },
  { title: 'Install missing packages with apt', content: 'Install the tool, rerun the command.', domain: 'terminal' },
  { title: 'Check input limits for complexity', content: 'Pick the algorithm from the limits.', domain: 'competitive-programming' },
];

beforeEach(() => {
  dbName = `pool-usage-${Math.random()}`;
});
afterEach(() => {
  stores.forEach((s) => s.close());
  stores = [];
});

describe('usage in the app pool', () => {
  it('retrieve counts by default, record:false only peeks, feedback counts helped and hurt', async () => {
    const pool = await openPool();
    const changes: PoolChange[] = [];
    pool.subscribe((c) => changes.push(c));
    const [a] = await pool.add(insights);
    const peek = await pool.retrieve('failing test', { k: 1, record: false });
    expect(peek[0].memory.id).toBe(a.id);
    expect(peek[0].memory.usage).toBeUndefined();
    const [hit] = await pool.retrieve('failing test', { k: 1 });
    expect(hit.memory.usage).toMatchObject({ retrieved: 1, helped: 0, hurt: 0 });
    expect(Date.parse(hit.memory.usage!.lastUsedAt!)).toBeGreaterThan(Date.now() - 60_000);
    const [helped] = await pool.feedback([a.id], true);
    expect(helped.usage).toMatchObject({ retrieved: 1, helped: 1, hurt: 0 });
    await pool.feedback(a.id, false);
    await pool.feedback(a.id, false);
    expect((await pool.get(a.id))!.usage).toMatchObject({ retrieved: 1, helped: 1, hurt: 2 });
    expect(changes).toEqual(['memories', 'retrieved', 'feedback', 'feedback', 'feedback']);
    // The ranking is the same with counts as without.
    expect((await pool.retrieve('failing test', { k: 3, record: false })).map((r) => r.score)).toEqual(
      (await pool.retrieve('failing test', { k: 3, record: false })).map((r) => r.score),
    );
  });

  it('refuses bad feedback naming what is wrong, and counts nothing', async () => {
    const pool = await openPool();
    const [a] = await pool.add(insights);
    await expect(pool.feedback([a.id, 'nope'], true)).rejects.toThrow(/no memory with id "nope"/);
    await expect(pool.feedback([], true)).rejects.toThrow(/at least one memory id/);
    await expect(pool.feedback([a.id], 'yes' as never)).rejects.toThrow(/helped must be true or false/);
    await expect(pool.retrieve('x', { record: 'no' as never })).rejects.toThrow(/record must be true or false/);
    expect((await pool.get(a.id))!.usage).toBeUndefined();
  });

  it('counts persist, add up across two tabs, and survive an edit', async () => {
    const tab1 = await openPool();
    const [a] = await tab1.add(insights);
    const tab2 = await openPool();
    await tab1.feedback(a.id, true);
    // tab2's mirror is stale; its count is made on the stored row, not on its copy.
    await tab2.feedback(a.id, true);
    await tab1.retrieve('failing test', { k: 1 });
    expect((await tab1.get(a.id))!.usage).toMatchObject({ retrieved: 1, helped: 2 });
    await tab1.update(a.id, { tags: ['testing'] });
    const reopened = await openPool();
    expect((await reopened.get(a.id))!.usage).toMatchObject({ retrieved: 1, helped: 2, hurt: 0 });
  });

  it("another tab's counts are read anew without reloading vectors or rebuilding indexes; a content change still reloads", async () => {
    const tab1 = await openPool();
    const [a, b] = await tab1.add(insights);
    const tab2 = await openPool();
    const rebuilds = tab2.indexStatus().rebuilds;
    const changes: PoolChange[] = [];
    tab2.subscribe((c) => changes.push(c));
    await tab1.feedback(a.id, false);
    await tab1.retrieve('install packages', { k: 1 });
    expect((await tab2.get(a.id))!.usage).toMatchObject({ helped: 0, hurt: 1 });
    expect((await tab2.get(b.id))!.usage).toMatchObject({ retrieved: 1 });
    expect(tab2.indexStatus().rebuilds).toBe(rebuilds);
    expect(changes).toEqual(['usage']);
    // Counts in tab2 add to tab1's; tab1 sees them the same way.
    await tab2.feedback(a.id, false);
    expect((await tab1.get(a.id))!.usage).toMatchObject({ hurt: 2 });
    await tab1.add({ title: 'A new lesson', content: 'Something else.' });
    expect(await tab2.count()).toBe(insights.length + 1);
    expect(tab2.indexStatus().rebuilds).toBe(rebuilds + 1);
  });

  it('a store from before content revisions gets one when opened, so counts from another tab need no reload', async () => {
    const first = await openPool();
    const [a] = await first.add(insights);
    stores.forEach((st) => st.close());
    stores = [];
    // As an older app left it: no `content` record in meta.
    await new Promise<void>((resolve, reject) => {
      const open = indexedDB.open(dbName);
      open.onerror = () => reject(open.error);
      open.onsuccess = () => {
        const tx = open.result.transaction('meta', 'readwrite');
        tx.objectStore('meta').delete('content');
        tx.oncomplete = () => (open.result.close(), resolve());
      };
    });
    const tab1 = await openPool();
    const tab2 = await openPool();
    const rebuilds = tab2.indexStatus().rebuilds;
    await tab1.feedback(a.id, true);
    expect((await tab2.get(a.id))!.usage).toMatchObject({ helped: 1 });
    expect(tab2.indexStatus().rebuilds).toBe(rebuilds);
  });

  it('an edit keeps the stored counts, even from a tab whose copy is older; usage itself cannot be edited', async () => {
    const tab1 = await openPool();
    const [a] = await tab1.add(insights);
    await tab1.feedback(a.id, true);
    await expect(tab1.update(a.id, { usage: { retrieved: 0, helped: 0, hurt: 0 } } as never)).rejects.toThrow(/usage cannot be edited/);
    const store = stores[stores.length - 1];
    // An edit written from a copy without the counts (another tab's, made before the feedback).
    const [row] = (await store.all()).filter((m) => m.id === a.id);
    const { usage: _u, ...stale } = row;
    await store.update([{ ...stale, tags: ['edited'] }]);
    const reopened = await openPool();
    expect(await reopened.get(a.id)).toMatchObject({ tags: ['edited'], usage: { helped: 1 } });
  });

  it('excludeHarmful leaves out memories that hurt more often than they helped; the default ranking keeps them', async () => {
    const pool = await openPool();
    const [a] = await pool.add(insights);
    await pool.feedback(a.id, false);
    const all = await pool.retrieve('failing test', { k: 3, record: false });
    expect(all[0].memory.id).toBe(a.id);
    const safe = await pool.retrieve('failing test', { k: 3, record: false, excludeHarmful: true });
    expect(safe.map((r) => r.memory.id)).toEqual(all.filter((r) => r.memory.id !== a.id).map((r) => r.memory.id));
  });

  it('an import adds the file counts to the memory of the same content, in the same write', async () => {
    const pool = await openPool();
    const [a] = await pool.add(insights[0]);
    await pool.feedback(a.id, true);
    const theirs = (await pool.entries()).map(({ hash: _h, ...m }) => ({ ...m, id: 'theirs', usage: { retrieved: 4, helped: 0, hurt: 3, lastUsedAt: '2026-01-01T00:00:00.000Z' } }));
    const { lines } = await encodePoolFile(theirs, { model: { id: pool.model, dims: pool.dims }, keyMode: pool.settings.keyMode, appVersion: 't', levels: 'all' });
    const plan = await planMerge(await pool.entries(), await readPoolFile(lines.join('\n')), { pool: { id: pool.model, dims: pool.dims, keyMode: pool.settings.keyMode } });
    const resolved = resolveMerge(plan);
    await pool.importMemories(resolved.insert, resolved.replace, undefined, undefined, resolved.usage);
    expect((await pool.get(a.id))!.usage).toMatchObject({ retrieved: 4, helped: 1, hurt: 3 });
    expect((await (await openPool()).get(a.id))!.usage).toMatchObject({ retrieved: 4, helped: 1, hurt: 3 });
  });
});
