import { describe, expect, it } from 'vitest';
import { openDB } from 'idb';
import { MemoryStore, PAGE_ROWS, type StoredMemory } from '../../src/adapters/store';
import { createMemory } from '../../src/core/memory';

function stored(title: string, id?: string, vector = new Float32Array([0.6, 0.8])): StoredMemory {
  const m = createMemory({ title, content: 'c', id });
  return { ...m, hash: title, embedding: { model: 'm', dims: vector.length, key: title, vector } };
}

/** n memories whose vectors encode their number, so a vector that lands on the wrong memory shows. */
function many(n: number, prefix = 'm'): StoredMemory[] {
  return Array.from({ length: n }, (_, i) => stored(`${prefix} ${i}`, `${prefix}-${i}`, new Float32Array([i, -i, 0.5])));
}

function byId(all: StoredMemory[]): Map<string, StoredMemory> {
  return new Map(all.map((m) => [m.id, m]));
}

describe('MemoryStore', () => {
  it('upgrades a version-1 database without losing memories', async () => {
    const name = `upgrade-${Math.random()}`;
    const v1 = await openDB(name, 1, {
      upgrade(db) {
        const memories = db.createObjectStore('memories', { keyPath: 'id' });
        memories.createIndex('level', 'level');
        memories.createIndex('domain', 'domain');
        memories.createIndex('createdAt', 'createdAt');
        db.createObjectStore('meta');
      },
    });
    await v1.put('memories', stored('kept across upgrade', 'old-1'));
    v1.close();

    const store = await MemoryStore.open(name);
    expect((await store.get('old-1'))?.title).toBe('kept across upgrade');
    expect((await store.get('old-1'))?.hash).toBe('kept across upgrade');
    await store.saveSnapshot({ kind: 'voy', model: 'm', revision: 1, count: 1, data: '{}' });
    expect((await store.snapshot('voy'))?.count).toBe(1);
    store.close();
  });

  it('hands over every row before the vectors, and attaches each vector to its own row', async () => {
    const store = await MemoryStore.open(`rows-first-${Math.random()}`);
    const n = PAGE_ROWS * 2 + 3;
    await store.insert(many(n));
    let early: readonly StoredMemory[] = [];
    const all = await store.all({ onRows: (rows) => (early = rows) });
    // The lexical index starts on these texts while the vector bytes are read; they are the same objects.
    expect(early.map((m) => m.id)).toEqual(all.map((m) => m.id));
    expect(early.map((m) => m.title).sort()).toEqual(many(n).map((m) => m.title).sort());
    for (const m of early) {
      const i = Number(m.id.slice(2));
      expect(Array.from(m.embedding!.vector)).toEqual([i, -i, 0.5]);
    }
    store.close();
  });

  it('keeps Float32 vectors as Float32Array', async () => {
    const store = await MemoryStore.open(`vec-${Math.random()}`);
    await store.insert([stored('a', 'a')]);
    const back = await store.get('a');
    expect(back?.embedding?.vector).toBeInstanceOf(Float32Array);
    expect(Array.from(back!.embedding!.vector)).toEqual([Float32Array.of(0.6)[0], Float32Array.of(0.8)[0]]);
    store.close();
  });

  it('writes a batch all-or-nothing and bumps the revision only on success', async () => {
    const store = await MemoryStore.open(`atomic-${Math.random()}`);
    await store.insert([stored('a', 'a')]);
    const revision = await store.revision();
    await expect(store.insert([stored('b', 'b'), stored('a again', 'a')])).rejects.toThrow(/already exists/);
    expect(await store.count()).toBe(1);
    expect(await store.get('b')).toBeUndefined();
    await expect(store.remove(['a', 'missing'])).rejects.toThrow(/no memory with id "missing"/);
    expect(await store.count()).toBe(1);
    expect(await store.revision()).toBe(revision);
    store.close();
  });

  it('moves a version-2 pool (one record per memory) into pages with every vector on its memory', async () => {
    const name = `upgrade-v2-${Math.random()}`;
    const v2 = await openDB(name, 2, {
      upgrade(db) {
        const memories = db.createObjectStore('memories', { keyPath: 'id' });
        memories.createIndex('hash', 'hash');
        db.createObjectStore('meta');
        db.createObjectStore('indexSnapshots');
      },
    });
    const old = many(PAGE_ROWS + 7, 'old');
    for (const m of old) await v2.put('memories', m);
    await v2.put('meta', { revision: 41 }, 'revision');
    await v2.put('meta', { model: 'm', keyMode: 'title' }, 'settings');
    v2.close();

    const store = await MemoryStore.open(name);
    expect(await store.revision()).toBe(41);
    expect((await store.settings())?.model).toBe('m');
    const back = byId(await store.all());
    expect(back.size).toBe(old.length);
    for (const m of old) {
      expect(back.get(m.id)?.title).toBe(m.title);
      expect(Array.from(back.get(m.id)!.embedding!.vector)).toEqual(Array.from(m.embedding!.vector));
    }
    store.close();
    const raw = await openDB(name);
    expect([...raw.objectStoreNames].sort()).toEqual(['indexSnapshots', 'meta', 'pages', 'vectors']);
    raw.close();
  });

  it('moves a version-3 pool (vectors as Float32Array pages) to Blob pages with every vector on its memory', async () => {
    const name = `upgrade-v3-${Math.random()}`;
    const v3 = await openDB(name, 3, {
      upgrade(db) {
        for (const s of ['meta', 'indexSnapshots', 'pages', 'vectors']) db.createObjectStore(s);
      },
    });
    // Two v3 pages: rows as JSON without vectors, vectors packed per page; the middle row of page 0 has none.
    const rows = (ids: string[]) => JSON.stringify(ids.map((id) => ({ ...stored(`title ${id}`, id), embedding: id === 'b' ? undefined : { model: 'm', dims: 2, key: `title ${id}` } })));
    await v3.put('pages', { ids: ['a', 'b', 'c'], rows: rows(['a', 'b', 'c']) }, 0);
    await v3.put('vectors', { lengths: [2, 0, 2], data: new Float32Array([1, 2, 5, 6]) }, 0);
    await v3.put('pages', { ids: ['d'], rows: rows(['d']) }, 1);
    await v3.put('vectors', { lengths: [2], data: new Float32Array([7, 8]) }, 1);
    await v3.put('meta', { revision: 12 }, 'revision');
    v3.close();

    const store = await MemoryStore.open(name);
    expect(await store.revision()).toBe(12);
    const back = byId(await store.all());
    expect([...back.keys()].sort()).toEqual(['a', 'b', 'c', 'd']);
    expect(Array.from(back.get('a')!.embedding!.vector)).toEqual([1, 2]);
    expect(back.get('b')!.embedding).toBeUndefined();
    expect(Array.from(back.get('c')!.embedding!.vector)).toEqual([5, 6]);
    expect(Array.from((await store.get('d'))!.embedding!.vector)).toEqual([7, 8]);
    // Edits after the upgrade keep working on the converted pages.
    await store.update([stored('changed', 'a', new Float32Array([3, 4]))]);
    expect(Array.from((await store.get('c'))!.embedding!.vector)).toEqual([5, 6]);
    expect(Array.from((await store.get('a'))!.embedding!.vector)).toEqual([3, 4]);
    store.close();
    const raw = await openDB(name);
    expect((await raw.get('vectors', 0)).data).toBeInstanceOf(Blob);
    raw.close();
  });

  it('refuses a damaged vector page with an error that says so', async () => {
    const name = `damaged-${Math.random()}`;
    const store = await MemoryStore.open(name);
    await store.insert(many(3));
    store.close();
    const raw = await openDB(name);
    await raw.put('vectors', { lengths: [3, 3, 3], data: new Blob([new Float32Array(8)]) }, 0);
    raw.close();
    const reopened = await MemoryStore.open(name);
    await expect(reopened.all()).rejects.toThrow(/store is damaged: a vector page holds 32 bytes, its rows need 36/);
    await expect(reopened.get('m-1')).rejects.toThrow(/store is damaged/);
    await expect(reopened.update([stored('edit', 'm-1')])).rejects.toThrow(/store is damaged/);
    reopened.close();
  });

  it('refuses to write into a page whose vector record is missing instead of overwriting its rows', async () => {
    const name = `half-page-${Math.random()}`;
    const store = await MemoryStore.open(name);
    await store.insert(many(3));
    store.close();
    const raw = await openDB(name);
    await raw.delete('vectors', 0);
    raw.close();
    const reopened = await MemoryStore.open(name);
    await expect(reopened.insert([stored('new', 'n-1')])).rejects.toThrow(/store is damaged: a page has rows but no vector record/);
    const check = await openDB(name);
    expect(JSON.parse((await check.get('pages', 0)).rows).map((r: { id: string }) => r.id)).toEqual(['m-0', 'm-1', 'm-2']);
    // A vector record that lists fewer rows than the page holds is refused too, on load and on edit.
    await check.put('vectors', { lengths: [3, 3], data: new Blob([new Float32Array(6)]) }, 0);
    check.close();
    await expect(reopened.all()).rejects.toThrow(/store is damaged: a page has 3 rows but 2 vector lengths/);
    await expect(reopened.update([stored('edit', 'm-0')])).rejects.toThrow(/3 rows but 2 vector lengths/);
    reopened.close();
  });

  it('keeps vectors on their memories when memories without a vector sit between them on a page', async () => {
    const store = await MemoryStore.open(`gaps-${Math.random()}`);
    const plain = (id: string) => ({ ...stored(id, id), embedding: undefined });
    await store.insert([...many(3), plain('x'), ...many(2, 'n'), plain('y')]);
    await store.update([stored('m-1 changed', 'm-1', new Float32Array([7, 7, 7]))]);
    await store.remove(['x', 'n-0']);
    const all = byId(await store.all());
    expect(Array.from(all.get('m-0')!.embedding!.vector)).toEqual([0, -0, 0.5]);
    expect(Array.from(all.get('m-1')!.embedding!.vector)).toEqual([7, 7, 7]);
    expect(Array.from(all.get('m-2')!.embedding!.vector)).toEqual([2, -2, 0.5]);
    expect(Array.from(all.get('n-1')!.embedding!.vector)).toEqual([1, -1, 0.5]);
    expect(all.get('y')!.embedding).toBeUndefined();
    expect([...all.keys()]).toEqual(['m-0', 'm-1', 'm-2', 'n-1', 'y']);
    store.close();
  });

  it('keeps every memory with its own vector through inserts, edits and deletes across pages', async () => {
    const name = `pages-${Math.random()}`;
    let store = await MemoryStore.open(name);
    const first = many(PAGE_ROWS + 10);
    await store.insert(first);
    await store.insert(many(5, 'late'));
    // An edit on the first page, a delete on each page, one delete that empties nothing.
    const edited = stored('edited title', 'm-3', new Float32Array([9, 9, 9]));
    await store.update([edited]);
    await store.remove(['m-0', `m-${PAGE_ROWS + 1}`, 'late-2']);
    await store.removeAndInsert(['m-4'], [stored('replacement', 'm-4', new Float32Array([4, 4, 4]))]);
    store.close();

    store = await MemoryStore.open(name);
    const all = byId(await store.all());
    expect(all.size).toBe(PAGE_ROWS + 10 + 5 - 3);
    expect(await store.count()).toBe(all.size);
    expect(all.has('m-0') || all.has(`m-${PAGE_ROWS + 1}`) || all.has('late-2')).toBe(false);
    expect(all.get('m-3')?.title).toBe('edited title');
    expect(Array.from(all.get('m-3')!.embedding!.vector)).toEqual([9, 9, 9]);
    expect(Array.from(all.get('m-4')!.embedding!.vector)).toEqual([4, 4, 4]);
    for (const [id, m] of all) {
      const i = Number(id.split('-')[1]);
      if (id !== 'm-3' && id !== 'm-4') expect(Array.from(m.embedding!.vector)).toEqual([i, -i, 0.5]);
    }
    expect((await store.get(`m-${PAGE_ROWS + 9}`))?.title).toBe(`m ${PAGE_ROWS + 9}`);
    store.close();
  });

  it('sees what another tab wrote before it writes (no duplicate ids, deletes of their memories work)', async () => {
    const name = `tabs-${Math.random()}`;
    const a = await MemoryStore.open(name);
    const b = await MemoryStore.open(name);
    await a.insert([stored('from a', 'x')]);
    expect(await b.count()).toBe(1);
    await b.insert([stored('from b', 'y')]);
    await expect(a.insert([stored('again', 'y')])).rejects.toThrow(/"y" already exists/);
    await a.remove(['y']);
    expect((await b.all()).map((m) => m.id)).toEqual(['x']);
    a.close();
    b.close();
  });

  it('a full disk (quota) writes nothing and the error says so in words', async () => {
    const store = await MemoryStore.open(`quota-${Math.random()}`);
    await store.insert(many(PAGE_ROWS + 3));
    const before = await store.all();
    const revision = await store.revision();
    // What a browser out of room does: the vector page write fails with QuotaExceededError (the rows write succeeds).
    const { put, add } = IDBObjectStore.prototype;
    const full = (original: typeof put) =>
      function (this: IDBObjectStore, ...args: Parameters<typeof put>) {
        if (this.name === 'vectors') throw new DOMException('The quota has been exceeded.', 'QuotaExceededError');
        return original.apply(this, args);
      };
    IDBObjectStore.prototype.put = full(put);
    IDBObjectStore.prototype.add = full(add);
    try {
      await expect(store.insert(many(2, 'new'))).rejects.toThrow(/no room left for the pool.*nothing of this change was written/);
      await expect(store.update([{ ...before[0], title: 'edited' }])).rejects.toThrow(/no room left/);
      await expect(store.replaceAll(many(5, 'other'), { model: 'm', keyMode: 'title' })).rejects.toThrow(/no room left/);
    } finally {
      IDBObjectStore.prototype.put = put;
      IDBObjectStore.prototype.add = add;
    }
    expect(await store.revision()).toBe(revision);
    expect(await store.all()).toEqual(before);
    // Room again: the same write goes through.
    await store.insert(many(2, 'new'));
    expect(await store.count()).toBe(before.length + 2);
    store.close();
  });

  it('a failed batch leaves the pages and what later writes see unchanged', async () => {
    const store = await MemoryStore.open(`fail-${Math.random()}`);
    await store.insert(many(3));
    await expect(store.update([stored('ghost', 'nope')])).rejects.toThrow(/no memory with id "nope"/);
    await expect(store.insert([stored('new', 'n-1'), stored('dup', 'm-1')])).rejects.toThrow(/already exists/);
    // The failed insert had put n-1 in the directory before failing: it must not count as existing now.
    await store.insert([stored('new', 'n-1')]);
    expect((await store.all()).map((m) => m.id).sort()).toEqual(['m-0', 'm-1', 'm-2', 'n-1']);
    store.close();
  });
});
