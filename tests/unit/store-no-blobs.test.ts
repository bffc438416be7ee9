// WebKit refuses Blobs in IndexedDB in private windows and automation sessions: the put fails asynchronously with
// UnknownError "Error preparing Blob/File data to be stored in object store" and the transaction aborts. These tests
// inject exactly that refusal into fake-indexeddb and check that the store notices it at open, keeps vector pages as
// ArrayBuffers, and loses nothing on the way in or out of that form.
import { afterEach, describe, expect, it } from 'vitest';
import { openDB } from 'idb';
import { MemoryStore, PAGE_ROWS, type StoredMemory } from '../../src/adapters/store';
import { blobsStorable, resetBlobProbe } from '../../src/adapters/storage';
import { createMemory } from '../../src/core/memory';
import { InsightPool } from '../../src/adapters/insight-pool';
import { createIndex } from '../../src/adapters/index/choose';
import { wordEmbedder } from './helpers/word-embedder';

function stored(title: string, id: string, vector: Float32Array): StoredMemory {
  const m = createMemory({ title, content: 'c', id });
  return { ...m, hash: title, embedding: { model: 'm', dims: vector.length, key: title, vector } };
}

/** n memories whose vectors encode their number, so a vector that lands on the wrong memory shows. */
function many(n: number, prefix = 'm'): StoredMemory[] {
  return Array.from({ length: n }, (_, i) => stored(`${prefix} ${i}`, `${prefix}-${i}`, new Float32Array([i, -i, 0.5])));
}

function holdsBlob(value: unknown): boolean {
  if (value instanceof Blob) return true;
  return Boolean(value && typeof value === 'object' && Object.values(value).some((v) => v instanceof Blob));
}

type Put = typeof IDBObjectStore.prototype.put;
const { put, add } = IDBObjectStore.prototype;

/** From here on, IndexedDB fails every write that holds a Blob the way WebKit's automation sessions do. */
function refuseBlobs(): void {
  const refusing = (original: Put) =>
    function (this: IDBObjectStore, ...args: Parameters<Put>) {
      if (!holdsBlob(args[0])) return original.apply(this, args);
      // The request fails later, as WebKit's does, not at the call: fake-indexeddb runs this as the request.
      const tx = this.transaction as unknown as { _execRequestAsync(r: { operation: () => never; source: unknown }): IDBRequest };
      return tx._execRequestAsync({
        operation: () => {
          throw new DOMException('Error preparing Blob/File data to be stored in object store', 'UnknownError');
        },
        source: this,
      });
    };
  IDBObjectStore.prototype.put = refusing(put);
  IDBObjectStore.prototype.add = refusing(add);
  resetBlobProbe();
}

afterEach(() => {
  IDBObjectStore.prototype.put = put;
  IDBObjectStore.prototype.add = add;
  resetBlobProbe();
});

async function rawVectorData(name: string): Promise<unknown[]> {
  const raw = await openDB(name);
  const records = (await raw.getAll('vectors')) as { data: unknown }[];
  raw.close();
  return records.map((r) => r.data);
}

function vectorsOf(all: StoredMemory[]): Map<string, number[]> {
  return new Map(all.map((m) => [m.id, Array.from(m.embedding?.vector ?? [])]));
}

