// The VectorIndex contract every implementation must keep: what the pool relies on when it adds,
// removes, rebuilds and filters. Run against each index (and the plain-JS fallbacks of the SIMD ones).
import { describe, it, expect, beforeAll } from 'vitest';
import type { VectorIndex } from '../../src/adapters/index/types';
import { FlatIndex } from '../../src/adapters/index/flat';
import { Int8Index } from '../../src/adapters/index/int8';
import { createVoyIndex } from '../../src/adapters/index/voy';
import { cosine } from '../../src/core/vectors';
import { mulberry32, plantedSet, syntheticSet, atCosine } from '../../src/bench/synthetic';

const DIMS = 64;

const makers: [string, () => Promise<VectorIndex>][] = [
  ['flat', async () => new FlatIndex(DIMS)],
  ['flat (plain JS)', async () => new FlatIndex(DIMS, { simd: false })],
  ['int8', async () => new Int8Index(DIMS)],
  ['int8 (plain JS)', async () => new Int8Index(DIMS, { simd: false })],
  ['int8 (plain SIMD, no relaxed)', async () => new Int8Index(DIMS, { relaxed: false })],
  ['voy', () => createVoyIndex(DIMS)],
];

function item(id: string, vector: Float32Array) {
  return { id, vector };
}

/** Exact reference: top-k ids by cosine over a plain list. */
function bruteForce(items: Map<string, Float32Array>, q: Float32Array, k: number, accept?: (id: string) => boolean) {
  return [...items]
    .filter(([id]) => !accept || accept(id))
    .map(([id, v]) => ({ id, score: cosine(v, q) }))
    .sort((a, b) => b.score - a.score)
    .slice(0, k)
    .map((c) => c.id);
}

describe.each(makers)('%s index', (_name, make) => {
  let idx: VectorIndex;
  const { items, cases } = plantedSet(300, DIMS, 6);
  beforeAll(async () => {
    idx = await make();
  });

  it('is empty at first and answers an empty search with no candidates', async () => {
    const fresh = await make();
    expect(fresh.size).toBe(0);
    expect(fresh.dims).toBe(DIMS);
    expect(fresh.search(cases[0].query, 3)).toEqual([]);
    expect(fresh.has('bg-0')).toBe(false);
  });

  it('finds the planted top-3, best first, with exact cosine scores', () => {
    idx.build(items);
    expect(idx.size).toBe(items.length);
    const byId = new Map(items.map((it) => [it.id, it.vector]));
    for (const { query, expected } of cases) {
      const got = idx.search(query, 3);
      expect(got.map((c) => c.id)).toEqual(expected);
      for (const c of got) expect(c.score).toBeCloseTo(cosine(byId.get(c.id)!, query), 5);
    }
  });

  it('returns at most size candidates when k is larger than the pool', async () => {
    const small = await make();
    small.build(items.slice(0, 2));
    expect(small.search(cases[0].query, 10)).toHaveLength(2);
    expect(small.search(cases[0].query, 0)).toEqual([]);
  });

  it('add, has, size and remove keep results equal to a brute-force scan', async () => {
    const live = new Map<string, Float32Array>();
    const index = await make();
    const rand = mulberry32(99);
    const { vectors } = syntheticSet({ n: 400, dims: DIMS, queries: 0, seed: 3 });
    // Small batches from empty: the int8 index must widen its ranges as new rows arrive.
    for (let i = 0; i < vectors.length; i += 37) {
      const batch = vectors.slice(i, i + 37).map((v, j) => item(`v${i + j}`, v));
      index.add(batch);
      for (const b of batch) live.set(b.id, b.vector);
    }
    expect(index.size).toBe(400);
    expect(index.has('v17')).toBe(true);
    // Remove from the front, middle and end (swap-with-last must keep every other row findable).
    const gone = ['v0', 'v199', 'v399', 'v57', 'v58', 'not-there'];
    index.remove(gone);
    for (const id of gone) live.delete(id);
    expect(index.size).toBe(395);
    expect(index.has('v199')).toBe(false);
    expect(index.has('v200')).toBe(true);
    for (let t = 0; t < 20; t++) {
      const target = vectors[Math.floor(rand() * vectors.length)];
      const q = atCosine(target, 0.97, rand);
      expect(index.search(q, 3).map((c) => c.id)).toEqual(bruteForce(live, q, 3));
    }
    // A removed vector is never proposed even for a query equal to it.
    expect(index.search(vectors[199], 5).map((c) => c.id)).not.toContain('v199');
  });

  it('add with an existing id replaces that vector instead of duplicating it', async () => {
    const index = await make();
    index.build(items);
    const target = cases[1].query;
    index.add([item('bg-5', target)]);
    expect(index.size).toBe(items.length);
    const got = index.search(target, 4);
    expect(got[0].id).toBe('bg-5');
    expect(got[0].score).toBeCloseTo(1, 5);
    expect(got.filter((c) => c.id === 'bg-5')).toHaveLength(1);
  });

  it('build replaces the whole content', async () => {
    const index = await make();
    index.build(items);
    const other = syntheticSet({ n: 50, dims: DIMS, queries: 1, seed: 11 });
    index.build(other.vectors.map((v, i) => item(`new-${i}`, v)));
    expect(index.size).toBe(50);
    expect(index.has('bg-0')).toBe(false);
    for (const c of index.search(cases[0].query, 10)) expect(c.id).toMatch(/^new-/);
    index.build([]);
    expect(index.size).toBe(0);
    expect(index.search(cases[0].query, 3)).toEqual([]);
  });

  it('accept filters candidates and still fills k from the rest of the pool', () => {
    idx.build(items);
    const { query, expected } = cases[2];
    const noNear = (id: string) => !id.includes('-near');
    const got = idx.search(query, 3, noNear);
    expect(got).toHaveLength(3);
    for (const c of got) expect(noNear(c.id)).toBe(true);
    const live = new Map(items.map((it) => [it.id, it.vector]));
    expect(got.map((c) => c.id)).toEqual(bruteForce(live, query, 3, noNear));
    // Only one acceptable memory in the pool: exactly that one comes back.
    expect(idx.search(query, 3, (id) => id === expected[2]).map((c) => c.id)).toEqual([expected[2]]);
    expect(idx.search(query, 3, () => false)).toEqual([]);
  });

  it('rejects wrong dims with an error naming the item, and keeps its content', () => {
    idx.build(items);
    const bad = [item('ok', new Float32Array(DIMS)), item('short-one', new Float32Array(DIMS - 1))];
    expect(() => idx.add(bad)).toThrow(/"short-one".*63 dims, expected 64/);
    expect(() => idx.build(bad)).toThrow(/"short-one"/);
    expect(idx.has('ok')).toBe(false);
    expect(idx.size).toBe(items.length);
    expect(() => idx.search(new Float32Array(DIMS + 1), 3)).toThrow(/query has 65 dims, expected 64/);
    expect(() => idx.add([{ id: '', vector: new Float32Array(DIMS) }])).toThrow(/non-empty string id/);
    expect(() => idx.add([{ id: 'x', vector: null as unknown as Float32Array }])).toThrow(/must be a Float32Array/);
  });
});
