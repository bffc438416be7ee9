import { describe, expect, it } from 'vitest';
import { openDB } from 'idb';
import { MemoryStore, type StoredMemory } from '../../src/adapters/store';
import { createMemory } from '../../src/core/memory';

function stored(title: string, id?: string): StoredMemory {
  const m = createMemory({ title, content: 'c', id });
  return { ...m, hash: title, embedding: { model: 'm', dims: 2, key: title, vector: new Float32Array([0.6, 0.8]) } };
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
    expect(await store.findByHash('kept across upgrade')).toHaveLength(1);
    await store.saveSnapshot({ kind: 'voy', model: 'm', revision: 1, count: 1, data: '{}' });
    expect((await store.snapshot('voy'))?.count).toBe(1);
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
});