describe('MemoryStore where IndexedDB cannot hold Blobs', () => {
  it('the injected refusal is the real failure: a store that writes Blobs anyway cannot save', async () => {
    refuseBlobs();
    const store = await MemoryStore.open(`forced-blob-${Math.random()}`, { vectorForm: 'blob' });
    await expect(store.insert(many(2))).rejects.toThrow(/Error preparing Blob\/File data/);
    expect(await store.count()).toBe(0);
    store.close();
  });

  it('the probe tells the two browsers apart', async () => {
    expect(await blobsStorable()).toBe(true);
    refuseBlobs();
    expect(await blobsStorable()).toBe(false);
  });

  it('a probe that gets no answer (its database blocked) does not hold the pool up: it counts as a refusal', async () => {
    const open = indexedDB.open.bind(indexedDB);
    indexedDB.open = ((name: string, version?: number) =>
      name === 'insight-pool-blob-probe' ? ({} as IDBOpenDBRequest) : open(name, version)) as typeof indexedDB.open;
    try {
      resetBlobProbe();
      const started = Date.now();
      expect(await blobsStorable()).toBe(false);
      expect(Date.now() - started).toBeLessThan(10_000);
      const store = await MemoryStore.open(`probe-blocked-${Math.random()}`);
      expect(store.vectorForm).toBe('arraybuffer');
      store.close();
    } finally {
      indexedDB.open = open;
    }
  });

  it('keeps vector pages as ArrayBuffers and every vector on its memory through inserts, edits, deletes and a reopen', async () => {
    refuseBlobs();
    const name = `no-blobs-${Math.random()}`;
    const store = await MemoryStore.open(name);
    expect(store.vectorForm).toBe('arraybuffer');
    const first = many(PAGE_ROWS + 5);
    await store.insert(first);
    await store.update([stored('edited', 'm-3', new Float32Array([30, 31, 32]))]);
    await store.remove(['m-4', `m-${PAGE_ROWS + 1}`]);
    await store.insert(many(3, 'late'));
    const expected = vectorsOf(first);
    expected.set('m-3', [30, 31, 32]);
    expected.delete('m-4');
    expected.delete(`m-${PAGE_ROWS + 1}`);
    for (const [id, v] of vectorsOf(many(3, 'late'))) expected.set(id, v);
    expect(vectorsOf(await store.all())).toEqual(expected);
    expect(Array.from((await store.get('m-5'))!.embedding!.vector)).toEqual([5, -5, 0.5]);
    store.close();

    expect((await rawVectorData(name)).every((d) => d instanceof ArrayBuffer)).toBe(true);
    const again = await MemoryStore.open(name);
    expect(vectorsOf(await again.all())).toEqual(expected);
    expect((await again.get('m-3'))?.title).toBe('edited');
    again.close();
  });

  it('replaces the whole pool (re-embedding) in ArrayBuffer pages', async () => {
    refuseBlobs();
    const store = await MemoryStore.open(`no-blobs-replace-${Math.random()}`);
    await store.insert(many(3));
    await store.replaceAll(many(4, 'other'), { model: 'm2', keyMode: 'title' });
    expect(vectorsOf(await store.all())).toEqual(vectorsOf(many(4, 'other')));
    store.close();
  });

  it('a pool saved with Blob pages opens where Blobs are refused: converted once, nothing lost, edits work', async () => {
    const name = `was-blob-${Math.random()}`;
    const before = await MemoryStore.open(name);
    expect(before.vectorForm).toBe('blob');
    await before.insert(many(PAGE_ROWS + 2));
    const revision = await before.revision();
    before.close();
    expect((await rawVectorData(name)).every((d) => d instanceof Blob)).toBe(true);

    refuseBlobs();
    const store = await MemoryStore.open(name);
    expect(store.vectorForm).toBe('arraybuffer');
    expect(await store.revision()).toBe(revision);
    expect((await rawVectorData(name)).every((d) => d instanceof ArrayBuffer)).toBe(true);
    expect(vectorsOf(await store.all())).toEqual(vectorsOf(many(PAGE_ROWS + 2)));
    await store.update([stored('edited', 'm-1', new Float32Array([9, 9, 9]))]);
    expect(Array.from((await store.get('m-0'))!.embedding!.vector)).toEqual([0, -0, 0.5]);
    expect(Array.from((await store.get('m-1'))!.embedding!.vector)).toEqual([9, 9, 9]);
    expect(Array.from((await store.get('m-2'))!.embedding!.vector)).toEqual([2, -2, 0.5]);
    store.close();
  });

  it('a pool saved as ArrayBuffer pages opens where Blobs work: edits keep the untouched rows', async () => {
    refuseBlobs();
    const name = `was-buffer-${Math.random()}`;
    const before = await MemoryStore.open(name);
    await before.insert(many(5));
    before.close();
    IDBObjectStore.prototype.put = put;
    IDBObjectStore.prototype.add = add;
    resetBlobProbe();

    const store = await MemoryStore.open(name);
    expect(store.vectorForm).toBe('blob');
    await store.update([stored('edited', 'm-2', new Float32Array([7, 7, 7]))]);
    const expected = vectorsOf(many(5));
    expected.set('m-2', [7, 7, 7]);
    expect(vectorsOf(await store.all())).toEqual(expected);
    store.close();
  });

  it('moves a version-3 pool into ArrayBuffer pages where Blobs are refused', async () => {
    const name = `upgrade-v3-no-blobs-${Math.random()}`;
    const v3 = await openDB(name, 3, {
      upgrade(db) {
        for (const s of ['meta', 'indexSnapshots', 'pages', 'vectors']) db.createObjectStore(s);
      },
    });
    const rows = (ids: string[]) => JSON.stringify(ids.map((id) => ({ ...stored(`title ${id}`, id, new Float32Array(2)), embedding: { model: 'm', dims: 2, key: `title ${id}` } })));
    await v3.put('pages', { ids: ['a', 'b'], rows: rows(['a', 'b']) }, 0);
    await v3.put('vectors', { lengths: [2, 2], data: new Float32Array([1, 2, 3, 4]) }, 0);
    await v3.put('meta', { revision: 5 }, 'revision');
    v3.close();

    refuseBlobs();
    const store = await MemoryStore.open(name);
    expect(await store.revision()).toBe(5);
    expect(vectorsOf(await store.all())).toEqual(new Map([['a', [1, 2]], ['b', [3, 4]]]));
    store.close();
    expect((await rawVectorData(name))[0]).toBeInstanceOf(ArrayBuffer);
  });

  it('moves a version-1 pool (one record per memory) into ArrayBuffer pages where Blobs are refused', async () => {
    const name = `upgrade-v1-no-blobs-${Math.random()}`;
    const v1 = await openDB(name, 1, {
      upgrade(db) {
        db.createObjectStore('memories', { keyPath: 'id' });
        db.createObjectStore('meta');
      },
    });
    for (const m of many(3, 'old')) await v1.put('memories', m);
    v1.close();

    refuseBlobs();
    const store = await MemoryStore.open(name);
    expect(vectorsOf(await store.all())).toEqual(vectorsOf(many(3, 'old')));
    store.close();
  });
});

