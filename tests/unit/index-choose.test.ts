import { describe, it, expect } from 'vitest';
import { chooseIndex, createIndex, type IndexKind } from '../../src/adapters/index/choose';
import { plantedSet } from '../../src/bench/synthetic';

describe('createIndex', () => {
  it.each(['flat', 'int8', 'voy'] as const)('creates a working %s index', async (kind) => {
    const index = await createIndex(kind, 32);
    expect(index.kind).toBe(kind);
    const { items, cases } = plantedSet(100, 32, 2);
    index.build(items);
    expect(index.search(cases[0].query, 3).map((c) => c.id)).toEqual(cases[0].expected);
  });

  it('auto picks the measured best kind (int8 where wasm SIMD exists, as in Node 20)', async () => {
    expect(chooseIndex(100_000, 512)).toBe('int8');
    expect((await createIndex('auto', 384, 10)).kind).toBe('int8');
  });

  it('names the allowed kinds for an unknown one', async () => {
    await expect(createIndex('hnsw' as IndexKind, 32)).rejects.toThrow(/unknown index kind "hnsw".*auto, flat, int8, voy/);
  });
});