describe('InsightPool where IndexedDB cannot hold Blobs', () => {
  async function openPool(name: string) {
    const store = await MemoryStore.open(name);
    const pool = new InsightPool({ store, embedder: wordEmbedder(), createIndex: (kind, dims, size) => createIndex(kind, dims, size), index: 'int8' });
    await pool.ready();
    return { pool, store };
  }
  const inputs = [
    { title: 'Reproduce the failing test first', content: 'Write a reproduction before fixing.' },
    { title: 'Install missing packages with apt', content: 'Install the tool, rerun the command.' },
    { title: 'Check input limits for complexity', content: 'Pick the algorithm from the limits.' },
    { title: 'Pin the interpreter version', content: 'Reinstall packages after pinning python.' },
  ];

  it('says which storage mode it uses, and retrieves the same top-3 with the same scores after a reopen', async () => {
    refuseBlobs();
    const name = `pool-no-blobs-${Math.random()}`;
    const first = await openPool(name);
    expect(first.pool.settings.storage).toBe('arraybuffer');
    await first.pool.add(inputs);
    const query = 'install the missing apt packages';
    const before = (await first.pool.retrieve(query, { k: 3 })).map((r) => [r.memory.title, r.score]);
    first.store.close();

    const second = await openPool(name);
    expect(await second.pool.count()).toBe(4);
    expect((await second.pool.retrieve(query, { k: 3 })).map((r) => [r.memory.title, r.score])).toEqual(before);
    expect(before[0][0]).toBe('Install missing packages with apt');
    second.store.close();
  });

  it('reports Blob pages where Blobs can be stored', async () => {
    const { pool, store } = await openPool(`pool-blobs-${Math.random()}`);
    expect(pool.settings.storage).toBe('blob');
    expect(pool.settings.kernel).toMatch(/SIMD|plain JS/);
    store.close();
  });
});
